#include "assessment/run_detail.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <map>
#include <numeric>

#include "assessment/template.h"

namespace minsheng::assessment::detail {

namespace json = boost::json;

// ---------------------------------------------------------------------------
// Inputs

InputSet::InputSet(size_t leaf_count, const std::vector<int64_t>& object_ids, const RunSettings& settings)
    : leaves_(leaf_count), cells_(leaf_count * object_ids.size()), settings_(settings) {
  index_.reserve(object_ids.size() * 2);
  for (size_t i = 0; i < object_ids.size(); ++i) index_.emplace(object_ids[i], i);
}

Cell* InputSet::At(int64_t object_id, size_t leaf) {
  if (leaf >= leaves_) return nullptr;
  const auto it = index_.find(object_id);
  if (it == index_.end()) return nullptr;
  return &cells_[it->second * leaves_ + leaf];
}

namespace {

void Set(Cell& c, Prio prio, std::optional<double> value, bool not_applicable, int64_t ref) {
  c.prio = prio;
  c.na = not_applicable || !value.has_value();
  c.value = value.value_or(0);
  c.ref = ref;
}

// Self against supervisor: N/A against a value, or a relative difference
// above the configured gap (|a − b| / max(|a|, |b|)).
bool Differs(bool a_na, double a, bool b_na, double b, double limit) {
  if (a_na != b_na) return true;
  if (a_na) return false;
  const double m = std::max(std::fabs(a), std::fabs(b));
  if (m == 0) return false;
  return std::fabs(a - b) / m > limit;
}

void AppendNumber(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, ec == std::errc() ? end : buf);
}

void AppendString(std::string& out, std::string_view s) {
  out += '"';
  for (const char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += ch;
    }
  }
  out += '"';
}

}  // namespace

Result<void> InputSet::Load(db::Connection& c, const Assessment& a, const CompiledTemplate& ct,
                            const std::unordered_map<std::string, std::vector<size_t>>& leaves_by_metric,
                            const std::vector<std::string>& metric_keys, std::optional<int64_t> object) {
  // Metric values come grouped by key (the table's key order): remember the last lookup.
  std::string last_key;
  const std::vector<size_t>* last_leaves = nullptr;
  MS_TRY(RunStore::ForEachMetric(c, a.id, a.period.ToString(), object, metric_keys, [&](const MetricRow& m) {
    if (last_leaves == nullptr || m.key != last_key) {
      last_key.assign(m.key);
      const auto it = leaves_by_metric.find(last_key);
      static const std::vector<size_t> kNone;
      last_leaves = it == leaves_by_metric.end() ? &kNone : &it->second;
    }
    for (const size_t leaf : *last_leaves) {
      Cell* cell = At(m.object_id, leaf);
      if (cell != nullptr && cell->prio < Prio::kMetric) Set(*cell, Prio::kMetric, m.value, false, 0);
    }
  }));
  MS_TRY(RunStore::ForEachExpert(c, a.id, object, [&](const ExpertRow& e) {
    const size_t leaf = ct.LeafIndex(e.indicator_code);
    Cell* cell = At(e.object_id, leaf);
    if (cell != nullptr) experts_[static_cast<size_t>(cell - cells_.data())].push_back(e.share);
  }));
  for (auto& [at, shares] : experts_) {
    Cell& cell = cells_[at];
    if (cell.prio >= Prio::kExpert) continue;
    const auto n = static_cast<int64_t>(shares.size());
    Set(cell, Prio::kExpert, AggregateExperts(shares, settings_.expert_aggregation, &cell.trimmed), false, n);
  }
  MS_TRY(RunStore::ForEachManual(c, a.id, object, [&](const ManualRow& m) {
    Cell* cell = At(m.object_id, ct.LeafIndex(m.indicator_code));
    if (cell == nullptr) return;
    if (m.role == "self") {
      cell->has_self = true;
      cell->self_na = m.not_applicable || !m.value;
      cell->self_value = m.value.value_or(0);
      if (cell->prio < Prio::kSelf) Set(*cell, Prio::kSelf, m.value, m.not_applicable, m.id);
    } else if (m.role == "supervisor") {
      if (cell->prio < Prio::kSupervisor) Set(*cell, Prio::kSupervisor, m.value, m.not_applicable, m.id);
    }
  }));
  MS_TRY(RunStore::ForEachOverride(c, a.id, object, [&](const OverrideRow& o) {
    Cell* cell = At(o.object_id, ct.LeafIndex(o.indicator_code));
    if (cell != nullptr) Set(*cell, Prio::kOverride, o.value, o.not_applicable, o.appeal_id.value_or(0));
  }));
  return Ok();
}

void InputSet::Build(size_t object_index, const CompiledTemplate& ct, std::vector<LeafInput>& out,
                     std::vector<uint8_t>& flags) const {
  out.resize(leaves_);
  flags.assign(leaves_, 0);
  for (size_t leaf = 0; leaf < leaves_; ++leaf) {
    const Cell& c = cells_[object_index * leaves_ + leaf];
    LeafInput& in = out[leaf];
    in.value = c.na ? std::nullopt : std::optional<double>(c.value);
    in.ref.clear();
    switch (c.prio) {
      case Prio::kMissing:
        in.value.reset();
        in.source = InputSource::kMissing;
        flags[leaf] |= kFlagMissing;
        break;
      case Prio::kMetric:
        in.source = InputSource::kMetric;
        in.ref = ct.leaf_info(leaf).metric_key.value_or("");
        break;
      case Prio::kExpert:
        in.source = InputSource::kExpert;
        in.ref = "experts:" + std::to_string(c.ref);
        if (c.trimmed) flags[leaf] |= kFlagTrimmed;
        break;
      case Prio::kSelf:
        in.source = InputSource::kManual;
        in.ref = std::to_string(c.ref);
        flags[leaf] |= kFlagSelf;
        break;
      case Prio::kSupervisor:
        in.source = InputSource::kManual;
        in.ref = std::to_string(c.ref);
        flags[leaf] |= kFlagSupervisor;
        if (c.has_self && Differs(c.self_na, c.self_value, c.na, c.value, settings_.self_supervisor_gap))
          flags[leaf] |= kFlagGap;
        break;
      case Prio::kOverride:
        in.source = InputSource::kOverride;
        if (c.ref != 0) in.ref = std::to_string(c.ref);
        break;
    }
  }
}

double AggregateExperts(std::vector<double> shares, ExpertAggregation how, bool* trimmed) {
  *trimmed = false;
  if (shares.empty()) return 0;
  if (how == ExpertAggregation::kTrimmedMean && shares.size() >= 3) {
    std::sort(shares.begin(), shares.end());
    shares.erase(shares.begin());
    shares.pop_back();
    *trimmed = true;
  }
  return std::accumulate(shares.begin(), shares.end(), 0.0) / static_cast<double>(shares.size());
}

// ---------------------------------------------------------------------------
// Scoring

ObjectResult Score(const CompiledTemplate& ct, const std::vector<size_t>& leaf_node, int64_t object_id,
                   const std::string& group_key, const std::vector<LeafInput>& inputs,
                   const std::vector<uint8_t>& flags) {
  ObjectResult r = ScoreObject(ct, object_id, group_key, inputs);
  const auto& nodes = ct.nodes();
  bool changed = false;
  for (size_t leaf = 0; leaf < flags.size(); ++leaf) {
    if ((flags[leaf] & kFlagMissing) == 0) continue;
    const size_t k = leaf_node[leaf];
    NodeScore& ns = r.nodes[k];
    if (ns.applicable) continue;
    // Missing is not "not applicable": the leaf counts with 0 of its points.
    const double points = nodes[k].node->points;
    ns.applicable = true;
    ns.max = points;
    ns.score = 0;
    for (int p = nodes[k].parent; p >= 0; p = nodes[static_cast<size_t>(p)].parent) {
      NodeScore& parent = r.nodes[static_cast<size_t>(p)];
      parent.applicable = true;
      parent.max += points;
    }
    changed = true;
  }
  if (!changed) return r;
  double score = 0;
  double points = 0;
  for (size_t k = 0; k < nodes.size(); ++k) {
    if (nodes[k].leaf < 0 || !r.nodes[k].applicable) continue;
    score += r.nodes[k].score;
    points += r.nodes[k].max;
  }
  const Template& t = ct.source();
  r.total = points > 0 ? std::clamp(score / points * t.total_points, 0.0, t.total_points) : 0;
  if (r.vetoed) r.total = 0;
  r.rounded = RoundHalfUp2(r.total);
  r.grade = r.vetoed ? Grade::kPoor : GradeFor(r.rounded, t.grades);
  r.colour = ColourFor(r.rounded, r.vetoed, t.colours);
  return r;
}

std::string_view SourceName(InputSource s) {
  switch (s) {
    case InputSource::kMetric:
      return "metric";
    case InputSource::kManual:
      return "manual";
    case InputSource::kExpert:
      return "expert";
    case InputSource::kOverride:
      return "override";
    case InputSource::kMissing:
      return "missing";
  }
  return "missing";
}

namespace {

std::optional<InputSource> ParseSource(std::string_view s) {
  if (s == "metric") return InputSource::kMetric;
  if (s == "manual") return InputSource::kManual;
  if (s == "expert") return InputSource::kExpert;
  if (s == "override") return InputSource::kOverride;
  if (s == "missing") return InputSource::kMissing;
  return std::nullopt;
}

constexpr std::pair<uint8_t, std::string_view> kFlagNames[] = {{kFlagSelf, "role:self"},
                                                               {kFlagSupervisor, "role:supervisor"},
                                                               {kFlagGap, "self_supervisor_gap"},
                                                               {kFlagMissing, "missing"},
                                                               {kFlagTrimmed, "trimmed"}};

}  // namespace

void AppendScoresJson(std::string& out, const ObjectResult& r, const std::vector<uint8_t>& leaf_flags,
                      const CompiledTemplate& ct) {
  const auto& nodes = ct.nodes();
  out.reserve(out.size() + r.nodes.size() * 64);
  out += '[';
  for (size_t k = 0; k < r.nodes.size(); ++k) {
    const NodeScore& n = r.nodes[k];
    const int leaf = k < nodes.size() ? nodes[k].leaf : -1;
    if (k > 0) out += ',';
    out += '[';
    AppendString(out, n.code);
    out += ',';
    AppendNumber(out, n.score);
    out += ',';
    AppendNumber(out, n.max);
    out += n.applicable ? ",1," : ",0,";
    if (n.value) {
      AppendNumber(out, *n.value);
    } else {
      out += "null";
    }
    out += ',';
    AppendString(out, leaf >= 0 ? SourceName(n.source) : std::string_view());
    out += ',';
    AppendString(out, n.ref);
    out += ',';
    AppendString(out, n.tier);
    out += n.veto ? ",1,[" : ",0,[";
    if (leaf >= 0 && static_cast<size_t>(leaf) < leaf_flags.size()) {
      bool first = true;
      for (const auto& [bit, name] : kFlagNames) {
        if ((leaf_flags[static_cast<size_t>(leaf)] & bit) == 0) continue;
        if (!first) out += ',';
        first = false;
        AppendString(out, name);
      }
    }
    out += "]]";
  }
  out += ']';
}

std::vector<NodeScore> ParseScoresJson(std::string_view text, std::vector<std::vector<std::string>>* flags) {
  std::vector<NodeScore> out;
  boost::system::error_code ec;
  const json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  auto number = [](const json::value& x) -> std::optional<double> {
    if (x.is_number()) return x.to_number<double>();
    return std::nullopt;
  };
  for (const auto& e : v.as_array()) {
    if (!e.is_array() || e.as_array().size() < 10) return {};
    const auto& a = e.as_array();
    NodeScore n;
    if (a[0].is_string()) n.code = std::string(a[0].as_string());
    n.score = number(a[1]).value_or(0);
    n.max = number(a[2]).value_or(0);
    n.applicable = number(a[3]).value_or(0) != 0;
    n.value = number(a[4]);
    if (a[5].is_string()) n.source = ParseSource(a[5].as_string()).value_or(InputSource::kMissing);
    if (a[6].is_string()) n.ref = std::string(a[6].as_string());
    if (a[7].is_string()) n.tier = std::string(a[7].as_string());
    n.veto = number(a[8]).value_or(0) != 0;
    if (flags != nullptr) {
      std::vector<std::string> f;
      if (a[9].is_array()) {
        for (const auto& x : a[9].as_array()) {
          if (x.is_string()) f.emplace_back(x.as_string());
        }
      }
      flags->push_back(std::move(f));
    }
    out.push_back(std::move(n));
  }
  return out;
}

// ---------------------------------------------------------------------------
// Bulletin (通报): ranking, colours, grades, highlights, weak points

namespace {

constexpr size_t kHighlights = 5;
constexpr size_t kWeakIndicators = 5;

json::value Opt(const std::optional<double>& v) { return v ? json::value(*v) : json::value(nullptr); }

}  // namespace

std::string BulletinJson(const Assessment& a, const CompiledTemplate& ct, const std::vector<StoredResult>& ranking,
                         const std::unordered_map<int64_t, std::vector<NodeScore>>& nodes) {
  const auto& flat = ct.nodes();
  json::array rows;
  std::map<std::string, int64_t> colours{{"red", 0}, {"yellow", 0}, {"blue", 0}};
  std::map<std::string, int64_t> grades{{"excellent", 0}, {"good", 0}, {"fair", 0}, {"poor", 0}};
  struct Gain {
    const StoredResult* r;
    double change;
  };
  std::vector<Gain> gains;
  for (const auto& r : ranking) {
    std::optional<double> change;
    if (r.previous_total) change = r.rounded - RoundHalfUp2(*r.previous_total);
    rows.push_back(json::object{{"object_id", r.object_id},
                                {"code", r.code},
                                {"name", r.name},
                                {"group", r.group_key},
                                {"total", r.total},
                                {"rounded", r.rounded},
                                {"grade", r.grade},
                                {"grade_zh", GradeNameZh(GradeFromStored(r.grade))},
                                {"colour", r.colour},
                                {"vetoed", r.vetoed},
                                {"rank", r.rank},
                                {"group_size", r.group_size},
                                {"previous_total", Opt(r.previous_total)},
                                {"change", Opt(change)}});
    ++colours[r.colour];
    ++grades[r.grade];
    if (change && *change > 0) gains.push_back({&r, *change});
  }
  std::stable_sort(gains.begin(), gains.end(), [](const Gain& x, const Gain& y) { return x.change > y.change; });
  json::array highlights;
  for (size_t i = 0; i < gains.size() && i < kHighlights; ++i) {
    const StoredResult& r = *gains[i].r;
    highlights.push_back(json::object{{"object_id", r.object_id},
                                      {"code", r.code},
                                      {"name", r.name},
                                      {"rounded", r.rounded},
                                      {"previous_total", Opt(r.previous_total)},
                                      {"change", gains[i].change}});
  }

  // Weak points: the leaves with the lowest mean share, and each object's weakest leaf.
  std::vector<double> share_sum(flat.size(), 0);
  std::vector<int64_t> share_count(flat.size(), 0);
  json::array weakest_by_object;
  auto leaf_json = [&](size_t k) {
    const Node& n = *flat[k].node;
    return json::object{{"node", n.code},
                        {"indicator_code", n.indicator_code.value_or("")},
                        {"name_zh", n.name_zh},
                        {"name_en", n.name_en}};
  };
  for (const auto& r : ranking) {
    const auto it = nodes.find(r.object_id);
    if (it == nodes.end()) continue;
    std::optional<size_t> weakest;
    double weakest_share = 2;
    for (size_t k = 0; k < flat.size() && k < it->second.size(); ++k) {
      const NodeScore& s = it->second[k];
      if (flat[k].leaf < 0 || !s.applicable || s.max <= 0) continue;
      const double share = s.score / s.max;
      share_sum[k] += share;
      ++share_count[k];
      if (share < weakest_share) {
        weakest_share = share;
        weakest = k;
      }
    }
    if (weakest) {
      json::object o = leaf_json(*weakest);
      o["object_id"] = r.object_id;
      o["code"] = r.code;
      o["name"] = r.name;
      o["share"] = weakest_share;
      weakest_by_object.push_back(std::move(o));
    }
  }
  std::vector<size_t> leaves;
  for (size_t k = 0; k < flat.size(); ++k) {
    if (flat[k].leaf >= 0 && share_count[k] > 0) leaves.push_back(k);
  }
  auto mean = [&](size_t k) { return share_sum[k] / static_cast<double>(share_count[k]); };
  std::stable_sort(leaves.begin(), leaves.end(), [&](size_t x, size_t y) { return mean(x) < mean(y); });
  json::array weak_indicators;
  for (size_t i = 0; i < leaves.size() && i < kWeakIndicators; ++i) {
    json::object o = leaf_json(leaves[i]);
    o["mean_share"] = mean(leaves[i]);
    o["objects"] = share_count[leaves[i]];
    weak_indicators.push_back(std::move(o));
  }

  json::object colour_counts;
  for (const auto& [k, v] : colours) colour_counts[k] = v;
  json::object grade_counts;
  for (const auto& [k, v] : grades) grade_counts[k] = v;
  const Template& t = ct.source();
  json::object body{{"assessment",
                     json::object{{"period", a.period.ToString()},
                                  {"template_code", a.template_code},
                                  {"template_version", a.template_version},
                                  {"template_name_zh", t.name_zh},
                                  {"template_name_en", t.name_en},
                                  {"name", a.name},
                                  {"scope_org_id", a.scope_org_id},
                                  {"scope_name", a.scope_name}}},
                    {"published_at", a.published_at ? FormatUtc(*a.published_at) : ""},
                    {"appeal_until", a.appeal_until ? FormatUtc(*a.appeal_until) : ""},
                    {"objects", static_cast<int64_t>(ranking.size())},
                    {"ranking", std::move(rows)},
                    {"colours", std::move(colour_counts)},
                    {"grades", std::move(grade_counts)},
                    {"highlights", std::move(highlights)},
                    {"weak_points",
                     json::object{{"indicators", std::move(weak_indicators)}, {"objects", std::move(weakest_by_object)}}}};
  return json::serialize(body);
}

// ---------------------------------------------------------------------------
// Explain

namespace {

constexpr int kInlineRecords = 20;

Result<ExplainNode> ExplainAt(const ExplainContext& ctx, size_t k, const std::vector<std::vector<size_t>>& children) {
  const auto& flat = ctx.ct.nodes();
  const Node& node = *flat[k].node;
  ExplainNode out;
  out.code = node.code;
  out.name_zh = node.name_zh;
  out.name_en = node.name_en;
  out.level = node.level;
  out.points = node.points;
  if (k < ctx.scores.size()) {
    const NodeScore& s = ctx.scores[k];
    out.max = s.max;
    out.score = s.score;
    out.applicable = s.applicable;
    if (s.applicable && s.max > 0) out.share = s.score / s.max;
    if (flat[k].leaf >= 0) {
      out.value = s.value;
      out.source = std::string(SourceName(s.source));
      out.ref = s.ref;
      out.tier = s.tier;
      out.veto = s.veto;
    }
  }
  if (k < ctx.flags.size()) out.flags = ctx.flags[k];
  if (flat[k].leaf < 0) {
    for (const size_t child : children[k]) {
      MS_ASSIGN_OR_RETURN(ExplainNode c, ExplainAt(ctx, child, children));
      out.children.push_back(std::move(c));
    }
    return out;
  }

  const auto leaf = static_cast<size_t>(flat[k].leaf);
  const Indicator& ind = ctx.ct.leaf_info(leaf);
  out.indicator_code = ind.code;
  out.method_json = MethodJson(ctx.ct.leaf_method(leaf));
  const std::string period = ctx.assessment.period.ToString();
  const int64_t object_id = ctx.object.object_id;
  if (out.source == "metric" && ind.metric_key) {
    out.metric_key = *ind.metric_key;
    MS_ASSIGN_OR_RETURN(auto mv, RunStore::MetricValue(ctx.conn, period, *ind.metric_key, object_id));
    if (mv) {
      out.numerator = mv->numerator;
      out.denominator = mv->denominator;
    }
    out.records_url = "/api/v1/metrics/" + *ind.metric_key + "/records?period=" + period +
                      "&object=" + std::to_string(object_id);
    if (ctx.metrics.records && ctx.metrics.registered && ctx.metrics.registered(*ind.metric_key)) {
      MS_ASSIGN_OR_RETURN(auto page, ctx.metrics.records(ctx.conn, *ind.metric_key, ctx.assessment.period, object_id,
                                                         kInlineRecords));
      out.records = std::move(page.items);
      out.records_next_cursor = page.next_cursor;
    }
  }
  if (out.source == "manual" || out.source == "override" ||
      std::find(out.flags.begin(), out.flags.end(), "self_supervisor_gap") != out.flags.end()) {
    MS_ASSIGN_OR_RETURN(out.manual, RunStore::ManualDetail(ctx.conn, ctx.assessment.id, object_id, ind.code));
    for (auto& m : out.manual) m.used = out.source == "manual" && std::to_string(m.input_id) == out.ref;
  }
  if (out.source == "expert") {
    MS_ASSIGN_OR_RETURN(out.experts, RunStore::ExpertDetail(ctx.conn, ctx.assessment.id, object_id, ind.code));
    const bool trimmed = std::find(out.flags.begin(), out.flags.end(), "trimmed") != out.flags.end();
    out.aggregation = trimmed || ctx.settings.expert_aggregation == ExpertAggregation::kTrimmedMean ? "trimmed_mean"
                                                                                                      : "mean";
    if (trimmed && out.experts.size() >= 3) {  // the lowest and the highest were left out
      std::vector<size_t> order(out.experts.size());
      std::iota(order.begin(), order.end(), size_t{0});
      std::stable_sort(order.begin(), order.end(),
                       [&](size_t x, size_t y) { return out.experts[x].share < out.experts[y].share; });
      out.experts[order.front()].dropped = true;
      out.experts[order.back()].dropped = true;
    }
  }
  if (out.source == "override") {
    MS_ASSIGN_OR_RETURN(auto appeal, RunStore::OverrideAppeal(ctx.conn, ctx.assessment.id, object_id, ind.code));
    if (appeal) out.appeal_id = *appeal;
  }
  return out;
}

}  // namespace

Result<std::vector<ExplainNode>> ExplainTree(const ExplainContext& ctx, const std::optional<std::string>& node) {
  const auto& flat = ctx.ct.nodes();
  std::vector<std::vector<size_t>> children(flat.size());
  std::vector<size_t> roots;
  for (size_t k = 0; k < flat.size(); ++k) {
    if (flat[k].parent < 0) {
      roots.push_back(k);
    } else {
      children[static_cast<size_t>(flat[k].parent)].push_back(k);
    }
  }
  if (node) {
    for (size_t k = 0; k < flat.size(); ++k) {
      const Node& n = *flat[k].node;
      if (n.code == *node || (n.indicator_code && *n.indicator_code == *node)) {
        MS_ASSIGN_OR_RETURN(ExplainNode one, ExplainAt(ctx, k, children));
        return std::vector<ExplainNode>{std::move(one)};
      }
    }
    return NotFoundError("指标", "Indicator");
  }
  std::vector<ExplainNode> out;
  for (const size_t k : roots) {
    MS_ASSIGN_OR_RETURN(ExplainNode n, ExplainAt(ctx, k, children));
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace minsheng::assessment::detail
