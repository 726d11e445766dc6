#include "assessment/consequence_store.h"

#include <algorithm>

#include "assessment/consequence.h"
#include "assessment/consequence_sql.h"
#include "assessment/input_store.h"

namespace minsheng::assessment {

namespace {

std::optional<UtcTime> OptTime(const db::Row& r, int col) {
  if (r.IsNull(col)) return std::nullopt;
  return UtcTime{r.Int(col)};
}

Date DayOf(const db::Row& r, int col) { return Date{static_cast<int32_t>(r.Int(col))}; }

ConsequenceAction ActionFromRow(const db::Row& r) {
  ConsequenceAction a;
  a.id = r.Int(0);
  a.assessment_id = r.Int(1);
  a.period = r.Text(2);
  a.template_code = r.Text(3);
  a.object_id = r.Int(4);
  a.object_code = r.Text(5);
  a.object_name = r.Text(6);
  a.object_path = r.Text(7);
  a.rule_code = r.Text(8);
  a.kind = r.Text(9);
  a.detail_json = r.Text(10);
  a.owner_org_id = r.Int(11);
  a.owner_org_name = r.Text(12);
  a.status = r.Text(13);
  a.note = r.OptText(14);
  a.created_at = UtcTime{r.Int(15)};
  a.updated_at = UtcTime{r.Int(16)};
  return a;
}

// Fills the files of the tasks (any order; InputStore owns assess_files):
// one range query over their ids when the ids are dense (a page of a
// region's list), else one query per task (a unit's few tasks far apart), so
// files of other tasks are never scanned in bulk.
Result<void> AttachFiles(db::Connection& c, std::vector<RectificationTask>& tasks) {
  if (tasks.empty()) return Ok();
  int64_t lo = tasks.front().id, hi = tasks.front().id;
  std::map<int64_t, RectificationTask*> by_id;
  for (auto& t : tasks) {
    lo = std::min(lo, t.id);
    hi = std::max(hi, t.id);
    t.files.clear();
    by_id[t.id] = &t;
  }
  const auto keep = [&](int64_t first, int64_t last) -> Result<void> {
    MS_ASSIGN_OR_RETURN(auto files, InputStore::ListFilesInRange(c, FileOwner::kTask, first, last));
    for (auto& f : files) {
      if (auto it = by_id.find(f.owner_id); it != by_id.end()) it->second->files.push_back(std::move(f));
    }
    return Ok();
  };
  constexpr int64_t kDenseSlack = 64;
  if (hi - lo < 4 * static_cast<int64_t>(tasks.size()) + kDenseSlack) return keep(lo, hi);
  for (const auto& entry : by_id) MS_TRY(keep(entry.first, entry.first));
  return Ok();
}

RectificationTask TaskFromRow(const db::Row& r) {
  RectificationTask t;
  t.id = r.Int(0);
  t.assessment_id = r.Int(1);
  t.period = r.Text(2);
  t.template_code = r.Text(3);
  t.object_id = r.Int(4);
  t.object_code = r.Text(5);
  t.object_name = r.Text(6);
  t.object_path = r.Text(7);
  t.source = r.Text(8);
  t.indicator_code = r.Text(9);
  t.title = r.Text(10);
  t.due_on = DayOf(r, 11);
  t.status = r.Text(12);
  t.evidence_note = r.OptText(13);
  t.submitted_by = r.OptInt(14);
  t.submitted_at = OptTime(r, 15);
  t.verified_by = r.OptInt(16);
  t.verified_at = OptTime(r, 17);
  t.verify_note = r.OptText(18);
  t.reminded_at = OptTime(r, 19);
  t.created_at = UtcTime{r.Int(20)};
  t.version = r.Int(21);
  t.submitted_by_name = r.OptText(22);
  t.verified_by_name = r.OptText(23);
  return t;
}

// exact, path, pattern of a scope root.
struct ScopeParams {
  int64_t exact;
  std::string path;
  std::string pattern;
};
ScopeParams Bind(const StoreScopeRoot& s) { return {s.exact ? 1 : 0, s.path, s.path + "%"}; }

}  // namespace

Result<std::map<int64_t, Grade>> ConsequenceStore::FinalGrades(db::Connection& c, std::string_view template_code,
                                                               std::string_view period) {
  std::map<int64_t, Grade> out;
  MS_TRY(c.ForEach(sql::kFinalGrades, {template_code, period}, [&](const db::Row& r) {
    if (auto g = GradeFromName(r.Text(1))) out.emplace(r.Int(0), *g);
    return true;
  }));
  return out;
}

Result<std::optional<int64_t>> ConsequenceStore::Supervisor(db::Connection& c, int64_t org_id) {
  MS_ASSIGN_OR_RETURN(auto rows, c.Query(sql::kSupervisor, {org_id}));
  if (rows.empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(rows[0].Int(0));
}

Result<bool> ConsequenceStore::InsertAction(db::Connection& c, const NewAction& a) {
  MS_ASSIGN_OR_RETURN(const int64_t n, c.Exec(sql::kActionInsert, {a.assessment_id, a.object_id, a.rule_code, a.kind,
                                                                    a.detail_json, a.owner_org_id, a.at.micros}));
  return n > 0;
}

Result<std::optional<ConsequenceAction>> ConsequenceStore::GetAction(db::Connection& c, int64_t id) {
  MS_ASSIGN_OR_RETURN(auto rows, c.Query(sql::kActionGet, {id}));
  if (rows.empty()) return std::optional<ConsequenceAction>();
  return std::optional<ConsequenceAction>(ActionFromRow(rows[0]));
}

Result<std::vector<ConsequenceAction>> ConsequenceStore::ListActions(db::Connection& c, const StoreScopeRoot& scope,
                                                                     const ActionQuery& q) {
  const ScopeParams s = Bind(scope);
  std::vector<ConsequenceAction> out;
  MS_TRY(c.ForEach(sql::kActionList,
                   {q.period, q.template_code, q.object_id, q.status, q.kind, q.assessment_id, s.exact, s.path,
                    s.pattern, q.after_id, static_cast<int64_t>(q.limit)},
                   [&](const db::Row& r) {
                     out.push_back(ActionFromRow(r));
                     return true;
                   }));
  return out;
}

Result<bool> ConsequenceStore::SetActionStatus(db::Connection& c, int64_t id, std::string_view status,
                                               const std::optional<std::string>& note, UtcTime at) {
  MS_ASSIGN_OR_RETURN(const int64_t n, c.Exec(sql::kActionSetStatus, {id, status, note, at.micros}));
  return n > 0;
}

Result<bool> ConsequenceStore::InsertTask(db::Connection& c, const NewTask& t) {
  MS_ASSIGN_OR_RETURN(const int64_t n,
                      c.Exec(sql::kTaskInsert, {t.assessment_id, t.object_id, t.source, t.indicator_code, t.title,
                                                static_cast<int64_t>(t.due_on.days), t.at.micros}));
  return n > 0;
}

Result<std::optional<RectificationTask>> ConsequenceStore::GetTask(db::Connection& c, int64_t id) {
  MS_ASSIGN_OR_RETURN(auto rows, c.Query(sql::kTaskGet, {id}));
  if (rows.empty()) return std::optional<RectificationTask>();
  std::vector<RectificationTask> one{TaskFromRow(rows[0])};
  MS_TRY(AttachFiles(c, one));
  return std::optional<RectificationTask>(std::move(one[0]));
}

Result<std::vector<RectificationTask>> ConsequenceStore::ListTasks(db::Connection& c, const StoreScopeRoot& scope,
                                                                   const TaskQuery& q) {
  const ScopeParams s = Bind(scope);
  std::optional<int64_t> overdue;
  if (q.overdue) overdue = *q.overdue ? 1 : 0;
  std::optional<int64_t> reminded_before;
  if (q.reminded_before) reminded_before = q.reminded_before->micros;
  std::vector<RectificationTask> out;
  MS_TRY(c.ForEach(sql::kTaskList,
                   {q.period, q.template_code, q.object_id, q.status, overdue, static_cast<int64_t>(q.today.days),
                    q.assessment_id, s.exact, s.path, s.pattern, q.after_id, static_cast<int64_t>(q.limit),
                    reminded_before},
                   [&](const db::Row& r) {
                     out.push_back(TaskFromRow(r));
                     return true;
                   }));
  MS_TRY(AttachFiles(c, out));
  return out;
}

Result<bool> ConsequenceStore::SubmitTask(db::Connection& c, int64_t id, int64_t version, const std::string& note,
                                          int64_t user_id, UtcTime at) {
  MS_ASSIGN_OR_RETURN(const int64_t n, c.Exec(sql::kTaskSubmit, {id, version, note, user_id, at.micros}));
  return n > 0;
}

Result<bool> ConsequenceStore::ReviewTask(db::Connection& c, int64_t id, int64_t version, std::string_view status,
                                          int64_t user_id, UtcTime at, const std::optional<std::string>& note) {
  MS_ASSIGN_OR_RETURN(const int64_t n, c.Exec(sql::kTaskReview, {id, version, status, user_id, at.micros, note}));
  return n > 0;
}

Result<void> ConsequenceStore::MarkReminded(db::Connection& c, int64_t id, UtcTime at) {
  MS_TRY(c.Exec(sql::kTaskReminded, {id, at.micros}));
  return Ok();
}

Result<std::vector<ClosureCount>> ConsequenceStore::Closure(db::Connection& c, Date first, Date last) {
  std::vector<ClosureCount> out;
  MS_TRY(c.ForEach(sql::kClosure, {static_cast<int64_t>(first.days), static_cast<int64_t>(last.days)},
                   [&](const db::Row& r) {
                     out.push_back({r.Int(0), r.Int(1), r.Int(2)});
                     return true;
                   }));
  return out;
}

Result<std::vector<ClosureRecord>> ConsequenceStore::ClosureRecords(db::Connection& c, int64_t object_id, Date first,
                                                                    Date last, std::optional<int64_t> after_id,
                                                                    int limit) {
  std::vector<ClosureRecord> out;
  MS_TRY(c.ForEach(sql::kClosureRecords,
                   {object_id, static_cast<int64_t>(first.days), static_cast<int64_t>(last.days), after_id,
                    static_cast<int64_t>(limit)},
                   [&](const db::Row& r) {
                     out.push_back({r.Int(0), r.Text(1), r.Text(2), DayOf(r, 3), OptTime(r, 4), r.Int(5) != 0});
                     return true;
                   }));
  return out;
}

}  // namespace minsheng::assessment
