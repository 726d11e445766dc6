// TemplateService on the test engine: the shipped templates seeded into a
// fresh database, import and versioning, drafts, publish, freeze, the
// indicator library and its snapshots, access and audit.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "assessment/input_metrics.h"
#include "assessment/scoring.h"
#include "assessment/task_metrics.h"
#include "assessment/template_metric_link.h"
#include "assessment/template_service.h"
#include "metric/asset_metrics.h"
#include "platform_fixture.h"

namespace minsheng::testing {
namespace {

namespace json = boost::json;
using assessment::TemplateDoc;
using assessment::TemplateService;

// A two-leaf template: A (100) = A1 (weight 60 % → 60 points, it.rate: ratio, target
// rate_target) + A2 (40 points, it.yes: yes/no).
std::string Doc(const std::string& code, double rate_target = 0.9, const std::string& name = "测试模板") {
  json::object doc{
      {"code", code},
      {"name_zh", name},
      {"name_en", "Test template"},
      {"object_class", "unit"},
      {"indicators",
       json::array{json::object{{"code", "it.rate"},
                                {"name_zh", "比率"},
                                {"name_en", "Rate"},
                                {"type", "quality"},
                                {"source", "manual"},
                                {"method", json::object{{"method", "ratio"}, {"target", rate_target}}}},
                   json::object{{"code", "it.yes"},
                                {"name_zh", "是否"},
                                {"name_en", "Yes or no"},
                                {"type", "management"},
                                {"source", "manual"},
                                {"method", json::object{{"method", "yesno"}}}}}},
      {"nodes", json::array{json::object{{"code", "A"},
                                         {"name_zh", "甲"},
                                         {"name_en", "A"},
                                         {"points", 100},
                                         {"children", json::array{json::object{{"code", "A1"},
                                                                               {"name_zh", "甲一"},
                                                                               {"name_en", "A1"},
                                                                               {"weight", 60},
                                                                               {"indicator", "it.rate"}},
                                                                  json::object{{"code", "A2"},
                                                                               {"name_zh", "甲二"},
                                                                               {"name_en", "A2"},
                                                                               {"points", 40},
                                                                               {"indicator", "it.yes"}}}}}}}};
  return json::serialize(doc);
}

class TemplateServiceTest : public PlatformTest {
 protected:
  void SetUp() override {
    PlatformTest::SetUp();
    if (HasFatalFailure()) return;
    templates_ = std::make_unique<TemplateService>(*db_);
    finance_ = MakeUser("finance1", auth::Role::kFinanceOfficer, county_.id);
    clerk_ = MakeUser("clerk1", auth::Role::kUnitClerk, school_a_.id);
    expert_ = MakeUser("expert1", auth::Role::kExpert, county_.id);
  }

  int64_t Count(const char* name, const char* sql) {
    auto conn = db_->Read();
    EXPECT_TRUE(conn.ok());
    auto n = (*conn)->QueryInt({name, sql});
    EXPECT_TRUE(n.ok()) << n.error().log_detail;
    return n.ok() ? *n : -1;
  }
  int64_t Templates() { return Count("test.tmpl.count", "SELECT COUNT(*) FROM assess_templates"); }
  int64_t Indicators() { return Count("test.tmpl.count_ind", "SELECT COUNT(*) FROM assess_indicators"); }
  int64_t Audits(const char* name, const char* sql) { return Count(name, sql); }

  std::unique_ptr<TemplateService> templates_;
  auth::SessionState finance_, clerk_, expert_;
};

TEST_F(TemplateServiceTest, ShippedTemplatesSeedAFreshDatabaseOnce) {
  ASSERT_EQ(Templates(), 0);
  auto seeded = templates_->EnsureSeeded();
  ASSERT_TRUE(seeded.ok()) << seeded.error().log_detail;
  EXPECT_EQ(Templates(), 5);
  const int64_t indicators = Indicators();
  size_t expected_indicators = 0;
  auto list = templates_->List(*finance_.principal);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 5u);
  for (const auto& s : *list) {
    EXPECT_EQ(s.version, 1) << s.code;
    EXPECT_EQ(s.status, "published") << s.code;
    EXPECT_EQ(s.published_version, 1);
    EXPECT_FALSE(s.frozen);
    auto doc = templates_->Get(*finance_.principal, s.code);
    ASSERT_TRUE(doc.ok()) << s.code << " " << doc.error().log_detail;
    expected_indicators += doc->indicators.size();
    auto compiled = assessment::CompiledTemplate::Compile(doc->tmpl, doc->Lookup());
    ASSERT_TRUE(compiled.ok()) << s.code;
    EXPECT_EQ(compiled->leaf_count(), doc->indicators.size()) << s.code;
  }
  EXPECT_EQ(static_cast<size_t>(indicators), expected_indicators);
  // The library holds the shipped entries, e.g. the metric-backed registration rate.
  auto rate = templates_->GetIndicator(*clerk_.principal, "uam.registration_rate");
  ASSERT_TRUE(rate.ok());
  EXPECT_EQ(rate->indicator.metric_key, "asset.registration_rate");
  EXPECT_EQ(rate->version, 1);
  // Seeding again (a restart) changes nothing; it is not audited.
  ASSERT_TRUE(templates_->EnsureSeeded().ok());
  EXPECT_EQ(Templates(), 5);
  EXPECT_EQ(Indicators(), indicators);
  EXPECT_EQ(Audits("test.tmpl.audit_any", "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'assess.%'"), 0);
}

TEST_F(TemplateServiceTest, AFreshDatabaseWithAnImportIsNotSeeded) {
  ASSERT_TRUE(templates_->Import(CallerOf(finance_), Doc("mine")).ok());
  ASSERT_TRUE(templates_->EnsureSeeded().ok());
  EXPECT_EQ(Templates(), 1);
}

TEST_F(TemplateServiceTest, ImportCreatesVersionsDraftsAreEditedInPlaceUntilPublished) {
  const auto fin = CallerOf(finance_);
  auto v1 = templates_->Import(fin, Doc("t"));
  ASSERT_TRUE(v1.ok()) << v1.error().en;
  EXPECT_EQ(v1->tmpl.version, 1);
  EXPECT_EQ(v1->tmpl.status, "draft");
  EXPECT_FALSE(v1->tmpl.published_at.has_value());
  EXPECT_DOUBLE_EQ(v1->tmpl.roots[0].children[0].points, 60);  // weight 60 % of 100
  auto v2 = templates_->Import(fin, Doc("t", 0.9, "第二版"));
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->tmpl.version, 2);
  EXPECT_NE(v2->tmpl.id, v1->tmpl.id);

  // Saving the draft edits version 2 in place.
  auto saved = templates_->SaveDraft(fin, "t", Doc("t", 0.9, "第二版改"));
  ASSERT_TRUE(saved.ok()) << saved.error().en;
  EXPECT_EQ(saved->tmpl.id, v2->tmpl.id);
  EXPECT_EQ(saved->tmpl.version, 2);
  EXPECT_EQ(Templates(), 2);
  auto latest = templates_->Get(*clerk_.principal, "t");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->tmpl.version, 2);
  EXPECT_EQ(latest->tmpl.name_zh, "第二版改");
  EXPECT_EQ(latest->tmpl.created_at.micros, v2->tmpl.created_at.micros);

  // Publish; publishing again is a conflict.
  auto published = templates_->Publish(fin, "t");
  ASSERT_TRUE(published.ok());
  EXPECT_EQ(published->tmpl.status, "published");
  ASSERT_TRUE(published->tmpl.published_at.has_value());
  auto again = templates_->Publish(fin, "t");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorCode::kConflict);
  EXPECT_EQ(again.error().code, "assess.template_not_draft");

  // Editing a published version makes version 3, a draft; version 2 stays as it was.
  auto v3 = templates_->SaveDraft(fin, "t", Doc("t", 0.9, "第三版"));
  ASSERT_TRUE(v3.ok());
  EXPECT_EQ(v3->tmpl.version, 3);
  EXPECT_EQ(v3->tmpl.status, "draft");
  auto old = templates_->Get(*clerk_.principal, "t", 2);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->tmpl.name_zh, "第二版改");
  EXPECT_EQ(old->tmpl.status, "published");
  auto in_use = templates_->GetPublished(*clerk_.principal, "t");
  ASSERT_TRUE(in_use.ok());
  EXPECT_EQ(in_use->tmpl.version, 2);
  auto by_id = templates_->GetById(*clerk_.principal, v1->tmpl.id);
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->tmpl.version, 1);

  auto versions = templates_->Versions(*clerk_.principal, "t");
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 3u);
  EXPECT_EQ((*versions)[0].version, 3);
  EXPECT_EQ((*versions)[0].published_version, 2);
  EXPECT_EQ((*versions)[2].status, "draft");
  auto list = templates_->List(*clerk_.principal);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].version, 3);

  EXPECT_EQ(Audits("test.tmpl.audit_import",
                   "SELECT COUNT(*) FROM audit_log WHERE action = 'assess.template.import'"), 2);
  EXPECT_EQ(Audits("test.tmpl.audit_save", "SELECT COUNT(*) FROM audit_log WHERE action = 'assess.template.save'"),
            2);
  EXPECT_EQ(Audits("test.tmpl.audit_pub", "SELECT COUNT(*) FROM audit_log WHERE action = 'assess.template.publish'"),
            1);
  // The library entries were created once; identical re-imports change nothing.
  EXPECT_EQ(Audits("test.tmpl.audit_ind", "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'assess.indicator.%'"),
            2);
}

TEST_F(TemplateServiceTest, FrozenVersionsAreNeverChanged) {
  const auto fin = CallerOf(finance_);
  auto draft = templates_->Import(fin, Doc("f"));
  ASSERT_TRUE(draft.ok());
  {
    // A draft cannot be used by an assessment.
    auto begun = db_->Write();
    ASSERT_TRUE(begun.ok());
    db::Tx tx = std::move(begun).value();
    auto frozen = TemplateService::Freeze(*tx, draft->tmpl.id);
    ASSERT_FALSE(frozen.ok());
    EXPECT_EQ(frozen.error().code, "assess.template_not_published");
    auto missing = TemplateService::Freeze(*tx, draft->tmpl.id + 1000);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().kind, ErrorCode::kNotFound);
  }
  auto pub = templates_->Import(fin, Doc("f"), {.publish = true});
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(pub->tmpl.version, 2);
  EXPECT_EQ(pub->tmpl.status, "published");
  {
    auto begun = db_->Write();
    ASSERT_TRUE(begun.ok());
    db::Tx tx = std::move(begun).value();
    ASSERT_TRUE(TemplateService::Freeze(*tx, pub->tmpl.id).ok());
    ASSERT_TRUE(TemplateService::Freeze(*tx, pub->tmpl.id).ok());  // no-op
    ASSERT_TRUE(tx.Commit().ok());
  }
  auto frozen = templates_->Get(*finance_.principal, "f", 2);
  ASSERT_TRUE(frozen.ok());
  EXPECT_TRUE(frozen->tmpl.frozen);
  const std::string before = assessment::TemplateDocJson(*frozen);
  // Saving makes version 3; version 2 is untouched.
  auto v3 = templates_->SaveDraft(fin, "f", Doc("f", 0.8, "改"));
  ASSERT_TRUE(v3.ok());
  EXPECT_EQ(v3->tmpl.version, 3);
  EXPECT_FALSE(v3->tmpl.frozen);
  auto after = templates_->Get(*finance_.principal, "f", 2);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(assessment::TemplateDocJson(*after), before);
  EXPECT_TRUE(after->tmpl.frozen);
}

TEST_F(TemplateServiceTest, StoredVersionsKeepTheirIndicatorSnapshot) {
  const auto fin = CallerOf(finance_);
  ASSERT_TRUE(templates_->Import(fin, Doc("s"), {.publish = true}).ok());
  // Change the library entry's target from 0.9 to 0.5.
  auto up = templates_->UpsertIndicator(
      fin, "it.rate",
      R"({"name_zh":"比率","name_en":"Rate","type":"quality","source":"manual","method":{"method":"ratio","target":0.5}})");
  ASSERT_TRUE(up.ok()) << up.error().en;
  EXPECT_EQ(up->version, 2);
  EXPECT_EQ(up->indicator.method.target, 0.5);
  // The same body again: no new version, no audit row.
  const int64_t audits =
      Audits("test.tmpl.audit_ind2", "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'assess.indicator.%'");
  auto same = templates_->UpsertIndicator(
      fin, "it.rate",
      R"({"code":"it.rate","name_zh":"比率","name_en":"Rate","type":"quality","source":"manual","method":{"method":"ratio","target":0.5}})");
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->version, 2);
  EXPECT_EQ(Audits("test.tmpl.audit_ind3", "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'assess.indicator.%'"),
            audits);
  // The stored version still scores with 0.9.
  auto stored = templates_->Get(*finance_.principal, "s");
  ASSERT_TRUE(stored.ok());
  ASSERT_NE(stored->FindIndicator("it.rate"), nullptr);
  EXPECT_EQ(stored->FindIndicator("it.rate")->method.target, 0.9);
  // A document that only references the library entry takes its current definition.
  json::object doc = json::parse(Doc("s2")).as_object();
  doc.erase("indicators");
  auto next = templates_->Import(fin, json::serialize(doc));
  ASSERT_TRUE(next.ok()) << next.error().en;
  EXPECT_EQ(next->FindIndicator("it.rate")->method.target, 0.5);
  // A mismatched code in the body is refused.
  auto mismatch = templates_->UpsertIndicator(
      fin, "it.rate",
      R"({"code":"it.other","name_zh":"比率","name_en":"Rate","type":"quality","source":"manual","method":{"method":"ratio","target":0.5}})");
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error().fields.at(0).field, "code");
  auto listed = templates_->ListIndicators(*clerk_.principal);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 2u);
  EXPECT_EQ(templates_->GetIndicator(*clerk_.principal, "nope").error().kind, ErrorCode::kNotFound);
}

TEST_F(TemplateServiceTest, BadDocumentsWriteNothing) {
  const auto fin = CallerOf(finance_);
  json::object doc = json::parse(Doc("bad")).as_object();
  doc["nodes"].as_array()[0].as_object()["points"] = 90;  // children still add up to 100
  auto r = templates_->Import(fin, json::serialize(doc));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().code, "assess.template_invalid");
  bool found = false;
  for (const auto& f : r.error().fields) found = found || (f.field == "nodes[0].points" && f.code == "sum_mismatch");
  EXPECT_TRUE(found);
  EXPECT_EQ(Templates(), 0);
  EXPECT_EQ(Indicators(), 0);  // the library entries of a bad file are not written either
  EXPECT_EQ(Audits("test.tmpl.audit_none", "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'assess.%'"), 0);
  // SaveDraft of an unknown code, or with another code in the body.
  EXPECT_EQ(templates_->SaveDraft(fin, "none", Doc("none")).error().kind, ErrorCode::kNotFound);
  ASSERT_TRUE(templates_->Import(fin, Doc("x")).ok());
  auto other = templates_->SaveDraft(fin, "x", Doc("y"));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().fields.at(0).field, "code");
  EXPECT_EQ(other.error().fields.at(0).code, "mismatch");
  EXPECT_EQ(templates_->Get(*clerk_.principal, "x", 7).error().kind, ErrorCode::kNotFound);
  EXPECT_EQ(templates_->Versions(*clerk_.principal, "none").error().kind, ErrorCode::kNotFound);
}

TEST_F(TemplateServiceTest, ReadingNeedsAssessReadWritingAssessAdmin) {
  ASSERT_TRUE(templates_->Import(CallerOf(finance_), Doc("p")).ok());
  // The unit clerk reads, but cannot write.
  EXPECT_TRUE(templates_->List(*clerk_.principal).ok());
  EXPECT_EQ(templates_->Import(CallerOf(clerk_), Doc("q")).error().kind, ErrorCode::kForbidden);
  EXPECT_EQ(templates_->SaveDraft(CallerOf(clerk_), "p", Doc("p")).error().kind, ErrorCode::kForbidden);
  EXPECT_EQ(templates_->Publish(CallerOf(clerk_), "p").error().kind, ErrorCode::kForbidden);
  EXPECT_EQ(templates_->UpsertIndicator(CallerOf(clerk_), "it.rate", "{}").error().kind, ErrorCode::kForbidden);
  // The expert has no assess.read.
  EXPECT_EQ(templates_->List(*expert_.principal).error().kind, ErrorCode::kForbidden);
  EXPECT_EQ(templates_->Get(*expert_.principal, "p").error().kind, ErrorCode::kForbidden);
  // The command line may do everything.
  EXPECT_TRUE(templates_->Publish(cli_, "p").ok());
}

// ---- metric keys checked against the registry --------------------------------

// A template whose three leaves name metrics: A1 a file entry with an unknown
// key, A2 a file entry in 天 on a % metric, A3 a file entry of a % metric
// scored by deduction; and an unused file entry with an unknown key.
std::string MetricDoc(const std::string& code, const std::string& a1_metric = "asset.no_such",
                      const std::string& a2_unit = "天", const std::string& a3_method = "deduction") {
  auto ind = [](const std::string& c, const std::string& unit, const std::string& metric, json::object method) {
    return json::object{{"code", c},        {"name_zh", "指标"},   {"name_en", "Indicator"}, {"unit", unit},
                        {"type", "quality"}, {"source", "metric"}, {"metric", metric},       {"method", method}};
  };
  json::object deduction{{"method", a3_method}};
  if (a3_method == "deduction") deduction["per_occurrence"] = 1;
  if (a3_method == "ratio") deduction["target"] = 100;
  auto leaf = [](const std::string& c, double points, const std::string& indicator) {
    return json::object{{"code", c}, {"name_zh", c}, {"name_en", c}, {"points", points}, {"indicator", indicator}};
  };
  json::object doc{
      {"code", code},
      {"name_zh", "指标值模板"},
      {"name_en", "Metric template"},
      {"object_class", "unit"},
      {"indicators", json::array{ind("m.a1", "%", a1_metric, {{"method", "ratio"}, {"target", 100}}),
                                 ind("m.a2", a2_unit, "asset.registration_rate", {{"method", "ratio"}, {"target", 100}}),
                                 ind("m.a3", "%", "asset.idle_rate", deduction)}},
      {"nodes", json::array{json::object{
                    {"code", "A"},
                    {"name_zh", "甲"},
                    {"name_en", "A"},
                    {"points", 100},
                    {"children", json::array{leaf("A1", 40, "m.a1"), leaf("A2", 30, "m.a2"), leaf("A3", 30, "m.a3")}}}}}};
  return json::serialize(doc);
}

class TemplateMetricTest : public TemplateServiceTest {
 protected:
  void SetUp() override {
    TemplateServiceTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(metric::RegisterAssetMetrics(registry_, {}).ok());
    ASSERT_TRUE(assessment::RegisterTaskMetrics(registry_).ok());
    ASSERT_TRUE(assessment::RegisterInputMetrics(registry_).ok());
    checked_ = std::make_unique<TemplateService>(*db_, assessment::LookupMetrics(registry_));
  }

  static std::string FieldCodes(const Error& e) {
    std::string out;
    for (const auto& f : e.fields) out += f.field + "=" + f.code + ";";
    return out;
  }

  metric::Registry registry_;
  std::unique_ptr<TemplateService> checked_;
};

TEST_F(TemplateMetricTest, ShippedTemplatesNameRegisteredMetricsThatFitTheirMethods) {
  ASSERT_TRUE(checked_->EnsureSeeded().ok());
  EXPECT_EQ(Templates(), 5);
}

TEST_F(TemplateMetricTest, ImportReportsEveryBadMetricAtItsLeafAndWritesNothing) {
  auto r = checked_->Import(CallerOf(finance_), MetricDoc("m"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "assess.template_invalid");
  EXPECT_EQ(FieldCodes(r.error()),
            "nodes[0].children[0].metric=unknown_metric;nodes[0].children[1].metric=unit_mismatch;"
            "nodes[0].children[2].metric=method_mismatch;");
  for (const auto& f : r.error().fields) {
    EXPECT_FALSE(f.zh.empty());
    EXPECT_FALSE(f.en.empty());
  }
  EXPECT_NE(r.error().fields[0].en.find("asset.no_such"), std::string::npos);
  EXPECT_EQ(Templates(), 0);
  EXPECT_EQ(Indicators(), 0);
  EXPECT_EQ(Audits("test.tmpl.metric_audit", "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'assess.%'"), 0);
  // Fixed, it imports; the unchecked service (no lookup) never looked.
  EXPECT_TRUE(templates_->Import(CallerOf(finance_), MetricDoc("u")).ok());
  auto fixed = checked_->Import(CallerOf(finance_), MetricDoc("m", "asset.card_completeness", "%", "ratio"));
  ASSERT_TRUE(fixed.ok()) << FieldCodes(fixed.error());
}

TEST_F(TemplateMetricTest, SaveDraftAndPublishCheckTheKeysToo) {
  const auto fin = CallerOf(finance_);
  // A draft with bad keys stored by a service that did not check (an older build).
  ASSERT_TRUE(templates_->Import(fin, MetricDoc("d")).ok());
  auto pub = checked_->Publish(fin, "d");
  ASSERT_FALSE(pub.ok());
  EXPECT_EQ(pub.error().code, "assess.template_invalid");
  EXPECT_EQ(FieldCodes(pub.error()),
            "nodes[0].children[0].metric=unknown_metric;nodes[0].children[1].metric=unit_mismatch;"
            "nodes[0].children[2].metric=method_mismatch;");
  auto still = templates_->Get(*finance_.principal, "d");
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->tmpl.status, "draft");
  auto save = checked_->SaveDraft(fin, "d", MetricDoc("d", "asset.no_such", "%", "ratio"));
  ASSERT_FALSE(save.ok());
  EXPECT_EQ(FieldCodes(save.error()), "nodes[0].children[0].metric=unknown_metric;");
  ASSERT_TRUE(checked_->SaveDraft(fin, "d", MetricDoc("d", "asset.idle_rate", "%", "ratio")).ok());
  EXPECT_TRUE(checked_->Publish(fin, "d").ok());
}

TEST_F(TemplateMetricTest, LibraryEntriesAreCheckedWhereTheyAreDefined) {
  const auto fin = CallerOf(finance_);
  // PUT of one entry: the field is "metric".
  auto bad = checked_->UpsertIndicator(
      fin, "lib.x",
      R"({"name_zh":"甲","name_en":"A","unit":"%","type":"quality","source":"metric","metric":"asset.nope",
          "method":{"method":"ratio","target":100}})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorCode::kInvalidArgument);
  EXPECT_EQ(FieldCodes(bad.error()), "metric=unknown_metric;");
  auto wrong_target = checked_->UpsertIndicator(
      fin, "lib.x",
      R"({"name_zh":"甲","name_en":"A","unit":"%","type":"quality","source":"metric","metric":"asset.idle_rate",
          "direction":"<=","method":{"method":"linear","floor":120,"target":5}})");
  ASSERT_FALSE(wrong_target.ok());
  EXPECT_EQ(FieldCodes(wrong_target.error()), "metric=method_mismatch;");
  EXPECT_EQ(Indicators(), 0);
  EXPECT_TRUE(checked_
                  ->UpsertIndicator(fin, "lib.x",
                                    R"({"name_zh":"甲","name_en":"A","unit":"%","type":"quality","source":"metric",
                                        "metric":"asset.idle_rate","direction":"<=",
                                        "method":{"method":"linear","floor":20,"target":5}})")
                  .ok());
  // A file entry no leaf uses is reported at its place in "indicators".
  json::object doc = json::parse(MetricDoc("e", "asset.registration_rate", "%", "ratio")).as_object();
  doc["indicators"].as_array().push_back(json::object{{"code", "m.unused"},
                                                      {"name_zh", "未用"},
                                                      {"name_en", "Unused"},
                                                      {"type", "quality"},
                                                      {"source", "metric"},
                                                      {"metric", "asset.gone"},
                                                      {"method", json::object{{"method", "ratio"}, {"target", 100}}}});
  auto unused = checked_->Import(fin, json::serialize(doc));
  ASSERT_FALSE(unused.ok());
  EXPECT_EQ(FieldCodes(unused.error()), "indicators[3].metric=unknown_metric;");
}

}  // namespace
}  // namespace minsheng::testing
