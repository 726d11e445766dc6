// Consequences (结果运用) of a finalized assessment and the rectification
// tasks (整改) it opens: pure rule evaluation, no SQL, no clock
// (docs/assessment-consequences.md; DOMAIN.md "Consequences").
//
// The rules are data: data/assessment/consequences.json ships the defaults
// (embedded at build time) and the config key assess.consequence_rules_file
// replaces them. Each rule has a stable code (the action's rule_code, unique
// per assessment × object), a kind, a condition with its parameters, the
// period kinds it applies to and who must act on it:
//
//   below        rounded total < threshold                    (no_reward, 北京)
//   grade        grade = grade                                (budget_priority … budget_suspend)
//   repeated     grade = grade this year and the years-1 years before, read
//                from the same template's final annual results (挂牌督办, 停止新增投资)
//   over_target  a ratio/linear "higher is better" leaf with a positive
//                target whose value > over × target          (budget_tilt, 广州花都)
//
// Thread-safe: everything here is a pure function of its arguments; parsed
// rules are immutable values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "assessment/model.h"
#include "assessment/scoring.h"
#include "core/period.h"
#include "core/result.h"

namespace minsheng::assessment {

enum class RuleCondition { kBelow, kGrade, kRepeated, kOverTarget };
// Who must act on an action: the finance bureau (the assessment's scope org)
// or the object's supervising department (主管部门).
enum class ActionOwner { kFinance, kSupervisor };

struct ConsequenceRule {
  std::string code;     // unique within the rules; stored as assess_actions.rule_code
  std::string kind;     // no_reward | supervision_listing | investment_freeze | budget_tilt | budget_* …
  std::string name_zh;
  std::string name_en;
  RuleCondition when = RuleCondition::kBelow;
  bool enabled = true;
  std::vector<Period::Kind> period_kinds{Period::Kind::kYear};
  ActionOwner owner = ActionOwner::kFinance;
  double threshold = 0;                // below
  Grade grade = Grade::kPoor;          // grade, repeated
  int years = 2;                       // repeated: this year and years-1 before it (2..10)
  double over = 1.5;                   // over_target: value > over × target
  std::vector<Method> methods{Method::kRatio, Method::kLinear};  // over_target
  std::optional<double> percent;       // e.g. budget_cut 10 (%); reported in the facts
};

struct ConsequenceRules {
  std::vector<ConsequenceRule> rules;
  // How many previous years the repeated rules need (max years − 1, ≥ 0).
  int HistoryYears() const;
};

// Parses a rules document ({"rules":[…]}, docs/assessment-consequences.md).
// InvalidArgument with field errors ("rules[2].threshold") for anything
// malformed, unknown or duplicated.
Result<ConsequenceRules> ParseConsequenceRules(std::string_view json_text);
// The shipped rules (data/assessment/consequences.json, embedded).
std::string_view DefaultConsequenceRulesText();
const ConsequenceRules& DefaultConsequenceRules();

std::optional<Grade> GradeFromName(std::string_view name);  // excellent | good | fair | poor
std::string_view OwnerName(ActionOwner o);                   // finance | supervisor
std::string_view ConditionName(RuleCondition c);             // below | grade | repeated | over_target

// The grade of the same template's final annual assessment of an earlier
// year; grade nullopt when there was none or the object was not in it.
struct PriorGrade {
  std::string period;  // "2025"
  std::optional<Grade> grade;
};

// One action a rule produced for one object. detail_json holds the facts
// that triggered it (score, grade, previous grades, indicator value/target).
struct ProducedAction {
  std::string rule_code;
  std::string kind;
  ActionOwner owner = ActionOwner::kFinance;
  std::string detail_json;
};

// The actions of one object. previous[0] is the year before, previous[1]
// the one before that …; compiled may be null (no over_target evaluation).
std::vector<ProducedAction> EvaluateConsequences(const ConsequenceRules& rules, const Period& period,
                                                 const CompiledTemplate* compiled, const ObjectResult& result,
                                                 const std::vector<PriorGrade>& previous);

// ---------------------------------------------------------------------------
// Rectification tasks (整改)

struct TaskRules {
  double failed_indicator_share = 0.6;  // an applicable leaf scoring a lower share has failed
};

// A task to open for one object: source colour (red), grade (差) or
// indicator (a failed leaf; indicator_code set). The unique key is
// (assessment, object, source, indicator_code).
struct PlannedTask {
  std::string source;          // colour | grade | indicator
  std::string indicator_code;  // "" unless source = indicator
  std::string title;           // zh, with the facts (score, share)
};

// The tasks of one object, in a stable order: colour, grade, then failed
// leaves in template order. compiled may be null (no indicator tasks).
std::vector<PlannedTask> PlanTasks(const TaskRules& rules, const CompiledTemplate* compiled,
                                   const ObjectResult& result);

}  // namespace minsheng::assessment
