// InputStore: persistence of the inputs from people — manual values,
// evidence files, self-checks, expert panels, appeals and overrides — plus
// the few reads of the assessment they need (its head, its objects, the
// run's result of one object). SQL lives here and in input_sql.h only.
// Stateless; each call runs on the connection the service supplies (its
// transaction for writes). Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "assessment/input_model.h"
#include "core/result.h"
#include "db/database.h"

namespace minsheng::assessment {

class InputStore {
 public:
  // NotFound ("考核" / "Assessment") when no assessment has this key.
  static Result<AssessmentHead> Head(db::Connection& c, std::string_view period, std::string_view template_code);
  static Result<AssessmentHead> HeadById(db::Connection& c, int64_t id);
  // The stored template document (doc_json) of a template version.
  static Result<std::string> TemplateDoc(db::Connection& c, int64_t template_id);

  // NotFound when the org is not an object of the assessment.
  static Result<ObjectRef> Object(db::Connection& c, int64_t assessment_id, int64_t object_id);
  static Result<ObjectRef> ObjectByCode(db::Connection& c, int64_t assessment_id, std::string_view code);
  static Result<std::vector<ObjectRef>> Objects(db::Connection& c, int64_t assessment_id);

  // ---- manual values
  static Result<Input> GetInput(db::Connection& c, int64_t id);
  static Result<std::optional<Input>> FindInput(db::Connection& c, int64_t assessment_id, int64_t object_id,
                                                std::string_view indicator_code, InputRole role);
  static Result<std::vector<Input>> ListInputs(db::Connection& c, int64_t assessment_id,
                                               std::optional<int64_t> object_id,
                                               const std::optional<std::string>& indicator_code);
  static Result<int64_t> InsertInput(db::Connection& c, int64_t assessment_id, const InputPut& in,
                                     std::optional<int64_t> user_id, UtcTime at);
  // Conflict "version_conflict" when the stored version is not expected_version.
  static Result<void> ResubmitInput(db::Connection& c, int64_t id, int64_t expected_version, const InputPut& in,
                                    std::optional<int64_t> user_id, UtcTime at);
  static Result<void> ReviewInput(db::Connection& c, int64_t id, int64_t expected_version, InputStatus status,
                                  std::optional<int64_t> user_id, UtcTime at, const std::optional<std::string>& reason);

  // ---- evidence files (data is not read by ListFiles)
  static Result<int64_t> InsertFile(db::Connection& c, const EvidenceFile& f);
  static Result<std::vector<EvidenceFile>> ListFiles(db::Connection& c, FileOwner owner, int64_t owner_id);
  // The files of the owners with ids first..last, by owner id then file id.
  static Result<std::vector<EvidenceFile>> ListFilesInRange(db::Connection& c, FileOwner owner, int64_t first,
                                                           int64_t last);
  static Result<EvidenceFile> GetFile(db::Connection& c, int64_t id);

  // ---- self-checks: one row per object of the assessment (missing ones too)
  static Result<std::vector<SelfCheck>> ListSelfChecks(db::Connection& c, int64_t assessment_id);
  // The object's stored row (nullopt: nothing saved or submitted yet); due is not set.
  static Result<std::optional<SelfCheck>> GetSelfCheck(db::Connection& c, int64_t assessment_id, int64_t object_id);
  static Result<void> SubmitSelfCheck(db::Connection& c, int64_t assessment_id, int64_t object_id,
                                      const std::optional<std::string>& remarks, std::optional<int64_t> user_id,
                                      UtcTime at, bool late);
  // Replaces the object's draft; false when the row is already submitted.
  static Result<bool> SaveSelfCheckDraft(db::Connection& c, int64_t assessment_id, const SelfCheckDraft& draft,
                                         std::optional<int64_t> user_id, UtcTime at);

  // ---- experts
  struct ExpertUser {
    int64_t id = 0;
    std::string name;
    std::string org_path;
    bool is_expert = false;
  };
  // NotFound for an unknown or inactive user.
  static Result<ExpertUser> GetExpertUser(db::Connection& c, int64_t user_id);
  // True when the pair was new.
  static Result<bool> Assign(db::Connection& c, int64_t assessment_id, int64_t expert_user_id, int64_t object_id,
                             std::optional<int64_t> by, UtcTime at);
  static Result<bool> IsAssigned(db::Connection& c, int64_t assessment_id, int64_t expert_user_id,
                                 int64_t object_id);
  // With the object's path in ExpertAssignment::object_code's neighbour (paths for scope checks).
  struct AssignmentRow {
    ExpertAssignment a;
    std::string object_path;
  };
  static Result<std::vector<AssignmentRow>> Assignments(db::Connection& c, int64_t assessment_id,
                                                        std::optional<int64_t> expert_user_id);
  static Result<std::vector<ExpertScore>> Scores(db::Connection& c, int64_t assessment_id,
                                                 std::optional<int64_t> expert_user_id);
  static Result<std::optional<ExpertScore>> GetScore(db::Connection& c, int64_t assessment_id,
                                                     int64_t expert_user_id, int64_t object_id,
                                                     std::string_view indicator_code);
  static Result<void> UpsertScore(db::Connection& c, int64_t assessment_id, int64_t expert_user_id,
                                  const ExpertScorePut& s, UtcTime at);

  // ---- appeals and overrides
  static Result<Appeal> GetAppeal(db::Connection& c, int64_t id);
  static Result<std::vector<Appeal>> ListAppeals(db::Connection& c, int64_t assessment_id,
                                                 std::optional<int64_t> object_id,
                                                 const std::optional<std::string>& status);
  static Result<int64_t> InsertAppeal(db::Connection& c, int64_t assessment_id, const NewAppeal& a,
                                      std::optional<int64_t> user_id, UtcTime at);
  // Conflict "assess.appeal_decided" when the appeal is no longer open.
  static Result<void> DecideAppeal(db::Connection& c, const Appeal& decided);
  static Result<void> UpsertOverride(db::Connection& c, int64_t assessment_id, int64_t object_id,
                                     std::string_view indicator_code, std::optional<double> value,
                                     bool not_applicable, int64_t appeal_id, std::optional<int64_t> by, UtcTime at);
  struct ResultRow {
    double rounded = 0;
    int64_t rank = 0;
  };
  // nullopt when the run has not scored the object yet.
  static Result<std::optional<ResultRow>> ResultOf(db::Connection& c, int64_t assessment_id, int64_t object_id);

  // ---- the self-check timeliness metric ($1..$2: month texts; now: deadlines passed)
  struct TimelinessRow {
    int64_t object_id = 0;
    int64_t on_time = 0;
    int64_t due = 0;
  };
  static Result<std::vector<TimelinessRow>> Timeliness(db::Connection& c, std::string_view first_month,
                                                       std::string_view last_month, UtcTime now);
  struct TimelinessRecord {
    int64_t assessment_id = 0;
    std::string period;
    std::string template_code;
    bool submitted = false;
    bool late = false;
  };
  static Result<std::vector<TimelinessRecord>> TimelinessRecords(db::Connection& c, std::string_view first_month,
                                                                 std::string_view last_month, UtcTime now,
                                                                 int64_t object_id, std::optional<int64_t> cursor,
                                                                 int limit);
};

}  // namespace minsheng::assessment
