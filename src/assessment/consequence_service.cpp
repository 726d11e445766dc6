#include "assessment/consequence_service.h"

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "assessment/evidence.h"
#include "assessment/input_store.h"
#include "assessment/template_service.h"

#include "audit/audit.h"
#include "auth/access.h"
#include "core/date.h"
#include "core/json_input.h"
#include "core/text.h"

namespace minsheng::assessment {

namespace json = boost::json;
using auth::Action;

namespace {

constexpr int64_t kMicrosPerDay = 86'400'000'000;

json::value Opt(const std::optional<std::string>& s) { return s ? json::value(*s) : json::value(nullptr); }
json::value OptTime(const std::optional<UtcTime>& t) { return t ? json::value(FormatUtc(*t)) : json::value(nullptr); }
json::value OptInt(const std::optional<int64_t>& v) { return v ? json::value(*v) : json::value(nullptr); }

json::value ParseDetail(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  return ec ? json::value(nullptr) : v;
}

// A list over the caller's assess.read scope: one store query per scope root
// (limit + 1 rows each), merged by id. Roots are minimal (disjoint), so
// nothing is seen twice. Forbidden without assess.read anywhere.
template <typename T, typename Query>
Result<std::pair<std::vector<T>, std::optional<int64_t>>> ListInScope(
    db::Database& db, const auth::Principal& who, const Query& q,
    Result<std::vector<T>> (*fetch)(db::Connection&, const StoreScopeRoot&, const Query&)) {
  MS_TRY(auth::Require(who, Action::kAssessRead));
  MS_ASSIGN_OR_RETURN(auto conn, db.Read());
  Query one = q;
  one.limit = q.limit + 1;
  std::vector<T> all;
  for (const auto& root : auth::ScopeRoots(who, Action::kAssessRead)) {
    MS_ASSIGN_OR_RETURN(auto part, fetch(*conn, StoreScopeRoot{root.exact, root.path}, one));
    for (auto& item : part) all.push_back(std::move(item));
  }
  std::sort(all.begin(), all.end(), [](const T& a, const T& b) { return a.id < b.id; });
  std::optional<int64_t> next;
  if (all.size() > static_cast<size_t>(q.limit)) {
    all.resize(static_cast<size_t>(q.limit));
    next = all.back().id;
  }
  return std::make_pair(std::move(all), next);
}

// A note trimmed of surrounding blanks; blank counts as absent.
std::optional<std::string> Clean(const std::optional<std::string>& note) {
  if (!note) return std::nullopt;
  std::string t = Trim(*note);
  if (t.empty()) return std::nullopt;
  return t;
}

Result<void> CheckNote(const std::string& field, const std::optional<std::string>& note, bool required) {
  std::vector<FieldError> errors;
  if (!note) {
    if (required) errors.push_back({field, "required", "必填", "is required"});
  } else {
    CheckText(field, *note, {.min_len = 1, .max_len = 2000, .multiline = true}, errors);
  }
  if (!errors.empty()) return ValidationError(std::move(errors));
  return Ok();
}

Error StateConflict(std::string_view status) {
  return MakeError(ErrorCode::kConflict, "assess.task.state", "整改任务当前状态（" + std::string(status) + "）不允许此操作",
                   "The rectification task's status (" + std::string(status) + ") does not allow this");
}

Error VersionConflict() {
  return MakeError(ErrorCode::kConflict, "version_conflict", "记录已被他人修改，请刷新后重试",
                   "The record was changed by someone else; reload and try again");
}

audit::Entry Audit(std::string action, std::string type, std::string id, std::optional<int64_t> org,
                   std::optional<std::string> before, std::optional<std::string> after) {
  audit::Entry e;
  e.action = std::move(action);
  e.object_type = std::move(type);
  e.object_id = std::move(id);
  e.org_id = org;
  e.before_json = std::move(before);
  e.after_json = std::move(after);
  return e;
}

json::object TaskFileObject(const EvidenceFile& f) {
  return json::object{{"id", f.id},
                      {"name", f.file_name},
                      {"size", f.size_bytes},
                      {"content_type", f.content_type},
                      {"sha256", f.sha256},
                      {"uploaded_at", FormatUtc(f.uploaded_at)}};
}

json::array TaskFilesArray(const std::vector<EvidenceFile>& files) {
  json::array out;
  for (const auto& f : files) out.push_back(TaskFileObject(f));
  return out;
}

// The instant a task's due date is counted from: finalize, else publish, else now.
UtcTime DecisionInstant(const AssessmentRef& a) {
  if (a.finalized_at) return *a.finalized_at;
  if (a.published_at) return *a.published_at;
  return Now();
}

}  // namespace

Result<ConsequenceSettings> LoadConsequenceSettings(const AssessConsequenceConfig& config) {
  ConsequenceSettings s;
  s.tasks.failed_indicator_share = config.failed_indicator_share;
  s.rectification_days = config.rectification_days;
  s.reminder_interval_days = config.reminder_interval_days;
  s.verify_requires_file = config.verify_requires_file;
  if (config.rules_file.empty()) return s;
  std::ifstream in(config.rules_file, std::ios::binary);
  std::stringstream text;
  if (in) text << in.rdbuf();
  if (!in) {
    return MakeError(ErrorCode::kInvalidArgument, "config.invalid",
                     "无法读取结果运用规则文件 " + config.rules_file,
                     "Cannot read the consequence rules file " + config.rules_file);
  }
  auto rules = ParseConsequenceRules(text.str());
  if (!rules.ok()) {
    Error e = std::move(rules).error();
    e.code = "config.invalid";
    e.zh = "结果运用规则文件 " + config.rules_file + " 有误";
    e.en = "The consequence rules file " + config.rules_file + " is invalid";
    for (const auto& f : e.fields) {
      e.zh += "；" + f.field + "：" + f.zh;
      e.en += "; " + f.field + ": " + f.en;
    }
    return e;
  }
  s.rules = std::move(rules).value();
  return s;
}

TemplateLoader StoredTemplateLoader() {
  return [](db::Connection& c, const AssessmentRef& a) -> Result<std::optional<CompiledTemplate>> {
    MS_ASSIGN_OR_RETURN(TemplateDoc doc, TemplateService::Load(c, a.template_id));
    MS_ASSIGN_OR_RETURN(CompiledTemplate ct, CompiledTemplate::Compile(doc.tmpl, doc.Lookup()));
    return std::optional<CompiledTemplate>(std::move(ct));
  };
}

ConsequenceService::ConsequenceService(db::Database& db, ConsequenceSettings settings, TemplateLoader loader)
    : db_(db), settings_(std::move(settings)), loader_(std::move(loader)) {}

Result<std::optional<CompiledTemplate>> ConsequenceService::LoadTemplate(db::Connection& c, const AssessmentRef& a) {
  if (!loader_) return std::optional<CompiledTemplate>();
  return loader_(c, a);
}

// ---- finalize ------------------------------------------------------------------

Result<void> ConsequenceService::OnFinalize(db::Connection& tx, const AssessmentRef& a,
                                            const std::vector<ObjectResult>& results) {
  MS_ASSIGN_OR_RETURN(auto compiled, LoadTemplate(tx, a));
  const CompiledTemplate* tmpl = compiled ? &*compiled : nullptr;

  // Grades of the previous periods of the same kind (two years running: the
  // previous year's final annual assessment of the same template code).
  std::vector<std::pair<std::string, std::map<int64_t, Grade>>> history;
  Period p = a.period;
  for (int i = 0; i < settings_.rules.HistoryYears(); ++i) {
    p = p.Previous();
    MS_ASSIGN_OR_RETURN(auto grades, ConsequenceStore::FinalGrades(tx, a.template_code, p.ToString()));
    history.emplace_back(p.ToString(), std::move(grades));
  }

  const UtcTime now = Now();
  int64_t actions = 0;
  std::map<int64_t, int64_t> supervisors;  // object → owner org of supervisor rules
  for (const ObjectResult& r : results) {
    std::vector<PriorGrade> previous;
    for (const auto& [period, grades] : history) {
      const auto it = grades.find(r.object_id);
      previous.push_back({period, it == grades.end() ? std::nullopt : std::optional<Grade>(it->second)});
    }
    for (const ProducedAction& pa : EvaluateConsequences(settings_.rules, a.period, tmpl, r, previous)) {
      int64_t owner = a.scope_org_id;
      if (pa.owner == ActionOwner::kSupervisor) {
        auto it = supervisors.find(r.object_id);
        if (it == supervisors.end()) {
          MS_ASSIGN_OR_RETURN(auto sup, ConsequenceStore::Supervisor(tx, r.object_id));
          it = supervisors.emplace(r.object_id, sup.value_or(a.scope_org_id)).first;
        }
        owner = it->second;
      }
      MS_ASSIGN_OR_RETURN(const bool added,
                          ConsequenceStore::InsertAction(
                              tx, {a.id, r.object_id, pa.rule_code, pa.kind, pa.detail_json, owner, now}));
      if (added) ++actions;
    }
  }
  MS_ASSIGN_OR_RETURN(const int tasks, InsertTasks(tx, a, results, tmpl));
  const auth::Caller system{nullptr, "", ""};
  return audit::Write(tx, system,
                      Audit("assess.consequences", "assessment", std::to_string(a.id), a.scope_org_id, std::nullopt,
                            json::serialize(json::object{{"period", a.period.ToString()},
                                                         {"template_code", a.template_code},
                                                         {"actions", actions},
                                                         {"tasks", tasks}})));
}

Result<void> ConsequenceService::GenerateTasks(db::Connection& tx, const AssessmentRef& a,
                                               const std::vector<ObjectResult>& results) {
  MS_ASSIGN_OR_RETURN(auto compiled, LoadTemplate(tx, a));
  MS_ASSIGN_OR_RETURN(const int tasks, InsertTasks(tx, a, results, compiled ? &*compiled : nullptr));
  if (tasks == 0) return Ok();
  const auth::Caller system{nullptr, "", ""};
  return audit::Write(tx, system,
                      Audit("assess.tasks.generate", "assessment", std::to_string(a.id), a.scope_org_id, std::nullopt,
                            json::serialize(json::object{{"period", a.period.ToString()},
                                                         {"template_code", a.template_code},
                                                         {"tasks", tasks}})));
}

Result<int> ConsequenceService::InsertTasks(db::Connection& tx, const AssessmentRef& a,
                                            const std::vector<ObjectResult>& results,
                                            const CompiledTemplate* compiled) {
  const Date due{DateInShanghai(DecisionInstant(a)).days + settings_.rectification_days};
  const UtcTime now = Now();
  int added = 0;
  for (const ObjectResult& r : results) {
    for (const PlannedTask& t : PlanTasks(settings_.tasks, compiled, r)) {
      MS_ASSIGN_OR_RETURN(const bool inserted, ConsequenceStore::InsertTask(
                                                   tx, {a.id, r.object_id, t.source, t.indicator_code, t.title,
                                                        due, now}));
      if (inserted) ++added;
    }
  }
  return added;
}

// ---- actions ---------------------------------------------------------------------

Result<ActionPage> ConsequenceService::ListActions(const auth::Principal& who, const ActionQuery& q) {
  MS_ASSIGN_OR_RETURN(auto page, ListInScope<ConsequenceAction>(db_, who, q, &ConsequenceStore::ListActions));
  return ActionPage{std::move(page.first), page.second};
}

Result<ConsequenceAction> ConsequenceService::SetActionStatus(const auth::Caller& caller, int64_t id,
                                                              const std::string& status,
                                                              const std::optional<std::string>& raw_note) {
  const std::optional<std::string> note = Clean(raw_note);
  if (status != "done" && status != "cancelled") {
    return ValidationError({{"status", "invalid", "状态应为 done（已落实）或 cancelled（已撤销）",
                             "must be done or cancelled"}});
  }
  MS_TRY(CheckNote("note", note, status == "cancelled"));
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(auto before, ConsequenceStore::GetAction(*tx, id));
  if (!before) return NotFoundError("结果运用事项", "Consequence action");
  MS_TRY(auth::RequireOn(*caller.principal, Action::kAssessAdmin, before->object_path, "结果运用事项",
                         "Consequence action"));
  const UtcTime now = Now();
  MS_ASSIGN_OR_RETURN(const bool changed, ConsequenceStore::SetActionStatus(*tx, id, status, note, now));
  if (!changed) {
    return MakeError(ErrorCode::kConflict, "assess.action.closed", "该事项已办结或撤销",
                     "The action is already done or cancelled");
  }
  MS_ASSIGN_OR_RETURN(auto after, ConsequenceStore::GetAction(*tx, id));
  MS_TRY(audit::Write(*tx, caller,
                      {.action = "assess.action.status",
                       .object_type = "assess_action",
                       .object_id = std::to_string(id),
                       .org_id = before->object_id,
                       .before_json = ActionJson(*before),
                       .after_json = ActionJson(*after)}));
  MS_TRY(tx.Commit());
  return std::move(*after);
}

// ---- tasks -------------------------------------------------------------------------

Result<TaskPage> ConsequenceService::ListTasks(const auth::Principal& who, TaskQuery q) {
  if (q.today.days == 0) q.today = TodayInShanghai();
  MS_ASSIGN_OR_RETURN(auto page, ListInScope<RectificationTask>(db_, who, q, &ConsequenceStore::ListTasks));
  return TaskPage{std::move(page.first), page.second, q.today};
}

Result<RectificationTask> ConsequenceService::GetTask(const auth::Principal& who, int64_t id) {
  MS_TRY(auth::Require(who, Action::kAssessRead));
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  MS_ASSIGN_OR_RETURN(auto task, ConsequenceStore::GetTask(*conn, id));
  if (!task) return NotFoundError("整改任务", "Rectification task");
  MS_TRY(auth::RequireOn(who, Action::kAssessRead, task->object_path, "整改任务", "Rectification task"));
  return std::move(*task);
}

Result<RectificationTask> ConsequenceService::Submit(const auth::Caller& caller, int64_t id,
                                                     const TaskSubmission& s) {
  MS_TRY(auth::Require(*caller.principal, Action::kAssessSubmit));
  const std::optional<std::string> evidence = Clean(s.evidence_note);
  MS_TRY(CheckNote("evidence_note", evidence, true));
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(const RectificationTask before, TaskOfUnit(*tx, *caller.principal, id));
  if (s.version && *s.version != before.version) return VersionConflict();
  const UtcTime now = Now();
  MS_ASSIGN_OR_RETURN(const bool changed, ConsequenceStore::SubmitTask(*tx, id, before.version, *evidence,
                                                                       caller.principal->user_id, now));
  if (!changed) return VersionConflict();
  return CommitTaskChange(tx, caller, "assess.task.submit", before);
}

// The task as its unit may still work on it: assess.submit on its object
// (else NotFound) and open or rejected (else Conflict "assess.task.state").
Result<RectificationTask> ConsequenceService::TaskOfUnit(db::Connection& tx, const auth::Principal& who,
                                                         int64_t id) {
  MS_ASSIGN_OR_RETURN(auto task, ConsequenceStore::GetTask(tx, id));
  if (!task) return NotFoundError("整改任务", "Rectification task");
  MS_TRY(auth::RequireOn(who, Action::kAssessSubmit, task->object_path, "整改任务", "Rectification task"));
  if (task->status != "open" && task->status != "rejected") return StateConflict(task->status);
  return std::move(*task);
}

// After a task row changed: reads it back, audits before/after and commits.
Result<RectificationTask> ConsequenceService::CommitTaskChange(db::Tx& tx, const auth::Caller& caller,
                                                               std::string_view action,
                                                               const RectificationTask& before) {
  MS_ASSIGN_OR_RETURN(auto after, ConsequenceStore::GetTask(*tx, before.id));
  if (!after) return NotFoundError("整改任务", "Rectification task");
  const Date today = TodayInShanghai();
  MS_TRY(audit::Write(*tx, caller,
                      {.action = std::string(action),
                       .object_type = "assess_task",
                       .object_id = std::to_string(before.id),
                       .org_id = before.object_id,
                       .before_json = TaskJson(before, today),
                       .after_json = TaskJson(*after, today)}));
  MS_TRY(tx.Commit());
  return std::move(*after);
}

Result<RectificationTask> ConsequenceService::Verify(const auth::Caller& caller, int64_t id, const TaskReview& r) {
  return Review(caller, id, r, true);
}

Result<RectificationTask> ConsequenceService::Reject(const auth::Caller& caller, int64_t id, const TaskReview& r) {
  return Review(caller, id, r, false);
}

Result<RectificationTask> ConsequenceService::Review(const auth::Caller& caller, int64_t id, const TaskReview& r,
                                                     bool verify) {
  MS_TRY(auth::Require(*caller.principal, Action::kAssessReview));
  const std::optional<std::string> note = Clean(r.note);
  MS_TRY(CheckNote(verify ? "note" : "reason", note, !verify));
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(auto before, ConsequenceStore::GetTask(*tx, id));
  if (!before) return NotFoundError("整改任务", "Rectification task");
  MS_TRY(auth::RequireOn(*caller.principal, Action::kAssessReview, before->object_path, "整改任务",
                         "Rectification task"));
  if (before->status != "submitted") return StateConflict(before->status);
  if (before->submitted_by && *before->submitted_by == caller.principal->user_id && !caller.principal->is_system) {
    return MakeError(ErrorCode::kForbidden, "assess.task.own_submission", "不能审核自己提交的整改材料",
                     "You cannot review evidence you submitted yourself");
  }
  if (r.version && *r.version != before->version) return VersionConflict();
  if (verify && settings_.verify_requires_file && before->files.empty()) {
    return ValidationError({{"files", "required", "核验前，单位须为该整改任务上传至少一份证明材料",
                             "At least one evidence file must be attached to the task before it can be verified"}});
  }
  const UtcTime now = Now();
  MS_ASSIGN_OR_RETURN(const bool changed,
                      ConsequenceStore::ReviewTask(*tx, id, before->version, verify ? "verified" : "rejected",
                                                   caller.principal->user_id, now, note));
  if (!changed) return VersionConflict();
  return CommitTaskChange(tx, caller, verify ? "assess.task.verify" : "assess.task.reject", *before);
}

Result<std::vector<RectificationTask>> ConsequenceService::Remind(const auth::Caller& caller, UtcTime now) {
  MS_TRY(auth::Require(*caller.principal, Action::kAssessAdmin));
  const Date today = DateInShanghai(now);
  const UtcTime cutoff{now.micros - settings_.reminder_interval_days * kMicrosPerDay};
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  std::vector<RectificationTask> reminded;
  for (const auto& root : auth::ScopeRoots(*caller.principal, Action::kAssessAdmin)) {
    std::optional<int64_t> after;
    for (;;) {
      TaskQuery q;
      q.overdue = true;
      q.today = today;
      q.reminded_before = cutoff;
      q.after_id = after;
      q.limit = 500;
      MS_ASSIGN_OR_RETURN(auto page, ConsequenceStore::ListTasks(*tx, {root.exact, root.path}, q));
      for (auto& t : page) {
        MS_TRY(ConsequenceStore::MarkReminded(*tx, t.id, now));
        t.reminded_at = now;
        after = t.id;
        reminded.push_back(std::move(t));
      }
      if (page.size() < static_cast<size_t>(q.limit)) break;
    }
  }
  std::sort(reminded.begin(), reminded.end(),
            [](const RectificationTask& a, const RectificationTask& b) { return a.id < b.id; });
  if (!reminded.empty()) {
    json::array ids;
    for (const auto& t : reminded) ids.push_back(t.id);
    MS_TRY(audit::Write(*tx, caller,
                        Audit("assess.task.remind", "assess_task", FormatDate(today), std::nullopt, std::nullopt,
                              json::serialize(json::object{{"tasks", std::move(ids)}, {"today", FormatDate(today)}}))));
  }
  MS_TRY(tx.Commit());
  return reminded;
}

// ---- task evidence files ------------------------------------------------------------

Result<EvidenceFile> ConsequenceService::AddTaskFile(const auth::Caller& caller, int64_t task_id,
                                                     const Upload& upload) {
  MS_TRY(auth::Require(*caller.principal, Action::kAssessSubmit));
  // The task is read in the write transaction, so its status cannot change
  // between the check and the file.
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(const RectificationTask task, TaskOfUnit(*tx, *caller.principal, task_id));
  MS_ASSIGN_OR_RETURN(EvidenceFile f, StoreEvidence(*tx, caller, FileOwner::kTask, task.id, task.object_id, upload,
                                                    settings_.evidence_max_bytes));
  MS_TRY(tx.Commit());
  return f;
}

Result<RectificationTask> ConsequenceService::TaskForFiles(db::Connection& c, const auth::Principal& who,
                                                           int64_t task_id) {
  if (!auth::Can(who, Action::kAssessSubmit) && !auth::Can(who, Action::kAssessReview) &&
      !auth::Can(who, Action::kAssessAdmin)) {
    return ForbiddenError();
  }
  MS_ASSIGN_OR_RETURN(auto task, ConsequenceStore::GetTask(c, task_id));
  if (!task || (!auth::CanOn(who, Action::kAssessSubmit, task->object_path) &&
                !auth::CanOn(who, Action::kAssessReview, task->object_path) &&
                !auth::CanOn(who, Action::kAssessAdmin, task->object_path))) {
    return NotFoundError("整改任务", "Rectification task");
  }
  return std::move(*task);
}

Result<std::vector<EvidenceFile>> ConsequenceService::TaskFiles(const auth::Principal& who, int64_t task_id) {
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  MS_ASSIGN_OR_RETURN(RectificationTask task, TaskForFiles(*conn, who, task_id));
  return std::move(task.files);
}

Result<EvidenceFile> ConsequenceService::TaskFile(const auth::Principal& who, int64_t task_id, int64_t file_id) {
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  MS_TRY(TaskForFiles(*conn, who, task_id));
  auto f = InputStore::GetFile(*conn, file_id);
  if (!f.ok() || f->owner_kind != FileOwner::kTask || f->owner_id != task_id) {
    if (!f.ok() && f.error().kind != ErrorCode::kNotFound) return std::move(f).error();
    return NotFoundError("证明材料", "Evidence file");
  }
  return std::move(f).value();
}

// ---- JSON ---------------------------------------------------------------------------

std::string TaskFileJson(const EvidenceFile& f) { return json::serialize(TaskFileObject(f)); }

std::string ActionJson(const ConsequenceAction& a) {
  return json::serialize(json::object{{"id", a.id},
                                      {"assessment_id", a.assessment_id},
                                      {"period", a.period},
                                      {"template_code", a.template_code},
                                      {"object_id", a.object_id},
                                      {"object_code", a.object_code},
                                      {"object_name", a.object_name},
                                      {"rule_code", a.rule_code},
                                      {"kind", a.kind},
                                      {"detail", ParseDetail(a.detail_json)},
                                      {"owner_org_id", a.owner_org_id},
                                      {"owner_org_name", a.owner_org_name},
                                      {"status", a.status},
                                      {"note", Opt(a.note)},
                                      {"created_at", FormatUtc(a.created_at)},
                                      {"updated_at", FormatUtc(a.updated_at)}});
}

std::string TaskJson(const RectificationTask& t, Date today) {
  return json::serialize(json::object{{"id", t.id},
                                      {"assessment_id", t.assessment_id},
                                      {"period", t.period},
                                      {"template_code", t.template_code},
                                      {"object_id", t.object_id},
                                      {"object_code", t.object_code},
                                      {"object_name", t.object_name},
                                      {"source", t.source},
                                      {"indicator_code", t.indicator_code.empty() ? json::value(nullptr)
                                                                                  : json::value(t.indicator_code)},
                                      {"title", t.title},
                                      {"due_on", FormatDate(t.due_on)},
                                      {"overdue", t.OverdueOn(today)},
                                      {"status", t.status},
                                      {"evidence_note", Opt(t.evidence_note)},
                                      {"submitted_by", OptInt(t.submitted_by)},
                                      {"submitted_by_name", Opt(t.submitted_by_name)},
                                      {"submitted_at", OptTime(t.submitted_at)},
                                      {"reviewed_by", OptInt(t.verified_by)},
                                      {"reviewed_by_name", Opt(t.verified_by_name)},
                                      {"reviewed_at", OptTime(t.verified_at)},
                                      {"review_note", Opt(t.verify_note)},
                                      {"reminded_at", OptTime(t.reminded_at)},
                                      {"created_at", FormatUtc(t.created_at)},
                                      {"version", t.version},
                                      {"files", TaskFilesArray(t.files)}});
}

}  // namespace minsheng::assessment
