#include "assessment/scoring.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>
#include <utility>

namespace minsheng::assessment {

namespace {

// Rounded totals live on a 0.01 grid, so a comparison against a band with this
// slack can never move a total across a band; it only absorbs representation
// error in bands read from JSON (e.g. 85.1 vs 8510 / 100).
constexpr double kBandSlack = 1e-9;
// Guard for half-up rounding and for tier bounds against binary
// representation (0.8 arriving as 0.7999999999999999 is still "achieved").
constexpr double kRoundGuard = 1e-9;

constexpr std::string_view kTierAchieved = "achieved";
constexpr std::string_view kTierPartly = "partly";
constexpr std::string_view kTierNot = "not";

double Clamp01(double v) { return std::clamp(v, 0.0, 1.0); }

// The share (and, for tiers, the tier; for veto, whether it fired) of one
// applicable value. No allocation: the tier is a literal.
struct RawOutcome {
  double share = 0;
  std::string_view tier;
  bool veto = false;
};

double RatioShare(const MethodSpec& m, double v) {
  if (m.direction == Direction::kHigher) {
    if (v >= m.target) return 1;
    if (m.target <= 0) return 0;  // below a non-positive target: nothing to scale against
    return Clamp01(v / m.target);
  }
  // "<=": at or under the target is full marks (v = 0 included).
  if (v <= m.target) return 1;
  if (m.target <= 0 || v <= 0) return 0;
  return Clamp01(m.target / v);
}

double LinearShare(const MethodSpec& m, double v) {
  const double span = m.target - m.floor;
  if (span == 0) {  // degenerate band: a threshold at the target
    return m.direction == Direction::kHigher ? (v >= m.target ? 1 : 0) : (v <= m.target ? 1 : 0);
  }
  // (v − floor) / (target − floor) is right for both directions: with
  // floor > target ("lower is better") both numerator and span turn negative.
  return Clamp01((v - m.floor) / span);
}

double StepsShare(const MethodSpec& m, double v) {
  // Steps need not be sorted; the first of equal thresholds wins.
  const Step* best = nullptr;
  for (const Step& s : m.steps) {
    if (m.direction == Direction::kHigher) {
      if (s.threshold <= v && (best == nullptr || s.threshold > best->threshold)) best = &s;
    } else {
      if (s.threshold >= v && (best == nullptr || s.threshold < best->threshold)) best = &s;
    }
  }
  return best == nullptr ? 0 : Clamp01(best->share);
}

double DeductionShare(const MethodSpec& m, double points, double occurrences) {
  const double lost = std::max(0.0, occurrences) * std::max(0.0, m.per_occurrence);
  if (points <= 0) return lost > 0 ? 0 : 1;
  return std::max(0.0, points - lost) / points;
}

std::string_view TierOf(const TierBounds& b, double share) {
  if (share >= b.achieved - kRoundGuard) return kTierAchieved;
  if (share >= b.partly - kRoundGuard) return kTierPartly;
  return kTierNot;
}

RawOutcome Apply(const MethodSpec& m, double points, double v) {
  switch (m.method) {
    case Method::kRatio:
      return {RatioShare(m, v), {}, false};
    case Method::kLinear:
      return {LinearShare(m, v), {}, false};
    case Method::kSteps:
      return {StepsShare(m, v), {}, false};
    case Method::kDeduction:
      return {DeductionShare(m, points, v), {}, false};
    case Method::kTiers: {
      // The input is already a share. Out of [0, 1] is clamped (a 105 % self
      // assessment is "achieved", −0.1 is "not"), not rejected: inputs are
      // validated where they are entered; the engine never fails a run.
      const double share = Clamp01(v);
      return {share, TierOf(m.tiers, share), false};
    }
    case Method::kYesNo:
      return {v != 0 ? 1.0 : 0.0, {}, false};
    case Method::kVeto:
      // A veto leaf that did not fire keeps its points (usually 0); one that
      // fired scores 0 and vetoes the object.
      return {v != 0 ? 0.0 : 1.0, {}, v != 0};
  }
  return {0, {}, false};
}

bool IsLeaf(const Node& n) { return n.children.empty(); }

}  // namespace

LeafOutcome ApplyMethod(const MethodSpec& m, double points, std::optional<double> value) {
  LeafOutcome out;
  // Non-finite values (a rate over a zero denominator that slipped through)
  // are not applicable, like a metric with denominator 0.
  if (!value.has_value() || !std::isfinite(*value)) return out;
  const RawOutcome raw = Apply(m, points, *value);
  out.share = raw.share;
  out.tier = std::string(raw.tier);
  out.veto = raw.veto;
  return out;
}

double RoundHalfUp2(double v) {
  if (!std::isfinite(v)) return v;
  // Half away from zero on the magnitude; the guard turns 8999.499999999999
  // (89.995 in binary) into 9000 while 89.994999 (8999.4999) stays 8999.
  const double scaled = std::fabs(v) * 100.0;
  const double r = std::floor(scaled + 0.5 + kRoundGuard) / 100.0;
  return v < 0 ? -r : r;
}

Grade GradeFor(double rounded, const GradeBands& bands) {
  if (rounded >= bands.excellent - kBandSlack) return Grade::kExcellent;
  if (rounded >= bands.good - kBandSlack) return Grade::kGood;
  if (rounded >= bands.fair - kBandSlack) return Grade::kFair;
  return Grade::kPoor;
}

Colour ColourFor(double rounded, bool vetoed, const ColourRules& rules) {
  if (vetoed || rounded < rules.red_below - kBandSlack) return Colour::kRed;
  if (rounded < rules.yellow_below - kBandSlack) return Colour::kYellow;
  return Colour::kBlue;
}

std::string_view GradeName(Grade g) {
  switch (g) {
    case Grade::kExcellent:
      return "excellent";
    case Grade::kGood:
      return "good";
    case Grade::kFair:
      return "fair";
    case Grade::kPoor:
      return "poor";
  }
  return "poor";
}

std::string_view GradeNameZh(Grade g) {
  switch (g) {
    case Grade::kExcellent:
      return "优";
    case Grade::kGood:
      return "良";
    case Grade::kFair:
      return "中";
    case Grade::kPoor:
      return "差";
  }
  return "差";
}

std::string_view ColourName(Colour c) {
  switch (c) {
    case Colour::kRed:
      return "red";
    case Colour::kYellow:
      return "yellow";
    case Colour::kBlue:
      return "blue";
  }
  return "red";
}

// ---------------------------------------------------------------------------
// CompiledTemplate

namespace {

// CodeMap: CompiledTemplate's private code → leaf index map.
template <typename CodeMap>
struct Flattener {
  const CompiledTemplate::IndicatorLookup& lookup;
  std::vector<CompiledTemplate::FlatNode>& nodes;
  std::vector<size_t>& leaf_nodes;
  std::vector<Indicator>& leaf_indicators;
  std::vector<MethodSpec>& leaf_methods;
  CodeMap& leaf_by_code;
  std::vector<FieldError>& errors;

  void Visit(const Node& n, int parent, const std::string& path) {
    const int self = static_cast<int>(nodes.size());
    nodes.push_back({&n, parent, -1});
    if (!IsLeaf(n)) {
      for (size_t i = 0; i < n.children.size(); ++i) {
        Visit(n.children[i], self, path + ".children[" + std::to_string(i) + "]");
      }
      return;
    }
    const std::string field = path + ".indicator";
    if (!n.indicator_code.has_value() || n.indicator_code->empty()) {
      errors.push_back({field, "required", "末级指标必须引用指标库中的指标",
                        "a leaf must reference an indicator from the library"});
      return;
    }
    const std::string& code = *n.indicator_code;
    const Indicator* ind = lookup(code);
    if (ind == nullptr) {
      errors.push_back({field, "unknown_indicator", "指标库中没有指标 " + code,
                        "no indicator " + code + " in the library"});
      return;
    }
    if (leaf_by_code.contains(code)) {
      errors.push_back({field, "duplicate", "指标 " + code + " 在模板中出现了不止一次",
                        "indicator " + code + " is used more than once in the template"});
      return;
    }
    const size_t leaf = leaf_nodes.size();
    nodes.back().leaf = static_cast<int>(leaf);
    leaf_nodes.push_back(static_cast<size_t>(self));
    leaf_indicators.push_back(*ind);
    leaf_methods.push_back(n.method.has_value() ? *n.method : ind->method);
    leaf_by_code.emplace(code, leaf);
  }
};

// Pre-order walk assigning node pointers of `roots` to `nodes` in order
// (used after copying a compiled template, whose pointers must point into
// its own copy of the tree).
void Repoint(const std::vector<Node>& siblings, std::vector<CompiledTemplate::FlatNode>& nodes,
             size_t& next) {
  for (const Node& n : siblings) {
    nodes[next++].node = &n;
    Repoint(n.children, nodes, next);
  }
}

}  // namespace

CompiledTemplate::CompiledTemplate(const CompiledTemplate& other)
    : tmpl_(other.tmpl_),
      nodes_(other.nodes_),
      leaf_nodes_(other.leaf_nodes_),
      leaf_indicators_(other.leaf_indicators_),
      leaf_methods_(other.leaf_methods_),
      leaf_by_code_(other.leaf_by_code_) {
  size_t next = 0;
  Repoint(tmpl_.roots, nodes_, next);
  assert(next == nodes_.size() && "CompiledTemplate copy: tree and flat nodes disagree");
}

CompiledTemplate& CompiledTemplate::operator=(const CompiledTemplate& other) {
  if (this != &other) {
    CompiledTemplate copy(other);
    *this = std::move(copy);
  }
  return *this;
}

Result<CompiledTemplate> CompiledTemplate::Compile(const Template& t,
                                                   const IndicatorLookup& indicators) {
  CompiledTemplate c;
  c.tmpl_ = t;
  std::vector<FieldError> errors;
  Flattener<decltype(c.leaf_by_code_)> f{
      indicators,      c.nodes_,        c.leaf_nodes_, c.leaf_indicators_,
      c.leaf_methods_, c.leaf_by_code_, errors};
  for (size_t i = 0; i < c.tmpl_.roots.size(); ++i) {
    f.Visit(c.tmpl_.roots[i], -1, "roots[" + std::to_string(i) + "]");
  }
  if (!errors.empty()) return ValidationError(std::move(errors));
  return c;
}

const std::string& CompiledTemplate::leaf_indicator(size_t i) const {
  return leaf_indicators_.at(i).code;
}
const Indicator& CompiledTemplate::leaf_info(size_t i) const { return leaf_indicators_.at(i); }
const MethodSpec& CompiledTemplate::leaf_method(size_t i) const { return leaf_methods_.at(i); }

size_t CompiledTemplate::LeafIndex(std::string_view indicator_code) const {
  const auto it = leaf_by_code_.find(indicator_code);
  return it == leaf_by_code_.end() ? npos : it->second;
}

// ---------------------------------------------------------------------------
// Scoring one object

ObjectResult ScoreObject(const CompiledTemplate& compiled, int64_t object_id, std::string group_key,
                         std::span<const LeafInput> inputs) {
  assert(inputs.size() == compiled.leaf_count() &&
         "ScoreObject: one input per leaf, by leaf index");
  const auto& flat = compiled.nodes();
  const Template& t = compiled.source();

  ObjectResult r;
  r.object_id = object_id;
  r.group_key = std::move(group_key);
  r.nodes.resize(flat.size());

  double leaf_score_sum = 0;
  double leaf_points_sum = 0;
  bool vetoed = false;
  for (size_t k = 0; k < flat.size(); ++k) {
    const CompiledTemplate::FlatNode& fn = flat[k];
    NodeScore& ns = r.nodes[k];
    ns.code = fn.node->code;
    if (fn.leaf < 0) {
      // Inner node: applicable once any child is; filled bottom-up below.
      ns.applicable = false;
      continue;
    }
    const auto leaf = static_cast<size_t>(fn.leaf);
    const LeafInput* in = leaf < inputs.size() ? &inputs[leaf] : nullptr;
    if (in != nullptr) {
      ns.value = in->value;
      ns.source = in->source;
      ns.ref = in->ref;
    }
    if (in == nullptr || !in->value.has_value() || !std::isfinite(*in->value)) {
      ns.applicable = false;  // 不适用: left out, the rest rescaled
      continue;
    }
    const double points = fn.node->points;
    const RawOutcome o = Apply(compiled.leaf_method(leaf), points, *in->value);
    ns.applicable = true;
    ns.score = o.share * points;
    ns.max = points;
    ns.tier.assign(o.tier);
    ns.veto = o.veto;
    vetoed = vetoed || o.veto;
    leaf_score_sum += ns.score;
    leaf_points_sum += points;
  }
  // Pre-order puts every child after its parent: walking backwards adds each
  // node into its parent after all of its own children were added into it.
  for (size_t k = flat.size(); k-- > 0;) {
    const int parent = flat[k].parent;
    const NodeScore& ns = r.nodes[k];
    if (parent < 0 || !ns.applicable) continue;
    NodeScore& p = r.nodes[static_cast<size_t>(parent)];
    p.applicable = true;
    p.score += ns.score;
    p.max += ns.max;
  }

  if (leaf_points_sum > 0) {
    // Clamped against float drift (a sum of 100 full-mark shares may land a
    // hair above total_points).
    r.total =
        std::max(0.0, std::min(leaf_score_sum / leaf_points_sum * t.total_points, t.total_points));
  }
  r.vetoed = vetoed;
  if (vetoed) r.total = 0;  // 一票否决
  r.rounded = RoundHalfUp2(r.total);
  r.grade = vetoed ? Grade::kPoor : GradeFor(r.rounded, t.grades);
  r.colour = ColourFor(r.rounded, vetoed, t.colours);
  return r;
}

// ---------------------------------------------------------------------------
// Ranking

void RankWithinGroups(std::vector<ObjectResult>& results) {
  std::vector<size_t> order(results.size());
  std::iota(order.begin(), order.end(), size_t{0});
  // Group, then the non-vetoed before the vetoed, then by rounded total descending.
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const ObjectResult& x = results[a];
    const ObjectResult& y = results[b];
    if (x.group_key != y.group_key) return x.group_key < y.group_key;
    if (x.vetoed != y.vetoed) return !x.vetoed;
    return x.rounded > y.rounded;
  });
  size_t begin = 0;
  while (begin < order.size()) {
    size_t end = begin;
    const std::string& key = results[order[begin]].group_key;
    while (end < order.size() && results[order[end]].group_key == key) ++end;
    const int size = static_cast<int>(end - begin);
    // Competition ranking (1, 2, 2, 4): a rank is 1 + the number ahead of it.
    // Rounded totals sit on a 0.01 grid (floor(x) / 100), so equal totals are
    // equal doubles. Vetoed objects follow all others and share ranks among
    // themselves the same way.
    for (size_t i = begin; i < end; ++i) {
      ObjectResult& cur = results[order[i]];
      if (i == begin) {
        cur.rank = 1;
      } else {
        const ObjectResult& prev = results[order[i - 1]];
        const bool tie = prev.vetoed == cur.vetoed && prev.rounded == cur.rounded;
        cur.rank = tie ? prev.rank : static_cast<int>(i - begin) + 1;
      }
      cur.group_size = size;
    }
    begin = end;
  }
}

}  // namespace minsheng::assessment
