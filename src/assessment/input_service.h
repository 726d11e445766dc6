// InputService: what people put into an assessment (docs/assessment-inputs.md)
// — manual values with evidence (人工填报, reviewed before they count), the
// monthly self-check (月度自查, late is scored), expert panels (专家评分,
// never on their own unit) and appeals (复核, decided values override every
// source). Every write commits in one transaction with its audit row; a
// change that moves a score (an input accepted or taken back, an expert
// score, an accepted appeal) calls the run's RecomputeObject in that same
// transaction.
//
// Assessments are addressed as in the URLs: {period}/{template_code}.
// Scoping: the object's org path against the caller's assess.* scopes; an
// object outside them is NotFound (404), an action the caller's roles never
// grant is Forbidden (403).
//
// Thread-safe: holds the thread-safe Database; the template cache is guarded
// by its mutex.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "assessment/input_model.h"
#include "assessment/model.h"
#include "auth/model.h"
#include "core/result.h"
#include "db/database.h"

namespace minsheng::assessment {

// The run's recomputation of one object (RunService::RecomputeObject), inside
// the caller's transaction. App::Open wires it; unset → nothing is recomputed.
using RecomputeFn = std::function<Result<void>(db::Connection& tx, int64_t assessment_id, int64_t object_id)>;

struct InputSettings {
  int64_t evidence_max_bytes = 10 * 1024 * 1024;  // config assess.evidence_max_bytes
  double self_supervisor_gap = 0.10;              // config assess.self_supervisor_gap
};

// One row of an import file (docs/assessment-inputs.md).
struct ImportRow {
  std::string object_code;
  std::string indicator_code;
  InputRole role = InputRole::kSelf;
  std::optional<double> value;
  bool not_applicable = false;
  std::optional<std::string> remark;
};

struct ImportFile {
  std::string period;
  std::string template_code;
  std::vector<ImportRow> rows;
  bool accept = false;
};

struct ImportSummary {
  int64_t created = 0;
  int64_t updated = 0;
  int64_t accepted = 0;
};

// The leaf indicators of an assessment's template that people fill in.
struct TemplateInputs {
  std::map<std::string, SourceKind, std::less<>> source;  // indicator code → source
  std::map<std::string, MethodSpec, std::less<>> method;  // the leaf's effective method
  std::vector<std::string> expert_codes;                  // source expert, in template order
  std::vector<ExpertIndicator> expert;                    // the same, with names, points and tiers
};

class InputService {
 public:
  InputService(db::Database& db, InputSettings settings);

  void SetRecompute(RecomputeFn fn) { recompute_ = std::move(fn); }
  const InputSettings& settings() const { return settings_; }

  // ---- manual values --------------------------------------------------------

  // Creates or changes the (object, indicator, role) value. Role self needs
  // assess.submit on the object, supervisor assess.review. Only indicators
  // whose source is manual or survey ("indicator": "not_manual"), only while
  // the assessment is open or in review (409 "assess.not_open"). A change to
  // an existing value needs its version (409 "version_conflict" when stale)
  // and puts it back to submitted. Values per method: tiers 0..1, yesno and
  // veto 0/1, deduction whole counts ≥ 0, others finite numbers.
  Result<Input> PutInput(const auth::Caller& caller, std::string_view period, std::string_view tmpl,
                         const InputPut& put);
  // Accept or reject (reason required on reject) by a holder of assess.review
  // on the object who did not submit it (403 "assess.own_input").
  Result<Input> Review(const auth::Caller& caller, std::string_view period, std::string_view tmpl, int64_t input_id,
                       const InputReview& review);
  // Both roles' values per object × indicator for the objects the caller sees.
  Result<std::vector<InputPair>> ListInputs(const auth::Principal& who, std::string_view period,
                                            std::string_view tmpl, const InputFilter& filter);
  Result<Input> GetInput(const auth::Principal& who, std::string_view period, std::string_view tmpl, int64_t id);

  // ---- evidence files -------------------------------------------------------

  // Who may change the input (or file the appeal) may attach files to it.
  Result<EvidenceFile> AddInputFile(const auth::Caller& caller, std::string_view period, std::string_view tmpl,
                                    int64_t input_id, const Upload& upload);
  Result<std::vector<EvidenceFile>> InputFiles(const auth::Principal& who, std::string_view period,
                                               std::string_view tmpl, int64_t input_id);
  Result<EvidenceFile> AddAppealFile(const auth::Caller& caller, std::string_view period, std::string_view tmpl,
                                     int64_t appeal_id, const Upload& upload);
  Result<std::vector<EvidenceFile>> AppealFiles(const auth::Principal& who, std::string_view period,
                                                std::string_view tmpl, int64_t appeal_id);
  // The file with its bytes, when the caller sees its object.
  Result<EvidenceFile> Download(const auth::Principal& who, std::string_view period, std::string_view tmpl,
                                int64_t file_id);

  // ---- monthly self-check (月度自查) ------------------------------------------

  Result<std::vector<SelfCheck>> SelfChecks(const auth::Principal& who, std::string_view period,
                                            std::string_view tmpl);
  // assess.submit on the object; monthly assessments only; open or review;
  // once (409 "assess.already_submitted"). Late when after self_check_due.
  // Turns the draft into the submission in the same transaction: remarks
  // absent (nullopt) → the draft's; the draft's items that carry a value or
  // N/A and differ from the stored self input are put as self inputs (field
  // errors "items[i].…"; 409 "version_conflict" when the input changed since
  // the draft was saved).
  Result<SelfCheck> SubmitSelfCheck(const auth::Caller& caller, std::string_view period, std::string_view tmpl,
                                    int64_t object_id, const std::optional<std::string>& remarks);
  // Saves (replaces) the object's draft: remarks and manual values not yet
  // submitted. Same rules as the submit; a draft does not count as submitted
  // (the timeliness metric ignores it). Items: manual or survey indicators
  // of the template, each once, values checked as inputs when given. Audited.
  Result<SelfCheck> SaveSelfCheckDraft(const auth::Caller& caller, std::string_view period, std::string_view tmpl,
                                       const SelfCheckDraft& draft);

  // ---- expert panels --------------------------------------------------------

  // assess.admin on every object; the user must hold the expert role; none of
  // the objects may be the expert's own unit, inside it, or contain it
  // (field error object_ids[i] "own_unit"). Returns the expert's assignments.
  Result<std::vector<ExpertAssignment>> AssignExpert(const auth::Caller& caller, std::string_view period,
                                                     std::string_view tmpl, int64_t expert_user_id,
                                                     const std::vector<int64_t>& object_ids);
  // All assignments on objects in the caller's assess.admin / assess.read scope.
  Result<std::vector<ExpertAssignment>> Assignments(const auth::Principal& who, std::string_view period,
                                                    std::string_view tmpl);
  // The calling expert's own assignments with the indicators to score.
  Result<std::vector<ExpertTask>> MyAssignments(const auth::Principal& who, std::string_view period,
                                                std::string_view tmpl);
  // assess.expert and an assignment to the object (else NotFound); the
  // indicator's source must be expert; share 0..1; open or review.
  Result<ExpertScore> PutExpertScore(const auth::Caller& caller, std::string_view period, std::string_view tmpl,
                                     const ExpertScorePut& put);
  // scored ÷ (assigned objects × expert indicators), per expert and per
  // object. assess.admin sees all in scope; an expert sees their own.
  Result<ExpertProgress> Progress(const auth::Principal& who, std::string_view period, std::string_view tmpl);

  // ---- appeals (复核) ---------------------------------------------------------

  // assess.submit on the object; only while published and not later than
  // appeal_until (409 "assess.appeal_closed"); reason required; the
  // indicator must be a leaf of the template.
  Result<Appeal> FileAppeal(const auth::Caller& caller, std::string_view period, std::string_view tmpl,
                            const NewAppeal& appeal);
  Result<std::vector<Appeal>> ListAppeals(const auth::Principal& who, std::string_view period, std::string_view tmpl,
                                          std::optional<int64_t> object_id, const std::optional<std::string>& status);
  // assess.review on the object, not the filer (403 "assess.own_appeal");
  // accept writes the override, recomputes and records score and rank before
  // and after; reject needs a reason.
  Result<Appeal> DecideAppeal(const auth::Caller& caller, std::string_view period, std::string_view tmpl,
                              int64_t appeal_id, const AppealDecision& decision);

  // ---- import (minsheng assess inputs import) -------------------------------

  // All or nothing in one transaction: every row is validated first; the
  // errors come back as one ValidationError with fields "rows[i].field".
  // `accept` (file) needs `reviewer` (a principal with assess.review on the
  // objects, never the submitter): the rows are then accepted as well.
  Result<ImportSummary> Import(const auth::Caller& caller, const ImportFile& file,
                               const auth::Principal* reviewer);

  // The inputs people fill in for a template version (cached; templates in
  // use are frozen).
  Result<std::shared_ptr<const TemplateInputs>> InputsOf(db::Connection& c, int64_t template_id);

 private:
  struct Loaded;
  Result<Loaded> Load(db::Connection& c, std::string_view period, std::string_view tmpl);
  // A self-check write: assess.submit on the object, monthly, open or review,
  // not yet submitted; then read back, audited and committed.
  struct SelfCheckTx;
  Result<SelfCheckTx> OpenSelfCheck(const auth::Caller& caller, std::string_view period, std::string_view tmpl,
                                    int64_t object_id);
  Result<SelfCheck> CommitSelfCheck(SelfCheckTx& s, const auth::Caller& caller, std::string_view action);
  Result<Input> PutInputTx(db::Connection& tx, const auth::Caller& caller, const AssessmentHead& head,
                           const TemplateInputs& inputs, const ObjectRef& object, const InputPut& put);
  Result<Input> ReviewTx(db::Connection& tx, const auth::Caller& caller, const AssessmentHead& head,
                         const Input& current, const InputReview& review);
  Result<void> Recompute(db::Connection& tx, int64_t assessment_id, int64_t object_id);
  Result<EvidenceFile> StoreFile(const auth::Caller& caller, FileOwner owner, int64_t owner_id, int64_t object_id,
                                 const Upload& upload);

  db::Database& db_;
  InputSettings settings_;
  RecomputeFn recompute_;
  std::mutex mutex_;
  std::map<int64_t, std::shared_ptr<const TemplateInputs>> templates_;  // GUARDED_BY(mutex_)
};

// Field errors of one manual value against its method (empty when valid).
std::vector<FieldError> ValidateInputValue(const MethodSpec& method, std::optional<double> value,
                                           bool not_applicable, const std::string& prefix);

}  // namespace minsheng::assessment
