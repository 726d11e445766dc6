// Consequence rules and rectification task planning (assessment/consequence.h)
// on hand-made results: every default rule, its boundaries (84.995 vs 85.00
// on the rounded total, 150 % exactly vs just over), two years running vs
// not, and rule-file validation.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>

#include <cstdio>
#include <fstream>

#include "assessment/consequence.h"
#include "assessment/consequence_service.h"
#include "assessment/scoring.h"

namespace minsheng::assessment {
namespace {

namespace json = boost::json;

NodeScore Score(std::string code, double score, double max, std::optional<double> value = std::nullopt) {
  NodeScore n;
  n.code = std::move(code);
  n.score = score;
  n.max = max;
  n.value = value;
  return n;
}

// A template with one root and four leaves:
//   R1 (100) ─┬─ L1 ratio ≥ 100       (40)  indicator I1
//             ├─ L2 linear 0 → 0.9    (30)  indicator I2
//             ├─ L3 ratio ≤ 10        (20)  indicator I3 (lower is better)
//             └─ L4 steps             (10)  indicator I4
class ConsequenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ind = [](std::string code, std::string name, MethodSpec m) {
      Indicator i;
      i.code = std::move(code);
      i.name_zh = std::move(name);
      i.name_en = i.code;
      i.direction = m.direction;
      i.source = SourceKind::kManual;
      i.method = m;
      return i;
    };
    MethodSpec ratio;
    ratio.method = Method::kRatio;
    ratio.target = 100;
    MethodSpec linear;
    linear.method = Method::kLinear;
    linear.floor = 0;
    linear.target = 0.9;
    MethodSpec lower;
    lower.method = Method::kRatio;
    lower.direction = Direction::kLower;
    lower.target = 10;
    MethodSpec steps;
    steps.method = Method::kSteps;
    steps.steps = {{1, 0.5}, {2, 1}};
    indicators_ = {ind("I1", "资产登记率", ratio), ind("I2", "账实相符率", linear), ind("I3", "平均响应时长", lower),
                   ind("I4", "制度建设", steps)};
    Template t;
    t.code = "T";
    Node root;
    root.code = "R1";
    root.name_zh = "管理";
    root.points = 100;
    const std::pair<const char*, double> leaves[] = {{"I1", 40}, {"I2", 30}, {"I3", 20}, {"I4", 10}};
    int n = 1;
    for (const auto& [code, points] : leaves) {
      Node leaf;
      leaf.code = "L" + std::to_string(n++);
      leaf.level = 2;
      leaf.points = points;
      leaf.indicator_code = code;
      root.children.push_back(leaf);
    }
    t.roots.push_back(root);
    auto compiled = CompiledTemplate::Compile(t, [this](std::string_view code) -> const Indicator* {
      for (const auto& i : indicators_) {
        if (i.code == code) return &i;
      }
      return nullptr;
    });
    ASSERT_TRUE(compiled.ok());
    compiled_.emplace(std::move(compiled).value());
  }

  // A result with the given rounded total and grade; leaves all at full marks
  // with values comfortably inside the bounds unless changed by the test.
  ObjectResult MakeResult(double total, Grade grade, Colour colour = Colour::kBlue) {
    ObjectResult r;
    r.object_id = 7;
    r.total = total;
    r.rounded = RoundHalfUp2(total);
    r.grade = grade;
    r.colour = colour;
    r.nodes = {Score("R1", total, 100), Score("L1", 40, 40, 100), Score("L2", 30, 30, 0.9), Score("L3", 20, 20, 5),
               Score("L4", 10, 10, 2)};
    return r;
  }
  NodeScore& Leaf(ObjectResult& r, const std::string& code) {
    return *std::find_if(r.nodes.begin(), r.nodes.end(), [&](const NodeScore& n) { return n.code == code; });
  }

  std::vector<std::string> Codes(const ObjectResult& r, const std::vector<PriorGrade>& prev = {},
                                 const char* period = "2026") {
    std::vector<std::string> out;
    for (const auto& a : Evaluate(r, prev, period)) out.push_back(a.rule_code);
    return out;
  }
  std::vector<ProducedAction> Evaluate(const ObjectResult& r, const std::vector<PriorGrade>& prev = {},
                                       const char* period = "2026") {
    return EvaluateConsequences(DefaultConsequenceRules(), *ParsePeriod(period), &*compiled_, r, prev);
  }
  static const ProducedAction* Find(const std::vector<ProducedAction>& v, std::string_view code) {
    for (const auto& a : v) {
      if (a.rule_code == code) return &a;
    }
    return nullptr;
  }
  static bool Has(const std::vector<std::string>& v, std::string_view code) {
    return std::find(v.begin(), v.end(), code) != v.end();
  }

  std::vector<Indicator> indicators_;
  std::optional<CompiledTemplate> compiled_;
};

TEST_F(ConsequenceTest, ShippedRulesParseWithTheSeedDefaults) {
  const auto& rules = DefaultConsequenceRules().rules;
  ASSERT_EQ(rules.size(), 8u);
  std::vector<std::string> codes;
  for (const auto& r : rules) codes.push_back(r.code);
  EXPECT_EQ(codes, (std::vector<std::string>{"no_reward", "supervision_listing", "investment_freeze", "budget_tilt",
                                             "budget_priority", "budget_normal", "budget_cut", "budget_suspend"}));
  EXPECT_EQ(rules[0].threshold, 85);
  EXPECT_EQ(rules[1].years, 2);
  EXPECT_EQ(rules[1].owner, ActionOwner::kSupervisor);
  EXPECT_EQ(rules[2].owner, ActionOwner::kFinance);
  EXPECT_EQ(rules[3].over, 1.5);
  EXPECT_EQ(rules[6].percent, 10);
  EXPECT_EQ(DefaultConsequenceRules().HistoryYears(), 1);
}

TEST_F(ConsequenceTest, BelowEightyFiveDecidedOnTheRoundedTotal) {
  // 84.995 rounds half up to 85.00: not below 85.
  ObjectResult at = MakeResult(84.995, Grade::kGood);
  ASSERT_DOUBLE_EQ(at.rounded, 85.00);
  EXPECT_FALSE(Has(Codes(at), "no_reward"));
  // 84.994 rounds to 84.99: below.
  ObjectResult below = MakeResult(84.994, Grade::kGood);
  ASSERT_DOUBLE_EQ(below.rounded, 84.99);
  const auto actions = Evaluate(below);
  const auto* a = Find(actions, "no_reward");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->kind, "no_reward");
  EXPECT_EQ(a->owner, ActionOwner::kFinance);
  const auto facts = json::parse(a->detail_json).as_object();
  EXPECT_DOUBLE_EQ(facts.at("rounded").as_double(), 84.99);
  EXPECT_DOUBLE_EQ(facts.at("total").as_double(), 84.994);
  EXPECT_EQ(facts.at("threshold").to_number<double>(), 85);
  EXPECT_EQ(facts.at("grade").as_string(), "good");
  EXPECT_EQ(facts.at("period").as_string(), "2026");
  // Exactly 85.00 is not below.
  EXPECT_FALSE(Has(Codes(MakeResult(85.0, Grade::kGood)), "no_reward"));
}

TEST_F(ConsequenceTest, UnqualifiedTwoYearsRunningListsAndFreezes) {
  const ObjectResult poor = MakeResult(55, Grade::kPoor, Colour::kRed);
  const auto actions = Evaluate(poor, {{"2025", Grade::kPoor}});
  const auto* listing = Find(actions, "supervision_listing");
  const auto* freeze = Find(actions, "investment_freeze");
  ASSERT_NE(listing, nullptr);
  ASSERT_NE(freeze, nullptr);
  EXPECT_EQ(listing->owner, ActionOwner::kSupervisor);
  EXPECT_EQ(freeze->owner, ActionOwner::kFinance);
  const auto facts = json::parse(listing->detail_json).as_object();
  EXPECT_EQ(facts.at("grade_zh").as_string(), "差");
  ASSERT_EQ(facts.at("previous").as_array().size(), 1u);
  EXPECT_EQ(facts.at("previous").as_array()[0].as_object().at("period").as_string(), "2025");
  EXPECT_EQ(facts.at("previous").as_array()[0].as_object().at("grade").as_string(), "poor");
  // 差 also suspends the budget; below 85 → no reward.
  EXPECT_NE(Find(actions, "budget_suspend"), nullptr);
  EXPECT_NE(Find(actions, "no_reward"), nullptr);
}

TEST_F(ConsequenceTest, NotRunningMeansNoListing) {
  const ObjectResult poor = MakeResult(55, Grade::kPoor, Colour::kRed);
  for (const auto& prev : std::vector<std::vector<PriorGrade>>{
           {{"2025", Grade::kFair}}, {{"2025", std::nullopt}}, {}, {{"2025", Grade::kExcellent}}}) {
    const auto codes = Codes(poor, prev);
    EXPECT_FALSE(Has(codes, "supervision_listing"));
    EXPECT_FALSE(Has(codes, "investment_freeze"));
    EXPECT_TRUE(Has(codes, "budget_suspend"));
  }
  // Poor last year, fair now: not running either.
  const auto codes = Codes(MakeResult(65, Grade::kFair, Colour::kYellow), {{"2025", Grade::kPoor}});
  EXPECT_FALSE(Has(codes, "supervision_listing"));
  EXPECT_TRUE(Has(codes, "budget_cut"));
}

TEST_F(ConsequenceTest, ThreeYearsRunningWhenTheRuleSaysSo) {
  auto rules = ParseConsequenceRules(R"({"rules":[{"code":"listing3","kind":"supervision_listing",
      "name_zh":"挂牌督办","name_en":"Listed","when":"repeated","grade":"poor","years":3,"owner":"supervisor"}]})");
  ASSERT_TRUE(rules.ok());
  EXPECT_EQ(rules->HistoryYears(), 2);
  const ObjectResult poor = MakeResult(50, Grade::kPoor, Colour::kRed);
  const Period y = *ParsePeriod("2026");
  EXPECT_TRUE(EvaluateConsequences(*rules, y, nullptr, poor, {{"2025", Grade::kPoor}}).empty());
  EXPECT_TRUE(
      EvaluateConsequences(*rules, y, nullptr, poor, {{"2025", Grade::kPoor}, {"2024", Grade::kFair}}).empty());
  EXPECT_EQ(EvaluateConsequences(*rules, y, nullptr, poor, {{"2025", Grade::kPoor}, {"2024", Grade::kPoor}}).size(),
            1u);
}

TEST_F(ConsequenceTest, OverOneHundredFiftyPercentOfTargetTilts) {
  ObjectResult r = MakeResult(95, Grade::kExcellent);
  Leaf(r, "L1").value = 150.0;  // exactly 150 % of 100: not over
  EXPECT_FALSE(Has(Codes(r), "budget_tilt"));
  Leaf(r, "L1").value = 150.01;
  auto actions = Evaluate(r);
  const auto* tilt = Find(actions, "budget_tilt");
  ASSERT_NE(tilt, nullptr);
  auto facts = json::parse(tilt->detail_json).as_object();
  ASSERT_EQ(facts.at("indicators").as_array().size(), 1u);
  const auto& hit = facts.at("indicators").as_array()[0].as_object();
  EXPECT_EQ(hit.at("indicator").as_string(), "I1");
  EXPECT_DOUBLE_EQ(hit.at("value").as_double(), 150.01);
  EXPECT_EQ(hit.at("target").to_number<double>(), 100);
  EXPECT_DOUBLE_EQ(hit.at("ratio").as_double(), 1.5001);

  // Linear: 1.35 is 150 % of 0.9 up to binary representation — not over; 1.36 is.
  r = MakeResult(95, Grade::kExcellent);
  Leaf(r, "L2").value = 1.35;
  EXPECT_FALSE(Has(Codes(r), "budget_tilt"));
  Leaf(r, "L2").value = 1.36;
  EXPECT_TRUE(Has(Codes(r), "budget_tilt"));

  // Lower-is-better and steps leaves never tilt; nor does an N/A leaf.
  r = MakeResult(95, Grade::kExcellent);
  Leaf(r, "L3").value = 1000;
  Leaf(r, "L4").value = 1000;
  EXPECT_FALSE(Has(Codes(r), "budget_tilt"));
  Leaf(r, "L1").value = 1000;
  Leaf(r, "L1").applicable = false;
  EXPECT_FALSE(Has(Codes(r), "budget_tilt"));
  // Without the template nothing can be compared.
  Leaf(r, "L1").applicable = true;
  EXPECT_TRUE(EvaluateConsequences(DefaultConsequenceRules(), *ParsePeriod("2026"), nullptr, r, {}).size() == 1);
}

TEST_F(ConsequenceTest, GradesSetTheBudget) {
  EXPECT_EQ(Codes(MakeResult(92, Grade::kExcellent)), std::vector<std::string>{"budget_priority"});
  EXPECT_EQ(Codes(MakeResult(86, Grade::kGood)), std::vector<std::string>{"budget_normal"});
  EXPECT_EQ(Codes(MakeResult(82, Grade::kGood)), (std::vector<std::string>{"no_reward", "budget_normal"}));
  const auto fair = Evaluate(MakeResult(70, Grade::kFair, Colour::kYellow));
  const auto* cut = Find(fair, "budget_cut");
  ASSERT_NE(cut, nullptr);
  EXPECT_EQ(json::parse(cut->detail_json).as_object().at("percent").to_number<double>(), 10);
  EXPECT_EQ(Codes(MakeResult(40, Grade::kPoor, Colour::kRed)),
            (std::vector<std::string>{"no_reward", "budget_suspend"}));
}

TEST_F(ConsequenceTest, AnnualRulesDoNotFireOnQuarters) {
  EXPECT_TRUE(Codes(MakeResult(40, Grade::kPoor, Colour::kRed), {{"2025", Grade::kPoor}}, "2026Q3").empty());
}

TEST_F(ConsequenceTest, DisabledRulesAndOtherThresholdsComeFromTheFile) {
  auto rules = ParseConsequenceRules(R"({"rules":[
      {"code":"no_reward","kind":"no_reward","name_zh":"不予奖励","name_en":"No reward","when":"below",
       "threshold":90,"period_kinds":["year","quarter"]},
      {"code":"budget_cut","kind":"budget_cut","name_zh":"核减","name_en":"Cut","when":"grade","grade":"fair",
       "percent":20,"enabled":false}]})");
  ASSERT_TRUE(rules.ok());
  const auto out = EvaluateConsequences(*rules, *ParsePeriod("2026Q2"), nullptr, MakeResult(89.99, Grade::kFair), {});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].rule_code, "no_reward");
}

TEST_F(ConsequenceTest, BadRuleFilesNameTheField) {
  auto fields = [](std::string_view text) {
    std::vector<std::string> out;
    auto r = ParseConsequenceRules(text);
    if (!r.ok()) {
      for (const auto& f : r.error().fields) out.push_back(f.field + ":" + f.code);
    }
    return out;
  };
  EXPECT_EQ(fields("not json"), std::vector<std::string>{"rules:malformed_json"});
  EXPECT_EQ(fields(R"({"rule":[]})"), (std::vector<std::string>{"rule:unknown_field", "rules:required"}));
  EXPECT_EQ(fields(R"({"rules":[{"code":"a","kind":"a","name_zh":"x","name_en":"x","when":"below"}]})"),
            std::vector<std::string>{"rules[0].threshold:required"});
  EXPECT_EQ(fields(R"({"rules":[{"code":"a","kind":"a","name_zh":"x","name_en":"x","when":"sometimes"}]})"),
            std::vector<std::string>{"rules[0].when:invalid"});
  EXPECT_EQ(fields(R"({"rules":[{"code":"a","kind":"a","name_zh":"x","name_en":"x","when":"repeated",
                     "grade":"poor","years":1}]})"),
            std::vector<std::string>{"rules[0].years:out_of_range"});
  EXPECT_EQ(fields(R"({"rules":[{"code":"a","kind":"a","name_zh":"x","name_en":"x","when":"grade","grade":"bad",
                     "colour":"red"}]})"),
            (std::vector<std::string>{"rules[0].grade:invalid", "rules[0].colour:unknown_field"}));
  EXPECT_EQ(fields(R"({"rules":[{"code":"a","kind":"a","name_zh":"x","name_en":"x","when":"grade","grade":"poor"},
                                {"code":"a","kind":"b","name_zh":"x","name_en":"x","when":"grade","grade":"fair"}]})"),
            std::vector<std::string>{"rules[1].code:duplicate"});
  EXPECT_EQ(fields(R"({"rules":[{"code":"A b","kind":"a","name_zh":"x","name_en":"x","when":"over_target",
                     "methods":["steps"],"owner":"mayor"}]})"),
            (std::vector<std::string>{"rules[0].code:invalid", "rules[0].owner:invalid", "rules[0].methods:invalid"}));
}

TEST(ConsequenceSettingsTest, VerifyingWithoutAFileIsAllowedUnlessConfigured) {
  Config c;
  EXPECT_FALSE(c.assess_consequences.verify_requires_file);
  EXPECT_FALSE(LoadConsequenceSettings(c.assess_consequences)->verify_requires_file);
  ASSERT_TRUE(ApplyEnvironment(c, {{"MINSHENG_ASSESS_TASK_VERIFY_REQUIRES_FILE", "true"}}).ok());
  EXPECT_TRUE(c.assess_consequences.verify_requires_file);
  EXPECT_TRUE(LoadConsequenceSettings(c.assess_consequences)->verify_requires_file);
  auto bad = ApplyEnvironment(c, {{"MINSHENG_ASSESS_TASK_VERIFY_REQUIRES_FILE", "sometimes"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().en.find("assess.task_verify_requires_file"), std::string::npos) << bad.error().en;
}

TEST(ConsequenceSettingsTest, TheConfiguredRulesFileReplacesTheShippedRules) {
  AssessConsequenceConfig config;
  config.failed_indicator_share = 0.5;
  config.rectification_days = 15;
  auto shipped = LoadConsequenceSettings(config);
  ASSERT_TRUE(shipped.ok());
  EXPECT_EQ(shipped->rules.rules.size(), 8u);
  EXPECT_EQ(shipped->tasks.failed_indicator_share, 0.5);
  EXPECT_EQ(shipped->rectification_days, 15);

  const std::string path = ::testing::TempDir() + "conseq_rules_test.json";
  std::ofstream(path) << R"({"rules":[{"code":"no_reward","kind":"no_reward","name_zh":"不予奖励",
      "name_en":"No reward","when":"below","threshold":80}]})";
  config.rules_file = path;
  auto own = LoadConsequenceSettings(config);
  ASSERT_TRUE(own.ok()) << own.error().en;
  ASSERT_EQ(own->rules.rules.size(), 1u);
  EXPECT_EQ(own->rules.rules[0].threshold, 80);

  std::ofstream(path) << R"({"rules":[{"code":"x","kind":"x","name_zh":"x","name_en":"x","when":"below"}]})";
  auto bad = LoadConsequenceSettings(config);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "config.invalid");
  EXPECT_NE(bad.error().en.find("rules[0].threshold"), std::string::npos) << bad.error().en;
  EXPECT_NE(bad.error().en.find(path), std::string::npos);
  std::remove(path.c_str());

  config.rules_file = path + ".missing";
  auto missing = LoadConsequenceSettings(config);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().en.find("Cannot read"), std::string::npos);
}

// ---- rectification tasks ------------------------------------------------------

TEST_F(ConsequenceTest, RedPoorAndFailedLeavesOpenTasks) {
  ObjectResult r = MakeResult(50, Grade::kPoor, Colour::kRed);
  Leaf(r, "L1").score = 40 * 0.59;  // 59 %: failed
  Leaf(r, "L2").score = 30 * 0.6;   // exactly 60 %: not failed
  Leaf(r, "L3").applicable = false;  // N/A: never failed
  Leaf(r, "L3").score = 0;
  Leaf(r, "L3").max = 0;
  Leaf(r, "L4").score = 0;  // 0 %: failed
  const auto tasks = PlanTasks(TaskRules{}, &*compiled_, r);
  ASSERT_EQ(tasks.size(), 4u);
  EXPECT_EQ(tasks[0].source, "colour");
  EXPECT_EQ(tasks[1].source, "grade");
  EXPECT_EQ(tasks[2].source, "indicator");
  EXPECT_EQ(tasks[2].indicator_code, "I1");
  EXPECT_EQ(tasks[3].indicator_code, "I4");
  EXPECT_EQ(tasks[1].title, "考核等次为差（50.00 分），需整改");
  EXPECT_EQ(tasks[2].title, "指标「资产登记率」得分率 59.0%，低于 60%，需整改");
}

TEST_F(ConsequenceTest, GoodResultsOpenNoTasksAndTheShareIsConfigurable) {
  ObjectResult r = MakeResult(88, Grade::kGood, Colour::kBlue);
  Leaf(r, "L1").score = 40 * 0.7;
  EXPECT_TRUE(PlanTasks(TaskRules{}, &*compiled_, r).empty());
  const auto tasks = PlanTasks(TaskRules{.failed_indicator_share = 0.75}, &*compiled_, r);
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].indicator_code, "I1");
  // A yellow 中 result opens no colour or grade task; without the template no indicator task.
  EXPECT_TRUE(PlanTasks(TaskRules{.failed_indicator_share = 0.75}, nullptr, r).empty());
  ObjectResult vetoed = MakeResult(0, Grade::kPoor, Colour::kRed);
  vetoed.vetoed = true;
  const auto v = PlanTasks(TaskRules{}, nullptr, vetoed);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].title, "触发一票否决，评为红色（0.00 分），需整改");
}

}  // namespace
}  // namespace minsheng::assessment
