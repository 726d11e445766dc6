// Internals of RunService (run_service.cpp), kept apart so the benchmark and
// the tests can reach them: input resolution in sets, scoring with "missing
// counts as 0", the compact scores JSON, the bulletin and the explain tree.
// Not a public interface: use RunService.
//
// Thread-safety: InputSet is used by one thread; the functions are pure
// apart from the connection they are given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "assessment/model.h"
#include "assessment/run_service.h"
#include "assessment/run_store.h"
#include "assessment/scoring.h"

namespace minsheng::assessment {

Grade GradeFromStored(std::string_view s);  // excellent | good | fair | poor (else 差)

namespace detail {

// Priority of a leaf's source; a higher one wins.
enum class Prio : uint8_t { kMissing = 0, kMetric = 1, kExpert = 2, kSelf = 3, kSupervisor = 4, kOverride = 5 };

// Per-leaf flags (scores_json's last element).
inline constexpr uint8_t kFlagSelf = 1;
inline constexpr uint8_t kFlagSupervisor = 2;
inline constexpr uint8_t kFlagGap = 4;
inline constexpr uint8_t kFlagMissing = 8;
inline constexpr uint8_t kFlagTrimmed = 16;

// The resolved input of one (object, leaf).
struct Cell {
  double value = 0;
  int64_t ref = 0;  // input id, appeal id (0 = none), expert count
  Prio prio = Prio::kMissing;
  bool na = false;
  bool has_self = false;  // an accepted self input exists (for the gap check)
  bool self_na = false;
  double self_value = 0;
  bool trimmed = false;
};

// All inputs of the objects of one run: one query per table.
class InputSet {
 public:
  InputSet(size_t leaf_count, const std::vector<int64_t>& object_ids, const RunSettings& settings);

  // object: only this object (its ids must be {object}).
  Result<void> Load(db::Connection& c, const Assessment& a, const CompiledTemplate& ct,
                    const std::unordered_map<std::string, std::vector<size_t>>& leaves_by_metric,
                    const std::vector<std::string>& metric_keys, std::optional<int64_t> object);
  // The engine's inputs of object i (by leaf index) and each leaf's flags.
  void Build(size_t object_index, const CompiledTemplate& ct, std::vector<LeafInput>& out,
             std::vector<uint8_t>& flags) const;

 private:
  Cell* At(int64_t object_id, size_t leaf);

  size_t leaves_;
  std::vector<Cell> cells_;
  std::unordered_map<int64_t, size_t> index_;
  std::unordered_map<size_t, std::vector<double>> experts_;
  RunSettings settings_;
};

// Aggregates expert shares (mean, or trimmed mean without the highest and
// lowest when there are at least 3). *trimmed tells whether two were dropped.
double AggregateExperts(std::vector<double> shares, ExpertAggregation how, bool* trimmed);

// ScoreObject, then leaves flagged missing count as 0 of their points.
ObjectResult Score(const CompiledTemplate& ct, const std::vector<size_t>& leaf_node, int64_t object_id,
                   const std::string& group_key, const std::vector<LeafInput>& inputs,
                   const std::vector<uint8_t>& flags);

// Appends the compact scores JSON (run_service.h) of r.
void AppendScoresJson(std::string& out, const ObjectResult& r, const std::vector<uint8_t>& leaf_flags,
                      const CompiledTemplate& ct);
// Reads it back (nodes in order; flags per node when asked). Malformed → empty.
std::vector<NodeScore> ParseScoresJson(std::string_view text, std::vector<std::vector<std::string>>* flags = nullptr);

std::string_view SourceName(InputSource s);

// The bulletin (通报) snapshot written on publish.
std::string BulletinJson(const Assessment& a, const CompiledTemplate& ct, const std::vector<StoredResult>& ranking,
                         const std::unordered_map<int64_t, std::vector<NodeScore>>& nodes);

struct ExplainContext {
  db::Connection& conn;
  const Assessment& assessment;
  const AssessObject& object;
  const CompiledTemplate& ct;
  const std::vector<NodeScore>& scores;
  const std::vector<std::vector<std::string>>& flags;
  const MetricLink& metrics;
  const RunSettings& settings;
};
// The contribution tree (roots), or the subtree of one node (by node code or
// indicator code; NotFound when the template has none).
Result<std::vector<ExplainNode>> ExplainTree(const ExplainContext& ctx, const std::optional<std::string>& node);

}  // namespace detail
}  // namespace minsheng::assessment
