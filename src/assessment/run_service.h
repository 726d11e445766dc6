// RunService: assessments (考核) and their runs — create an assessment over
// the objects of a scope, run it (metrics → inputs → scores → ranks, in one
// transaction), read the ranking, explain one object's score down to its
// records, publish (with the bulletin 通报), finalize (with the consequences
// hook), what-if a draft template. docs/assessment-design.md is the contract.
//
// Input resolution per leaf, highest first: assess_overrides (a decided
// appeal); the accepted supervisor input; the accepted self input; expert
// scores (aggregated: mean or trimmed mean); metric_values (value NULL → not
// applicable); else missing — a missing leaf scores 0 of its points (it is
// NOT left out as not applicable). A manual or override not_applicable makes
// the leaf N/A.
//
// scores_json (assess_results): a compact array, one element per node in
// CompiledTemplate::nodes() order:
//   [code, score, max, applicable 0|1, value|null, source, ref, tier, veto 0|1, [flags]]
// source: metric | manual | expert | override | missing; ref: the metric key,
// the input id, "experts:N" or the appeal id; flags: "role:self",
// "role:supervisor", "self_supervisor_gap", "missing", "trimmed".
//
// Authorization: Create / Run / Publish / Finalize need assess.admin on the
// scope org. Results before publish: only objects in the caller's
// assess.read scope; after publish: every assess.read holder whose scope
// overlaps the assessment's sees the whole ranking, node detail and explain
// only for objects in scope. assess.expert holders see their assigned
// objects. Out of scope = NotFound.
//
// Thread-safe: holds the thread-safe Database and a mutex-guarded cache of
// compiled template versions.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "assessment/model.h"
#include "assessment/run_store.h"
#include "assessment/scoring.h"
#include "assessment/template.h"
#include "auth/model.h"
#include "core/period.h"
#include "core/result.h"
#include "db/database.h"
#include "metric/registry.h"

namespace minsheng::assessment {

enum class ExpertAggregation { kMean, kTrimmedMean };  // trimmed: without highest and lowest when >= 3

// Settings of runs (Config: assess.self_supervisor_gap, assess.expert_aggregation, assess.appeal_days).
struct RunSettings {
  double self_supervisor_gap = 0.10;  // |self − supervisor| / max(|self|, |supervisor|) above → flagged
  ExpertAggregation expert_aggregation = ExpertAggregation::kMean;
  int appeal_days = 10;  // 复核 window after publish
  int score_threads = 2;  // a run scores its objects on this many threads (results identical for any count)
};

// One row of a ranking (排名).
struct RankingRow {
  int64_t object_id = 0;
  std::string code;
  std::string name;
  std::string group_key;
  double total = 0;    // full precision
  double rounded = 0;  // half up, 2 dp
  Grade grade = Grade::kPoor;
  Colour colour = Colour::kRed;
  bool vetoed = false;
  int rank = 0;
  int group_size = 0;
  std::optional<double> previous_total;
  std::optional<double> change;  // rounded − previous rounded
  bool detail = false;           // the caller may see node detail and explain
};

struct ResultsFilter {
  std::optional<std::string> group;
  std::optional<Colour> colour;
  std::optional<Grade> grade;
};

struct Ranking {
  Assessment assessment;
  std::vector<RankingRow> rows;
};

// Explain (为什么是这个分): one node of the contribution tree.
struct ExplainNode {
  std::string code;
  std::string name_zh;
  std::string name_en;
  int level = 1;
  double points = 0;
  double max = 0;  // applicable points
  double score = 0;
  std::optional<double> share;  // score / max
  bool applicable = true;
  // Leaves:
  std::optional<std::string> indicator_code;
  std::string method_json;  // the effective method and its parameters
  std::optional<double> value;
  std::string source;  // metric | manual | expert | override | missing
  std::string ref;
  std::string tier;
  bool veto = false;
  std::vector<std::string> flags;
  // source metric:
  std::optional<std::string> metric_key;
  std::optional<double> numerator;
  std::optional<double> denominator;
  std::string records_url;  // GET /api/v1/metrics/{key}/records?period=&object=
  std::vector<metric::RecordRef> records;  // the first 20
  std::optional<int64_t> records_next_cursor;
  // source manual (both roles when present), expert, override:
  std::vector<ExplainManual> manual;
  std::vector<ExplainExpert> experts;
  std::string aggregation;  // mean | trimmed_mean
  std::optional<int64_t> appeal_id;
  std::vector<ExplainNode> children;
};
struct Explanation {
  Assessment assessment;
  RankingRow result;
  double total_points = 100;
  std::vector<ExplainNode> nodes;  // the roots (or the one node asked for)
  std::string note_zh;
  std::string note_en;
};

// What-if (模拟): the same inputs scored by a draft template.
struct WhatIfRow {
  int64_t object_id = 0;
  std::string code;
  std::string name;
  std::string group_key;
  std::optional<RankingRow> current;  // nullopt when the assessment was not run
  double total = 0;
  double rounded = 0;
  Grade grade = Grade::kPoor;
  Colour colour = Colour::kRed;
  int rank = 0;
  int group_size = 0;
  std::optional<double> total_change;  // draft rounded − current rounded
  std::optional<int> rank_change;      // current rank − draft rank (up is positive)
};
struct WhatIfResult {
  Assessment assessment;
  std::string draft_code;
  int draft_version = 0;  // 0 for a document that is not stored
  std::vector<WhatIfRow> rows;
};
// The draft: a stored version of the assessment's template code, or a
// template document (docs/assessment-templates.md).
struct WhatIfDraft {
  std::optional<int> version;
  std::optional<std::string> document;
};

struct NewAssessment {
  std::string period;  // validated: field "period"
  std::string template_code;
  std::optional<int64_t> scope_org_id;  // default: the caller's assess.admin scope (one root), else the root region
  std::optional<UtcTime> self_check_due;
  std::optional<std::string> name;
};

struct RunSummary {
  Assessment assessment;
  int64_t objects = 0;
  int64_t metrics_computed = 0;  // metric keys recomputed from records
  double millis = 0;
};

// What RecomputeObject changed (for appeals: score and rank before / after).
struct Recomputed {
  std::optional<double> total_before;
  std::optional<int> rank_before;
  ObjectResult after;
};

using FinalizeHook =
    std::function<Result<void>(db::Connection& tx, const Assessment&, const std::vector<ObjectResult>&)>;

// How runs reach the metric module (App::Open wires metric::MetricService and
// its Registry). Each function may be empty: no metric is recomputed (a run
// scores the stored metric_values) and explain has no inline records.
struct MetricLink {
  // True when the registry computes this key from records.
  std::function<bool(std::string_view key)> registered;
  // MetricService::ComputePeriod for these registered keys, in the run's transaction.
  std::function<Result<void>(db::Connection& tx, const Period& p, const std::vector<int64_t>& object_ids,
                             const std::vector<std::string>& keys)>
      compute;
  // The first `limit` records behind one object's value (Metric::records).
  std::function<Result<metric::RecordPage>(db::Connection& c, std::string_view key, const Period& p,
                                           int64_t object_id, int limit)>
      records;
};

class RunService {
 public:
  RunService(db::Database& db, MetricLink metrics, RunSettings settings);
  // Without the metric module (tests): stored metric_values only, no record links.
  RunService(db::Database& db, std::nullptr_t, RunSettings settings) : RunService(db, MetricLink{}, settings) {}
  ~RunService();
  RunService(const RunService&) = delete;
  RunService& operator=(const RunService&) = delete;

  // Set once in App::Open, before serving.
  void SetFinalizeHook(FinalizeHook hook);
  // Called inside Publish's transaction after the bulletin is written (App::Open:
  // rectification tasks for the red colours of quarterly and monthly bulletins).
  void SetPublishHook(FinalizeHook hook);

  // ---- workflows (assess.admin on the scope org) -------------------------

  // Validation errors "period", "template_code", "scope_org_id"; NotFound for
  // an unknown template; Conflict "assessment.exists" when the period already
  // has an assessment of this template. Freezes the template version.
  Result<Assessment> Create(const auth::Caller& caller, const NewAssessment& input);
  // Computes the template's registered metrics for the objects, scores every
  // object and replaces the results, in one transaction with one audit row.
  // Conflict "assessment.closed" once published.
  Result<RunSummary> Run(const auth::Caller& caller, std::string_view period, std::string_view template_code);
  // Rescores one object from its current inputs inside the caller's
  // transaction (no audit row: the caller writes its own), updates its row
  // and re-ranks its group. NotFound when the object is not assessed;
  // Conflict "assessment.final" after finalize. When the assessment was never
  // run, the object is scored and its row written with rank 0.
  Result<Recomputed> RecomputeObject(db::Connection& tx, int64_t assessment_id, int64_t object_id);
  // status → published; appeal window; bulletin snapshot. Conflict
  // "assessment.not_computed" before a run, "assessment.closed" when already published.
  Result<Assessment> Publish(const auth::Caller& caller, std::string_view period, std::string_view template_code);
  // status → final (no more appeals); runs the finalize hook in the same
  // transaction. Conflict "assessment.not_published".
  Result<Assessment> Finalize(const auth::Caller& caller, std::string_view period, std::string_view template_code);

  // ---- reads ---------------------------------------------------------------

  Result<std::vector<Assessment>> List(const auth::Principal& who, const std::optional<std::string>& period,
                                       const std::optional<std::string>& template_code,
                                       const std::optional<std::string>& status);
  Result<Assessment> Get(const auth::Principal& who, std::string_view period, std::string_view template_code);
  Result<Ranking> Results(const auth::Principal& who, std::string_view period, std::string_view template_code,
                          const ResultsFilter& filter = {});
  // object: an org id or code. node: a node code or an indicator code
  // (nullopt = the whole tree).
  Result<Explanation> Explain(const auth::Principal& who, std::string_view period, std::string_view template_code,
                              std::string_view object, const std::optional<std::string>& node);
  // The published bulletin (JSON text, see Publish). NotFound before publish.
  Result<std::string> Bulletin(const auth::Principal& who, std::string_view period, std::string_view template_code);
  // Scores the current inputs with the draft; writes nothing. Needs
  // assess.admin on the scope org.
  Result<WhatIfResult> WhatIf(const auth::Principal& who, std::string_view period, std::string_view template_code,
                              const WhatIfDraft& draft);

  // The assessment by id (no access check; for services that checked theirs).
  Result<Assessment> Lookup(db::Connection& c, int64_t assessment_id);
  const RunSettings& settings() const { return settings_; }

 private:
  struct Compiled;
  Result<std::shared_ptr<const Compiled>> LoadCompiled(db::Connection& c, int64_t template_id);
  Result<Assessment> Find(db::Connection& c, std::string_view period, std::string_view template_code);
  static Result<std::vector<ObjectResult>> StoredResults(db::Connection& c, int64_t assessment_id);
  // assess.admin on the assessment's scope, with its write transaction open.
  struct AdminTx {
    db::Tx tx;
    Assessment assessment;
  };
  Result<AdminTx> BeginAdmin(const auth::Caller& caller, std::string_view period, std::string_view template_code);

  db::Database& db_;
  MetricLink metrics_;
  RunSettings settings_;
  FinalizeHook finalize_hook_;
  FinalizeHook publish_hook_;
  std::mutex mutex_;
  std::map<int64_t, std::shared_ptr<const Compiled>> compiled_;  // GUARDED_BY(mutex_): frozen versions
};

// "excellent" … → Grade; nullopt for anything else (also 优/良/中/差).
std::optional<Grade> ParseGrade(std::string_view s);
std::optional<Colour> ParseColour(std::string_view s);

}  // namespace minsheng::assessment
