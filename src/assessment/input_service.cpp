#include "assessment/input_service.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <set>

#include "assessment/evidence.h"
#include "assessment/input_json.h"
#include "assessment/input_store.h"
#include "assessment/template.h"
#include "audit/audit.h"
#include "auth/access.h"
#include "core/json_input.h"
#include "core/text.h"

namespace minsheng::assessment {

namespace json = boost::json;
using auth::Action;

// ---- names ------------------------------------------------------------------

std::string_view InputRoleName(InputRole r) { return r == InputRole::kSupervisor ? "supervisor" : "self"; }
std::optional<InputRole> ParseInputRole(std::string_view s) {
  if (s == "self") return InputRole::kSelf;
  if (s == "supervisor") return InputRole::kSupervisor;
  return std::nullopt;
}
std::string_view InputStatusName(InputStatus s) {
  switch (s) {
    case InputStatus::kSubmitted: return "submitted";
    case InputStatus::kAccepted: return "accepted";
    case InputStatus::kRejected: return "rejected";
  }
  return "submitted";
}
std::optional<InputStatus> ParseInputStatus(std::string_view s) {
  if (s == "submitted") return InputStatus::kSubmitted;
  if (s == "accepted") return InputStatus::kAccepted;
  if (s == "rejected") return InputStatus::kRejected;
  return std::nullopt;
}
std::optional<Decision> ParseDecision(std::string_view s) {
  if (s == "accept") return Decision::kAccept;
  if (s == "reject") return Decision::kReject;
  return std::nullopt;
}
std::string_view FileOwnerName(FileOwner o) {
  switch (o) {
    case FileOwner::kInput: return "input";
    case FileOwner::kAppeal: return "appeal";
    case FileOwner::kTask: return "task";
  }
  return "input";
}

// ---- validation -------------------------------------------------------------

std::vector<FieldError> ValidateInputValue(const MethodSpec& method, std::optional<double> value,
                                           bool not_applicable, const std::string& prefix) {
  std::vector<FieldError> errors;
  const std::string field = prefix + "value";
  if (not_applicable) {
    if (value) {
      errors.push_back({field, "conflict", "填写了“不适用”时不能再填写数值",
                        "Give either a value or not_applicable, not both"});
    }
    return errors;
  }
  if (!value) {
    errors.push_back({field, "required", "请填写数值，或标记为不适用", "A value (or not_applicable) is required"});
    return errors;
  }
  const double v = *value;
  if (!std::isfinite(v)) {
    errors.push_back({field, "invalid", "数值无效", "must be a finite number"});
    return errors;
  }
  switch (method.method) {
    case Method::kTiers:
      if (v < 0 || v > 1) errors.push_back({field, "range", "得分比例应在 0 到 1 之间", "a share from 0 to 1"});
      break;
    case Method::kYesNo:
    case Method::kVeto:
      if (v != 0 && v != 1) errors.push_back({field, "yesno", "应为 0（否）或 1（是）", "must be 0 (no) or 1 (yes)"});
      break;
    case Method::kDeduction:
      if (v < 0 || v != std::floor(v) || v > 1e9) {
        errors.push_back({field, "count", "扣分次数应为不小于 0 的整数", "an occurrence count: a whole number ≥ 0"});
      }
      break;
    case Method::kRatio:
    case Method::kLinear:
    case Method::kSteps:
      break;
  }
  return errors;
}

namespace {

constexpr double kGapEpsilon = 1e-12;

bool AnyAssess(const auth::Principal& p) {
  return auth::Can(p, Action::kAssessRead) || auth::Can(p, Action::kAssessSubmit) ||
         auth::Can(p, Action::kAssessReview) || auth::Can(p, Action::kAssessAdmin);
}

// Whether the caller sees the object's inputs, files, self-check and appeals.
bool Sees(const auth::Principal& p, std::string_view path) {
  return auth::CanOn(p, Action::kAssessRead, path) || auth::CanOn(p, Action::kAssessSubmit, path) ||
         auth::CanOn(p, Action::kAssessReview, path) || auth::CanOn(p, Action::kAssessAdmin, path);
}

std::optional<int64_t> UserId(const auth::Principal& p) {
  return p.user_id > 0 ? std::optional<int64_t>(p.user_id) : std::nullopt;
}

Error NotOpen(const AssessmentHead& h) {
  return MakeError(ErrorCode::kConflict, "assess.not_open",
                   "考核状态为 " + h.status + "，只有进行中（open）或审核中（review）的考核可以填报和评分",
                   "The assessment is " + h.status + "; inputs and scores are taken only while it is open or in review");
}

bool Editable(const AssessmentHead& h) { return h.status == "open" || h.status == "review"; }

void CheckRemark(const std::optional<std::string>& text, const std::string& field, size_t max_len,
                 std::vector<FieldError>& errors) {
  if (text) CheckText(field, *text, {.max_len = max_len, .multiline = true}, errors);
}

std::optional<std::string> TrimmedOrNull(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  std::string t = Trim(*s);
  if (t.empty()) return std::nullopt;
  return t;
}

// The checks of one value that need only the template (shared by PUT and import).
std::vector<FieldError> CheckPut(const TemplateInputs& inputs, const InputPut& put, const std::string& prefix) {
  std::vector<FieldError> errors;
  const auto src = inputs.source.find(put.indicator_code);
  if (src == inputs.source.end()) {
    errors.push_back({prefix + "indicator", "unknown_indicator", "该考核模板没有这个指标",
                      "The assessment's template has no such indicator"});
    return errors;
  }
  if (src->second != SourceKind::kManual && src->second != SourceKind::kSurvey) {
    errors.push_back({prefix + "indicator", "not_manual", "该指标的数据来源不是人工填报或问卷，不能手工填报",
                      "This indicator's source is not manual or survey; it cannot be entered by hand"});
    return errors;
  }
  auto more = ValidateInputValue(inputs.method.at(put.indicator_code), put.value, put.not_applicable, prefix);
  errors.insert(errors.end(), more.begin(), more.end());
  CheckRemark(put.remark, prefix + "remark", 2000, errors);
  return errors;
}

Result<void> RequireRole(const auth::Principal& who, InputRole role, const ObjectRef& object) {
  return auth::RequireOn(who, role == InputRole::kSelf ? Action::kAssessSubmit : Action::kAssessReview, object.path,
                         "考核对象", "Assessed object");
}

void AddTemplateLeaves(const std::vector<Node>& nodes, const TemplateDoc& doc, TemplateInputs& out) {
  for (const Node& n : nodes) {
    if (n.indicator_code) {
      const Indicator* ind = doc.FindIndicator(*n.indicator_code);
      if (ind == nullptr) continue;
      const MethodSpec* m = LeafMethod(n, ind);
      out.source[*n.indicator_code] = ind->source;
      out.method[*n.indicator_code] = m != nullptr ? *m : ind->method;
      if (ind->source == SourceKind::kExpert) {
        out.expert_codes.push_back(*n.indicator_code);
        const TierBounds tiers = m != nullptr && m->method == Method::kTiers ? m->tiers : TierBounds{};
        out.expert.push_back({*n.indicator_code, ind->name_zh, ind->name_en, n.code, n.name_zh, n.name_en, n.points,
                              ind->description, tiers.achieved, tiers.partly});
      }
    }
    AddTemplateLeaves(n.children, doc, out);
  }
}

}  // namespace

// ---- the service ------------------------------------------------------------

struct InputService::Loaded {
  AssessmentHead head;
  std::shared_ptr<const TemplateInputs> inputs;
};

InputService::InputService(db::Database& db, InputSettings settings) : db_(db), settings_(settings) {}

Result<std::shared_ptr<const TemplateInputs>> InputService::InputsOf(db::Connection& c, int64_t template_id) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = templates_.find(template_id); it != templates_.end()) return it->second;
  }
  MS_ASSIGN_OR_RETURN(const std::string doc_json, InputStore::TemplateDoc(c, template_id));
  auto parsed = ParseTemplateFile(doc_json, nullptr);
  if (!parsed.ok()) return InternalError("stored template " + std::to_string(template_id) + " does not parse");
  auto inputs = std::make_shared<TemplateInputs>();
  AddTemplateLeaves(parsed->doc.tmpl.roots, parsed->doc, *inputs);
  std::shared_ptr<const TemplateInputs> frozen = inputs;
  std::lock_guard lock(mutex_);
  templates_[template_id] = frozen;
  return frozen;
}

Result<InputService::Loaded> InputService::Load(db::Connection& c, std::string_view period, std::string_view tmpl) {
  MS_ASSIGN_OR_RETURN(AssessmentHead head, InputStore::Head(c, period, tmpl));
  MS_ASSIGN_OR_RETURN(auto inputs, InputsOf(c, head.template_id));
  return Loaded{std::move(head), std::move(inputs)};
}

Result<void> InputService::Recompute(db::Connection& tx, int64_t assessment_id, int64_t object_id) {
  if (!recompute_) return Ok();
  return recompute_(tx, assessment_id, object_id);
}

// ---- manual values ------------------------------------------------------------

Result<Input> InputService::PutInputTx(db::Connection& tx, const auth::Caller& caller, const AssessmentHead& head,
                                       const TemplateInputs& inputs, const ObjectRef& object, const InputPut& raw) {
  const auth::Principal& who = *caller.principal;
  MS_TRY(RequireRole(who, raw.role, object));
  if (!Editable(head)) return NotOpen(head);
  InputPut put = raw;
  put.object_id = object.id;
  put.remark = TrimmedOrNull(put.remark);
  if (auto errors = CheckPut(inputs, put, ""); !errors.empty()) return ValidationError(std::move(errors));

  MS_ASSIGN_OR_RETURN(auto existing, InputStore::FindInput(tx, head.id, object.id, put.indicator_code, put.role));
  const UtcTime now = Now();
  int64_t id = 0;
  std::optional<std::string> before;
  if (existing) {
    if (!put.version) {
      return ValidationError({{"version", "required", "修改已填报的值时须提供 version",
                               "version is required to change an existing value"}});
    }
    before = InputJson(*existing);
    MS_TRY(InputStore::ResubmitInput(tx, existing->id, *put.version, put, UserId(who), now));
    id = existing->id;
  } else {
    MS_ASSIGN_OR_RETURN(id, InputStore::InsertInput(tx, head.id, put, UserId(who), now));
  }
  MS_ASSIGN_OR_RETURN(Input stored, InputStore::GetInput(tx, id));
  MS_TRY(audit::Write(tx, caller, {existing ? "assess.input.change" : "assess.input.create", "assess_input",
                                   std::to_string(id), object.id, before, InputJson(stored)}));
  // An accepted value that changes no longer counts: the score moves.
  if (existing && existing->status == InputStatus::kAccepted) MS_TRY(Recompute(tx, head.id, object.id));
  return stored;
}

Result<Input> InputService::PutInput(const auth::Caller& caller, std::string_view period, std::string_view tmpl,
                                     const InputPut& put) {
  MS_ASSIGN_OR_RETURN(db::Tx tx, db_.Write());
  MS_ASSIGN_OR_RETURN(Loaded l, Load(*tx, period, tmpl));
  auto object = InputStore::Object(*tx, l.head.id, put.object_id);
  if (!object.ok()) {
    if (!auth::Can(*caller.principal, put.role == InputRole::kSelf ? Action::kAssessSubmit : Action::kAssessReview))
      return ForbiddenError();
    return std::move(object).error();
  }
  MS_ASSIGN_OR_RETURN(Input stored, PutInputTx(*tx, caller, l.head, *l.inputs, *object, put));
  MS_TRY(tx.Commit());
  return stored;
}

Result<Input> InputService::ReviewTx(db::Connection& tx, const auth::Caller& caller, const AssessmentHead& head,
                                     const Input& current, const InputReview& review) {
  const auth::Principal& who = *caller.principal;
  MS_ASSIGN_OR_RETURN(const ObjectRef object, InputStore::Object(tx, head.id, current.object_id));
  MS_TRY(auth::RequireOn(who, Action::kAssessReview, object.path, "填报值", "Input"));
  if (current.submitted_by && who.user_id > 0 && *current.submitted_by == who.user_id) {
    return MakeError(ErrorCode::kForbidden, "assess.own_input", "不能审核自己填报的值",
                     "You cannot review a value you submitted yourself");
  }
  if (!Editable(head)) return NotOpen(head);
  const std::optional<std::string> reason = TrimmedOrNull(review.reason);
  std::vector<FieldError> errors;
  if (review.decision == Decision::kReject && !reason) {
    errors.push_back({"reason", "required", "退回时须说明理由", "A reason is required to reject"});
  }
  CheckRemark(reason, "reason", 2000, errors);
  if (!errors.empty()) return ValidationError(std::move(errors));
  const InputStatus status = review.decision == Decision::kAccept ? InputStatus::kAccepted : InputStatus::kRejected;
  MS_TRY(InputStore::ReviewInput(tx, current.id, review.version, status, UserId(who), Now(), reason));
  MS_ASSIGN_OR_RETURN(Input stored, InputStore::GetInput(tx, current.id));
  MS_TRY(audit::Write(tx, caller, {status == InputStatus::kAccepted ? "assess.input.accept" : "assess.input.reject",
                                   "assess_input", std::to_string(current.id), current.object_id,
                                   InputJson(current), InputJson(stored)}));
  if (status == InputStatus::kAccepted || current.status == InputStatus::kAccepted) {
    MS_TRY(Recompute(tx, head.id, current.object_id));
  }
  return stored;
}

Result<Input> InputService::Review(const auth::Caller& caller, std::string_view period, std::string_view tmpl,
                                   int64_t input_id, const InputReview& review) {
  MS_TRY(auth::Require(*caller.principal, Action::kAssessReview));
  MS_ASSIGN_OR_RETURN(db::Tx tx, db_.Write());
  MS_ASSIGN_OR_RETURN(Loaded l, Load(*tx, period, tmpl));
  MS_ASSIGN_OR_RETURN(Input current, InputStore::GetInput(*tx, input_id));
  if (current.assessment_id != l.head.id) return NotFoundError("填报值", "Input");
  MS_ASSIGN_OR_RETURN(Input stored, ReviewTx(*tx, caller, l.head, current, review));
  MS_TRY(tx.Commit());
  return stored;
}

Result<Input> InputService::GetInput(const auth::Principal& who, std::string_view period, std::string_view tmpl,
                                     int64_t id) {
  if (!AnyAssess(who)) return ForbiddenError();
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  MS_ASSIGN_OR_RETURN(const AssessmentHead head, InputStore::Head(*conn, period, tmpl));
  MS_ASSIGN_OR_RETURN(Input in, InputStore::GetInput(*conn, id));
  if (in.assessment_id != head.id) return NotFoundError("填报值", "Input");
  MS_ASSIGN_OR_RETURN(const ObjectRef object, InputStore::Object(*conn, head.id, in.object_id));
  if (!Sees(who, object.path)) return NotFoundError("填报值", "Input");
  return in;
}

Result<std::vector<InputPair>> InputService::ListInputs(const auth::Principal& who, std::string_view period,
                                                        std::string_view tmpl, const InputFilter& filter) {
  if (!AnyAssess(who)) return ForbiddenError();
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  MS_ASSIGN_OR_RETURN(const AssessmentHead head, InputStore::Head(*conn, period, tmpl));
  MS_ASSIGN_OR_RETURN(auto objects, InputStore::Objects(*conn, head.id));
  std::set<int64_t> visible;
  for (const auto& o : objects) {
    if (Sees(who, o.path)) visible.insert(o.id);
  }
  MS_ASSIGN_OR_RETURN(auto rows, InputStore::ListInputs(*conn, head.id, filter.object_id, filter.indicator_code));
  std::vector<InputPair> out;
  for (auto& in : rows) {
    if (!visible.contains(in.object_id)) continue;
    if (out.empty() || out.back().object_id != in.object_id || out.back().indicator_code != in.indicator_code) {
      InputPair p;
      p.object_id = in.object_id;
      p.object_code = in.object_code;
      p.object_name = in.object_name;
      p.indicator_code = in.indicator_code;
      out.push_back(std::move(p));
    }
    (in.role == InputRole::kSelf ? out.back().self : out.back().supervisor) = std::move(in);
  }
  // The status filter keeps pairs where either value has that status.
  if (filter.status) {
    std::erase_if(out, [&](const InputPair& p) {
      return !((p.self && p.self->status == *filter.status) ||
               (p.supervisor && p.supervisor->status == *filter.status));
    });
  }
  for (auto& p : out) {
    if (!p.self || !p.supervisor) continue;
    if (p.self->not_applicable != p.supervisor->not_applicable) {
      p.gap_flag = true;
    } else if (p.self->value && p.supervisor->value) {
      const double a = *p.self->value, b = *p.supervisor->value;
      const double scale = std::max(std::fabs(a), std::fabs(b));
      p.gap = scale == 0 ? 0.0 : std::fabs(a - b) / scale;
      p.gap_flag = *p.gap > settings_.self_supervisor_gap + kGapEpsilon;
    }
  }
  return out;
}

// ---- evidence files -----------------------------------------------------------

Result<EvidenceFile> InputService::StoreFile(const auth::Caller& caller, FileOwner owner, int64_t owner_id,
                                             int64_t object_id, const Upload& upload) {
  MS_ASSIGN_OR_RETURN(db::Tx tx, db_.Write());
  MS_ASSIGN_OR_RETURN(EvidenceFile f, StoreEvidence(*tx, caller, owner, owner_id, object_id, upload,
                                                    settings_.evidence_max_bytes));
  MS_TRY(tx.Commit());
  return f;
}

Result<EvidenceFile> InputService::AddInputFile(const auth::Caller& caller, std::string_view period,
                                                std::string_view tmpl, int64_t input_id, const Upload& upload) {
  const auth::Principal& who = *caller.principal;
  if (!auth::Can(who, Action::kAssessSubmit) && !auth::Can(who, Action::kAssessReview)) return ForbiddenError();
  int64_t object_id = 0;
  {
    MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
    MS_ASSIGN_OR_RETURN(const AssessmentHead head, InputStore::Head(*conn, period, tmpl));
    MS_ASSIGN_OR_RETURN(const Input in, InputStore::GetInput(*conn, input_id));
    if (in.assessment_id != head.id) return NotFoundError("填报值", "Input");
    MS_ASSIGN_OR_RETURN(const ObjectRef object, InputStore::Object(*conn, head.id, in.object_id));
    if (!Sees(who, object.path)) return NotFoundError("填报值", "Input");
    MS_TRY(RequireRole(who, in.role, object));
    if (!Editable(head)) return NotOpen(head);
    object_id = object.id;
  }
  return StoreFile(caller, FileOwner::kInput, input_id, object_id, upload);
}

Result<std::vector<EvidenceFile>> InputService::InputFiles(const auth::Principal& who, std::string_view period,
                                                           std::string_view tmpl, int64_t input_id) {
  MS_TRY(GetInput(who, period, tmpl, input_id));
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  return InputStore::ListFiles(*conn, FileOwner::kInput, input_id);
}

Result<EvidenceFile> InputService::AddAppealFile(const auth::Caller& caller, std::string_view period,
                                                 std::string_view tmpl, int64_t appeal_id, const Upload& upload) {
  const auth::Principal& who = *caller.principal;
  MS_TRY(auth::Require(who, Action::kAssessSubmit));
  int64_t object_id = 0;
  {
    MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
    MS_ASSIGN_OR_RETURN(const AssessmentHead head, InputStore::Head(*conn, period, tmpl));
    MS_ASSIGN_OR_RETURN(const Appeal a, InputStore::GetAppeal(*conn, appeal_id));
    if (a.assessment_id != head.id) return NotFoundError("复核申请", "Appeal");
    MS_ASSIGN_OR_RETURN(const ObjectRef object, InputStore::Object(*conn, head.id, a.object_id));
    MS_TRY(auth::RequireOn(who, Action::kAssessSubmit, object.path, "复核申请", "Appeal"));
    if (a.status != "open") {
      return MakeError(ErrorCode::kConflict, "assess.appeal_decided", "该复核申请已处理，不能再补充材料",
                       "This appeal has been decided; no more evidence can be added");
    }
    object_id = object.id;
  }
  return StoreFile(caller, FileOwner::kAppeal, appeal_id, object_id, upload);
}

Result<std::vector<EvidenceFile>> InputService::AppealFiles(const auth::Principal& who, std::string_view period,
                                                            std::string_view tmpl, int64_t appeal_id) {
  if (!AnyAssess(who)) return ForbiddenError();
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  MS_ASSIGN_OR_RETURN(const AssessmentHead head, InputStore::Head(*conn, period, tmpl));
  MS_ASSIGN_OR_RETURN(const Appeal a, InputStore::GetAppeal(*conn, appeal_id));
  if (a.assessment_id != head.id) return NotFoundError("复核申请", "Appeal");
  MS_ASSIGN_OR_RETURN(const ObjectRef object, InputStore::Object(*conn, head.id, a.object_id));
  if (!Sees(who, object.path)) return NotFoundError("复核申请", "Appeal");
  return InputStore::ListFiles(*conn, FileOwner::kAppeal, appeal_id);
}

Result<EvidenceFile> InputService::Download(const auth::Principal& who, std::string_view period,
                                            std::string_view tmpl, int64_t file_id) {
  if (!AnyAssess(who)) return ForbiddenError();
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  MS_ASSIGN_OR_RETURN(const AssessmentHead head, InputStore::Head(*conn, period, tmpl));
  MS_ASSIGN_OR_RETURN(EvidenceFile f, InputStore::GetFile(*conn, file_id));
  // The owner must belong to this assessment (a file of another period is not here).
  int64_t owner_assessment = 0;
  if (f.owner_kind == FileOwner::kInput) {
    auto in = InputStore::GetInput(*conn, f.owner_id);
    if (in.ok()) owner_assessment = in->assessment_id;
  } else if (f.owner_kind == FileOwner::kAppeal) {
    auto a = InputStore::GetAppeal(*conn, f.owner_id);
    if (a.ok()) owner_assessment = a->assessment_id;
  }
  if (owner_assessment != head.id) return NotFoundError("证明材料", "Evidence file");
  auto object = InputStore::Object(*conn, head.id, f.object_id);
  if (!object.ok() || !Sees(who, object->path)) return NotFoundError("证明材料", "Evidence file");
  return f;
}

// ---- self-checks --------------------------------------------------------------

Result<std::vector<SelfCheck>> InputService::SelfChecks(const auth::Principal& who, std::string_view period,
                                                        std::string_view tmpl) {
  if (!AnyAssess(who)) return ForbiddenError();
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  MS_ASSIGN_OR_RETURN(const AssessmentHead head, InputStore::Head(*conn, period, tmpl));
  MS_ASSIGN_OR_RETURN(auto objects, InputStore::Objects(*conn, head.id));
  std::set<int64_t> visible;
  for (const auto& o : objects) {
    if (Sees(who, o.path)) visible.insert(o.id);
  }
  MS_ASSIGN_OR_RETURN(auto rows, InputStore::ListSelfChecks(*conn, head.id));
  const UtcTime now = Now();
  std::vector<SelfCheck> out;
  for (auto& s : rows) {
    if (!visible.contains(s.object_id)) continue;
    s.due = head.self_check_due;
    if (s.status != "submitted" && head.self_check_due && now > *head.self_check_due) s.late = true;
    out.push_back(std::move(s));
  }
  return out;
}

namespace {

// The checks a self-check write shares (draft or submit), after the scope check.
Result<void> SelfCheckAllowed(const AssessmentHead& head) {
  if (head.period_kind != "month") {
    return MakeError(ErrorCode::kConflict, "assess.not_monthly", "月度自查只用于月度考核",
                     "Self-checks belong to monthly assessments");
  }
  if (!Editable(head)) return NotOpen(head);
  return Ok();
}

Error AlreadySubmitted() {
  return MakeError(ErrorCode::kConflict, "assess.already_submitted", "本月自查已经提交",
                   "This month's self-check has already been submitted");
}

constexpr size_t kMaxDraftItems = 500;

// A draft item as the input it becomes on submit.
InputPut PutOf(const DraftItem& d, int64_t object_id) {
  return InputPut{object_id, d.indicator_code, InputRole::kSelf, d.value, d.not_applicable, d.remark, d.version};
}

bool HasEntry(const DraftItem& d) { return d.value.has_value() || d.not_applicable; }

// Whether the draft item says what the stored input already says.
bool SameAsStored(const DraftItem& d, const Input& in) {
  return d.not_applicable == in.not_applicable && d.value == in.value && d.remark == in.remark;
}

}  // namespace

// A self-check write in progress: its transaction, the assessment, the
// object and what is stored for it (nullopt: nothing yet).
struct InputService::SelfCheckTx {
  db::Tx tx;
  Loaded l;
  ObjectRef object;
  std::optional<SelfCheck> current;
};

Result<InputService::SelfCheckTx> InputService::OpenSelfCheck(const auth::Caller& caller, std::string_view period,
                                                              std::string_view tmpl, int64_t object_id) {
  const auth::Principal& who = *caller.principal;
  MS_TRY(auth::Require(who, Action::kAssessSubmit));
  MS_ASSIGN_OR_RETURN(db::Tx tx, db_.Write());
  MS_ASSIGN_OR_RETURN(Loaded l, Load(*tx, period, tmpl));
  MS_ASSIGN_OR_RETURN(ObjectRef object, InputStore::Object(*tx, l.head.id, object_id));
  MS_TRY(auth::RequireOn(who, Action::kAssessSubmit, object.path, "考核对象", "Assessed object"));
  MS_TRY(SelfCheckAllowed(l.head));
  MS_ASSIGN_OR_RETURN(auto current, InputStore::GetSelfCheck(*tx, l.head.id, object.id));
  if (current && current->status == "submitted") return AlreadySubmitted();
  if (current) current->due = l.head.self_check_due;
  return SelfCheckTx{std::move(tx), std::move(l), std::move(object), std::move(current)};
}

// Reads the row back, audits before and after, commits.
Result<SelfCheck> InputService::CommitSelfCheck(SelfCheckTx& s, const auth::Caller& caller, std::string_view action) {
  MS_ASSIGN_OR_RETURN(auto after, InputStore::GetSelfCheck(*s.tx, s.l.head.id, s.object.id));
  if (!after) return InternalError("self-check not read back");
  after->due = s.l.head.self_check_due;
  MS_TRY(audit::Write(*s.tx, caller, {std::string(action), "assess_submission",
                                      std::to_string(s.l.head.id) + ":" + std::to_string(s.object.id), s.object.id,
                                      s.current ? std::optional(SelfCheckJson(*s.current)) : std::nullopt,
                                      SelfCheckJson(*after)}));
  MS_TRY(s.tx.Commit());
  return std::move(*after);
}

Result<SelfCheck> InputService::SaveSelfCheckDraft(const auth::Caller& caller, std::string_view period,
                                                   std::string_view tmpl, const SelfCheckDraft& raw) {
  MS_ASSIGN_OR_RETURN(SelfCheckTx s, OpenSelfCheck(caller, period, tmpl, raw.object_id));
  SelfCheckDraft draft;
  draft.object_id = s.object.id;
  draft.remarks = TrimmedOrNull(raw.remarks);
  std::vector<FieldError> errors;
  CheckRemark(draft.remarks, "remarks", 4000, errors);
  if (raw.items.size() > kMaxDraftItems) {
    errors.push_back({"items", "too_many", "草稿最多 500 项", "at most 500 items in a draft"});
  }
  std::set<std::string, std::less<>> seen;
  for (size_t i = 0; i < raw.items.size() && i < kMaxDraftItems; ++i) {
    const std::string prefix = "items[" + std::to_string(i) + "].";
    DraftItem d = raw.items[i];
    d.remark = TrimmedOrNull(d.remark);
    if (!seen.insert(d.indicator_code).second) {
      errors.push_back({prefix + "indicator", "duplicate", "同一指标只能出现一次", "each indicator at most once"});
      continue;
    }
    // Not filled in yet (neither a value nor N/A): only the indicator and the remark are checked.
    InputPut put = PutOf(d, s.object.id);
    if (!HasEntry(d)) put.not_applicable = true;
    auto more = CheckPut(*s.l.inputs, put, prefix);
    errors.insert(errors.end(), more.begin(), more.end());
    draft.items.push_back(std::move(d));
  }
  if (!errors.empty()) return ValidationError(std::move(errors));
  MS_ASSIGN_OR_RETURN(const bool saved,
                      InputStore::SaveSelfCheckDraft(*s.tx, s.l.head.id, draft, UserId(*caller.principal), Now()));
  if (!saved) return AlreadySubmitted();
  return CommitSelfCheck(s, caller, "assess.self_check.draft");
}

Result<SelfCheck> InputService::SubmitSelfCheck(const auth::Caller& caller, std::string_view period,
                                                std::string_view tmpl, int64_t object_id,
                                                const std::optional<std::string>& remarks) {
  MS_ASSIGN_OR_RETURN(SelfCheckTx s, OpenSelfCheck(caller, period, tmpl, object_id));
  const AssessmentHead& head = s.l.head;
  // The draft becomes the submission: its remarks unless others are given, its values as self inputs.
  const std::optional<std::string> text =
      TrimmedOrNull(remarks ? remarks : (s.current ? s.current->remarks : std::nullopt));
  std::vector<FieldError> errors;
  CheckRemark(text, "remarks", 4000, errors);
  const std::vector<DraftItem> items = s.current ? s.current->draft_items : std::vector<DraftItem>{};
  for (size_t i = 0; i < items.size(); ++i) {
    if (!HasEntry(items[i])) continue;
    auto more = CheckPut(*s.l.inputs, PutOf(items[i], s.object.id), "items[" + std::to_string(i) + "].");
    errors.insert(errors.end(), more.begin(), more.end());
  }
  if (!errors.empty()) return ValidationError(std::move(errors));
  for (const DraftItem& d : items) {
    if (!HasEntry(d)) continue;
    MS_ASSIGN_OR_RETURN(auto stored,
                        InputStore::FindInput(*s.tx, head.id, s.object.id, d.indicator_code, InputRole::kSelf));
    if (stored && SameAsStored(d, *stored)) continue;
    if (stored ? d.version != stored->version : d.version.has_value()) {
      return MakeError(ErrorCode::kConflict, "version_conflict",
                       "草稿保存后，指标 " + d.indicator_code + " 的填报值已被修改，请刷新后重新保存草稿",
                       "The value of " + d.indicator_code +
                           " changed after the draft was saved; reload and save the draft again");
    }
    MS_TRY(PutInputTx(*s.tx, caller, head, *s.l.inputs, s.object, PutOf(d, s.object.id)));
  }
  const UtcTime now = Now();
  const bool late = head.self_check_due && now > *head.self_check_due;
  MS_TRY(InputStore::SubmitSelfCheck(*s.tx, head.id, s.object.id, text, UserId(*caller.principal), now, late));
  return CommitSelfCheck(s, caller, "assess.self_check.submit");
}

// ---- experts --------------------------------------------------------------------

Result<std::vector<ExpertAssignment>> InputService::AssignExpert(const auth::Caller& caller, std::string_view period,
                                                                 std::string_view tmpl, int64_t expert_user_id,
                                                                 const std::vector<int64_t>& object_ids) {
  const auth::Principal& who = *caller.principal;
  MS_TRY(auth::Require(who, Action::kAssessAdmin));
  MS_ASSIGN_OR_RETURN(db::Tx tx, db_.Write());
  MS_ASSIGN_OR_RETURN(const AssessmentHead head, InputStore::Head(*tx, period, tmpl));
  if (!Editable(head)) return NotOpen(head);
  std::vector<FieldError> errors;
  auto expert = InputStore::GetExpertUser(*tx, expert_user_id);
  if (!expert.ok()) {
    if (expert.error().kind != ErrorCode::kNotFound) return std::move(expert).error();
    errors.push_back({"expert_user_id", "unknown", "没有这个用户（或已停用）", "No such active user"});
  } else if (!expert->is_expert) {
    errors.push_back({"expert_user_id", "not_expert", "该用户没有专家角色", "This user does not hold the expert role"});
  }
  if (object_ids.empty()) {
    errors.push_back({"object_ids", "required", "请至少选择一个考核对象", "Choose at least one assessed object"});
  }
  std::vector<ObjectRef> objects;
  for (size_t i = 0; i < object_ids.size(); ++i) {
    const std::string field = "object_ids[" + std::to_string(i) + "]";
    auto o = InputStore::Object(*tx, head.id, object_ids[i]);
    if (!o.ok() || !auth::CanOn(who, Action::kAssessAdmin, o->path)) {
      if (!o.ok() && o.error().kind != ErrorCode::kNotFound) return std::move(o).error();
      errors.push_back({field, "unknown_object", "不是本考核的考核对象", "Not an object of this assessment"});
      continue;
    }
    // 回避: no expert scores their own unit, a unit inside it, or one that contains it.
    if (expert.ok() && (o->path.starts_with(expert->org_path) || expert->org_path.starts_with(o->path))) {
      errors.push_back({field, "own_unit", "专家不能评本单位（或其上下级单位）",
                        "An expert may not score their own unit, a unit inside it, or one that contains it"});
      continue;
    }
    objects.push_back(*o);
  }
  if (!errors.empty()) return ValidationError(std::move(errors));
  const UtcTime now = Now();
  json::array added;
  for (const auto& o : objects) {
    MS_ASSIGN_OR_RETURN(const bool fresh, InputStore::Assign(*tx, head.id, expert_user_id, o.id, UserId(who), now));
    if (fresh) added.push_back(json::value(o.id));
  }
  MS_TRY(audit::Write(*tx, caller, {"assess.expert.assign", "assess_expert",
                                    std::to_string(head.id) + ":" + std::to_string(expert_user_id), head.scope_org_id,
                                    std::nullopt,
                                    json::serialize(json::object{{"assessment_id", head.id},
                                                                 {"expert_user_id", expert_user_id},
                                                                 {"object_ids", std::move(added)}})}));
  MS_ASSIGN_OR_RETURN(auto rows, InputStore::Assignments(*tx, head.id, expert_user_id));
  MS_TRY(tx.Commit());
  std::vector<ExpertAssignment> out;
  for (auto& r : rows) out.push_back(std::move(r.a));
  return out;
}

Result<std::vector<ExpertAssignment>> InputService::Assignments(const auth::Principal& who, std::string_view period,
                                                                std::string_view tmpl) {
  if (!auth::Can(who, Action::kAssessAdmin) && !auth::Can(who, Action::kAssessRead) &&
      !auth::Can(who, Action::kAssessReview)) {
    return ForbiddenError();
  }
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  MS_ASSIGN_OR_RETURN(const AssessmentHead head, InputStore::Head(*conn, period, tmpl));
  MS_ASSIGN_OR_RETURN(auto rows, InputStore::Assignments(*conn, head.id, std::nullopt));
  std::vector<ExpertAssignment> out;
  for (auto& r : rows) {
    if (auth::CanOn(who, Action::kAssessAdmin, r.object_path) || auth::CanOn(who, Action::kAssessRead, r.object_path) ||
        auth::CanOn(who, Action::kAssessReview, r.object_path)) {
      out.push_back(std::move(r.a));
    }
  }
  return out;
}

Result<std::vector<ExpertTask>> InputService::MyAssignments(const auth::Principal& who, std::string_view period,
                                                            std::string_view tmpl) {
  MS_TRY(auth::Require(who, Action::kAssessExpert));
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  MS_ASSIGN_OR_RETURN(Loaded l, Load(*conn, period, tmpl));
  MS_ASSIGN_OR_RETURN(auto rows, InputStore::Assignments(*conn, l.head.id, who.user_id));
  MS_ASSIGN_OR_RETURN(auto scores, InputStore::Scores(*conn, l.head.id, who.user_id));
  std::vector<ExpertTask> out;
  for (auto& r : rows) {
    ExpertTask t;
    t.assignment = std::move(r.a);
    t.indicators = l.inputs->expert_codes;
    t.details = l.inputs->expert;
    for (const auto& s : scores) {
      if (s.object_id == t.assignment.object_id) t.scores.push_back(s);
    }
    out.push_back(std::move(t));
  }
  return out;
}

Result<ExpertScore> InputService::PutExpertScore(const auth::Caller& caller, std::string_view period,
                                                 std::string_view tmpl, const ExpertScorePut& raw) {
  const auth::Principal& who = *caller.principal;
  MS_TRY(auth::Require(who, Action::kAssessExpert));
  MS_ASSIGN_OR_RETURN(db::Tx tx, db_.Write());
  MS_ASSIGN_OR_RETURN(Loaded l, Load(*tx, period, tmpl));
  MS_ASSIGN_OR_RETURN(const bool assigned, InputStore::IsAssigned(*tx, l.head.id, who.user_id, raw.object_id));
  if (!assigned) return NotFoundError("考核对象", "Assessed object");
  if (!Editable(l.head)) return NotOpen(l.head);
  ExpertScorePut put = raw;
  put.comment = TrimmedOrNull(put.comment);
  std::vector<FieldError> errors;
  const auto src = l.inputs->source.find(put.indicator_code);
  if (src == l.inputs->source.end()) {
    errors.push_back({"indicator", "unknown_indicator", "该考核模板没有这个指标",
                      "The assessment's template has no such indicator"});
  } else if (src->second != SourceKind::kExpert) {
    errors.push_back({"indicator", "not_expert", "该指标不由专家评分", "This indicator is not scored by experts"});
  }
  if (!std::isfinite(put.share) || put.share < 0 || put.share > 1) {
    errors.push_back({"share", "range", "得分比例应在 0 到 1 之间", "a share from 0 to 1"});
  }
  CheckRemark(put.comment, "comment", 2000, errors);
  if (!errors.empty()) return ValidationError(std::move(errors));
  MS_ASSIGN_OR_RETURN(auto before, InputStore::GetScore(*tx, l.head.id, who.user_id, put.object_id, put.indicator_code));
  const UtcTime now = Now();
  MS_TRY(InputStore::UpsertScore(*tx, l.head.id, who.user_id, put, now));
  ExpertScore s{who.user_id, put.object_id, put.indicator_code, put.share, put.comment, now};
  MS_TRY(audit::Write(*tx, caller, {"assess.expert.score", "assess_expert_score",
                                    std::to_string(l.head.id) + ":" + std::to_string(who.user_id) + ":" +
                                        std::to_string(put.object_id) + ":" + put.indicator_code,
                                    put.object_id, before ? std::optional(ExpertScoreJson(*before)) : std::nullopt,
                                    ExpertScoreJson(s)}));
  MS_TRY(Recompute(*tx, l.head.id, put.object_id));
  MS_TRY(tx.Commit());
  return s;
}

Result<ExpertProgress> InputService::Progress(const auth::Principal& who, std::string_view period,
                                              std::string_view tmpl) {
  const bool admin = auth::Can(who, Action::kAssessAdmin);
  if (!admin && !auth::Can(who, Action::kAssessExpert)) return ForbiddenError();
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  MS_ASSIGN_OR_RETURN(Loaded l, Load(*conn, period, tmpl));
  const std::optional<int64_t> only = admin ? std::nullopt : std::optional<int64_t>(who.user_id);
  MS_ASSIGN_OR_RETURN(auto rows, InputStore::Assignments(*conn, l.head.id, only));
  MS_ASSIGN_OR_RETURN(auto scores, InputStore::Scores(*conn, l.head.id, only));
  const std::set<std::string> expert_codes(l.inputs->expert_codes.begin(), l.inputs->expert_codes.end());
  const auto n = static_cast<int64_t>(expert_codes.size());
  std::set<std::pair<int64_t, int64_t>> pairs;  // (expert, object) in the caller's view
  ExpertProgress out;
  out.indicator_count = n;
  using Row = assessment::Progress;
  auto bump = [](std::vector<Row>& v, int64_t id, const std::string& label) -> Row& {
    for (auto& p : v) {
      if (p.id == id) return p;
    }
    v.push_back({id, label, 0, 0, 0});
    return v.back();
  };
  for (const auto& r : rows) {
    if (admin && !auth::CanOn(who, Action::kAssessAdmin, r.object_path)) continue;
    pairs.insert({r.a.expert_user_id, r.a.object_id});
    bump(out.by_expert, r.a.expert_user_id, r.a.expert_name).expected += n;
    bump(out.by_object, r.a.object_id, r.a.object_code + " " + r.a.object_name).expected += n;
  }
  for (const auto& s : scores) {
    if (!pairs.contains({s.expert_user_id, s.object_id}) || !expert_codes.contains(s.indicator_code)) continue;
    bump(out.by_expert, s.expert_user_id, "").scored += 1;
    bump(out.by_object, s.object_id, "").scored += 1;
  }
  for (auto* v : {&out.by_expert, &out.by_object}) {
    for (auto& p : *v) {
      p.ratio = p.expected > 0 ? static_cast<double>(p.scored) / static_cast<double>(p.expected) : 0.0;
    }
  }
  return out;
}

// ---- appeals --------------------------------------------------------------------

Result<Appeal> InputService::FileAppeal(const auth::Caller& caller, std::string_view period, std::string_view tmpl,
                                        const NewAppeal& raw) {
  const auth::Principal& who = *caller.principal;
  MS_TRY(auth::Require(who, Action::kAssessSubmit));
  MS_ASSIGN_OR_RETURN(db::Tx tx, db_.Write());
  MS_ASSIGN_OR_RETURN(Loaded l, Load(*tx, period, tmpl));
  MS_ASSIGN_OR_RETURN(const ObjectRef object, InputStore::Object(*tx, l.head.id, raw.object_id));
  MS_TRY(auth::RequireOn(who, Action::kAssessSubmit, object.path, "考核对象", "Assessed object"));
  const UtcTime now = Now();
  if (l.head.status != "published") {
    return MakeError(ErrorCode::kConflict, "assess.appeal_closed",
                     l.head.status == "final" ? "考核结果已终审，不能再申请复核"
                                              : "考核结果尚未公布，公布后才能申请复核",
                     l.head.status == "final" ? "The assessment is final; appeals are closed"
                                              : "Appeals open when the results are published");
  }
  if (l.head.appeal_until && now > *l.head.appeal_until) {
    return MakeError(ErrorCode::kConflict, "assess.appeal_closed",
                     "复核申请期限已于 " + FormatShanghai(*l.head.appeal_until) + "（北京时间）截止",
                     "The appeal window closed at " + FormatShanghai(*l.head.appeal_until) + " (Beijing time)");
  }
  NewAppeal a = raw;
  a.object_id = object.id;
  a.reason = Trim(a.reason);
  std::vector<FieldError> errors;
  if (!l.inputs->source.contains(a.indicator_code)) {
    errors.push_back({"indicator", "unknown_indicator", "该考核模板没有这个指标",
                      "The assessment's template has no such indicator"});
  }
  if (a.reason.empty()) {
    errors.push_back({"reason", "required", "请说明复核理由", "A reason is required"});
  } else {
    CheckText("reason", a.reason, {.max_len = 2000, .multiline = true}, errors);
  }
  if (a.requested_value && !std::isfinite(*a.requested_value)) {
    errors.push_back({"requested_value", "invalid", "数值无效", "must be a finite number"});
  }
  if (!errors.empty()) return ValidationError(std::move(errors));
  MS_ASSIGN_OR_RETURN(auto open, InputStore::ListAppeals(*tx, l.head.id, object.id, std::string("open")));
  for (const auto& o : open) {
    if (o.indicator_code == a.indicator_code) {
      return MakeError(ErrorCode::kConflict, "assess.appeal_open", "该指标已有待处理的复核申请",
                       "This indicator already has an open appeal");
    }
  }
  MS_ASSIGN_OR_RETURN(const int64_t id, InputStore::InsertAppeal(*tx, l.head.id, a, UserId(who), now));
  MS_ASSIGN_OR_RETURN(Appeal stored, InputStore::GetAppeal(*tx, id));
  MS_TRY(audit::Write(*tx, caller, {"assess.appeal.file", "assess_appeal", std::to_string(id), object.id,
                                    std::nullopt, AppealJson(stored)}));
  MS_TRY(tx.Commit());
  return stored;
}

Result<std::vector<Appeal>> InputService::ListAppeals(const auth::Principal& who, std::string_view period,
                                                      std::string_view tmpl, std::optional<int64_t> object_id,
                                                      const std::optional<std::string>& status) {
  if (!AnyAssess(who)) return ForbiddenError();
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  MS_ASSIGN_OR_RETURN(const AssessmentHead head, InputStore::Head(*conn, period, tmpl));
  MS_ASSIGN_OR_RETURN(auto objects, InputStore::Objects(*conn, head.id));
  std::set<int64_t> visible;
  for (const auto& o : objects) {
    if (Sees(who, o.path)) visible.insert(o.id);
  }
  MS_ASSIGN_OR_RETURN(auto rows, InputStore::ListAppeals(*conn, head.id, object_id, status));
  std::erase_if(rows, [&](const Appeal& a) { return !visible.contains(a.object_id); });
  return rows;
}

Result<Appeal> InputService::DecideAppeal(const auth::Caller& caller, std::string_view period, std::string_view tmpl,
                                          int64_t appeal_id, const AppealDecision& d) {
  const auth::Principal& who = *caller.principal;
  MS_TRY(auth::Require(who, Action::kAssessReview));
  MS_ASSIGN_OR_RETURN(db::Tx tx, db_.Write());
  MS_ASSIGN_OR_RETURN(Loaded l, Load(*tx, period, tmpl));
  MS_ASSIGN_OR_RETURN(const Appeal current, InputStore::GetAppeal(*tx, appeal_id));
  if (current.assessment_id != l.head.id) return NotFoundError("复核申请", "Appeal");
  MS_ASSIGN_OR_RETURN(const ObjectRef object, InputStore::Object(*tx, l.head.id, current.object_id));
  MS_TRY(auth::RequireOn(who, Action::kAssessReview, object.path, "复核申请", "Appeal"));
  if (current.filed_by && who.user_id > 0 && *current.filed_by == who.user_id) {
    return MakeError(ErrorCode::kForbidden, "assess.own_appeal", "不能处理自己提出的复核申请",
                     "You cannot decide an appeal you filed yourself");
  }
  if (current.status != "open") {
    return MakeError(ErrorCode::kConflict, "assess.appeal_decided", "该复核申请已处理", "This appeal has been decided");
  }
  if (l.head.status != "published") {
    return MakeError(ErrorCode::kConflict, "assess.appeal_closed", "考核不在公布期（已终审或未公布），不能处理复核",
                     "The assessment is not in its published state (final or not yet published)");
  }
  Appeal next = current;
  next.decision_reason = TrimmedOrNull(d.reason);
  std::vector<FieldError> errors;
  if (d.decision == Decision::kReject) {
    if (!next.decision_reason) errors.push_back({"reason", "required", "驳回时须说明理由", "A reason is required to reject"});
  } else {
    const auto m = l.inputs->method.find(current.indicator_code);
    if (m != l.inputs->method.end()) {
      auto more = ValidateInputValue(m->second, d.value, d.not_applicable, "");
      errors.insert(errors.end(), more.begin(), more.end());
    }
  }
  CheckRemark(next.decision_reason, "reason", 2000, errors);
  if (!errors.empty()) return ValidationError(std::move(errors));

  const UtcTime now = Now();
  next.status = d.decision == Decision::kAccept ? "accepted" : "rejected";
  next.decided_by = UserId(who);
  next.decided_at = now;
  if (d.decision == Decision::kAccept) {
    next.decided_value = d.not_applicable ? std::nullopt : d.value;
    next.decided_not_applicable = d.not_applicable;
    MS_ASSIGN_OR_RETURN(auto before, InputStore::ResultOf(*tx, l.head.id, object.id));
    MS_TRY(InputStore::UpsertOverride(*tx, l.head.id, object.id, current.indicator_code, next.decided_value,
                                      d.not_applicable, current.id, UserId(who), now));
    MS_TRY(Recompute(*tx, l.head.id, object.id));
    MS_ASSIGN_OR_RETURN(auto after, InputStore::ResultOf(*tx, l.head.id, object.id));
    if (before) {
      next.score_before = before->rounded;
      next.rank_before = before->rank;
    }
    if (after) {
      next.score_after = after->rounded;
      next.rank_after = after->rank;
    }
  }
  MS_TRY(InputStore::DecideAppeal(*tx, next));
  MS_ASSIGN_OR_RETURN(Appeal stored, InputStore::GetAppeal(*tx, appeal_id));
  stored.decided_not_applicable = next.decided_not_applicable;
  MS_TRY(audit::Write(*tx, caller, {d.decision == Decision::kAccept ? "assess.appeal.accept" : "assess.appeal.reject",
                                    "assess_appeal", std::to_string(appeal_id), object.id, AppealJson(current),
                                    AppealJson(stored)}));
  MS_TRY(tx.Commit());
  return stored;
}

// ---- import -------------------------------------------------------------------

Result<ImportSummary> InputService::Import(const auth::Caller& caller, const ImportFile& file,
                                           const auth::Principal* reviewer) {
  MS_ASSIGN_OR_RETURN(db::Tx tx, db_.Write());
  auto loaded = Load(*tx, file.period, file.template_code);
  if (!loaded.ok()) {
    if (loaded.error().kind != ErrorCode::kNotFound) return std::move(loaded).error();
    return ValidationError({{"template", "unknown_assessment", "没有该期间、该模板的考核",
                             "No assessment of this template for this period"}});
  }
  const Loaded& l = *loaded;
  std::vector<FieldError> errors;
  if (file.accept && reviewer == nullptr) {
    errors.push_back({"accept", "reviewer_required", "\"accept\": true 须同时指定审核人（--reviewer）",
                      "\"accept\": true needs a reviewer (--reviewer)"});
  }
  if (!Editable(l.head)) return NotOpen(l.head);
  std::vector<std::optional<ObjectRef>> objects(file.rows.size());
  std::set<std::tuple<int64_t, std::string, InputRole>> seen;
  for (size_t i = 0; i < file.rows.size(); ++i) {
    const ImportRow& row = file.rows[i];
    const std::string prefix = "rows[" + std::to_string(i) + "].";
    auto o = InputStore::ObjectByCode(*tx, l.head.id, row.object_code);
    if (!o.ok()) {
      if (o.error().kind != ErrorCode::kNotFound) return std::move(o).error();
      errors.push_back({prefix + "object", "unknown_object", "不是本考核的考核对象：" + row.object_code,
                        "Not an object of this assessment: " + row.object_code});
    } else {
      objects[i] = *o;
      if (!auth::CanOn(*caller.principal, row.role == InputRole::kSelf ? Action::kAssessSubmit : Action::kAssessReview,
                       o->path)) {
        errors.push_back({prefix + "object", "out_of_scope", "无权为该对象填报", "You may not enter values for it"});
      }
      if (file.accept && reviewer != nullptr && !auth::CanOn(*reviewer, Action::kAssessReview, o->path)) {
        errors.push_back({prefix + "object", "reviewer_out_of_scope", "审核人无权审核该对象",
                          "The reviewer may not review this object"});
      }
      if (!seen.insert({o->id, row.indicator_code, row.role}).second) {
        errors.push_back({prefix + "indicator", "duplicate", "同一对象、指标、角色重复出现",
                          "The same object, indicator and role appear twice"});
      }
    }
    InputPut put{0, row.indicator_code, row.role, row.value, row.not_applicable, TrimmedOrNull(row.remark), {}};
    auto more = CheckPut(*l.inputs, put, prefix);
    errors.insert(errors.end(), more.begin(), more.end());
  }
  if (!errors.empty()) return ValidationError(std::move(errors));

  ImportSummary summary;
  std::optional<auth::Caller> review_caller;
  if (file.accept) review_caller = auth::Caller{reviewer, caller.request_id, caller.source_addr};
  for (size_t i = 0; i < file.rows.size(); ++i) {
    const ImportRow& row = file.rows[i];
    MS_ASSIGN_OR_RETURN(auto existing,
                        InputStore::FindInput(*tx, l.head.id, objects[i]->id, row.indicator_code, row.role));
    InputPut put{objects[i]->id, row.indicator_code, row.role, row.value, row.not_applicable, row.remark, {}};
    if (existing) put.version = existing->version;
    MS_ASSIGN_OR_RETURN(Input stored, PutInputTx(*tx, caller, l.head, *l.inputs, *objects[i], put));
    ++(existing ? summary.updated : summary.created);
    if (review_caller) {
      MS_TRY(ReviewTx(*tx, *review_caller, l.head, stored, {Decision::kAccept, std::nullopt, stored.version}));
      ++summary.accepted;
    }
  }
  MS_TRY(tx.Commit());
  return summary;
}

}  // namespace minsheng::assessment
