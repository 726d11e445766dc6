// Template files: JSON → types (collecting every field error with its path),
// the structural rules of docs/assessment-templates.md, and types → JSON.
#include "assessment/template.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "core/json_input.h"
#include "core/text.h"
#include "core/time.h"

namespace minsheng::assessment {

namespace json = boost::json;

// ---------------------------------------------------------------------------
// Names

std::string_view DirectionName(Direction d) { return d == Direction::kLower ? "<=" : ">="; }
std::string_view DirectionColumn(Direction d) { return d == Direction::kLower ? "lower" : "higher"; }
std::optional<Direction> ParseDirectionColumn(std::string_view s) {
  if (s == "higher") return Direction::kHigher;
  if (s == "lower") return Direction::kLower;
  return std::nullopt;
}

namespace {

constexpr std::string_view kTypeNames[] = {"quantity",  "quality",  "timeliness",     "cost",
                                           "economic",  "social",   "ecological",     "sustainability",
                                           "satisfaction", "management"};
constexpr std::string_view kSourceNames[] = {"metric", "manual", "survey", "expert"};
constexpr std::string_view kMethodNames[] = {"ratio", "linear", "steps", "deduction", "tiers", "yesno", "veto"};
constexpr std::string_view kObjectClasses[] = {"unit", "department", "soe", "project"};

template <typename E, size_t N>
std::optional<E> FromName(const std::string_view (&names)[N], std::string_view s) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  return std::nullopt;
}

template <size_t N>
std::string Choices(const std::string_view (&names)[N]) {
  std::string out;
  for (size_t i = 0; i < N; ++i) {
    if (i > 0) out += " | ";
    out += names[i];
  }
  return out;
}

}  // namespace

std::string_view IndicatorTypeName(IndicatorType t) { return kTypeNames[static_cast<size_t>(t)]; }
std::optional<IndicatorType> ParseIndicatorType(std::string_view s) { return FromName<IndicatorType>(kTypeNames, s); }
std::string_view SourceKindName(SourceKind s) { return kSourceNames[static_cast<size_t>(s)]; }
std::optional<SourceKind> ParseSourceKind(std::string_view s) { return FromName<SourceKind>(kSourceNames, s); }
std::string_view MethodName(Method m) { return kMethodNames[static_cast<size_t>(m)]; }
std::optional<Method> ParseMethod(std::string_view s) { return FromName<Method>(kMethodNames, s); }
std::string_view GroupByName(GroupBy g) { return g == GroupBy::kField ? "field" : "none"; }

const Indicator* TemplateDoc::FindIndicator(std::string_view code) const {
  auto it = std::lower_bound(indicators.begin(), indicators.end(), code,
                             [](const Indicator& i, std::string_view c) { return i.code < c; });
  if (it == indicators.end() || it->code != code) return nullptr;
  return &*it;
}

IndicatorLookup TemplateDoc::Lookup() const {
  return [this](std::string_view code) { return FindIndicator(code); };
}

const MethodSpec* LeafMethod(const Node& leaf, const Indicator* indicator) {
  if (leaf.method) return &*leaf.method;
  return indicator != nullptr ? &indicator->method : nullptr;
}

namespace {

void CollectLeafCodes(const Node& n, std::vector<std::string>& out) {
  if (n.children.empty()) {
    if (n.indicator_code) out.push_back(*n.indicator_code);
    return;
  }
  for (const auto& c : n.children) CollectLeafCodes(c, out);
}

}  // namespace

std::vector<std::string> LeafIndicatorCodes(const Template& t) {
  std::vector<std::string> out;
  for (const auto& r : t.roots) CollectLeafCodes(r, out);
  return out;
}

// ---------------------------------------------------------------------------
// Reading JSON objects strictly, with paths.

namespace {

FieldError Err(std::string field, std::string code, std::string zh, std::string en) {
  return {std::move(field), std::move(code), std::move(zh), std::move(en)};
}

std::string Join(const std::string& prefix, std::string_view key) {
  return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
}

std::string Index(const std::string& prefix, size_t i) { return prefix + "[" + std::to_string(i) + "]"; }

// Reads one JSON object: every key read is marked; Finish reports the rest as
// unknown. Errors go to the shared list.
class ObjReader {
 public:
  ObjReader(const json::object& obj, std::string prefix, std::vector<FieldError>& errors)
      : obj_(obj), prefix_(std::move(prefix)), errors_(errors) {}

  std::string Path(std::string_view key) const { return Join(prefix_, key); }
  bool Has(std::string_view key) const {
    const auto* v = obj_.if_contains(key);
    return v != nullptr && !v->is_null();
  }
  void Allow(std::string_view key) { seen_.emplace(key); }

  const json::value* Get(std::string_view key, bool required) {
    seen_.emplace(key);
    const auto* v = obj_.if_contains(key);
    if (v == nullptr || v->is_null()) {
      if (required) errors_.push_back(Err(Path(key), "required", "必填", "is required"));
      return nullptr;
    }
    return v;
  }

  std::optional<std::string> Text(std::string_view key, StringRule rule) {
    const auto* v = Get(key, rule.required);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) {
      errors_.push_back(Err(Path(key), "type", "应为文本", "must be a string"));
      return std::nullopt;
    }
    std::string s(v->as_string());
    if (!IsValidUtf8(s)) {
      errors_.push_back(Err(Path(key), "invalid", "含有无效字符", "has invalid characters"));
      return std::nullopt;
    }
    if (rule.trim) s = Trim(s);
    const size_t before = errors_.size();
    CheckText(Path(key), s, rule, errors_);
    if (errors_.size() != before) return std::nullopt;
    if (s.empty() && !rule.required) return std::nullopt;
    return s;
  }

  std::optional<double> Number(std::string_view key, bool required) {
    const auto* v = Get(key, required);
    if (v == nullptr) return std::nullopt;
    return AsNumber(*v, Path(key));
  }

  std::optional<double> AsNumber(const json::value& v, const std::string& path) {
    if (!v.is_number()) {
      errors_.push_back(Err(path, "type", "应为数字", "must be a number"));
      return std::nullopt;
    }
    boost::system::error_code ec;
    const double d = v.to_number<double>(ec);
    if (ec || !std::isfinite(d)) {
      errors_.push_back(Err(path, "type", "应为有限数字", "must be a finite number"));
      return std::nullopt;
    }
    return d;
  }

  const json::object* Object(std::string_view key, bool required) {
    const auto* v = Get(key, required);
    if (v == nullptr) return nullptr;
    if (!v->is_object()) {
      errors_.push_back(Err(Path(key), "type", "应为对象", "must be an object"));
      return nullptr;
    }
    return &v->as_object();
  }

  const json::array* Array(std::string_view key, bool required) {
    const auto* v = Get(key, required);
    if (v == nullptr) return nullptr;
    if (!v->is_array()) {
      errors_.push_back(Err(Path(key), "type", "应为数组", "must be an array"));
      return nullptr;
    }
    return &v->as_array();
  }

  void Finish() {
    for (const auto& kv : obj_) {
      if (!seen_.contains(std::string_view(kv.key()))) {
        errors_.push_back(Err(Path(kv.key()), "unknown_field", "不认识的字段", "unknown field"));
      }
    }
  }

 private:
  const json::object& obj_;
  std::string prefix_;
  std::vector<FieldError>& errors_;
  std::set<std::string, std::less<>> seen_;
};

bool IsCode(std::string_view s) {
  if (s.empty() || s.size() > kMaxCodeLength) return false;
  auto alnum = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!alnum(s.front())) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return alnum(c) || c == '.' || c == '_' || c == '-'; });
}

std::optional<std::string> ReadCode(ObjReader& r, std::string_view key, bool required,
                                    std::vector<FieldError>& errors) {
  auto s = r.Text(key, {.required = required, .max_len = kMaxCodeLength});
  if (s && !IsCode(*s)) {
    errors.push_back(Err(r.Path(key), "invalid_code", "编码只能由字母、数字和 . _ - 组成，且以字母或数字开头",
                         "use letters, digits and . _ - only, starting with a letter or digit"));
    return std::nullopt;
  }
  return s;
}

std::optional<Direction> ReadDirection(ObjReader& r, std::string_view key, std::vector<FieldError>& errors) {
  auto s = r.Text(key, {.max_len = 10});
  if (!s) return std::nullopt;
  if (*s == ">=") return Direction::kHigher;
  if (*s == "<=") return Direction::kLower;
  errors.push_back(Err(r.Path(key), "invalid", "应为 \">=\"（越高越好）或 \"<=\"（越低越好）",
                       "must be \">=\" (higher is better) or \"<=\" (lower is better)"));
  return std::nullopt;
}

template <typename E, size_t N>
std::optional<E> ReadEnum(ObjReader& r, std::string_view key, bool required, const std::string_view (&names)[N],
                          std::vector<FieldError>& errors) {
  auto s = r.Text(key, {.required = required, .max_len = 40});
  if (!s) return std::nullopt;
  auto v = FromName<E>(names, *s);
  if (!v) {
    errors.push_back(Err(r.Path(key), "invalid", "取值应为 " + Choices(names), "must be one of " + Choices(names)));
  }
  return v;
}

// A method object. *direction_given tells whether "direction" was present
// (else the indicator's direction applies).
MethodSpec ReadMethod(const json::object& obj, const std::string& path, std::vector<FieldError>& errors,
                      bool* direction_given) {
  ObjReader r(obj, path, errors);
  MethodSpec m;
  const auto method = ReadEnum<Method>(r, "method", true, kMethodNames, errors);
  if (method) m.method = *method;
  const auto dir = ReadDirection(r, "direction", errors);
  if (dir) m.direction = *dir;
  *direction_given = dir.has_value();

  // Which parameters the method takes; any other is refused, so a typo or a
  // parameter of another method is not silently ignored.
  const Method k = method.value_or(Method::kRatio);
  const bool known = method.has_value();
  auto refuse_unless = [&](std::string_view key, bool allowed) {
    if (!r.Has(key) || allowed || !known) return false;
    r.Allow(key);
    errors.push_back(Err(r.Path(key), "not_allowed", "方法 " + std::string(MethodName(k)) + " 不使用此参数",
                         "method " + std::string(MethodName(k)) + " takes no such parameter"));
    return true;
  };
  if (!refuse_unless("target", k == Method::kRatio || k == Method::kLinear)) {
    if (auto v = r.Number("target", known && (k == Method::kRatio || k == Method::kLinear))) m.target = *v;
  }
  if (!refuse_unless("floor", k == Method::kLinear)) {
    if (auto v = r.Number("floor", known && k == Method::kLinear)) m.floor = *v;
  }
  if (!refuse_unless("per_occurrence", k == Method::kDeduction)) {
    if (auto v = r.Number("per_occurrence", known && k == Method::kDeduction)) m.per_occurrence = *v;
  }
  if (!refuse_unless("steps", k == Method::kSteps)) {
    if (const auto* steps = r.Array("steps", known && k == Method::kSteps)) {
      const std::string steps_path = r.Path("steps");
      if (steps->size() > kMaxSteps) {
        errors.push_back(Err(steps_path, "too_many", "最多 " + std::to_string(kMaxSteps) + " 档",
                             "at most " + std::to_string(kMaxSteps) + " steps"));
      }
      for (size_t i = 0; i < steps->size() && i < kMaxSteps; ++i) {
        const std::string p = Index(steps_path, i);
        const auto& s = (*steps)[i];
        if (!s.is_array() || s.as_array().size() != 2) {
          errors.push_back(Err(p, "type", "每档应为 [阈值, 得分比例]", "each step must be [threshold, share]"));
          m.steps.push_back({std::numeric_limits<double>::quiet_NaN(), 0});
          continue;
        }
        const auto th = r.AsNumber(s.as_array()[0], p + "[0]");
        const auto sh = r.AsNumber(s.as_array()[1], p + "[1]");
        m.steps.push_back({th.value_or(std::numeric_limits<double>::quiet_NaN()), sh.value_or(0)});
      }
    }
  }
  if (!refuse_unless("tiers", k == Method::kTiers)) {
    if (const auto* tiers = r.Object("tiers", false)) {
      ObjReader t(*tiers, r.Path("tiers"), errors);
      if (auto v = t.Number("achieved", false)) m.tiers.achieved = *v;
      if (auto v = t.Number("partly", false)) m.tiers.partly = *v;
      t.Finish();
    }
  }
  r.Finish();
  return m;
}

struct ReadIndicatorResult {
  Indicator indicator;
  bool code_ok = false;
};

// allow_stored: accept (and ignore) the read-only "version" and "updated_at"
// of a library entry as the API returns it.
ReadIndicatorResult ReadIndicator(const json::object& obj, const std::string& prefix, std::vector<FieldError>& errors,
                                  bool code_required, bool allow_stored = false) {
  ObjReader r(obj, prefix, errors);
  if (allow_stored) {
    r.Allow("version");
    r.Allow("updated_at");
  }
  ReadIndicatorResult out;
  Indicator& ind = out.indicator;
  if (auto code = ReadCode(r, "code", code_required, errors)) {
    ind.code = *code;
    out.code_ok = true;
  }
  if (auto s = r.Text("name_zh", {.required = true, .max_len = kMaxNameZh})) ind.name_zh = *s;
  if (auto s = r.Text("name_en", {.required = true, .max_len = kMaxNameEn})) ind.name_en = *s;
  if (auto s = r.Text("unit", {.max_len = kMaxUnit})) ind.unit = *s;
  if (auto d = ReadDirection(r, "direction", errors)) ind.direction = *d;
  if (auto t = ReadEnum<IndicatorType>(r, "type", true, kTypeNames, errors)) ind.type = *t;
  const auto source = ReadEnum<SourceKind>(r, "source", true, kSourceNames, errors);
  if (source) ind.source = *source;
  auto metric = r.Text("metric", {.max_len = kMaxCodeLength});
  if (metric && !IsCode(*metric)) {
    errors.push_back(Err(r.Path("metric"), "invalid_code", "指标键格式无效（如 asset.registration_rate）",
                         "not a metric key (e.g. asset.registration_rate)"));
  } else if (source == SourceKind::kMetric && !metric && !r.Has("metric")) {
    errors.push_back(Err(r.Path("metric"), "required", "数据来源为 metric 时必须给出指标键",
                         "required when the source is metric"));
  } else if (source && source != SourceKind::kMetric && metric) {
    errors.push_back(Err(r.Path("metric"), "not_allowed", "只有数据来源为 metric 的指标才有指标键",
                         "only indicators with source metric name a metric"));
  } else {
    ind.metric_key = metric;
  }
  if (const auto* m = r.Object("method", true)) {
    bool direction_given = false;
    const std::string path = r.Path("method");
    ind.method = ReadMethod(*m, path, errors, &direction_given);
    if (!direction_given) {
      ind.method.direction = ind.direction;
    } else if (ind.method.direction != ind.direction && r.Has("direction")) {
      errors.push_back(Err(path + ".direction", "conflict", "与指标的方向不一致", "differs from the indicator's direction"));
    }
    for (auto& e : ValidateMethod(ind.method, path)) errors.push_back(std::move(e));
  }
  if (auto s = r.Text("description", {.max_len = kMaxDescription, .multiline = true})) ind.description = *s;
  r.Finish();
  return out;
}

// A node as read, before weights become points.
struct ParsedNode {
  Node node;
  std::optional<double> weight;  // percent of the parent
  bool points_known = false;     // points or weight read without error
  bool method_direction_given = false;
  std::vector<ParsedNode> children;
};

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

ParsedNode ReadNode(const json::object& obj, const std::string& path, int level, size_t& count,
                    std::vector<FieldError>& errors) {
  ObjReader r(obj, path, errors);
  ParsedNode p;
  Node& n = p.node;
  n.level = level;
  ++count;
  if (auto code = ReadCode(r, "code", true, errors)) n.code = *code;
  if (auto s = r.Text("name_zh", {.required = true, .max_len = kMaxNameZh})) n.name_zh = *s;
  if (auto s = r.Text("name_en", {.required = true, .max_len = kMaxNameEn})) n.name_en = *s;
  const bool has_points = r.Has("points");
  const bool has_weight = r.Has("weight");
  n.points = kNaN;
  if (has_points && has_weight) {
    r.Allow("points");
    r.Allow("weight");
    errors.push_back(Err(r.Path("weight"), "conflict", "分值 points 与权重 weight 只能给一个",
                         "give either points or weight, not both"));
  } else if (has_weight) {
    if (auto w = r.Number("weight", true)) {
      if (*w <= 0 || *w > 100) {
        errors.push_back(Err(r.Path("weight"), "out_of_range", "权重应大于 0 且不超过 100（占上级的百分比）",
                             "must be above 0 and at most 100 (percent of the parent)"));
      } else {
        p.weight = *w;
        p.points_known = true;
      }
    }
  } else if (auto pts = r.Number("points", true)) {
    n.points = *pts;
    p.points_known = true;
  }
  const auto* children = r.Array("children", false);
  if (children != nullptr && !children->empty()) {
    if (level >= kMaxTemplateLevels) {
      errors.push_back(Err(r.Path("children"), "too_deep", "指标体系最多三级", "a template has at most three levels"));
    } else {
      const std::string cpath = r.Path("children");
      for (size_t i = 0; i < children->size(); ++i) {
        const std::string p_i = Index(cpath, i);
        if (count >= kMaxTemplateNodes) {
          errors.push_back(Err(p_i, "too_many", "节点过多（最多 " + std::to_string(kMaxTemplateNodes) + " 个）",
                               "too many nodes (at most " + std::to_string(kMaxTemplateNodes) + ")"));
          break;
        }
        if (!(*children)[i].is_object()) {
          errors.push_back(Err(p_i, "type", "应为对象", "must be an object"));
          continue;
        }
        p.children.push_back(ReadNode((*children)[i].as_object(), p_i, level + 1, count, errors));
      }
    }
  }
  const bool inner = children != nullptr && !children->empty();
  if (inner) {
    if (r.Has("indicator")) {
      r.Allow("indicator");
      errors.push_back(Err(r.Path("indicator"), "not_allowed", "有下级的节点不能直接引用指标",
                           "a node with children cannot reference an indicator"));
    }
    if (r.Has("method")) {
      r.Allow("method");
      errors.push_back(Err(r.Path("method"), "not_allowed", "只有末级指标才有计分方法",
                           "only leaves have a scoring method"));
    }
  } else {
    n.indicator_code = ReadCode(r, "indicator", false, errors);
    if (!n.indicator_code && r.Has("indicator")) n.indicator_code = std::string();  // bad code: reported
    if (const auto* m = r.Object("method", false)) {
      n.method = ReadMethod(*m, r.Path("method"), errors, &p.method_direction_given);
    }
  }
  r.Finish();
  return p;
}

// Weights become points, top down; a node whose own points are unknown
// leaves its weighted children unknown too (no second error for them).
void ResolvePoints(ParsedNode& p, double parent_points) {
  if (p.weight) p.node.points = std::isnan(parent_points) ? kNaN : *p.weight / 100.0 * parent_points;
  for (auto& c : p.children) ResolvePoints(c, p.node.points);
}

Node Finish(ParsedNode& p, const IndicatorLookup& find) {
  Node n = std::move(p.node);
  if (n.method && !p.method_direction_given && n.indicator_code) {
    // An override without a direction takes the indicator's.
    if (const Indicator* ind = find(*n.indicator_code)) n.method->direction = ind->direction;
  }
  for (auto& c : p.children) n.children.push_back(Finish(c, find));
  return n;
}

std::string Fmt(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec != std::errc()) return "?";
  return std::string(buf, end);
}

}  // namespace

// ---------------------------------------------------------------------------
// Validation

std::vector<FieldError> ValidateMethod(const MethodSpec& m, const std::string& path) {
  std::vector<FieldError> errors;
  switch (m.method) {
    case Method::kRatio:
      if (!(m.target > 0)) {
        errors.push_back(Err(path + ".target", "out_of_range", "比率法的目标值应大于 0",
                             "the ratio method needs a target above 0"));
      }
      break;
    case Method::kLinear:
      if (m.target == m.floor) {
        errors.push_back(Err(path + ".target", "out_of_range", "线性法的目标值不能等于下限值 floor",
                             "the linear method needs a target different from its floor"));
      }
      break;
    case Method::kSteps: {
      if (m.steps.empty()) {
        errors.push_back(Err(path + ".steps", "required", "阶梯法至少需要一档", "the steps method needs at least one step"));
        break;
      }
      int trend = 0;  // +1 rising thresholds, -1 falling
      for (size_t i = 0; i < m.steps.size(); ++i) {
        const std::string p = path + ".steps[" + std::to_string(i) + "]";
        const Step& s = m.steps[i];
        if (!(s.share >= 0 && s.share <= 1)) {
          errors.push_back(Err(p + "[1]", "out_of_range", "得分比例应在 0 到 1 之间", "the share must be from 0 to 1"));
        }
        if (i == 0 || std::isnan(s.threshold) || std::isnan(m.steps[i - 1].threshold)) continue;
        const double prev = m.steps[i - 1].threshold;
        const int t = s.threshold > prev ? 1 : s.threshold < prev ? -1 : 0;
        if (t == 0 || (trend != 0 && t != trend)) {
          errors.push_back(Err(p + "[0]", "not_monotonic", "各档阈值应严格递增（或严格递减）",
                               "thresholds must be strictly increasing (or strictly decreasing)"));
        } else {
          trend = t;
        }
      }
      break;
    }
    case Method::kDeduction:
      if (!(m.per_occurrence > 0)) {
        errors.push_back(Err(path + ".per_occurrence", "out_of_range", "每次扣分应大于 0",
                             "points per occurrence must be above 0"));
      }
      break;
    case Method::kTiers:
      if (!(m.tiers.achieved <= 1 && m.tiers.achieved > m.tiers.partly)) {
        errors.push_back(Err(path + ".tiers.achieved", "out_of_range", "“达成”下限应不超过 1 且大于“部分达成”下限",
                             "achieved must be at most 1 and above partly"));
      }
      if (!(m.tiers.partly >= 0)) {
        errors.push_back(Err(path + ".tiers.partly", "out_of_range", "“部分达成”下限应不小于 0",
                             "partly must be at least 0"));
      }
      break;
    case Method::kYesNo:
    case Method::kVeto:
      break;
  }
  return errors;
}

std::vector<FieldError> ValidateMetric(const Indicator& ind, const MethodSpec& method, const std::string& field,
                                       const MetricLookup& metrics) {
  std::vector<FieldError> errors;
  if (!metrics || ind.source != SourceKind::kMetric || !ind.metric_key || ind.metric_key->empty()) return errors;
  const std::string& key = *ind.metric_key;
  const auto info = metrics(key);
  if (!info) {
    errors.push_back(Err(field, "unknown_metric", "指标 " + ind.code + " 的指标键 " + key + " 未注册（见指标值定义）",
                         "indicator " + ind.code + " names metric " + key + ", which is not registered"));
    return errors;
  }
  if (!ind.unit.empty() && ind.unit != info->unit) {
    errors.push_back(Err(field, "unit_mismatch",
                         "指标 " + ind.code + " 的单位“" + ind.unit + "”与指标值 " + key + " 的单位“" + info->unit +
                             "”不一致",
                         "indicator " + ind.code + " has unit \"" + ind.unit + "\" but metric " + key +
                             " is measured in \"" + info->unit + "\""));
  }
  if (info->unit != "%") return errors;
  // A rate lies in 0–100: it is not a count of occurrences, not a yes/no,
  // and a target or threshold outside 0–100 can never be met (or always is).
  const std::string method_name(MethodName(method.method));
  if (method.method == Method::kDeduction || method.method == Method::kYesNo || method.method == Method::kVeto) {
    errors.push_back(Err(field, "method_mismatch",
                         "指标值 " + key + " 是比率（%），不能用 " + method_name + " 方法计分",
                         "metric " + key + " is a rate (%) and cannot be scored by the " + method_name + " method"));
    return errors;
  }
  auto outside = [](double v) { return !(v >= 0 && v <= 100); };
  bool bad = false;
  if (method.method == Method::kRatio || method.method == Method::kLinear) bad = outside(method.target);
  if (method.method == Method::kLinear) bad = bad || outside(method.floor);
  if (method.method == Method::kSteps) {
    for (const auto& st : method.steps) bad = bad || (!std::isnan(st.threshold) && outside(st.threshold));
  }
  if (bad) {
    errors.push_back(Err(field, "method_mismatch",
                         "指标值 " + key + " 是比率（0–100%），计分方法的目标值、下限或阈值应在 0 到 100 之间",
                         "metric " + key + " is a rate (0–100 %); the method's target, floor and thresholds must lie "
                         "from 0 to 100"));
  }
  return errors;
}

namespace {

struct Validator {
  const IndicatorLookup& find;
  const MetricLookup& metrics;
  std::vector<FieldError>& errors;
  std::set<std::string> node_codes;
  std::map<std::string, std::string> indicator_used_at;  // code → path of first use

  // Returns whether the node's points are known (not NaN) for the parent's sum.
  void Check(const Node& n, const std::string& path) {
    if (!n.code.empty() && !node_codes.insert(n.code).second) {
      errors.push_back(Err(path + ".code", "duplicate", "节点编码重复：" + n.code, "duplicate node code: " + n.code));
    }
    const bool known = !std::isnan(n.points);
    if (n.children.empty()) {
      CheckLeaf(n, path, known);
      return;
    }
    if (known && n.points < 0) {
      errors.push_back(Err(path + ".points", "out_of_range", "分值不能为负", "points must not be negative"));
    }
    bool all_known = true;
    double sum = 0;
    for (size_t i = 0; i < n.children.size(); ++i) {
      const Node& c = n.children[i];
      Check(c, path + ".children[" + std::to_string(i) + "]");
      if (std::isnan(c.points)) all_known = false;
      sum += c.points;
    }
    if (known && all_known && std::fabs(sum - n.points) > kPointsTolerance) {
      errors.push_back(Err(path + ".points", "sum_mismatch",
                           "下级分值合计 " + Fmt(sum) + "，与本级分值 " + Fmt(n.points) + " 不等",
                           "the children's points add up to " + Fmt(sum) + ", not " + Fmt(n.points)));
    }
  }

  void CheckLeaf(const Node& n, const std::string& path, bool known) {
    const Indicator* ind = nullptr;
    if (!n.indicator_code) {
      errors.push_back(Err(path + ".indicator", "required", "末级指标必须引用指标库中的指标（或给出下级节点）",
                           "a leaf must reference an indicator (or have children)"));
    } else if (!n.indicator_code->empty()) {
      ind = find(*n.indicator_code);
      if (ind == nullptr) {
        errors.push_back(Err(path + ".indicator", "unknown_indicator",
                             "指标库和本文件中都没有指标 " + *n.indicator_code,
                             "no indicator " + *n.indicator_code + " in this file or the library"));
      }
      auto [it, inserted] = indicator_used_at.emplace(*n.indicator_code, path);
      if (!inserted) {
        errors.push_back(Err(path + ".indicator", "duplicate", "同一指标在模板中只能使用一次（已用于 " + it->second + "）",
                             "an indicator is used once per template (already at " + it->second + ")"));
      }
    }
    if (n.method) {
      for (auto& e : ValidateMethod(*n.method, path + ".method")) errors.push_back(std::move(e));
    }
    const MethodSpec* m = LeafMethod(n, ind);
    if (ind != nullptr && m != nullptr) {
      for (auto& e : ValidateMetric(*ind, *m, path + ".metric", metrics)) errors.push_back(std::move(e));
    }
    const bool veto = m != nullptr && m->method == Method::kVeto;
    if (!known) return;
    if (veto ? n.points < 0 : !(n.points > 0)) {
      errors.push_back(Err(path + ".points", "out_of_range",
                           veto ? "一票否决指标的分值不能为负" : "分值应大于 0（只有一票否决指标可为 0）",
                           veto ? "points of a veto indicator must not be negative"
                                : "points must be above 0 (only veto indicators may have 0)"));
    }
  }
};

}  // namespace

std::vector<FieldError> ValidateTemplate(const Template& t, const IndicatorLookup& find,
                                         const MetricLookup& metrics) {
  std::vector<FieldError> errors;
  const double total = t.total_points;
  if (!(total > 0 && total <= 1000)) {
    errors.push_back(Err("total_points", "out_of_range", "总分应大于 0 且不超过 1000", "must be above 0 and at most 1000"));
  }
  // Bands: descending, inside 0..total.
  const auto& g = t.grades;
  if (!(g.excellent <= total)) {
    errors.push_back(Err("grades.excellent", "out_of_range", "“优”的分数线不能高于总分",
                         "the excellent band cannot exceed the total points"));
  }
  if (!(g.good < g.excellent)) {
    errors.push_back(Err("grades.good", "not_descending", "“良”的分数线应低于“优”", "good must be below excellent"));
  }
  if (!(g.fair < g.good)) {
    errors.push_back(Err("grades.fair", "not_descending", "“中”的分数线应低于“良”", "fair must be below good"));
  }
  if (!(g.fair >= 0)) {
    errors.push_back(Err("grades.fair", "out_of_range", "分数线不能为负", "bands must not be negative"));
  }
  const auto& c = t.colours;
  if (!(c.yellow_below <= total)) {
    errors.push_back(Err("colours.yellow_below", "out_of_range", "黄色线不能高于总分",
                         "yellow_below cannot exceed the total points"));
  }
  if (!(c.red_below <= c.yellow_below)) {
    errors.push_back(Err("colours.red_below", "not_descending", "红色线不能高于黄色线",
                         "red_below must not be above yellow_below"));
  }
  if (!(c.red_below >= 0)) {
    errors.push_back(Err("colours.red_below", "out_of_range", "不能为负", "must not be negative"));
  }
  if (t.roots.empty()) {
    errors.push_back(Err("nodes", "required", "模板至少需要一个一级指标", "a template needs at least one first-level node"));
    return errors;
  }
  Validator v{find, metrics, errors, {}, {}};
  bool all_known = true;
  double sum = 0;
  for (size_t i = 0; i < t.roots.size(); ++i) {
    v.Check(t.roots[i], "nodes[" + std::to_string(i) + "]");
    if (std::isnan(t.roots[i].points)) all_known = false;
    sum += t.roots[i].points;
  }
  if (all_known && total > 0 && std::fabs(sum - total) > kPointsTolerance) {
    errors.push_back(Err("nodes", "sum_mismatch", "一级指标分值合计 " + Fmt(sum) + "，与总分 " + Fmt(total) + " 不等",
                         "the first-level points add up to " + Fmt(sum) + ", not " + Fmt(total)));
  }
  return errors;
}

// ---------------------------------------------------------------------------
// Parsing

namespace {

// The same checks and messages as request bodies (UTF-8, JSON, an object).
Result<json::object> ParseObject(std::string_view text) {
  MS_TRY(JsonInput::Parse(text));
  return std::move(json::parse(text).as_object());
}

}  // namespace

Error TemplateInvalid(std::vector<FieldError> errors) {
  Error e = ValidationError(std::move(errors));
  e.code = "assess.template_invalid";
  e.zh = "模板有误，未写入任何数据（见各字段错误）";
  e.en = "The template has errors; nothing was written (see the field errors)";
  return e;
}

Result<TemplateFile> ParseTemplateFile(std::string_view json_text, const IndicatorLookup& stored,
                                       const MetricLookup& metrics) {
  MS_ASSIGN_OR_RETURN(const json::object obj, ParseObject(json_text));
  std::vector<FieldError> errors;
  ObjReader r(obj, "", errors);
  TemplateFile file;
  Template& t = file.doc.tmpl;
  if (auto code = ReadCode(r, "code", true, errors)) t.code = *code;
  if (auto s = r.Text("name_zh", {.required = true, .max_len = kMaxNameZh})) t.name_zh = *s;
  if (auto s = r.Text("name_en", {.required = true, .max_len = kMaxNameEn})) t.name_en = *s;
  if (auto s = r.Text("object_class", {.required = true, .max_len = 20})) {
    if (std::find(std::begin(kObjectClasses), std::end(kObjectClasses), *s) == std::end(kObjectClasses)) {
      errors.push_back(Err("object_class", "invalid", "取值应为 " + Choices(kObjectClasses),
                           "must be one of " + Choices(kObjectClasses)));
    } else {
      t.object_class = *s;
    }
  }
  t.total_points = 100;
  if (auto v = r.Number("total_points", false)) t.total_points = *v;
  if (auto s = r.Text("group_by", {.max_len = 10})) {
    if (*s == "field") {
      t.group_by = GroupBy::kField;
    } else if (*s == "none") {
      t.group_by = GroupBy::kNone;
    } else {
      errors.push_back(Err("group_by", "invalid", "取值应为 field | none", "must be field or none"));
    }
  }
  if (const auto* g = r.Object("grades", false)) {
    ObjReader gr(*g, "grades", errors);
    if (auto v = gr.Number("excellent", true)) t.grades.excellent = *v;
    if (auto v = gr.Number("good", true)) t.grades.good = *v;
    if (auto v = gr.Number("fair", true)) t.grades.fair = *v;
    gr.Finish();
  }
  if (const auto* c = r.Object("colours", false)) {
    ObjReader cr(*c, "colours", errors);
    if (auto v = cr.Number("red_below", true)) t.colours.red_below = *v;
    if (auto v = cr.Number("yellow_below", true)) t.colours.yellow_below = *v;
    cr.Finish();
  }
  // Read-only fields of the API's Template object: accepted (so a document
  // fetched from the API can be sent back) and ignored.
  for (const char* k : {"id", "version", "status", "frozen", "created_at", "published_at"}) r.Allow(k);

  // The file's library entries.
  std::map<std::string, size_t, std::less<>> file_index;
  std::vector<size_t> file_position;  // of each library entry in the "indicators" array
  if (const auto* inds = r.Array("indicators", false)) {
    if (inds->size() > kMaxIndicatorsPerFile) {
      errors.push_back(Err("indicators", "too_many", "指标过多（最多 " + std::to_string(kMaxIndicatorsPerFile) + " 个）",
                           "too many indicators (at most " + std::to_string(kMaxIndicatorsPerFile) + ")"));
    }
    for (size_t i = 0; i < inds->size() && i < kMaxIndicatorsPerFile; ++i) {
      const std::string p = Index("indicators", i);
      if (!(*inds)[i].is_object()) {
        errors.push_back(Err(p, "type", "应为对象", "must be an object"));
        continue;
      }
      auto read = ReadIndicator((*inds)[i].as_object(), p, errors, true);
      if (!read.code_ok) continue;
      if (!file_index.emplace(read.indicator.code, file.library.size()).second) {
        errors.push_back(Err(p + ".code", "duplicate", "本文件中指标编码重复：" + read.indicator.code,
                             "duplicate indicator code in this file: " + read.indicator.code));
        continue;
      }
      file.library.push_back(std::move(read.indicator));
      file_position.push_back(i);
    }
  }
  const IndicatorLookup find = [&](std::string_view code) -> const Indicator* {
    if (auto it = file_index.find(code); it != file_index.end()) return &file.library[it->second];
    return stored ? stored(code) : nullptr;
  };

  std::vector<ParsedNode> parsed;
  if (const auto* nodes = r.Array("nodes", true)) {
    size_t count = 0;
    for (size_t i = 0; i < nodes->size(); ++i) {
      const std::string p = Index("nodes", i);
      if (count >= kMaxTemplateNodes) {
        errors.push_back(Err(p, "too_many", "节点过多（最多 " + std::to_string(kMaxTemplateNodes) + " 个）",
                             "too many nodes (at most " + std::to_string(kMaxTemplateNodes) + ")"));
        break;
      }
      if (!(*nodes)[i].is_object()) {
        errors.push_back(Err(p, "type", "应为对象", "must be an object"));
        continue;
      }
      parsed.push_back(ReadNode((*nodes)[i].as_object(), p, 1, count, errors));
    }
  }
  r.Finish();
  for (auto& p : parsed) ResolvePoints(p, t.total_points);
  for (auto& p : parsed) t.roots.push_back(Finish(p, find));
  for (auto& e : ValidateTemplate(t, find, metrics)) {
    // A missing "nodes" is already reported by the reader.
    if (e.field == "nodes" && e.code == "required" && !r.Has("nodes")) continue;
    errors.push_back(std::move(e));
  }
  if (metrics) {
    // The file's entries no leaf uses would enter the library unchecked:
    // check them where they are defined (a used one is reported at its leaf).
    const auto used = LeafIndicatorCodes(t);
    for (const auto& [code, i] : file_index) {
      if (std::find(used.begin(), used.end(), code) != used.end()) continue;
      const Indicator& ind = file.library[i];
      for (auto& e : ValidateMetric(ind, ind.method, Index("indicators", file_position[i]) + ".metric", metrics)) {
        errors.push_back(std::move(e));
      }
    }
  }
  if (!errors.empty()) return TemplateInvalid(std::move(errors));

  // The snapshot: every indicator a leaf uses, sorted by code.
  for (const auto& code : LeafIndicatorCodes(t)) file.doc.indicators.push_back(*find(code));
  std::sort(file.doc.indicators.begin(), file.doc.indicators.end(),
            [](const Indicator& a, const Indicator& b) { return a.code < b.code; });
  return file;
}

Result<Indicator> ParseIndicator(std::string_view json_text, std::string_view code, const MetricLookup& metrics) {
  MS_ASSIGN_OR_RETURN(const json::object obj, ParseObject(json_text));
  std::vector<FieldError> errors;
  if (!code.empty() && !IsCode(code)) {
    errors.push_back(Err("code", "invalid_code", "编码只能由字母、数字和 . _ - 组成，且以字母或数字开头",
                         "use letters, digits and . _ - only, starting with a letter or digit"));
  }
  auto read = ReadIndicator(obj, "", errors, code.empty(), /*allow_stored=*/true);
  if (!code.empty() && read.code_ok && read.indicator.code != code) {
    errors.push_back(Err("code", "mismatch", "与地址中的编码不一致", "differs from the code in the URL"));
  }
  for (auto& e : ValidateMetric(read.indicator, read.indicator.method, "metric", metrics)) errors.push_back(std::move(e));
  if (!errors.empty()) return ValidationError(std::move(errors));
  if (!code.empty()) read.indicator.code = std::string(code);
  return std::move(read.indicator);
}

Result<MethodSpec> ParseMethodJson(std::string_view json_text, Direction direction) {
  MS_ASSIGN_OR_RETURN(const json::object obj, ParseObject(json_text));
  std::vector<FieldError> errors;
  bool direction_given = false;
  MethodSpec m = ReadMethod(obj, "method", errors, &direction_given);
  if (!direction_given) m.direction = direction;
  for (auto& e : ValidateMethod(m, "method")) errors.push_back(std::move(e));
  if (!errors.empty()) return ValidationError(std::move(errors));
  return m;
}

// ---------------------------------------------------------------------------
// Writing. Boost.JSON writes doubles as "1E1"; numbers here are written the
// way people type them (10, 0.8, 33.333333333333336).

namespace {

void Write(const json::value& v, std::string& out) {
  switch (v.kind()) {
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& kv : v.as_object()) {
        if (!first) out += ',';
        first = false;
        out += json::serialize(json::string(kv.key()));
        out += ':';
        Write(kv.value(), out);
      }
      out += '}';
      break;
    }
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v.as_array()) {
        if (!first) out += ',';
        first = false;
        Write(e, out);
      }
      out += ']';
      break;
    }
    case json::kind::double_:
      out += Fmt(v.as_double());
      break;
    default:
      out += json::serialize(v);
  }
}

std::string Serialize(const json::value& v) {
  std::string out;
  Write(v, out);
  return out;
}

json::object MethodObject(const MethodSpec& m) {
  json::object o;
  o["method"] = MethodName(m.method);
  o["direction"] = DirectionName(m.direction);
  switch (m.method) {
    case Method::kRatio:
      o["target"] = m.target;
      break;
    case Method::kLinear:
      o["floor"] = m.floor;
      o["target"] = m.target;
      break;
    case Method::kSteps: {
      json::array steps;
      for (const auto& s : m.steps) steps.push_back(json::array{s.threshold, s.share});
      o["steps"] = std::move(steps);
      break;
    }
    case Method::kDeduction:
      o["per_occurrence"] = m.per_occurrence;
      break;
    case Method::kTiers:
      o["tiers"] = json::object{{"achieved", m.tiers.achieved}, {"partly", m.tiers.partly}};
      break;
    case Method::kYesNo:
    case Method::kVeto:
      break;
  }
  return o;
}

json::object IndicatorObject(const Indicator& i) {
  json::object o;
  o["code"] = i.code;
  o["name_zh"] = i.name_zh;
  o["name_en"] = i.name_en;
  o["unit"] = i.unit;
  o["direction"] = DirectionName(i.direction);
  o["type"] = IndicatorTypeName(i.type);
  o["source"] = SourceKindName(i.source);
  if (i.metric_key) o["metric"] = *i.metric_key;
  o["method"] = MethodObject(i.method);
  if (!i.description.empty()) o["description"] = i.description;
  return o;
}

json::object NodeObject(const Node& n) {
  json::object o;
  o["code"] = n.code;
  o["name_zh"] = n.name_zh;
  o["name_en"] = n.name_en;
  o["points"] = n.points;
  if (!n.children.empty()) {
    json::array children;
    for (const auto& c : n.children) children.push_back(NodeObject(c));
    o["children"] = std::move(children);
  } else {
    if (n.indicator_code) o["indicator"] = *n.indicator_code;
    if (n.method) o["method"] = MethodObject(*n.method);
  }
  return o;
}

json::object DocObject(const TemplateDoc& d) {
  const Template& t = d.tmpl;
  json::object o;
  o["code"] = t.code;
  o["name_zh"] = t.name_zh;
  o["name_en"] = t.name_en;
  o["object_class"] = t.object_class;
  o["total_points"] = t.total_points;
  o["group_by"] = GroupByName(t.group_by);
  o["grades"] = json::object{{"excellent", t.grades.excellent}, {"good", t.grades.good}, {"fair", t.grades.fair}};
  o["colours"] = json::object{{"red_below", t.colours.red_below}, {"yellow_below", t.colours.yellow_below}};
  json::array inds;
  for (const auto& i : d.indicators) inds.push_back(IndicatorObject(i));
  o["indicators"] = std::move(inds);
  json::array nodes;
  for (const auto& n : t.roots) nodes.push_back(NodeObject(n));
  o["nodes"] = std::move(nodes);
  return o;
}

}  // namespace

std::string MethodJson(const MethodSpec& m) { return Serialize(MethodObject(m)); }
std::string IndicatorJson(const Indicator& i) { return Serialize(IndicatorObject(i)); }
std::string TemplateDocJson(const TemplateDoc& d) { return Serialize(DocObject(d)); }

std::string TemplateJson(const TemplateDoc& d) {
  const Template& t = d.tmpl;
  json::object o;
  o["id"] = t.id;
  o["version"] = t.version;
  o["status"] = t.status;
  o["frozen"] = t.frozen;
  o["created_at"] = FormatUtc(t.created_at);
  o["published_at"] = t.published_at ? json::value(FormatUtc(*t.published_at)) : json::value(nullptr);
  for (auto& kv : DocObject(d)) o[kv.key()] = kv.value();
  return Serialize(o);
}

}  // namespace minsheng::assessment
