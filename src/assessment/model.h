// Assessment (考核): plain types shared by the scoring engine, templates,
// runs, inputs, consequences and the routes. docs/assessment-design.md is the
// contract; no SQL, no JSON here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"

namespace minsheng::assessment {

// ---------------------------------------------------------------------------
// Indicators and scoring methods

enum class Direction { kHigher, kLower };  // ">=" target: higher is better; "<=": lower is better

enum class IndicatorType {
  kQuantity,        // 数量
  kQuality,         // 质量
  kTimeliness,      // 时效
  kCost,            // 成本
  kEconomic,        // 经济效益
  kSocial,          // 社会效益
  kEcological,      // 生态效益
  kSustainability,  // 可持续影响
  kSatisfaction,    // 满意度
  kManagement,      // 管理
};

enum class SourceKind { kMetric, kManual, kSurvey, kExpert };

enum class Method { kRatio, kLinear, kSteps, kDeduction, kTiers, kYesNo, kVeto };

struct Step {
  double threshold = 0;
  double share = 0;  // of the points, 0..1
};

// Qualitative tiers: achieved 100–80 %, partly 80–60 %, not 60–0 % of points.
struct TierBounds {
  double achieved = 0.8;  // share >= achieved → "achieved"
  double partly = 0.6;    // share >= partly → "partly"; below → "not"
};

struct MethodSpec {
  Method method = Method::kRatio;
  Direction direction = Direction::kHigher;
  double target = 0;           // ratio, linear
  double floor = 0;            // linear: the value that scores 0
  std::vector<Step> steps;     // steps
  double per_occurrence = 0;   // deduction: points lost per occurrence
  TierBounds tiers;            // tiers
};

struct Indicator {
  std::string code;
  std::string name_zh;
  std::string name_en;
  std::string unit;
  Direction direction = Direction::kHigher;
  IndicatorType type = IndicatorType::kManagement;
  SourceKind source = SourceKind::kManual;
  std::optional<std::string> metric_key;  // source = metric
  MethodSpec method;
  std::string description;
};

// ---------------------------------------------------------------------------
// Templates: a three-level tree (一级 / 二级 / 三级). Leaves reference an
// indicator and carry points; inner nodes' points equal the sum of their
// children's; the roots add up to total_points.

struct Node {
  std::string code;                  // unique within the template, e.g. "A1.2"
  std::string name_zh;
  std::string name_en;
  double points = 0;
  int level = 1;                     // 1..3
  std::vector<Node> children;
  // Leaves only:
  std::optional<std::string> indicator_code;
  std::optional<MethodSpec> method;  // overrides the indicator's default
};

enum class Grade { kExcellent, kGood, kFair, kPoor };  // 优 良 中 差
enum class Colour { kRed, kYellow, kBlue };

struct GradeBands {
  double excellent = 90;  // rounded total >= → 优
  double good = 80;       // → 良
  double fair = 60;       // → 中; below → 差
};

struct ColourRules {
  double red_below = 60;     // rounded total < → red (vetoed objects are red too)
  double yellow_below = 80;  // < → yellow; otherwise blue
};

enum class GroupBy { kNone, kField };

struct Template {
  int64_t id = 0;
  std::string code;
  int version = 1;
  std::string name_zh;
  std::string name_en;
  std::string object_class = "unit";  // unit | department | soe | project
  double total_points = 100;
  GroupBy group_by = GroupBy::kField;
  GradeBands grades;
  ColourRules colours;
  std::vector<Node> roots;
  std::string status = "draft";       // draft | published
  bool frozen = false;
  UtcTime created_at;
  std::optional<UtcTime> published_at;
};

// ---------------------------------------------------------------------------
// Inputs of one object to the engine: one per leaf indicator code.

enum class InputSource { kMetric, kManual, kExpert, kOverride, kMissing };

struct LeafInput {
  std::optional<double> value;  // nullopt → not applicable (or missing)
  InputSource source = InputSource::kMissing;
  std::string ref;              // metric key, input id, "experts:N", appeal id
};

// ---------------------------------------------------------------------------
// Results

struct NodeScore {
  std::string code;
  double score = 0;         // full precision
  double max = 0;           // applicable points (0 when all N/A)
  bool applicable = true;
  std::optional<double> value;  // leaves: the input value
  InputSource source = InputSource::kMissing;
  std::string ref;
  std::string tier;         // tiers method: achieved | partly | not
  bool veto = false;        // a veto leaf that fired
};

struct ObjectResult {
  int64_t object_id = 0;
  std::string group_key;
  double total = 0;          // full precision, 0..total_points
  double rounded = 0;        // half up to 2 decimals
  Grade grade = Grade::kPoor;
  Colour colour = Colour::kRed;
  bool vetoed = false;
  int rank = 0;              // within group, ties share
  int group_size = 0;
  std::optional<double> previous_total;
  std::vector<NodeScore> nodes;  // every node of the template, pre-order
};

std::string_view GradeName(Grade g);     // excellent | good | fair | poor
std::string_view GradeNameZh(Grade g);   // 优 | 良 | 中 | 差
std::string_view ColourName(Colour c);   // red | yellow | blue

}  // namespace minsheng::assessment
