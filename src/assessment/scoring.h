// The scoring engine: pure functions from a template and each object's leaf
// inputs to scores, totals, grades, colours, vetoes and ranks
// (docs/assessment-design.md, "Scoring"). No SQL, no JSON, no clock.
//
// Usage (a run):
//   MS_ASSIGN_OR_RETURN(auto compiled, CompiledTemplate::Compile(tmpl, find_indicator));
//   for each object: inputs[compiled.LeafIndex(code)] = LeafInput{...};
//                    results.push_back(ScoreObject(compiled, id, group, inputs));
//   RankWithinGroups(results);
//
// Thread-safe: CompiledTemplate is immutable after Compile.
#pragma once

#include <cstddef>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "assessment/model.h"
#include "core/result.h"

namespace minsheng::assessment {

// What a method makes of one leaf's input.
struct LeafOutcome {
  std::optional<double> share;  // 0..1 of the points; nullopt = not applicable
  std::string tier;             // tiers: achieved | partly | not
  bool veto = false;            // a veto indicator that fired
};

// Applies one scoring method (the table in docs/assessment-design.md).
// value nullopt → not applicable. points is the leaf's points (deduction).
LeafOutcome ApplyMethod(const MethodSpec& m, double points, std::optional<double> value);

// Half up to 2 decimals with a guard against binary representation
// (89.995 → 90.00, 79.999 → 80.00, 79.994 → 79.99).
double RoundHalfUp2(double v);
Grade GradeFor(double rounded, const GradeBands& bands);
Colour ColourFor(double rounded, bool vetoed, const ColourRules& rules);

// A template flattened for scoring many objects: nodes in pre-order with
// parent indexes, each leaf's resolved method (the node's override or the
// indicator's default).
class CompiledTemplate {
 public:
  using IndicatorLookup = std::function<const Indicator*(std::string_view code)>;
  static constexpr size_t npos = std::numeric_limits<size_t>::max();

  // InvalidArgument (field "roots[i]...indicator") when a leaf's indicator is
  // missing ("required"), unknown ("unknown_indicator") or used twice ("duplicate").
  static Result<CompiledTemplate> Compile(const Template& t, const IndicatorLookup& indicators);

  // FlatNode::node points into this object's own copy of the template: a
  // copy re-points them; a move keeps them (vectors move their buffers).
  CompiledTemplate(const CompiledTemplate& other);
  CompiledTemplate& operator=(const CompiledTemplate& other);
  CompiledTemplate(CompiledTemplate&&) = default;
  CompiledTemplate& operator=(CompiledTemplate&&) = default;
  ~CompiledTemplate() = default;

  const Template& source() const { return tmpl_; }
  size_t leaf_count() const { return leaf_nodes_.size(); }
  // The indicator code of leaf i (leaf indexes are 0..leaf_count()-1).
  const std::string& leaf_indicator(size_t i) const;
  const Indicator& leaf_info(size_t i) const;
  const MethodSpec& leaf_method(size_t i) const;
  // The leaf index of an indicator code, npos when the template does not use it.
  size_t LeafIndex(std::string_view indicator_code) const;

  struct FlatNode {
    const Node* node = nullptr;
    int parent = -1;          // index into nodes(), -1 for a root
    int leaf = -1;            // leaf index, -1 for inner nodes
  };
  const std::vector<FlatNode>& nodes() const { return nodes_; }

 private:
  CompiledTemplate() = default;

  Template tmpl_;
  std::vector<FlatNode> nodes_;
  std::vector<size_t> leaf_nodes_;  // leaf index → nodes_ index
  std::vector<Indicator> leaf_indicators_;
  std::vector<MethodSpec> leaf_methods_;
  // Transparent: LeafIndex(string_view) looks up without building a string.
  struct CodeHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, size_t, CodeHash, std::equal_to<>> leaf_by_code_;
};

// Scores one object. inputs has leaf_count() entries, by leaf index.
// Fills total, rounded, grade, colour, vetoed and nodes (pre-order, same order
// as compiled.nodes()); rank and group_size are left for RankWithinGroups.
ObjectResult ScoreObject(const CompiledTemplate& compiled, int64_t object_id, std::string group_key,
                         std::span<const LeafInput> inputs);

// Ranks by rounded total, descending, within each group_key; equal rounded
// totals share a rank (1, 2, 2, 4); vetoed objects come after all others.
// Sets rank and group_size; keeps the vector's order.
void RankWithinGroups(std::vector<ObjectResult>& results);

}  // namespace minsheng::assessment
