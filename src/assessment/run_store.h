// RunStore: persistence of assessments (考核), their objects, the inputs a
// run reads and the results it writes (docs/assessment-design.md). SQL lives
// in run_sql.h and here only. Every call runs on the connection the service
// passes (the caller's transaction for writes). Inputs are read in sets: one
// query per table for all objects of an assessment (or one object).
//
// Stateless; thread-safe (the batch INSERT is built once, under a
// function-local static).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "assessment/model.h"
#include "core/period.h"
#include "core/result.h"
#include "core/time.h"
#include "db/database.h"

namespace minsheng::assessment {

// One assessment: a template version applied to a period over the objects
// under the scope org. Status open → (review) → published → final.
struct Assessment {
  int64_t id = 0;
  Period period;
  int64_t template_id = 0;
  std::string template_code;
  int template_version = 0;
  int64_t scope_org_id = 0;
  std::string scope_path;
  std::string scope_name;
  std::string name;
  std::string status = "open";  // open | review | published | final
  std::optional<UtcTime> self_check_due;
  std::optional<UtcTime> appeal_until;
  std::optional<UtcTime> computed_at;
  std::optional<UtcTime> published_at;
  std::optional<UtcTime> finalized_at;
  std::optional<int64_t> created_by;
  UtcTime created_at;
  int64_t version = 1;
  int64_t object_count = 0;
  int64_t result_count = 0;

  bool published() const { return status == "published" || status == "final"; }
};

// An assessed object with its org and ranking group.
struct AssessObject {
  int64_t object_id = 0;
  std::string group_key;
  std::string code;
  std::string name;
  std::string path;
};

// A candidate org for a new assessment.
struct OrgCandidate {
  int64_t id = 0;
  std::string code;
  std::string name;
  std::optional<std::string> field;
  std::string path;
};

// A stored template version (its document: TemplateService::Load).
struct StoredTemplate {
  int64_t id = 0;
  int version = 0;
  std::string status;
};

// One ranking row as stored, with its org.
struct StoredResult {
  int64_t object_id = 0;
  std::string code;
  std::string name;
  std::string path;
  std::string group_key;
  double total = 0;
  double rounded = 0;
  std::string grade;
  std::string colour;
  bool vetoed = false;
  int rank = 0;
  int group_size = 0;
  std::optional<double> previous_total;
  UtcTime computed_at;
};

// Row visitors for the input tables (streamed, not materialized).
struct MetricRow {
  std::string_view key;
  int64_t object_id = 0;
  std::optional<double> value;
};
struct ManualRow {
  int64_t id = 0;
  int64_t object_id = 0;
  std::string_view indicator_code;
  std::string_view role;  // self | supervisor
  std::optional<double> value;
  bool not_applicable = false;
};
struct ExpertRow {
  int64_t object_id = 0;
  std::string_view indicator_code;
  double share = 0;
};
struct OverrideRow {
  int64_t object_id = 0;
  std::string_view indicator_code;
  std::optional<double> value;
  bool not_applicable = false;
  std::optional<int64_t> appeal_id;
};

// Explain: the people's inputs behind one leaf.
struct ExplainManual {
  int64_t input_id = 0;
  std::string role;  // self | supervisor
  std::optional<double> value;
  bool not_applicable = false;
  std::string remark;
  std::string status;
  std::optional<int64_t> submitted_by;
  std::optional<UtcTime> submitted_at;
  std::optional<int64_t> reviewed_by;
  std::string reviewer;
  std::optional<UtcTime> reviewed_at;
  std::vector<std::pair<int64_t, std::string>> files;  // evidence: id, name
  bool used = false;                                   // the one that counted
};
struct ExplainExpert {
  int64_t expert_user_id = 0;
  std::string name;
  double share = 0;
  std::string comment;
  bool dropped = false;  // left out by the trimmed mean
};
// A result row to write (ObjectResult plus its scores JSON).
struct ResultRow {
  const ObjectResult* result = nullptr;
  std::string scores_json;
};

class RunStore {
 public:
  // ---- assessments ----
  static Result<std::optional<Assessment>> FindByKey(db::Connection& c, std::string_view period,
                                                     std::string_view template_code);
  static Result<std::optional<Assessment>> FindById(db::Connection& c, int64_t id);
  static Result<std::vector<Assessment>> List(db::Connection& c, const std::optional<std::string>& period,
                                              const std::optional<std::string>& template_code,
                                              const std::optional<std::string>& status);
  static Result<int64_t> Insert(db::Connection& c, const Assessment& a);
  static Result<void> SetComputed(db::Connection& c, int64_t id, UtcTime at);
  // Conflict-free transitions; false when the status did not allow it.
  static Result<bool> SetPublished(db::Connection& c, int64_t id, UtcTime at, UtcTime appeal_until);
  static Result<bool> SetFinal(db::Connection& c, int64_t id, UtcTime at);

  // ---- templates ----
  // The version an assessment of this code uses: the newest published one,
  // else the newest draft; nullopt when the code is unknown.
  static Result<std::optional<StoredTemplate>> TemplateInUse(db::Connection& c, std::string_view code);
  static Result<std::optional<StoredTemplate>> TemplateByVersion(db::Connection& c, std::string_view code,
                                                                 int version);

  // ---- objects ----
  // The org with this id, or the root region when id is nullopt (its path, name).
  static Result<std::optional<OrgCandidate>> ScopeOrg(db::Connection& c, std::optional<int64_t> id);
  // Active orgs under scope_path with this level / org_kind ("" = any).
  static Result<std::vector<OrgCandidate>> Candidates(db::Connection& c, const std::string& scope_path,
                                                      std::string_view level, std::string_view org_kind);
  static Result<void> InsertObjects(db::Connection& c, int64_t assessment_id,
                                    const std::vector<std::pair<int64_t, std::string>>& objects);
  static Result<std::vector<AssessObject>> Objects(db::Connection& c, int64_t assessment_id);
  static Result<std::optional<AssessObject>> Object(db::Connection& c, int64_t assessment_id, int64_t object_id);
  static Result<std::vector<int64_t>> ExpertObjects(db::Connection& c, int64_t assessment_id, int64_t user_id);

  // ---- inputs: object nullopt = every object of the assessment ----
  // With an object: only `keys` (key lookups); without: every key of the period.
  static Result<void> ForEachMetric(db::Connection& c, int64_t assessment_id, const std::string& period,
                                    std::optional<int64_t> object, const std::vector<std::string>& keys,
                                    const std::function<void(const MetricRow&)>& fn);
  static Result<void> ForEachManual(db::Connection& c, int64_t assessment_id, std::optional<int64_t> object,
                                    const std::function<void(const ManualRow&)>& fn);
  static Result<void> ForEachExpert(db::Connection& c, int64_t assessment_id, std::optional<int64_t> object,
                                    const std::function<void(const ExpertRow&)>& fn);
  static Result<void> ForEachOverride(db::Connection& c, int64_t assessment_id, std::optional<int64_t> object,
                                      const std::function<void(const OverrideRow&)>& fn);
  // object_id → total of the same template code's assessment of `period`.
  static Result<std::vector<std::pair<int64_t, double>>> PreviousTotals(db::Connection& c, const std::string& period,
                                                                        std::string_view template_code,
                                                                        std::optional<int64_t> object);

  // ---- results ----
  // Deletes the assessment's results and writes rows with multi-row INSERTs.
  static Result<void> ReplaceResults(db::Connection& c, int64_t assessment_id, const std::vector<ResultRow>& rows,
                                     UtcTime computed_at);
  static Result<void> UpdateResult(db::Connection& c, int64_t assessment_id, const ResultRow& row, UtcTime at);
  // object_id, rounded, vetoed, rank of one group.
  struct GroupMember {
    int64_t object_id = 0;
    double rounded = 0;
    bool vetoed = false;
    int rank = 0;
  };
  static Result<std::vector<GroupMember>> Group(db::Connection& c, int64_t assessment_id, const std::string& group);
  static Result<void> SetRank(db::Connection& c, int64_t assessment_id, int64_t object_id, int rank, int group_size);
  static Result<std::vector<StoredResult>> Ranking(db::Connection& c, int64_t assessment_id);
  // scores_json of one object (nullopt when not computed) and its stored row.
  static Result<std::optional<std::pair<StoredResult, std::string>>> OneResult(db::Connection& c,
                                                                                int64_t assessment_id,
                                                                                int64_t object_id);
  static Result<void> ForEachScores(db::Connection& c, int64_t assessment_id,
                                    const std::function<void(int64_t object_id, std::string_view json)>& fn);

  // ---- explain ----
  struct MetricDetail {
    std::optional<double> value;
    double numerator = 0;
    double denominator = 0;
    UtcTime computed_at;
  };
  static Result<std::optional<MetricDetail>> MetricValue(db::Connection& c, const std::string& period,
                                                        const std::string& key, int64_t object_id);
  // Both roles' inputs (any status) with reviewer and evidence files.
  static Result<std::vector<ExplainManual>> ManualDetail(db::Connection& c, int64_t assessment_id, int64_t object_id,
                                                         const std::string& indicator_code);
  static Result<std::vector<ExplainExpert>> ExpertDetail(db::Connection& c, int64_t assessment_id, int64_t object_id,
                                                         const std::string& indicator_code);
  // The appeal id of the override (nullopt inside when it has none).
  static Result<std::optional<std::optional<int64_t>>> OverrideAppeal(db::Connection& c, int64_t assessment_id,
                                                                      int64_t object_id,
                                                                      const std::string& indicator_code);

  // ---- bulletins ----
  static Result<void> SaveBulletin(db::Connection& c, int64_t assessment_id, const std::string& body,
                                   std::optional<int64_t> by, UtcTime at);
  static Result<std::optional<std::string>> Bulletin(db::Connection& c, int64_t assessment_id);
};

}  // namespace minsheng::assessment
