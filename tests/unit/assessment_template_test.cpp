// Template files (assessment/template.h): parsing, weights → points, the
// structural rules with their field paths, and JSON round trips.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "assessment/template.h"

namespace minsheng::assessment {
namespace {

namespace json = boost::json;

// A valid two-root template: A (60) = A1 (40: leaves L1 30 + L2 10) + A2
// (20: leaf L3); B (40) = leaves L4 40 and a veto leaf L5 with 0 points.
constexpr const char* kBase = R"({
  "code": "t1", "name_zh": "测试模板", "name_en": "Test template", "object_class": "unit",
  "total_points": 100, "group_by": "none",
  "grades": {"excellent": 90, "good": 80, "fair": 60},
  "colours": {"red_below": 60, "yellow_below": 80},
  "indicators": [
    {"code": "i.rate", "name_zh": "登记率", "name_en": "Registration rate", "unit": "%", "direction": ">=",
     "type": "quality", "source": "metric", "metric": "asset.registration_rate",
     "method": {"method": "ratio", "target": 1}},
    {"code": "i.days", "name_zh": "响应时长", "name_en": "Response time", "unit": "小时", "direction": "<=",
     "type": "timeliness", "source": "manual", "method": {"method": "linear", "floor": 48, "target": 4}},
    {"code": "i.steps", "name_zh": "覆盖率", "name_en": "Coverage", "direction": ">=", "type": "quantity",
     "source": "manual", "method": {"method": "steps", "steps": [[0.5, 0.4], [0.8, 0.8], [0.95, 1]]}},
    {"code": "i.ded", "name_zh": "违规次数", "name_en": "Violations", "unit": "次", "direction": "<=",
     "type": "management", "source": "manual", "method": {"method": "deduction", "per_occurrence": 2}},
    {"code": "i.tier", "name_zh": "制度建设", "name_en": "Rules in place", "type": "management",
     "source": "expert", "method": {"method": "tiers", "tiers": {"achieved": 0.8, "partly": 0.6}},
     "description": "专家评议"},
    {"code": "i.veto", "name_zh": "重大资产流失", "name_en": "Major asset loss", "type": "management",
     "source": "manual", "method": {"method": "veto"}}
  ],
  "nodes": [
    {"code": "A", "name_zh": "一", "name_en": "One", "points": 60, "children": [
      {"code": "A1", "name_zh": "一.1", "name_en": "One.1", "points": 40, "children": [
        {"code": "A1.1", "name_zh": "登记率", "name_en": "Rate", "points": 30, "indicator": "i.rate"},
        {"code": "A1.2", "name_zh": "时长", "name_en": "Days", "points": 10, "indicator": "i.days"}
      ]},
      {"code": "A2", "name_zh": "一.2", "name_en": "One.2", "points": 20, "children": [
        {"code": "A2.1", "name_zh": "覆盖", "name_en": "Coverage", "points": 20, "indicator": "i.steps"}
      ]}
    ]},
    {"code": "B", "name_zh": "二", "name_en": "Two", "points": 40, "children": [
      {"code": "B1", "name_zh": "制度", "name_en": "Rules", "points": 30, "indicator": "i.tier"},
      {"code": "B2", "name_zh": "违规", "name_en": "Violations", "points": 10, "indicator": "i.ded"},
      {"code": "B3", "name_zh": "流失", "name_en": "Loss", "points": 0, "indicator": "i.veto"}
    ]}
  ]
})";

json::object Base() { return json::parse(kBase).as_object(); }

std::string Describe(const Error& e) {
  std::string out = e.code + ": " + e.en;
  for (const auto& f : e.fields) out += "\n  " + f.field + " [" + f.code + "] " + f.en;
  return out;
}

Result<TemplateFile> Parse(const json::object& o, const IndicatorLookup& stored = {}) {
  return ParseTemplateFile(json::serialize(o), stored);
}

json::object& At(json::object& doc, std::initializer_list<size_t> path) {
  json::object* n = nullptr;
  bool first = true;
  for (size_t i : path) {
    n = first ? &doc["nodes"].as_array()[i].as_object() : &(*n)["children"].as_array()[i].as_object();
    first = false;
  }
  return *n;
}

json::object& Ind(json::object& doc, size_t i) { return doc["indicators"].as_array()[i].as_object(); }

// The change makes the document invalid with exactly this field and code among the errors.
void ExpectFieldError(const std::function<void(json::object&)>& change, const std::string& field,
                      const std::string& code) {
  json::object doc = Base();
  change(doc);
  auto r = Parse(doc);
  ASSERT_FALSE(r.ok()) << "expected " << field << " [" << code << "]";
  EXPECT_EQ(r.error().kind, ErrorCode::kInvalidArgument);
  bool found = false;
  for (const auto& f : r.error().fields) {
    if (f.field == field && f.code == code) {
      found = true;
      EXPECT_FALSE(f.zh.empty());
      EXPECT_FALSE(f.en.empty());
    }
  }
  EXPECT_TRUE(found) << "wanted " << field << " [" << code << "], got " << Describe(r.error());
}

TEST(AssessmentTemplate, ParsesTheBaseTemplate) {
  auto r = Parse(Base());
  ASSERT_TRUE(r.ok()) << Describe(r.error());
  const Template& t = r->doc.tmpl;
  EXPECT_EQ(t.code, "t1");
  EXPECT_EQ(t.object_class, "unit");
  EXPECT_EQ(t.group_by, GroupBy::kNone);
  ASSERT_EQ(t.roots.size(), 2u);
  EXPECT_EQ(t.roots[0].level, 1);
  EXPECT_EQ(t.roots[0].children[0].level, 2);
  EXPECT_EQ(t.roots[0].children[0].children[1].level, 3);
  EXPECT_EQ(t.roots[1].children[2].level, 2);
  EXPECT_EQ(LeafIndicatorCodes(t),
            (std::vector<std::string>{"i.rate", "i.days", "i.steps", "i.tier", "i.ded", "i.veto"}));
  // The snapshot holds every used indicator, sorted by code.
  ASSERT_EQ(r->doc.indicators.size(), 6u);
  EXPECT_EQ(r->doc.indicators.front().code, "i.days");
  EXPECT_EQ(r->library.size(), 6u);
  const Indicator* days = r->doc.FindIndicator("i.days");
  ASSERT_NE(days, nullptr);
  EXPECT_EQ(days->direction, Direction::kLower);
  EXPECT_EQ(days->method.method, Method::kLinear);
  EXPECT_EQ(days->method.direction, Direction::kLower);  // inherited from the indicator
  EXPECT_EQ(days->method.floor, 48);
  EXPECT_EQ(days->method.target, 4);
  const Indicator* rate = r->doc.Lookup()("i.rate");
  ASSERT_NE(rate, nullptr);
  EXPECT_EQ(rate->source, SourceKind::kMetric);
  EXPECT_EQ(rate->metric_key, "asset.registration_rate");
  EXPECT_EQ(r->doc.FindIndicator("nope"), nullptr);
  const Indicator* steps = r->doc.FindIndicator("i.steps");
  ASSERT_EQ(steps->method.steps.size(), 3u);
  EXPECT_EQ(steps->method.steps[1].threshold, 0.8);
  EXPECT_EQ(steps->method.steps[1].share, 0.8);
}

TEST(AssessmentTemplate, WeightsBecomePoints) {
  json::object doc = Base();
  // A: 60 % of 100 = 60; A1: 2/3 of 60 = 40 given as a weight; A1.1: 75 % of 40 = 30.
  At(doc, {0}).erase("points");
  At(doc, {0})["weight"] = 60;
  At(doc, {0, 0}).erase("points");
  At(doc, {0, 0})["weight"] = 200.0 / 3.0;
  At(doc, {0, 0, 0}).erase("points");
  At(doc, {0, 0, 0})["weight"] = 75;
  auto r = Parse(doc);
  ASSERT_TRUE(r.ok()) << Describe(r.error());
  EXPECT_DOUBLE_EQ(r->doc.tmpl.roots[0].points, 60);
  EXPECT_NEAR(r->doc.tmpl.roots[0].children[0].points, 40, 1e-9);
  EXPECT_NEAR(r->doc.tmpl.roots[0].children[0].children[0].points, 30, 1e-9);
}

TEST(AssessmentTemplate, LeavesMayUseTheStoredLibraryAndOverrideMethods) {
  json::object doc = Base();
  Indicator stored;
  stored.code = "lib.sat";
  stored.name_zh = "满意度";
  stored.name_en = "Satisfaction";
  stored.direction = Direction::kHigher;
  stored.type = IndicatorType::kSatisfaction;
  stored.source = SourceKind::kSurvey;
  stored.method.method = Method::kRatio;
  stored.method.target = 0.9;
  const IndicatorLookup lookup = [&](std::string_view code) { return code == "lib.sat" ? &stored : nullptr; };
  At(doc, {0, 1, 0})["indicator"] = "lib.sat";
  At(doc, {0, 1, 0})["method"] = json::object{{"method", "linear"}, {"floor", 0.6}, {"target", 0.95}};
  auto r = Parse(doc, lookup);
  ASSERT_TRUE(r.ok()) << Describe(r.error());
  const Node& leaf = r->doc.tmpl.roots[0].children[1].children[0];
  ASSERT_TRUE(leaf.method.has_value());
  EXPECT_EQ(leaf.method->method, Method::kLinear);
  EXPECT_EQ(leaf.method->floor, 0.6);
  ASSERT_NE(r->doc.FindIndicator("lib.sat"), nullptr);  // snapshot includes stored entries
  EXPECT_EQ(r->doc.FindIndicator("i.steps"), nullptr);  // unused file entries are not in the snapshot
  EXPECT_EQ(r->library.size(), 6u);                     // … but are library entries of the file
  const MethodSpec* m = LeafMethod(leaf, r->doc.FindIndicator("lib.sat"));
  EXPECT_EQ(m->method, Method::kLinear);
  // Without the stored library the leaf's indicator is unknown.
  auto unknown = Parse(doc);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().fields.at(0).field, "nodes[0].children[1].children[0].indicator");
  EXPECT_EQ(unknown.error().fields.at(0).code, "unknown_indicator");
}

TEST(AssessmentTemplate, JsonRoundTripsAndAcceptsApiFields) {
  auto r = Parse(Base());
  ASSERT_TRUE(r.ok());
  const std::string once = TemplateDocJson(r->doc);
  EXPECT_NE(once.find("\"total_points\":100,"), std::string::npos) << once;  // not 1E2
  EXPECT_NE(once.find("[0.8,0.8]"), std::string::npos) << once;
  auto again = ParseTemplateFile(once, {});
  ASSERT_TRUE(again.ok()) << Describe(again.error());
  EXPECT_EQ(TemplateDocJson(again->doc), once);
  // The API's object (with id, version, status …) is accepted back as a document.
  r->doc.tmpl.id = 7;
  r->doc.tmpl.version = 3;
  r->doc.tmpl.status = "published";
  r->doc.tmpl.published_at = UtcTime{1'700'000'000'000'000};
  const std::string api = TemplateJson(r->doc);
  EXPECT_NE(api.find("\"version\":3"), std::string::npos);
  EXPECT_NE(api.find("\"published_at\":\"2023-11-14T22:13:20"), std::string::npos) << api;
  auto back = ParseTemplateFile(api, {});
  ASSERT_TRUE(back.ok()) << Describe(back.error());
  EXPECT_EQ(TemplateDocJson(back->doc), once);
}

TEST(AssessmentTemplate, ParsesOneIndicator) {
  auto ok = ParseIndicator(R"({"code":"x.y","name_zh":"甲","name_en":"A","type":"cost","source":"manual",
                             "direction":"<=","method":{"method":"ratio","target":5}})");
  ASSERT_TRUE(ok.ok()) << Describe(ok.error());
  EXPECT_EQ(ok->method.direction, Direction::kLower);
  EXPECT_EQ(ok->type, IndicatorType::kCost);
  auto bad = ParseIndicator(R"({"code":"x y","name_zh":"甲","name_en":"A","type":"cost","source":"manual",
                              "method":{"method":"ratio","target":0}})");
  ASSERT_FALSE(bad.ok());
  ASSERT_EQ(bad.error().fields.size(), 2u) << Describe(bad.error());
  EXPECT_EQ(bad.error().fields[0].field, "code");
  EXPECT_EQ(bad.error().fields[1].field, "method.target");
  EXPECT_EQ(ParseIndicator("{").error().code, "malformed_json");
  // As the API returns it (with version and updated_at), under the path's code.
  auto stored = ParseIndicator(R"({"code":"x.y","name_zh":"甲","name_en":"A","type":"cost","source":"manual",
    "method":{"method":"yesno"},"metric":null,"version":3,"updated_at":"2026-11-22T00:00:00.000000Z"})", "x.y");
  ASSERT_TRUE(stored.ok()) << Describe(stored.error());
  EXPECT_EQ(stored->code, "x.y");
  auto no_code = ParseIndicator(R"({"name_zh":"甲","name_en":"A","type":"cost","source":"manual",
    "method":{"method":"yesno"}})", "p.q");
  ASSERT_TRUE(no_code.ok());
  EXPECT_EQ(no_code->code, "p.q");
  auto other = ParseIndicator(R"({"code":"x.z","name_zh":"甲","name_en":"A","type":"cost","source":"manual",
    "method":{"method":"yesno"}})", "x.y");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().fields.at(0).code, "mismatch");
  // In a template file, a library entry has no version.
  ExpectFieldError([](json::object& d) { Ind(d, 0)["version"] = 1; }, "indicators[0].version", "unknown_field");
}

TEST(AssessmentTemplate, MalformedDocuments) {
  auto r = ParseTemplateFile("{\"code\":", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "malformed_json");
  EXPECT_EQ(ParseTemplateFile("[1]", {}).error().code, "body_not_object");
  EXPECT_EQ(ParseTemplateFile("{\"code\":\"\xff\"}", {}).error().code, "invalid_utf8");
}

TEST(AssessmentTemplate, TopLevelErrors) {
  ExpectFieldError([](json::object& d) { d["colour"] = 1; }, "colour", "unknown_field");
  ExpectFieldError([](json::object& d) { d.erase("code"); }, "code", "required");
  ExpectFieldError([](json::object& d) { d["code"] = "a b"; }, "code", "invalid_code");
  ExpectFieldError([](json::object& d) { d.erase("name_en"); }, "name_en", "required");
  ExpectFieldError([](json::object& d) { d["object_class"] = "school"; }, "object_class", "invalid");
  ExpectFieldError([](json::object& d) { d["group_by"] = "region"; }, "group_by", "invalid");
  ExpectFieldError([](json::object& d) { d["total_points"] = "100"; }, "total_points", "type");
  ExpectFieldError([](json::object& d) { d.erase("nodes"); }, "nodes", "required");
  ExpectFieldError([](json::object& d) { d["nodes"] = json::array(); }, "nodes", "required");
  ExpectFieldError([](json::object& d) { d["nodes"].as_array().push_back(3); }, "nodes[2]", "type");
}

TEST(AssessmentTemplate, BandErrors) {
  ExpectFieldError([](json::object& d) { d["grades"].as_object()["excellent"] = 101; }, "grades.excellent",
                   "out_of_range");
  ExpectFieldError([](json::object& d) { d["grades"].as_object()["good"] = 90; }, "grades.good", "not_descending");
  ExpectFieldError([](json::object& d) { d["grades"].as_object()["fair"] = 85; }, "grades.fair", "not_descending");
  ExpectFieldError([](json::object& d) { d["grades"].as_object()["fair"] = -1; }, "grades.fair", "out_of_range");
  ExpectFieldError([](json::object& d) { d["grades"].as_object().erase("fair"); }, "grades.fair", "required");
  ExpectFieldError([](json::object& d) { d["grades"].as_object()["best"] = 95; }, "grades.best", "unknown_field");
  ExpectFieldError([](json::object& d) { d["colours"].as_object()["red_below"] = 85; }, "colours.red_below",
                   "not_descending");
  ExpectFieldError([](json::object& d) { d["colours"].as_object()["yellow_below"] = 120; }, "colours.yellow_below",
                   "out_of_range");
  // Total 50 with the default bands: excellent 90 exceeds it; the roots no longer add up.
  ExpectFieldError([](json::object& d) { d["total_points"] = 50; }, "grades.excellent", "out_of_range");
  ExpectFieldError([](json::object& d) { d["total_points"] = 50; }, "nodes", "sum_mismatch");
  ExpectFieldError([](json::object& d) { d["total_points"] = 0; }, "total_points", "out_of_range");
}

TEST(AssessmentTemplate, TreeErrors) {
  // A fourth level.
  ExpectFieldError(
      [](json::object& d) {
        auto& leaf = At(d, {0, 0, 0});
        leaf.erase("indicator");
        leaf["children"] = json::array{json::object{
            {"code", "deep"}, {"name_zh", "深"}, {"name_en", "Deep"}, {"points", 30}, {"indicator", "i.rate"}}};
      },
      "nodes[0].children[0].children[0].children", "too_deep");
  ExpectFieldError([](json::object& d) { At(d, {1})["code"] = "A"; }, "nodes[1].code", "duplicate");
  ExpectFieldError([](json::object& d) { At(d, {0, 1, 0})["code"] = "A1.1"; }, "nodes[0].children[1].children[0].code",
                   "duplicate");
  ExpectFieldError([](json::object& d) { At(d, {1, 0}).erase("indicator"); }, "nodes[1].children[0].indicator",
                   "required");
  ExpectFieldError([](json::object& d) { At(d, {1, 0})["indicator"] = "nope"; }, "nodes[1].children[0].indicator",
                   "unknown_indicator");
  ExpectFieldError([](json::object& d) { At(d, {1, 1})["indicator"] = "i.tier"; }, "nodes[1].children[1].indicator",
                   "duplicate");
  ExpectFieldError([](json::object& d) { At(d, {0})["indicator"] = "i.tier"; }, "nodes[0].indicator", "not_allowed");
  ExpectFieldError([](json::object& d) { At(d, {0})["method"] = json::object{{"method", "yesno"}}; },
                   "nodes[0].method", "not_allowed");
  ExpectFieldError([](json::object& d) { At(d, {0, 0, 0})["extra"] = true; },
                   "nodes[0].children[0].children[0].extra", "unknown_field");
  ExpectFieldError([](json::object& d) { At(d, {0, 0, 0}).erase("name_zh"); },
                   "nodes[0].children[0].children[0].name_zh", "required");
}

TEST(AssessmentTemplate, PointErrors) {
  // Children 30 + 10 under a parent of 40: change a leaf → the parent's sum is wrong.
  ExpectFieldError([](json::object& d) { At(d, {0, 0, 0})["points"] = 31; }, "nodes[0].children[0].points",
                   "sum_mismatch");
  // Change a root and its children together → the roots no longer add up to 100.
  ExpectFieldError(
      [](json::object& d) {
        At(d, {1})["points"] = 41;
        At(d, {1, 1})["points"] = 11;
      },
      "nodes", "sum_mismatch");
  // Within ±1e-6 is fine.
  {
    json::object d = Base();
    At(d, {0, 0, 0})["points"] = 30.0000000001;
    EXPECT_TRUE(Parse(d).ok());
  }
  ExpectFieldError(
      [](json::object& d) {
        At(d, {1, 1})["points"] = 0;
        At(d, {1, 0})["points"] = 40;
      },
      "nodes[1].children[1].points", "out_of_range");
  ExpectFieldError(
      [](json::object& d) {
        At(d, {1, 2})["points"] = -1;
        At(d, {1, 0})["points"] = 31;
      },
      "nodes[1].children[2].points", "out_of_range");
  ExpectFieldError([](json::object& d) { At(d, {1}).erase("points"); }, "nodes[1].points", "required");
  ExpectFieldError([](json::object& d) { At(d, {1})["weight"] = 40; }, "nodes[1].weight", "conflict");
  ExpectFieldError(
      [](json::object& d) {
        At(d, {1}).erase("points");
        At(d, {1})["weight"] = 140;
      },
      "nodes[1].weight", "out_of_range");
  ExpectFieldError([](json::object& d) { At(d, {1})["points"] = "40"; }, "nodes[1].points", "type");
}

TEST(AssessmentTemplate, IndicatorErrors) {
  ExpectFieldError([](json::object& d) { Ind(d, 1)["code"] = "i.rate"; }, "indicators[1].code", "duplicate");
  ExpectFieldError([](json::object& d) { Ind(d, 0).erase("metric"); }, "indicators[0].metric", "required");
  ExpectFieldError([](json::object& d) { Ind(d, 1)["metric"] = "asset.x"; }, "indicators[1].metric", "not_allowed");
  ExpectFieldError([](json::object& d) { Ind(d, 0)["metric"] = "bad key"; }, "indicators[0].metric", "invalid_code");
  ExpectFieldError([](json::object& d) { Ind(d, 0)["type"] = "speed"; }, "indicators[0].type", "invalid");
  ExpectFieldError([](json::object& d) { Ind(d, 0)["source"] = "guess"; }, "indicators[0].source", "invalid");
  ExpectFieldError([](json::object& d) { Ind(d, 0).erase("source"); }, "indicators[0].source", "required");
  ExpectFieldError([](json::object& d) { Ind(d, 0)["direction"] = ">"; }, "indicators[0].direction", "invalid");
  ExpectFieldError([](json::object& d) { Ind(d, 0).erase("method"); }, "indicators[0].method", "required");
  ExpectFieldError([](json::object& d) { Ind(d, 0)["weight"] = 1; }, "indicators[0].weight", "unknown_field");
  ExpectFieldError([](json::object& d) { Ind(d, 0)["method"].as_object()["direction"] = "<="; },
                   "indicators[0].method.direction", "conflict");
}

TEST(AssessmentTemplate, MethodErrors) {
  auto method = [](json::object& d, size_t i) -> json::object& { return Ind(d, i)["method"].as_object(); };
  ExpectFieldError([&](json::object& d) { method(d, 0)["method"] = "magic"; }, "indicators[0].method.method",
                   "invalid");
  ExpectFieldError([&](json::object& d) { method(d, 0)["target"] = 0; }, "indicators[0].method.target",
                   "out_of_range");
  ExpectFieldError([&](json::object& d) { method(d, 0).erase("target"); }, "indicators[0].method.target", "required");
  ExpectFieldError([&](json::object& d) { method(d, 0)["floor"] = 0; }, "indicators[0].method.floor", "not_allowed");
  ExpectFieldError([&](json::object& d) { method(d, 1)["target"] = 48; }, "indicators[1].method.target",
                   "out_of_range");
  ExpectFieldError([&](json::object& d) { method(d, 1).erase("floor"); }, "indicators[1].method.floor", "required");
  ExpectFieldError([&](json::object& d) { method(d, 2)["steps"] = json::array(); }, "indicators[2].method.steps",
                   "required");
  ExpectFieldError(
      [&](json::object& d) {
        method(d, 2)["steps"] = json::array{json::array{0.5, 0.4}, json::array{0.9, 0.8}, json::array{0.8, 1}};
      },
      "indicators[2].method.steps[2][0]", "not_monotonic");
  ExpectFieldError(
      [&](json::object& d) {
        method(d, 2)["steps"] = json::array{json::array{0.5, 0.4}, json::array{0.5, 0.8}};
      },
      "indicators[2].method.steps[1][0]", "not_monotonic");
  ExpectFieldError([&](json::object& d) { method(d, 2)["steps"].as_array()[1].as_array()[1] = 1.5; },
                   "indicators[2].method.steps[1][1]", "out_of_range");
  ExpectFieldError([&](json::object& d) { method(d, 2)["steps"].as_array()[0] = json::array{1}; },
                   "indicators[2].method.steps[0]", "type");
  // Falling thresholds are allowed (a "<=" table).
  {
    json::object d = Base();
    method(d, 2)["steps"] = json::array{json::array{24, 1}, json::array{48, 0.6}, json::array{72, 0.2}};
    EXPECT_TRUE(Parse(d).ok());
  }
  ExpectFieldError([&](json::object& d) { method(d, 3)["per_occurrence"] = 0; },
                   "indicators[3].method.per_occurrence", "out_of_range");
  ExpectFieldError([&](json::object& d) { method(d, 4)["tiers"].as_object()["partly"] = 0.8; },
                   "indicators[4].method.tiers.achieved", "out_of_range");
  ExpectFieldError([&](json::object& d) { method(d, 4)["tiers"].as_object()["achieved"] = 1.2; },
                   "indicators[4].method.tiers.achieved", "out_of_range");
  ExpectFieldError([&](json::object& d) { method(d, 4)["tiers"].as_object()["partly"] = -0.1; },
                   "indicators[4].method.tiers.partly", "out_of_range");
  ExpectFieldError([&](json::object& d) { method(d, 4)["tiers"].as_object()["not"] = 0; },
                   "indicators[4].method.tiers.not", "unknown_field");
  ExpectFieldError([&](json::object& d) { method(d, 5)["target"] = 1; }, "indicators[5].method.target",
                   "not_allowed");
  // A leaf's override is checked where it stands.
  ExpectFieldError(
      [](json::object& d) {
        At(d, {0, 0, 0})["method"] = json::object{{"method", "ratio"}, {"target", -1}};
      },
      "nodes[0].children[0].children[0].method.target", "out_of_range");
  // An override making a 0-point leaf a non-veto method: its points are then too low.
  ExpectFieldError([](json::object& d) { At(d, {1, 2})["method"] = json::object{{"method", "yesno"}}; },
                   "nodes[1].children[2].points", "out_of_range");
}

TEST(AssessmentTemplate, ReportsEveryErrorAtOnce) {
  json::object d = Base();
  d["code"] = "";
  Ind(d, 0)["type"] = "speed";
  At(d, {1, 0})["indicator"] = "nope";
  auto r = Parse(d);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "assess.template_invalid");
  EXPECT_EQ(r.error().fields.size(), 3u) << Describe(r.error());
}

}  // namespace
}  // namespace minsheng::assessment

// ---------------------------------------------------------------------------
// The shipped templates (data/templates/, embedded in the binary).

#include "assessment/scoring.h"
#include "assessment/template_service.h"

namespace minsheng::assessment {
namespace {

const TemplateDoc& Shipped(std::string_view code) {
  static const std::map<std::string, TemplateDoc, std::less<>> kDocs = [] {
    std::map<std::string, TemplateDoc, std::less<>> docs;
    for (const auto& s : ShippedTemplates()) {
      auto r = ParseTemplateFile(s.json, {});
      EXPECT_TRUE(r.ok()) << s.file_name << ": " << Describe(r.error());
      if (r.ok()) docs.emplace(r->doc.tmpl.code, r->doc);
    }
    return docs;
  }();
  static const TemplateDoc kEmpty;
  auto it = kDocs.find(code);
  EXPECT_NE(it, kDocs.end()) << code;
  return it == kDocs.end() ? kEmpty : it->second;
}

double RootPoints(const Template& t, std::string_view code) {
  for (const auto& r : t.roots) {
    if (r.code == code) return r.points;
  }
  ADD_FAILURE() << "no root " << code;
  return 0;
}

void CollectLeaves(const Node& n, std::vector<const Node*>& out) {
  if (n.children.empty()) out.push_back(&n);
  for (const auto& c : n.children) CollectLeaves(c, out);
}

std::vector<const Node*> Leaves(const Template& t) {
  std::vector<const Node*> out;
  for (const auto& r : t.roots) CollectLeaves(r, out);
  return out;
}

// A registry of two metrics, as template_metric_link.h would give.
std::optional<MetricInfo> FakeMetrics(std::string_view key) {
  if (key == "asset.registration_rate") return MetricInfo{"%"};
  if (key == "asset.idle_duration_days") return MetricInfo{"天"};
  return std::nullopt;
}

std::string MetricFields(const Error& e) {
  std::string out;
  for (const auto& f : e.fields) out += f.field + "=" + f.code + ";";
  return out;
}

TEST(AssessmentTemplate, MetricKeysAreCheckedAgainstTheRegistry) {
  const MetricLookup metrics = FakeMetrics;
  ASSERT_TRUE(ParseTemplateFile(kBase, {}, metrics).ok());
  // Edits i.rate (the first entry) and A1.1, the leaf that uses it.
  auto with = [&](const std::function<void(json::object&, json::object&)>& edit) {
    json::object o = Base();
    edit(o["indicators"].as_array()[0].as_object(),
         o["nodes"].as_array()[0].as_object()["children"].as_array()[0].as_object()["children"].as_array()[0].as_object());
    return ParseTemplateFile(json::serialize(o), {}, metrics);
  };
  // Unknown key, reported at the leaf that uses the indicator, with the key in both languages.
  auto unknown = with([](json::object& ind, json::object&) { ind["metric"] = "asset.nope"; });
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(MetricFields(unknown.error()), "nodes[0].children[0].children[0].metric=unknown_metric;");
  EXPECT_NE(unknown.error().fields[0].zh.find("asset.nope"), std::string::npos);
  EXPECT_NE(unknown.error().fields[0].en.find("asset.nope"), std::string::npos);
  // Without a lookup nothing is checked (stored documents read back).
  {
    json::object o = Base();
    o["indicators"].as_array()[0].as_object()["metric"] = "asset.nope";
    EXPECT_TRUE(Parse(o).ok());
  }
  // A unit other than the metric's.
  auto unit = with([](json::object& ind, json::object&) { ind["unit"] = "天"; });
  ASSERT_FALSE(unit.ok());
  EXPECT_EQ(MetricFields(unit.error()), "nodes[0].children[0].children[0].metric=unit_mismatch;");
  // No unit given: the metric's applies, no error.
  EXPECT_TRUE(with([](json::object& ind, json::object&) { ind.erase("unit"); }).ok());
  // A rate scored by deduction (a leaf override), by yes/no, or with a target above 100.
  auto deduction = with([](json::object&, json::object& leaf) {
    leaf["method"] = json::object{{"method", "deduction"}, {"per_occurrence", 1}};
  });
  ASSERT_FALSE(deduction.ok());
  EXPECT_EQ(MetricFields(deduction.error()), "nodes[0].children[0].children[0].metric=method_mismatch;");
  auto yesno = with([](json::object& ind, json::object&) { ind["method"] = json::object{{"method", "yesno"}}; });
  EXPECT_EQ(MetricFields(yesno.error()), "nodes[0].children[0].children[0].metric=method_mismatch;");
  auto target = with([](json::object&, json::object& leaf) {
    leaf["method"] = json::object{{"method", "ratio"}, {"target", 120}};
  });
  EXPECT_EQ(MetricFields(target.error()), "nodes[0].children[0].children[0].metric=method_mismatch;");
  auto floor = with([](json::object&, json::object& leaf) {
    leaf["method"] = json::object{{"method", "linear"}, {"floor", -5}, {"target", 100}};
  });
  EXPECT_EQ(MetricFields(floor.error()), "nodes[0].children[0].children[0].metric=method_mismatch;");
  auto steps = with([](json::object&, json::object& leaf) {
    leaf["method"] = json::object{{"method", "steps"}, {"steps", json::array{json::array{50, 0.5}, json::array{150, 1}}}};
  });
  EXPECT_EQ(MetricFields(steps.error()), "nodes[0].children[0].children[0].metric=method_mismatch;");
  EXPECT_TRUE(with([](json::object&, json::object& leaf) {
                leaf["method"] = json::object{{"method", "steps"}, {"steps", json::array{json::array{0, 0.5}, json::array{100, 1}}}};
              }).ok());
  // A mean (天) is not range-checked: a target of 200 days is fine.
  EXPECT_TRUE(with([](json::object& ind, json::object&) {
                ind["metric"] = "asset.idle_duration_days";
                ind["unit"] = "天";
                ind["method"] = json::object{{"method", "ratio"}, {"target", 200}};
              }).ok());
  // Collected with the other errors at once.
  auto both = with([](json::object& ind, json::object& leaf) {
    ind["metric"] = "asset.nope";
    leaf["points"] = 31;
  });
  ASSERT_FALSE(both.ok());
  EXPECT_NE(MetricFields(both.error()).find("nodes[0].children[0].children[0].metric=unknown_metric;"), std::string::npos);
  EXPECT_NE(MetricFields(both.error()).find("nodes[0].children[0].points=sum_mismatch;"), std::string::npos);
  // One library entry: the field is "metric".
  auto one = ParseIndicator(R"({"code":"x.y","name_zh":"甲","name_en":"A","unit":"%","type":"quality",
    "source":"metric","metric":"asset.nope","method":{"method":"ratio","target":100}})", {}, metrics);
  ASSERT_FALSE(one.ok());
  EXPECT_EQ(MetricFields(one.error()), "metric=unknown_metric;");
}

TEST(ShippedTemplates, AllParseCompileAndAddUpTo100) {
  ASSERT_EQ(ShippedTemplates().size(), 5u);
  std::set<std::string> indicator_codes;
  for (const auto& s : ShippedTemplates()) {
    auto r = ParseTemplateFile(s.json, {});
    ASSERT_TRUE(r.ok()) << s.file_name << ": " << Describe(r.error());
    const Template& t = r->doc.tmpl;
    EXPECT_EQ(std::string(s.file_name), t.code + ".json");
    EXPECT_EQ(t.total_points, 100);
    double sum = 0;
    for (const auto& root : t.roots) sum += root.points;
    EXPECT_NEAR(sum, 100, 1e-9) << t.code;
    auto compiled = CompiledTemplate::Compile(t, r->doc.Lookup());
    ASSERT_TRUE(compiled.ok()) << t.code << ": " << Describe(compiled.error());
    EXPECT_EQ(compiled->leaf_count(), Leaves(t).size());
    // Every file brings exactly the entries its leaves use, with names in both languages;
    // no two files define the same library code.
    EXPECT_EQ(r->library.size(), r->doc.indicators.size()) << t.code;
    for (const auto& ind : r->library) {
      EXPECT_TRUE(indicator_codes.insert(ind.code).second) << ind.code;
      EXPECT_FALSE(ind.name_zh.empty());
      EXPECT_FALSE(ind.name_en.empty());
      EXPECT_EQ(ind.source == SourceKind::kMetric, ind.metric_key.has_value()) << ind.code;
    }
    // The document round-trips.
    auto again = ParseTemplateFile(TemplateDocJson(r->doc), {});
    ASSERT_TRUE(again.ok()) << t.code;
    EXPECT_EQ(TemplateDocJson(again->doc), TemplateDocJson(r->doc));
  }
}

TEST(ShippedTemplates, UnitAssetManagementFollowsSeed000) {
  const TemplateDoc& d = Shipped("unit_asset_mgmt");
  const Template& t = d.tmpl;
  EXPECT_EQ(t.object_class, "unit");
  ASSERT_EQ(t.roots.size(), 3u);
  EXPECT_EQ(t.roots[0].name_zh, "资产管理规范性");
  EXPECT_EQ(t.roots[1].name_zh, "使用绩效");
  EXPECT_EQ(t.roots[2].name_zh, "可持续发展能力");
  // The second level of seed 000's table.
  std::vector<std::string> second;
  for (const auto& r : t.roots) {
    for (const auto& c : r.children) second.push_back(c.name_zh);
  }
  EXPECT_EQ(second, (std::vector<std::string>{"制度建设", "登记备案", "监督检查", "服务覆盖", "运行效率", "群众满意度",
                                              "财务健康度", "技术创新应用", "社会影响力"}));
  int veto = 0, deduction = 0;
  std::set<std::string> metrics;
  for (const Node* leaf : Leaves(t)) {
    EXPECT_EQ(leaf->level, 3) << leaf->code;
    const Indicator* ind = d.FindIndicator(*leaf->indicator_code);
    ASSERT_NE(ind, nullptr);
    if (ind->method.method == Method::kVeto) {
      ++veto;
      EXPECT_EQ(leaf->points, 0);
    }
    if (ind->method.method == Method::kDeduction) ++deduction;
    if (ind->metric_key) metrics.insert(*ind->metric_key);
  }
  EXPECT_EQ(veto, 1);
  EXPECT_GE(deduction, 1);
  EXPECT_EQ(metrics, (std::set<std::string>{"asset.registration_rate", "asset.registration_timeliness",
                                            "asset.card_completeness", "asset.idle_rate", "asset.utilisation_rate",
                                            "asset.custodian_coverage", "asset.depreciation_coverage",
                                            "assess.self_check_timeliness", "assess.rectification_closure"}));
}

TEST(ShippedTemplates, ProjectSelfEvaluationWeights) {
  const Template& t = Shipped("project_self_eval").tmpl;
  EXPECT_EQ(t.object_class, "project");
  ASSERT_EQ(t.roots.size(), 4u);
  EXPECT_EQ(RootPoints(t, "O"), 50);  // 产出
  EXPECT_EQ(RootPoints(t, "E"), 30);  // 效益
  EXPECT_EQ(RootPoints(t, "S"), 10);  // 满意度
  EXPECT_EQ(RootPoints(t, "X"), 10);  // 预算执行
}

TEST(ShippedTemplates, ProjectEvaluationOutputAndBenefitAtLeast60) {
  const Template& t = Shipped("project_eval").tmpl;
  EXPECT_EQ(t.object_class, "project");
  std::vector<std::string> names;
  for (const auto& r : t.roots) names.push_back(r.name_zh);
  EXPECT_EQ(names, (std::vector<std::string>{"决策", "过程", "产出", "效益"}));
  EXPECT_GE(RootPoints(t, "O") + RootPoints(t, "B"), 60);
}

TEST(ShippedTemplates, DepartmentAndSoe) {
  const Template& dept = Shipped("dept_overall").tmpl;
  EXPECT_EQ(dept.object_class, "department");
  bool asset_block = false;
  for (const auto& r : dept.roots) {
    for (const auto& c : r.children) asset_block = asset_block || c.name_zh == "资产管理";
  }
  EXPECT_TRUE(asset_block);
  const TemplateDoc& soe = Shipped("soe");
  EXPECT_EQ(soe.tmpl.object_class, "soe");
  for (const char* code : {"soe.core_focus", "soe.roe", "soe.financing_cost", "soe.trade_risk"}) {
    EXPECT_NE(soe.FindIndicator(code), nullptr) << code;
  }
}

}  // namespace
}  // namespace minsheng::assessment
