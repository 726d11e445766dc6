#include "assessment/input_store.h"

#include "assessment/input_json.h"
#include "assessment/input_sql.h"
#include "core/text.h"

namespace minsheng::assessment {

namespace sql = input_sql;

namespace {

std::optional<double> OptReal(const db::Row& r, int col) {
  return r.IsNull(col) ? std::nullopt : std::optional<double>(r.Real(col));
}
std::optional<UtcTime> OptTime(const db::Row& r, int col) {
  return r.IsNull(col) ? std::nullopt : std::optional<UtcTime>(UtcTime{r.Int(col)});
}

AssessmentHead HeadFromRow(const db::Row& r) {
  AssessmentHead h;
  h.id = r.Int(0);
  h.period = r.Text(1);
  h.period_kind = r.Text(2);
  h.template_id = r.Int(3);
  h.template_code = r.Text(4);
  h.scope_org_id = r.Int(5);
  h.scope_path = r.Text(6);
  h.status = r.Text(7);
  h.self_check_due = OptTime(r, 8);
  h.appeal_until = OptTime(r, 9);
  return h;
}

ObjectRef ObjectFromRow(const db::Row& r) { return {r.Int(0), r.Text(1), r.Text(2), r.Text(3)}; }

Input InputFromRow(const db::Row& r) {
  Input i;
  i.id = r.Int(0);
  i.assessment_id = r.Int(1);
  i.object_id = r.Int(2);
  i.object_code = r.Text(3);
  i.object_name = r.Text(4);
  i.indicator_code = r.Text(5);
  i.role = ParseInputRole(r.Text(6)).value_or(InputRole::kSelf);
  i.value = OptReal(r, 7);
  i.not_applicable = r.Bool(8);
  i.remark = r.OptText(9);
  i.status = ParseInputStatus(r.Text(10)).value_or(InputStatus::kSubmitted);
  i.submitted_by = r.OptInt(11);
  i.submitted_at = UtcTime{r.Int(12)};
  i.reviewed_by = r.OptInt(13);
  i.reviewed_at = OptTime(r, 14);
  i.review_reason = r.OptText(15);
  i.version = r.Int(16);
  i.file_count = r.Int(17);
  return i;
}

EvidenceFile FileFromRow(const db::Row& r) {
  EvidenceFile f;
  f.id = r.Int(0);
  const std::string kind = r.Text(1);
  f.owner_kind = kind == "appeal" ? FileOwner::kAppeal : kind == "task" ? FileOwner::kTask : FileOwner::kInput;
  f.owner_id = r.Int(2);
  f.object_id = r.Int(3);
  f.file_name = r.Text(4);
  f.content_type = r.Text(5);
  f.size_bytes = r.Int(6);
  f.sha256 = r.Text(7);
  f.uploaded_by = r.OptInt(8);
  f.uploaded_at = UtcTime{r.Int(9)};
  return f;
}

Appeal AppealFromRow(const db::Row& r) {
  Appeal a;
  a.id = r.Int(0);
  a.assessment_id = r.Int(1);
  a.object_id = r.Int(2);
  a.object_code = r.Text(3);
  a.object_name = r.Text(4);
  a.indicator_code = r.Text(5);
  a.reason = r.Text(6);
  a.requested_value = OptReal(r, 7);
  a.status = r.Text(8);
  a.filed_by = r.OptInt(9);
  a.filed_at = UtcTime{r.Int(10)};
  a.decided_by = r.OptInt(11);
  a.decided_at = OptTime(r, 12);
  a.decision_reason = r.OptText(13);
  a.decided_value = OptReal(r, 14);
  a.decided_not_applicable = a.status == "accepted" && !a.decided_value;
  a.score_before = OptReal(r, 15);
  a.score_after = OptReal(r, 16);
  a.rank_before = r.OptInt(17);
  a.rank_after = r.OptInt(18);
  a.file_count = r.Int(19);
  return a;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

std::string HexDecode(std::string_view hex) {
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(HexDigit(hex[i]) * 16 + HexDigit(hex[i + 1])));
  }
  return out;
}

Error VersionConflict() {
  return MakeError(ErrorCode::kConflict, "version_conflict", "记录已被他人修改，请刷新后重试",
                   "The record was changed by someone else; reload and try again");
}

}  // namespace

Result<AssessmentHead> InputStore::Head(db::Connection& c, std::string_view period, std::string_view template_code) {
  MS_ASSIGN_OR_RETURN(auto rows, c.Query(sql::kHeadByKey, {period, template_code}));
  if (rows.empty()) return NotFoundError("考核", "Assessment");
  return HeadFromRow(rows[0]);
}

Result<AssessmentHead> InputStore::HeadById(db::Connection& c, int64_t id) {
  MS_ASSIGN_OR_RETURN(auto rows, c.Query(sql::kHeadById, {id}));
  if (rows.empty()) return NotFoundError("考核", "Assessment");
  return HeadFromRow(rows[0]);
}

Result<std::string> InputStore::TemplateDoc(db::Connection& c, int64_t template_id) {
  MS_ASSIGN_OR_RETURN(auto rows, c.Query(sql::kTemplateDoc, {template_id}));
  if (rows.empty()) return NotFoundError("考核模板", "Template");
  return rows[0].Text(0);
}

Result<ObjectRef> InputStore::Object(db::Connection& c, int64_t assessment_id, int64_t object_id) {
  MS_ASSIGN_OR_RETURN(auto rows, c.Query(sql::kObject, {assessment_id, object_id}));
  if (rows.empty()) return NotFoundError("考核对象", "Assessed object");
  return ObjectFromRow(rows[0]);
}

Result<ObjectRef> InputStore::ObjectByCode(db::Connection& c, int64_t assessment_id, std::string_view code) {
  MS_ASSIGN_OR_RETURN(auto rows, c.Query(sql::kObjectByCode, {assessment_id, code}));
  if (rows.empty()) return NotFoundError("考核对象", "Assessed object");
  return ObjectFromRow(rows[0]);
}

Result<std::vector<ObjectRef>> InputStore::Objects(db::Connection& c, int64_t assessment_id) {
  std::vector<ObjectRef> out;
  MS_TRY(c.ForEach(sql::kObjects, {assessment_id}, [&](const db::Row& r) {
    out.push_back(ObjectFromRow(r));
    return true;
  }));
  return out;
}

Result<Input> InputStore::GetInput(db::Connection& c, int64_t id) {
  MS_ASSIGN_OR_RETURN(auto rows, c.Query(sql::kInputById, {id}));
  if (rows.empty()) return NotFoundError("填报值", "Input");
  return InputFromRow(rows[0]);
}

Result<std::optional<Input>> InputStore::FindInput(db::Connection& c, int64_t assessment_id, int64_t object_id,
                                                   std::string_view indicator_code, InputRole role) {
  MS_ASSIGN_OR_RETURN(auto rows,
                      c.Query(sql::kInputByKey, {assessment_id, object_id, indicator_code, InputRoleName(role)}));
  if (rows.empty()) return std::optional<Input>();
  return std::optional<Input>(InputFromRow(rows[0]));
}

Result<std::vector<Input>> InputStore::ListInputs(db::Connection& c, int64_t assessment_id,
                                                  std::optional<int64_t> object_id,
                                                  const std::optional<std::string>& indicator_code) {
  std::vector<Input> out;
  MS_TRY(c.ForEach(sql::kInputList, {assessment_id, object_id, indicator_code}, [&](const db::Row& r) {
    out.push_back(InputFromRow(r));
    return true;
  }));
  return out;
}

Result<int64_t> InputStore::InsertInput(db::Connection& c, int64_t assessment_id, const InputPut& in,
                                        std::optional<int64_t> user_id, UtcTime at) {
  return c.QueryInt(sql::kInputInsert, {assessment_id, in.object_id, in.indicator_code, InputRoleName(in.role),
                                        in.value, in.not_applicable, in.remark, user_id, at.micros});
}

Result<void> InputStore::ResubmitInput(db::Connection& c, int64_t id, int64_t expected_version, const InputPut& in,
                                       std::optional<int64_t> user_id, UtcTime at) {
  MS_ASSIGN_OR_RETURN(const int64_t n, c.Exec(sql::kInputResubmit, {id, expected_version, in.value,
                                                                     in.not_applicable, in.remark, user_id,
                                                                     at.micros}));
  if (n != 1) return VersionConflict();
  return Ok();
}

Result<void> InputStore::ReviewInput(db::Connection& c, int64_t id, int64_t expected_version, InputStatus status,
                                     std::optional<int64_t> user_id, UtcTime at,
                                     const std::optional<std::string>& reason) {
  MS_ASSIGN_OR_RETURN(const int64_t n, c.Exec(sql::kInputReview, {id, expected_version, InputStatusName(status),
                                                                   user_id, at.micros, reason}));
  if (n != 1) return VersionConflict();
  return Ok();
}

Result<int64_t> InputStore::InsertFile(db::Connection& c, const EvidenceFile& f) {
  const bool pg = c.engine() == db::Engine::kPostgres;
  const std::string hex = pg ? HexEncode(f.data) : std::string();
  const std::string_view data = pg ? std::string_view(hex) : std::string_view(f.data);
  return c.QueryInt(sql::kFileInsert, {FileOwnerName(f.owner_kind), f.owner_id, f.object_id, f.file_name,
                                       f.content_type, f.size_bytes, f.sha256, data, f.uploaded_by,
                                       f.uploaded_at.micros});
}

Result<std::vector<EvidenceFile>> InputStore::ListFiles(db::Connection& c, FileOwner owner, int64_t owner_id) {
  std::vector<EvidenceFile> out;
  MS_TRY(c.ForEach(sql::kFileList, {FileOwnerName(owner), owner_id}, [&](const db::Row& r) {
    out.push_back(FileFromRow(r));
    return true;
  }));
  return out;
}

Result<std::vector<EvidenceFile>> InputStore::ListFilesInRange(db::Connection& c, FileOwner owner, int64_t first,
                                                               int64_t last) {
  std::vector<EvidenceFile> out;
  MS_TRY(c.ForEach(sql::kFileListRange, {FileOwnerName(owner), first, last}, [&](const db::Row& r) {
    out.push_back(FileFromRow(r));
    return true;
  }));
  return out;
}

Result<EvidenceFile> InputStore::GetFile(db::Connection& c, int64_t id) {
  MS_ASSIGN_OR_RETURN(auto rows, c.Query(sql::kFileGet, {id}));
  if (rows.empty()) return NotFoundError("证明材料", "Evidence file");
  EvidenceFile f = FileFromRow(rows[0]);
  f.data = c.engine() == db::Engine::kPostgres ? HexDecode(rows[0].Text(10)) : rows[0].Text(10);
  return f;
}

namespace {
// o.id, o.code, o.name, o.path, then the submission's columns (NULL: none).
SelfCheck SelfCheckFromRow(const db::Row& r) {
  SelfCheck s;
  s.object_id = r.Int(0);
  s.object_code = r.Text(1);
  s.object_name = r.Text(2);
  s.status = r.IsNull(4) ? "missing" : r.Text(4);
  s.remarks = r.OptText(5);
  s.submitted_by = r.OptInt(6);
  s.submitted_at = OptTime(r, 7);
  s.late = !r.IsNull(8) && r.Bool(8);
  if (!r.IsNull(9)) s.draft_items = ParseDraftItems(r.Text(9));
  s.draft_saved_by = r.OptInt(10);
  s.draft_saved_at = OptTime(r, 11);
  return s;
}
}  // namespace

Result<std::vector<SelfCheck>> InputStore::ListSelfChecks(db::Connection& c, int64_t assessment_id) {
  std::vector<SelfCheck> out;
  MS_TRY(c.ForEach(sql::kSubmissionList, {assessment_id}, [&](const db::Row& r) {
    out.push_back(SelfCheckFromRow(r));
    return true;
  }));
  return out;
}

Result<std::optional<SelfCheck>> InputStore::GetSelfCheck(db::Connection& c, int64_t assessment_id,
                                                          int64_t object_id) {
  MS_ASSIGN_OR_RETURN(auto rows, c.Query(sql::kSubmissionGet, {assessment_id, object_id}));
  if (rows.empty()) return std::optional<SelfCheck>();
  return std::optional<SelfCheck>(SelfCheckFromRow(rows[0]));
}

Result<void> InputStore::SubmitSelfCheck(db::Connection& c, int64_t assessment_id, int64_t object_id,
                                         const std::optional<std::string>& remarks, std::optional<int64_t> user_id,
                                         UtcTime at, bool late) {
  MS_TRY(c.Exec(sql::kSubmissionUpsert, {assessment_id, object_id, remarks, user_id, at.micros, late}));
  return Ok();
}

Result<bool> InputStore::SaveSelfCheckDraft(db::Connection& c, int64_t assessment_id, const SelfCheckDraft& draft,
                                            std::optional<int64_t> user_id, UtcTime at) {
  MS_ASSIGN_OR_RETURN(const int64_t changed,
                      c.Exec(sql::kSubmissionDraftUpsert, {assessment_id, draft.object_id, draft.remarks,
                                                           DraftItemsJson(draft.items), user_id, at.micros}));
  return changed > 0;
}

Result<InputStore::ExpertUser> InputStore::GetExpertUser(db::Connection& c, int64_t user_id) {
  MS_ASSIGN_OR_RETURN(auto rows, c.Query(sql::kExpertUser, {user_id}));
  if (rows.empty()) return NotFoundError("用户", "User");
  return ExpertUser{rows[0].Int(0), rows[0].Text(1), rows[0].Text(2), rows[0].Int(3) > 0};
}

Result<bool> InputStore::Assign(db::Connection& c, int64_t assessment_id, int64_t expert_user_id, int64_t object_id,
                                std::optional<int64_t> by, UtcTime at) {
  MS_ASSIGN_OR_RETURN(const int64_t n,
                      c.Exec(sql::kExpertAssign, {assessment_id, expert_user_id, object_id, by, at.micros}));
  return n > 0;
}

Result<bool> InputStore::IsAssigned(db::Connection& c, int64_t assessment_id, int64_t expert_user_id,
                                    int64_t object_id) {
  MS_ASSIGN_OR_RETURN(const int64_t n, c.QueryInt(sql::kExpertAssigned, {assessment_id, expert_user_id, object_id}));
  return n > 0;
}

Result<std::vector<InputStore::AssignmentRow>> InputStore::Assignments(db::Connection& c, int64_t assessment_id,
                                                                       std::optional<int64_t> expert_user_id) {
  std::vector<AssignmentRow> out;
  MS_TRY(c.ForEach(sql::kExpertAssignments, {assessment_id, expert_user_id}, [&](const db::Row& r) {
    AssignmentRow row;
    row.a.expert_user_id = r.Int(0);
    row.a.expert_name = r.Text(1);
    row.a.object_id = r.Int(2);
    row.a.object_code = r.Text(3);
    row.a.object_name = r.Text(4);
    row.object_path = r.Text(5);
    row.a.assigned_by = r.OptInt(6);
    row.a.assigned_at = UtcTime{r.Int(7)};
    out.push_back(std::move(row));
    return true;
  }));
  return out;
}

Result<std::vector<ExpertScore>> InputStore::Scores(db::Connection& c, int64_t assessment_id,
                                                    std::optional<int64_t> expert_user_id) {
  std::vector<ExpertScore> out;
  MS_TRY(c.ForEach(sql::kExpertScores, {assessment_id, expert_user_id}, [&](const db::Row& r) {
    out.push_back({r.Int(0), r.Int(1), r.Text(2), r.Real(3), r.OptText(4), UtcTime{r.Int(5)}});
    return true;
  }));
  return out;
}

Result<std::optional<ExpertScore>> InputStore::GetScore(db::Connection& c, int64_t assessment_id,
                                                        int64_t expert_user_id, int64_t object_id,
                                                        std::string_view indicator_code) {
  MS_ASSIGN_OR_RETURN(auto rows,
                      c.Query(sql::kExpertScoreGet, {assessment_id, expert_user_id, object_id, indicator_code}));
  if (rows.empty()) return std::optional<ExpertScore>();
  return std::optional<ExpertScore>(ExpertScore{expert_user_id, object_id, std::string(indicator_code),
                                                rows[0].Real(0), rows[0].OptText(1), UtcTime{}});
}

Result<void> InputStore::UpsertScore(db::Connection& c, int64_t assessment_id, int64_t expert_user_id,
                                     const ExpertScorePut& s, UtcTime at) {
  MS_TRY(c.Exec(sql::kExpertScoreUpsert,
                {assessment_id, expert_user_id, s.object_id, s.indicator_code, s.share, s.comment, at.micros}));
  return Ok();
}

Result<Appeal> InputStore::GetAppeal(db::Connection& c, int64_t id) {
  MS_ASSIGN_OR_RETURN(auto rows, c.Query(sql::kAppealById, {id}));
  if (rows.empty()) return NotFoundError("复核申请", "Appeal");
  return AppealFromRow(rows[0]);
}

Result<std::vector<Appeal>> InputStore::ListAppeals(db::Connection& c, int64_t assessment_id,
                                                    std::optional<int64_t> object_id,
                                                    const std::optional<std::string>& status) {
  std::vector<Appeal> out;
  MS_TRY(c.ForEach(sql::kAppealList, {assessment_id, object_id, status}, [&](const db::Row& r) {
    out.push_back(AppealFromRow(r));
    return true;
  }));
  return out;
}

Result<int64_t> InputStore::InsertAppeal(db::Connection& c, int64_t assessment_id, const NewAppeal& a,
                                         std::optional<int64_t> user_id, UtcTime at) {
  return c.QueryInt(sql::kAppealInsert, {assessment_id, a.object_id, a.indicator_code, a.reason,
                                         a.requested_value, user_id, at.micros});
}

Result<void> InputStore::DecideAppeal(db::Connection& c, const Appeal& d) {
  MS_ASSIGN_OR_RETURN(const int64_t n,
                      c.Exec(sql::kAppealDecide, {d.id, d.status, d.decided_by, d.decided_at ? d.decided_at->micros : 0,
                                                  d.decision_reason, d.decided_value, d.score_before, d.score_after,
                                                  d.rank_before, d.rank_after}));
  if (n != 1) {
    return MakeError(ErrorCode::kConflict, "assess.appeal_decided", "该复核申请已处理", "This appeal has been decided");
  }
  return Ok();
}

Result<void> InputStore::UpsertOverride(db::Connection& c, int64_t assessment_id, int64_t object_id,
                                        std::string_view indicator_code, std::optional<double> value,
                                        bool not_applicable, int64_t appeal_id, std::optional<int64_t> by,
                                        UtcTime at) {
  MS_TRY(c.Exec(sql::kOverrideUpsert,
                {assessment_id, object_id, indicator_code, value, not_applicable, appeal_id, by, at.micros}));
  return Ok();
}

Result<std::optional<InputStore::ResultRow>> InputStore::ResultOf(db::Connection& c, int64_t assessment_id,
                                                                  int64_t object_id) {
  MS_ASSIGN_OR_RETURN(auto rows, c.Query(sql::kResultOf, {assessment_id, object_id}));
  if (rows.empty()) return std::optional<ResultRow>();
  return std::optional<ResultRow>(ResultRow{rows[0].Real(0), rows[0].Int(1)});
}

Result<std::vector<InputStore::TimelinessRow>> InputStore::Timeliness(db::Connection& c, std::string_view first_month,
                                                                      std::string_view last_month, UtcTime now) {
  std::vector<TimelinessRow> out;
  MS_TRY(c.ForEach(sql::kTimeliness, {first_month, last_month, now.micros}, [&](const db::Row& r) {
    out.push_back({r.Int(0), r.Int(1), r.Int(2)});
    return true;
  }));
  return out;
}

Result<std::vector<InputStore::TimelinessRecord>> InputStore::TimelinessRecords(
    db::Connection& c, std::string_view first_month, std::string_view last_month, UtcTime now, int64_t object_id,
    std::optional<int64_t> cursor, int limit) {
  std::vector<TimelinessRecord> out;
  MS_TRY(c.ForEach(sql::kTimelinessRecords, {first_month, last_month, now.micros, object_id, cursor, limit},
                   [&](const db::Row& r) {
                     out.push_back({r.Int(0), r.Text(1), r.Text(2), !r.IsNull(3) && r.Text(3) == "submitted",
                                    r.Bool(4)});
                     return true;
                   }));
  return out;
}

}  // namespace minsheng::assessment
