#include "assessment/consequence.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <set>
#include <unordered_map>

namespace minsheng {
extern const char* const kConsequenceRulesJson;  // generated from data/assessment/consequences.json
}

namespace minsheng::assessment {

namespace json = boost::json;

namespace {

// Relative slack for "value > over × target": a value equal to the bound up
// to binary representation is not over it (150 % exactly does not tilt).
constexpr double kRelativeGuard = 1e-9;
// Shares are compared with this slack so 0.6 arriving as 0.6000000000000001
// (or 0.5999999999999999) still counts as "at the threshold".
constexpr double kShareGuard = 1e-9;

std::optional<Method> MethodFromName(std::string_view s) {
  static constexpr std::pair<std::string_view, Method> kNames[] = {
      {"ratio", Method::kRatio}, {"linear", Method::kLinear},       {"steps", Method::kSteps},
      {"deduction", Method::kDeduction}, {"tiers", Method::kTiers}, {"yesno", Method::kYesNo},
      {"veto", Method::kVeto}};
  for (const auto& [name, m] : kNames) {
    if (name == s) return m;
  }
  return std::nullopt;
}

std::optional<Period::Kind> KindFromName(std::string_view s) {
  if (s == "month") return Period::Kind::kMonth;
  if (s == "quarter") return Period::Kind::kQuarter;
  if (s == "year") return Period::Kind::kYear;
  return std::nullopt;
}

std::optional<RuleCondition> ConditionFromName(std::string_view s) {
  if (s == "below") return RuleCondition::kBelow;
  if (s == "grade") return RuleCondition::kGrade;
  if (s == "repeated") return RuleCondition::kRepeated;
  if (s == "over_target") return RuleCondition::kOverTarget;
  return std::nullopt;
}

bool ValidCode(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
  });
}

// Reads one rule object; problems go to errors under "rules[i].…".
class RuleReader {
 public:
  RuleReader(const json::object& o, std::string prefix, std::vector<FieldError>& errors)
      : o_(o), prefix_(std::move(prefix)), errors_(errors) {}

  void Error(std::string_view key, std::string code, std::string zh, std::string en) {
    errors_.push_back({prefix_ + "." + std::string(key), std::move(code), std::move(zh), std::move(en)});
  }

  const json::value* Get(std::string_view key) {
    seen_.insert(std::string(key));
    return o_.if_contains(key);
  }

  std::optional<std::string> String(std::string_view key, bool required) {
    const auto* v = Get(key);
    if (v == nullptr || v->is_null()) {
      if (required) Error(key, "required", "必填", "is required");
      return std::nullopt;
    }
    if (!v->is_string()) {
      Error(key, "type", "应为文本", "must be a string");
      return std::nullopt;
    }
    return std::string(v->as_string());
  }

  std::optional<double> Number(std::string_view key, bool required, double min, double max) {
    const auto* v = Get(key);
    if (v == nullptr || v->is_null()) {
      if (required) Error(key, "required", "必填", "is required");
      return std::nullopt;
    }
    if (!v->is_number()) {
      Error(key, "type", "应为数字", "must be a number");
      return std::nullopt;
    }
    const double d = v->to_number<double>();
    if (!std::isfinite(d) || d < min || d > max) {
      char zh[96];
      char en[96];
      std::snprintf(zh, sizeof zh, "应在 %g 到 %g 之间", min, max);
      std::snprintf(en, sizeof en, "must be from %g to %g", min, max);
      Error(key, "out_of_range", zh, en);
      return std::nullopt;
    }
    return d;
  }

  std::vector<std::string> Strings(std::string_view key) {
    std::vector<std::string> out;
    const auto* v = Get(key);
    if (v == nullptr || v->is_null()) return out;
    if (!v->is_array() || v->as_array().empty()) {
      Error(key, "type", "应为非空的文本数组", "must be a non-empty array of strings");
      return out;
    }
    for (const auto& e : v->as_array()) {
      if (!e.is_string()) {
        Error(key, "type", "应为非空的文本数组", "must be a non-empty array of strings");
        return {};
      }
      out.emplace_back(e.as_string());
    }
    return out;
  }

  void FinishUnknown() {
    for (const auto& kv : o_) {
      if (!seen_.contains(std::string(kv.key())))
        errors_.push_back({prefix_ + "." + std::string(kv.key()), "unknown_field", "未知字段", "unknown field"});
    }
  }

 private:
  const json::object& o_;
  std::string prefix_;
  std::vector<FieldError>& errors_;
  std::set<std::string> seen_;
};

ConsequenceRule ReadRule(const json::object& o, const std::string& prefix, std::vector<FieldError>& errors) {
  RuleReader r(o, prefix, errors);
  ConsequenceRule rule;
  if (auto code = r.String("code", true)) {
    if (!ValidCode(*code))
      r.Error("code", "invalid", "代码只能包含小写字母、数字、下划线和点，最长 64 个字符",
              "lower-case letters, digits, _ and . only, at most 64 characters");
    rule.code = *code;
  }
  if (auto kind = r.String("kind", true)) {
    if (!ValidCode(*kind))
      r.Error("kind", "invalid", "类型只能包含小写字母、数字、下划线和点，最长 64 个字符",
              "lower-case letters, digits, _ and . only, at most 64 characters");
    rule.kind = *kind;
  }
  rule.name_zh = r.String("name_zh", true).value_or("");
  rule.name_en = r.String("name_en", true).value_or("");
  (void)r.Get("source");  // a note on where the rule comes from; not used
  if (const auto* en = r.Get("enabled"); en != nullptr) {
    if (!en->is_bool()) {
      r.Error("enabled", "type", "应为 true 或 false", "must be true or false");
    } else {
      rule.enabled = en->as_bool();
    }
  }
  if (auto owner = r.String("owner", false)) {
    if (*owner == "finance") {
      rule.owner = ActionOwner::kFinance;
    } else if (*owner == "supervisor") {
      rule.owner = ActionOwner::kSupervisor;
    } else {
      r.Error("owner", "invalid", "应为 finance（财政部门）或 supervisor（主管部门）", "must be finance or supervisor");
    }
  }
  if (r.Get("period_kinds") != nullptr) {
    rule.period_kinds.clear();
    for (const auto& k : r.Strings("period_kinds")) {
      auto kind = KindFromName(k);
      if (!kind) {
        r.Error("period_kinds", "invalid", "期间类型应为 month、quarter 或 year", "must be month, quarter or year");
        break;
      }
      rule.period_kinds.push_back(*kind);
    }
  }
  const auto when_text = r.String("when", true);
  std::optional<RuleCondition> when;
  if (when_text) {
    when = ConditionFromName(*when_text);
    if (!when)
      r.Error("when", "invalid", "条件应为 below、grade、repeated 或 over_target",
              "must be below, grade, repeated or over_target");
  }
  if (when) rule.when = *when;
  const bool needs_grade = when == RuleCondition::kGrade || when == RuleCondition::kRepeated;
  if (auto g = r.String("grade", needs_grade)) {
    auto grade = GradeFromName(*g);
    if (!grade) {
      r.Error("grade", "invalid", "等次应为 excellent、good、fair 或 poor", "must be excellent, good, fair or poor");
    } else {
      rule.grade = *grade;
    }
  }
  if (auto t = r.Number("threshold", when == RuleCondition::kBelow, 0, 1000)) rule.threshold = *t;
  if (auto y = r.Number("years", false, 2, 10)) {
    if (*y != std::floor(*y)) {
      r.Error("years", "invalid", "应为整数", "must be a whole number");
    } else {
      rule.years = static_cast<int>(*y);
    }
  }
  if (auto over = r.Number("over", false, 1, 100)) rule.over = *over;
  if (r.Get("methods") != nullptr) {
    rule.methods.clear();
    for (const auto& m : r.Strings("methods")) {
      auto method = MethodFromName(m);
      if (!method || (*method != Method::kRatio && *method != Method::kLinear)) {
        r.Error("methods", "invalid", "方法应为 ratio 或 linear（有目标值的方法）",
                "must be ratio or linear (methods with a target)");
        break;
      }
      rule.methods.push_back(*method);
    }
  }
  if (auto p = r.Number("percent", false, 0, 100)) rule.percent = *p;
  r.FinishUnknown();
  return rule;
}

// ---- facts ------------------------------------------------------------------

json::object BaseFacts(const ConsequenceRule& rule, const Period& period, const ObjectResult& r) {
  return json::object{{"rule", rule.code},
                      {"kind", rule.kind},
                      {"condition", ConditionName(rule.when)},
                      {"name_zh", rule.name_zh},
                      {"name_en", rule.name_en},
                      {"period", period.ToString()},
                      {"total", r.total},
                      {"rounded", r.rounded},
                      {"grade", GradeName(r.grade)},
                      {"grade_zh", GradeNameZh(r.grade)},
                      {"colour", ColourName(r.colour)},
                      {"vetoed", r.vetoed}};
}

// The leaf indexes of a compiled template by node code.
std::unordered_map<std::string, size_t> LeavesByNodeCode(const CompiledTemplate& compiled) {
  std::unordered_map<std::string, size_t> out;
  for (const auto& fn : compiled.nodes()) {
    if (fn.leaf >= 0) out.emplace(fn.node->code, static_cast<size_t>(fn.leaf));
  }
  return out;
}

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

int ConsequenceRules::HistoryYears() const {
  int n = 0;
  for (const auto& r : rules) {
    if (r.enabled && r.when == RuleCondition::kRepeated) n = std::max(n, r.years - 1);
  }
  return n;
}

std::optional<Grade> GradeFromName(std::string_view name) {
  for (Grade g : {Grade::kExcellent, Grade::kGood, Grade::kFair, Grade::kPoor}) {
    if (GradeName(g) == name) return g;
  }
  return std::nullopt;
}

std::string_view OwnerName(ActionOwner o) { return o == ActionOwner::kFinance ? "finance" : "supervisor"; }

std::string_view ConditionName(RuleCondition c) {
  switch (c) {
    case RuleCondition::kBelow: return "below";
    case RuleCondition::kGrade: return "grade";
    case RuleCondition::kRepeated: return "repeated";
    case RuleCondition::kOverTarget: return "over_target";
  }
  return "below";
}

Result<ConsequenceRules> ParseConsequenceRules(std::string_view text) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object()) {
    return ValidationError({{"rules", "malformed_json", "结果运用规则文件不是有效的 JSON 对象",
                             "the consequence rules file is not a valid JSON object"}});
  }
  std::vector<FieldError> errors;
  const auto& root = doc.as_object();
  for (const auto& kv : root) {
    if (kv.key() != "rules" && kv.key() != "comment")
      errors.push_back({std::string(kv.key()), "unknown_field", "未知字段", "unknown field"});
  }
  const auto* list = root.if_contains("rules");
  if (list == nullptr || !list->is_array()) {
    errors.push_back({"rules", "required", "应为规则数组", "must be an array of rules"});
    return ValidationError(std::move(errors));
  }
  ConsequenceRules out;
  std::set<std::string> codes;
  size_t i = 0;
  for (const auto& v : list->as_array()) {
    const std::string prefix = "rules[" + std::to_string(i++) + "]";
    if (!v.is_object()) {
      errors.push_back({prefix, "type", "应为对象", "must be an object"});
      continue;
    }
    ConsequenceRule rule = ReadRule(v.as_object(), prefix, errors);
    if (!rule.code.empty() && !codes.insert(rule.code).second)
      errors.push_back({prefix + ".code", "duplicate", "规则代码重复", "duplicate rule code"});
    out.rules.push_back(std::move(rule));
  }
  if (!errors.empty()) return ValidationError(std::move(errors));
  return out;
}

std::string_view DefaultConsequenceRulesText() { return kConsequenceRulesJson; }

const ConsequenceRules& DefaultConsequenceRules() {
  static const ConsequenceRules kRules = [] {
    auto parsed = ParseConsequenceRules(DefaultConsequenceRulesText());
    assert(parsed.ok() && "data/assessment/consequences.json must parse (tested by the unit tests)");
    return parsed.ok() ? std::move(parsed).value() : ConsequenceRules{};
  }();
  return kRules;
}

std::vector<ProducedAction> EvaluateConsequences(const ConsequenceRules& rules, const Period& period,
                                                 const CompiledTemplate* compiled, const ObjectResult& r,
                                                 const std::vector<PriorGrade>& previous) {
  std::vector<ProducedAction> out;
  for (const auto& rule : rules.rules) {
    if (!rule.enabled) continue;
    if (std::find(rule.period_kinds.begin(), rule.period_kinds.end(), period.kind) == rule.period_kinds.end())
      continue;
    json::object facts = BaseFacts(rule, period, r);
    bool fired = false;
    switch (rule.when) {
      case RuleCondition::kBelow:
        // Decided on the rounded total, like grades: 84.995 rounds to 85.00 and is not below 85.
        fired = r.rounded < rule.threshold;
        facts["threshold"] = rule.threshold;
        break;
      case RuleCondition::kGrade:
        fired = r.grade == rule.grade;
        break;
      case RuleCondition::kRepeated: {
        const size_t need = static_cast<size_t>(rule.years - 1);
        fired = r.grade == rule.grade && previous.size() >= need;
        json::array prev;
        for (size_t i = 0; i < need; ++i) {
          const std::optional<Grade> g = i < previous.size() ? previous[i].grade : std::nullopt;
          if (g != rule.grade) fired = false;
          json::object p{{"period", i < previous.size() ? previous[i].period : std::string()},
                         {"grade", g ? json::value(GradeName(*g)) : json::value(nullptr)},
                         {"grade_zh", g ? json::value(GradeNameZh(*g)) : json::value(nullptr)}};
          prev.push_back(std::move(p));
        }
        facts["years"] = rule.years;
        facts["previous"] = std::move(prev);
        break;
      }
      case RuleCondition::kOverTarget: {
        if (compiled == nullptr) break;
        const auto leaves = LeavesByNodeCode(*compiled);
        json::array hits;
        for (const NodeScore& ns : r.nodes) {
          const auto it = leaves.find(ns.code);
          if (it == leaves.end() || !ns.applicable || !ns.value) continue;
          const MethodSpec& m = compiled->leaf_method(it->second);
          if (std::find(rule.methods.begin(), rule.methods.end(), m.method) == rule.methods.end()) continue;
          if (m.direction != Direction::kHigher || m.target <= 0) continue;
          const double bound = rule.over * m.target;
          if (*ns.value - bound <= kRelativeGuard * std::max(1.0, std::abs(bound))) continue;
          hits.push_back(json::object{{"indicator", compiled->leaf_indicator(it->second)},
                                      {"node", ns.code},
                                      {"name_zh", compiled->leaf_info(it->second).name_zh},
                                      {"value", *ns.value},
                                      {"target", m.target},
                                      {"ratio", *ns.value / m.target}});
        }
        fired = !hits.empty();
        facts["over"] = rule.over;
        facts["indicators"] = std::move(hits);
        break;
      }
    }
    if (!fired) continue;
    if (rule.percent) facts["percent"] = *rule.percent;
    out.push_back({rule.code, rule.kind, rule.owner, json::serialize(facts)});
  }
  return out;
}

std::vector<PlannedTask> PlanTasks(const TaskRules& rules, const CompiledTemplate* compiled,
                                   const ObjectResult& r) {
  std::vector<PlannedTask> out;
  const std::string score = Fixed(r.rounded, 2);
  if (r.colour == Colour::kRed) {
    out.push_back({"colour", "",
                   r.vetoed ? "触发一票否决，评为红色（" + score + " 分），需整改"
                            : "综合得分 " + score + " 分，评为红色，需整改"});
  }
  if (r.grade == Grade::kPoor) out.push_back({"grade", "", "考核等次为差（" + score + " 分），需整改"});
  if (compiled == nullptr) return out;
  const auto leaves = LeavesByNodeCode(*compiled);
  std::set<std::string> seen;
  for (const NodeScore& ns : r.nodes) {  // pre-order: template order
    const auto it = leaves.find(ns.code);
    if (it == leaves.end() || !ns.applicable || ns.max <= 0) continue;
    const double share = ns.score / ns.max;
    if (share >= rules.failed_indicator_share - kShareGuard) continue;
    const std::string& code = compiled->leaf_indicator(it->second);
    if (!seen.insert(code).second) continue;
    out.push_back({"indicator", code,
                   "指标「" + compiled->leaf_info(it->second).name_zh + "」得分率 " + Fixed(share * 100, 1) +
                       "%，低于 " + Fixed(rules.failed_indicator_share * 100, 0) + "%，需整改"});
  }
  return out;
}

}  // namespace minsheng::assessment
