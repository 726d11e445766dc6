// Assessment runs on both engines: a small county of four units with hand-made
// asset cards and inputs, scored by a template with metric and manual leaves.
// Every expected number below is computed by hand in the comments.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <map>

#include "assessment/run_detail.h"
#include "assessment/run_metric_link.h"
#include "assessment/run_service.h"
#include "assessment/template.h"
#include "asset_fixture.h"
#include "metric/asset_metrics.h"
#include "metric/service.h"

namespace minsheng::testing {
namespace {

using assessment::Colour;
using assessment::Grade;
using assessment::RankingRow;

// T-UNIT (100): A 资产管理 60 = A1 60 (A1.1 CUST 40: custodian coverage, ratio
// target 100; A1.2 RECT 20: manual, linear 0 → 10); B 满意度 40 = B1.1 SURV 40
// (manual, ratio target 90).
std::string TemplateText(double cust, double rect, double surv) {
  const double a = cust + rect;
  return R"({
  "code": "T-UNIT", "name_zh": "单位资产管理考核", "name_en": "Unit asset management", "object_class": "unit",
  "total_points": 100, "group_by": "none",
  "indicators": [
    {"code": "t.cust", "name_zh": "使用人落实率", "name_en": "Custodian coverage", "unit": "%", "direction": ">=",
     "type": "management", "source": "metric", "metric": "asset.custodian_coverage",
     "method": {"method": "ratio", "target": 100}},
    {"code": "t.rect", "name_zh": "整改完成数", "name_en": "Rectified items", "direction": ">=",
     "type": "management", "source": "manual", "method": {"method": "linear", "floor": 0, "target": 10}},
    {"code": "t.surv", "name_zh": "满意度", "name_en": "Satisfaction", "unit": "分", "direction": ">=",
     "type": "satisfaction", "source": "manual", "method": {"method": "ratio", "target": 90}}
  ],
  "nodes": [
    {"code": "A", "name_zh": "资产管理", "name_en": "Assets", "points": )" +
         std::to_string(a) + R"(, "children": [
      {"code": "A1", "name_zh": "使用人", "name_en": "Custody", "points": )" +
         std::to_string(a) + R"(, "children": [
        {"code": "A1.1", "name_zh": "落实率", "name_en": "Coverage", "points": )" +
         std::to_string(cust) + R"(, "indicator": "t.cust"},
        {"code": "A1.2", "name_zh": "整改", "name_en": "Rectification", "points": )" +
         std::to_string(rect) + R"(, "indicator": "t.rect"}
      ]}
    ]},
    {"code": "B", "name_zh": "满意度", "name_en": "Satisfaction", "points": )" +
         std::to_string(surv) + R"(, "children": [
      {"code": "B1.1", "name_zh": "调查", "name_en": "Survey", "points": )" +
         std::to_string(surv) + R"(, "indicator": "t.surv"}
    ]}
  ]
})";
}

class AssessRunTest : public AssetTest {
 protected:
  void SetUp() override {
    AssetTest::SetUp();
    if (HasFatalFailure()) return;
    school_c_ = MakeOrg(edu_.id, "T-SCHOOL-C", org::Level::kUnit);
    finance_ = MakeUser("fin", auth::Role::kFinanceOfficer, county_.id);
    ASSERT_TRUE(metric::RegisterAssetMetrics(registry_, {}).ok());
    metrics_ = std::make_unique<metric::MetricService>(*db_, registry_, *orgs_);
    runs_ = std::make_unique<assessment::RunService>(*db_, assessment::LinkMetrics(*metrics_), assessment::RunSettings{});
    StoreTemplate(1, TemplateText(40, 20, 40), "published");

    // School A: 4 cards in use, 3 with a custodian → coverage 75 %.
    for (int i = 0; i < 3; ++i) a_cards_.push_back(MustRegister(ValidInput()));
    auto no_custodian = ValidInput();
    no_custodian.custodian_id.reset();
    a_cards_.push_back(MustRegister(no_custodian));
    // School B: 2 cards, both with a custodian → 100 %.
    auto b = ValidInput();
    b.custodian_id = staff_b_.id;
    b.location_id = room_b_.id;
    b.department_id = dept_b_.id;
    MustRegister(b, school_b_.id);
    MustRegister(b, school_b_.id);
    // The clinic and school C have no cards: coverage not applicable.
  }

  void StoreTemplate(int version, const std::string& text, const std::string& status) {
    auto file = assessment::ParseTemplateFile(text, [](std::string_view) { return nullptr; });
    ASSERT_TRUE(file.ok()) << file.error().en << (file.error().fields.empty() ? "" : file.error().fields[0].field);
    auto tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    auto r = (*tx)->Exec({"test.template.insert",
                          "INSERT INTO assess_templates (code, version, name_zh, name_en, object_class, status, frozen, "
                          "doc_json, created_at, updated_at) VALUES ('T-UNIT', $1, '单位资产管理考核', 'Unit', 'unit', "
                          "$2, 0, $3, 1, 1)"},
                         {version, status, assessment::TemplateDocJson(file->doc)});
    ASSERT_TRUE(r.ok()) << r.error().log_detail;
    ASSERT_TRUE(tx->Commit().ok());
  }

  // An accepted input, written as the inputs module would.
  int64_t Input(int64_t assessment, int64_t object, const std::string& code, const std::string& role,
                std::optional<double> value, bool na = false) {
    auto tx = db_->Write();
    EXPECT_TRUE(tx.ok());
    int64_t id = 0;
    auto r = (*tx)->ForEach(
        {"test.input.insert",
         "INSERT INTO assess_inputs (assessment_id, object_id, indicator_code, role, value, not_applicable, remark, "
         "status, submitted_at, reviewed_at) VALUES ($1, $2, $3, $4, $5, $6, 'test', 'accepted', 1, 2) "
         "ON CONFLICT (assessment_id, object_id, indicator_code, role) DO UPDATE SET value = excluded.value, "
         "not_applicable = excluded.not_applicable RETURNING id"},
        {assessment, object, code, role, value, na}, [&](const db::Row& row) {
          id = row.Int(0);
          return false;
        });
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().log_detail);
    EXPECT_TRUE(tx->Commit().ok());
    return id;
  }

  assessment::Assessment MustCreate(const std::string& period) {
    assessment::NewAssessment in;
    in.period = period;
    in.template_code = "T-UNIT";
    in.scope_org_id = county_.id;
    auto a = runs_->Create(CallerOf(finance_), in);
    EXPECT_TRUE(a.ok()) << (a.ok() ? "" : a.error().code + " " + a.error().en + " " + a.error().log_detail);
    return a.ok() ? *a : assessment::Assessment{};
  }

  void MustRun(const std::string& period) {
    auto r = runs_->Run(CallerOf(finance_), period, "T-UNIT");
    ASSERT_TRUE(r.ok()) << r.error().code << " " << r.error().en << " " << r.error().log_detail;
  }

  // The Q3 inputs (see the table in Q3Totals).
  void Q3Inputs(int64_t id) {
    Input(id, school_a_.id, "t.rect", "self", 10);
    Input(id, school_a_.id, "t.rect", "supervisor", 8);
    Input(id, school_a_.id, "t.surv", "supervisor", 90);
    Input(id, school_b_.id, "t.rect", "self", 5);
    Input(id, school_b_.id, "t.surv", "self", 72);
    Input(id, clinic_.id, "t.rect", "supervisor", std::nullopt, true);
    Input(id, clinic_.id, "t.surv", "supervisor", 81);
    Input(id, school_c_.id, "t.surv", "supervisor", 90);
  }

  std::map<std::string, RankingRow> ByCode(const std::vector<RankingRow>& rows) {
    std::map<std::string, RankingRow> out;
    for (const auto& r : rows) out[r.code] = r;
    return out;
  }

  org::Org school_c_;
  auth::SessionState finance_;
  metric::Registry registry_;
  std::unique_ptr<metric::MetricService> metrics_;
  std::unique_ptr<assessment::RunService> runs_;
  std::vector<asset::Card> a_cards_;
};

// Q3 by hand:
//            CUST (40)        RECT (20)                 SURV (40)          total
//   A        75 % → 30        sup 8 → 16 (self 10)      90 → 40            86 / 100          = 86.00 良 blue  #2
//   B        100 % → 40       self 5 → 10               72 → 32            82 / 100          = 82.00 良 blue  #3
//   clinic   N/A              N/A (supervisor)          81 → 36            36 / 40           = 90.00 优 blue  #1
//   C        N/A              missing → 0 of 20         90 → 40            40 / 60 = 66.666… → 66.67 中 yellow #4
TEST_F(AssessRunTest, RunScoresRanksAndExplainsByHand) {
  // Q2: no inputs at all. A 30/100, B 40/100, clinic 0/60, C 0/60 (missing counts 0).
  auto q2 = MustCreate("2026Q2");
  MustRun("2026Q2");
  auto q3 = MustCreate("2026Q3");
  EXPECT_EQ(q3.object_count, 4);
  EXPECT_EQ(q3.status, "open");
  Q3Inputs(q3.id);
  const int64_t audits = AuditCount();
  MustRun("2026Q3");
  EXPECT_EQ(AuditCount(), audits + 1);  // one audit row per run

  auto ranking = runs_->Results(*finance_.principal, "2026Q3", "T-UNIT");
  ASSERT_TRUE(ranking.ok()) << ranking.error().en;
  ASSERT_EQ(ranking->rows.size(), 4u);
  auto rows = ByCode(ranking->rows);
  const auto& a = rows["T-SCHOOL-A"];
  const auto& b = rows["T-SCHOOL-B"];
  const auto& cl = rows["T-CLINIC"];
  const auto& c = rows["T-SCHOOL-C"];
  EXPECT_DOUBLE_EQ(a.total, 86.0);
  EXPECT_DOUBLE_EQ(b.total, 82.0);
  EXPECT_DOUBLE_EQ(cl.total, 90.0);
  EXPECT_NEAR(c.total, 200.0 / 3.0, 1e-9);  // full precision kept
  EXPECT_DOUBLE_EQ(c.rounded, 66.67);
  EXPECT_EQ(cl.rank, 1);
  EXPECT_EQ(a.rank, 2);
  EXPECT_EQ(b.rank, 3);
  EXPECT_EQ(c.rank, 4);
  EXPECT_EQ(a.group_size, 4);
  EXPECT_EQ(a.grade, Grade::kGood);
  EXPECT_EQ(cl.grade, Grade::kExcellent);
  EXPECT_EQ(c.grade, Grade::kFair);
  EXPECT_EQ(c.colour, Colour::kYellow);
  EXPECT_EQ(a.colour, Colour::kBlue);
  // Previous period: A 30 → 86 (+56), B 40 → 82 (+42), clinic 0 → 90, C 0 → 66.67.
  ASSERT_TRUE(a.previous_total.has_value());
  EXPECT_DOUBLE_EQ(*a.previous_total, 30.0);
  EXPECT_DOUBLE_EQ(*a.change, 56.0);
  EXPECT_DOUBLE_EQ(*b.previous_total, 40.0);
  EXPECT_DOUBLE_EQ(*cl.previous_total, 0.0);
  EXPECT_DOUBLE_EQ(*c.change, 66.67);

  // Filters.
  assessment::ResultsFilter yellow;
  yellow.colour = Colour::kYellow;
  auto only_yellow = runs_->Results(*finance_.principal, "2026Q3", "T-UNIT", yellow);
  ASSERT_TRUE(only_yellow.ok());
  ASSERT_EQ(only_yellow->rows.size(), 1u);
  EXPECT_EQ(only_yellow->rows[0].code, "T-SCHOOL-C");

  // Explain A: the tree, and the metric leaf ends at A's real cards.
  auto ex = runs_->Explain(*finance_.principal, "2026Q3", "T-UNIT", "T-SCHOOL-A", std::nullopt);
  ASSERT_TRUE(ex.ok()) << ex.error().en;
  ASSERT_EQ(ex->nodes.size(), 2u);
  const auto& node_a = ex->nodes[0];
  EXPECT_EQ(node_a.code, "A");
  EXPECT_DOUBLE_EQ(node_a.score, 46.0);  // 30 + 16
  EXPECT_DOUBLE_EQ(node_a.max, 60.0);
  const auto& cust = node_a.children[0].children[0];
  EXPECT_EQ(cust.code, "A1.1");
  EXPECT_EQ(cust.source, "metric");
  EXPECT_EQ(cust.metric_key.value_or(""), "asset.custodian_coverage");
  EXPECT_DOUBLE_EQ(cust.value.value_or(-1), 75.0);
  EXPECT_DOUBLE_EQ(cust.numerator.value_or(-1), 3.0);
  EXPECT_DOUBLE_EQ(cust.denominator.value_or(-1), 4.0);
  EXPECT_DOUBLE_EQ(cust.score, 30.0);
  EXPECT_DOUBLE_EQ(cust.share.value_or(-1), 0.75);
  EXPECT_EQ(cust.records_url, "/api/v1/metrics/asset.custodian_coverage/records?period=2026Q3&object=" +
                                  std::to_string(school_a_.id));
  ASSERT_EQ(cust.records.size(), 4u);
  std::vector<std::string> numbers, listed;
  for (const auto& card : a_cards_) numbers.push_back(card.number);
  int counted = 0;
  for (const auto& rec : cust.records) {
    listed.push_back(rec.label);
    counted += rec.counted ? 1 : 0;
    const auto it = std::find_if(a_cards_.begin(), a_cards_.end(), [&](const asset::Card& k) { return k.id == rec.id; });
    ASSERT_NE(it, a_cards_.end()) << rec.id;
    EXPECT_EQ(it->number, rec.label);
    EXPECT_EQ(rec.counted, it->custodian_id.has_value());
  }
  EXPECT_EQ(counted, 3);
  std::sort(numbers.begin(), numbers.end());
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(numbers, listed);
  // The manual leaf: the supervisor's 8 counted, the self 10 differs by 20 % > 10 % → flagged.
  const auto& rect = node_a.children[0].children[1];
  EXPECT_EQ(rect.source, "manual");
  EXPECT_DOUBLE_EQ(rect.value.value_or(-1), 8.0);
  EXPECT_DOUBLE_EQ(rect.score, 16.0);
  EXPECT_NE(std::find(rect.flags.begin(), rect.flags.end(), "self_supervisor_gap"), rect.flags.end());
  ASSERT_EQ(rect.manual.size(), 2u);
  for (const auto& m : rect.manual) EXPECT_EQ(m.used, m.role == "supervisor");

  // Explain C's missing leaf: 0 of 20, not N/A; one node by indicator code.
  auto ex_c = runs_->Explain(*finance_.principal, "2026Q3", "T-UNIT", std::to_string(school_c_.id), "t.rect");
  ASSERT_TRUE(ex_c.ok());
  ASSERT_EQ(ex_c->nodes.size(), 1u);
  EXPECT_EQ(ex_c->nodes[0].source, "missing");
  EXPECT_TRUE(ex_c->nodes[0].applicable);
  EXPECT_DOUBLE_EQ(ex_c->nodes[0].max, 20.0);
  EXPECT_DOUBLE_EQ(ex_c->nodes[0].score, 0.0);
  // The clinic's N/A leaves are left out.
  auto ex_cl = runs_->Explain(*finance_.principal, "2026Q3", "T-UNIT", "T-CLINIC", "A");
  ASSERT_TRUE(ex_cl.ok());
  EXPECT_FALSE(ex_cl->nodes[0].applicable);
  EXPECT_DOUBLE_EQ(ex_cl->nodes[0].max, 0.0);
  auto no_node = runs_->Explain(*finance_.principal, "2026Q3", "T-UNIT", "T-CLINIC", std::string("nope"));
  EXPECT_FALSE(no_node.ok());
  (void)q2;
}

TEST_F(AssessRunTest, RecomputeObjectTiesAndWhatIf) {
  auto q3 = MustCreate("2026Q3");
  Q3Inputs(q3.id);
  MustRun("2026Q3");
  // B's self input becomes 7 → RECT 14 → B 40 + 14 + 32 = 86 = A: ranks 1, 2, 2, 4.
  Input(q3.id, school_b_.id, "t.rect", "self", 7);
  {
    auto tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    auto r = runs_->RecomputeObject(**tx, q3.id, school_b_.id);
    ASSERT_TRUE(r.ok()) << r.error().en << r.error().log_detail;
    EXPECT_DOUBLE_EQ(r->total_before.value_or(-1), 82.0);
    EXPECT_EQ(r->rank_before.value_or(-1), 3);
    EXPECT_DOUBLE_EQ(r->after.total, 86.0);
    EXPECT_EQ(r->after.rank, 2);
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto rows = ByCode(runs_->Results(*finance_.principal, "2026Q3", "T-UNIT")->rows);
  EXPECT_EQ(rows["T-CLINIC"].rank, 1);
  EXPECT_EQ(rows["T-SCHOOL-A"].rank, 2);
  EXPECT_EQ(rows["T-SCHOOL-B"].rank, 2);
  EXPECT_EQ(rows["T-SCHOOL-C"].rank, 4);
  EXPECT_DOUBLE_EQ(rows["T-SCHOOL-B"].total, 86.0);

  // A full run gives the same ranks (RecomputeObject agrees with Run).
  MustRun("2026Q3");
  auto again = ByCode(runs_->Results(*finance_.principal, "2026Q3", "T-UNIT")->rows);
  for (const auto& [code, row] : rows) {
    EXPECT_EQ(again[code].rank, row.rank) << code;
    EXPECT_DOUBLE_EQ(again[code].total, row.total) << code;
  }

  // What-if with weights CUST 70, RECT 20, SURV 10:
  //   A 52.5 + 16 + 10 = 78.5 (#3); B 70 + 14 + 8 = 92 (#1); clinic 9/10 → 90 (#2);
  //   C (0 + 10) / 30 → 33.33 (#4).
  assessment::WhatIfDraft draft;
  draft.document = TemplateText(70, 20, 10);
  auto w = runs_->WhatIf(*finance_.principal, "2026Q3", "T-UNIT", draft);
  ASSERT_TRUE(w.ok()) << w.error().en << (w.error().fields.empty() ? "" : " " + w.error().fields[0].field);
  std::map<std::string, assessment::WhatIfRow> wr;
  for (const auto& r : w->rows) wr[r.code] = r;
  EXPECT_DOUBLE_EQ(wr["T-SCHOOL-A"].total, 78.5);
  EXPECT_EQ(wr["T-SCHOOL-A"].rank, 3);
  EXPECT_EQ(wr["T-SCHOOL-A"].rank_change.value_or(0), -1);
  EXPECT_DOUBLE_EQ(wr["T-SCHOOL-B"].total, 92.0);
  EXPECT_EQ(wr["T-SCHOOL-B"].rank, 1);
  EXPECT_EQ(wr["T-SCHOOL-B"].rank_change.value_or(0), 1);
  EXPECT_EQ(wr["T-SCHOOL-B"].grade, Grade::kExcellent);
  ASSERT_TRUE(wr["T-SCHOOL-B"].current.has_value());
  EXPECT_EQ(wr["T-SCHOOL-B"].current->grade, Grade::kGood);
  EXPECT_DOUBLE_EQ(wr["T-SCHOOL-C"].rounded, 33.33);
  EXPECT_EQ(wr["T-SCHOOL-C"].colour, Colour::kRed);
  // Nothing written: the stored ranking is unchanged.
  auto after = ByCode(runs_->Results(*finance_.principal, "2026Q3", "T-UNIT")->rows);
  EXPECT_EQ(after["T-SCHOOL-B"].rank, 2);
  // A stored draft version works the same way; an unknown one is NotFound.
  StoreTemplate(2, TemplateText(70, 20, 10), "draft");
  assessment::WhatIfDraft v2;
  v2.version = 2;
  auto w2 = runs_->WhatIf(*finance_.principal, "2026Q3", "T-UNIT", v2);
  ASSERT_TRUE(w2.ok()) << w2.error().en;
  EXPECT_EQ(w2->draft_version, 2);
  v2.version = 9;
  auto w9 = runs_->WhatIf(*finance_.principal, "2026Q3", "T-UNIT", v2);
  ASSERT_FALSE(w9.ok());
  EXPECT_EQ(w9.error().kind, ErrorCode::kNotFound);
  // A clerk may not what-if.
  EXPECT_FALSE(runs_->WhatIf(*clerk_a_.principal, "2026Q3", "T-UNIT", draft).ok());
}

TEST_F(AssessRunTest, ScopeBeforeAndAfterPublish) {
  auto q3 = MustCreate("2026Q3");
  Q3Inputs(q3.id);
  MustRun("2026Q3");
  const auth::Principal& clerk = *clerk_a_.principal;
  // Before publish: the clerk sees only its own unit, with detail.
  auto mine = runs_->Results(clerk, "2026Q3", "T-UNIT");
  ASSERT_TRUE(mine.ok()) << mine.error().en;
  ASSERT_EQ(mine->rows.size(), 1u);
  EXPECT_EQ(mine->rows[0].code, "T-SCHOOL-A");
  EXPECT_TRUE(mine->rows[0].detail);
  EXPECT_TRUE(runs_->Explain(clerk, "2026Q3", "T-UNIT", "T-SCHOOL-A", std::nullopt).ok());
  auto other = runs_->Explain(clerk, "2026Q3", "T-UNIT", "T-SCHOOL-B", std::nullopt);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().kind, ErrorCode::kNotFound);
  EXPECT_FALSE(runs_->Bulletin(clerk, "2026Q3", "T-UNIT").ok());
  // The edu supervisor sees its three schools, not the clinic.
  EXPECT_EQ(runs_->Results(*supervisor_.principal, "2026Q3", "T-UNIT")->rows.size(), 3u);
  // Only assess.admin runs and publishes.
  EXPECT_FALSE(runs_->Run(CallerOf(clerk_a_), "2026Q3", "T-UNIT").ok());
  EXPECT_FALSE(runs_->Publish(CallerOf(clerk_a_), "2026Q3", "T-UNIT").ok());

  auto published = runs_->Publish(CallerOf(finance_), "2026Q3", "T-UNIT");
  ASSERT_TRUE(published.ok()) << published.error().en;
  EXPECT_EQ(published->status, "published");
  ASSERT_TRUE(published->appeal_until.has_value());
  EXPECT_EQ(published->appeal_until->micros - published->published_at->micros, int64_t{10} * 86400 * 1000000);
  // After publish: the whole ranking, detail only for its own unit.
  auto all = runs_->Results(clerk, "2026Q3", "T-UNIT");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->rows.size(), 4u);
  for (const auto& r : all->rows) EXPECT_EQ(r.detail, r.code == "T-SCHOOL-A") << r.code;
  EXPECT_FALSE(runs_->Explain(clerk, "2026Q3", "T-UNIT", "T-SCHOOL-B", std::nullopt).ok());
  // The bulletin: counts, highlights need a previous period (none here), weak points.
  auto bulletin = runs_->Bulletin(clerk, "2026Q3", "T-UNIT");
  ASSERT_TRUE(bulletin.ok()) << bulletin.error().en;
  const auto body = boost::json::parse(*bulletin).as_object();
  EXPECT_EQ(body.at("colours").at("blue").as_int64(), 3);
  EXPECT_EQ(body.at("colours").at("yellow").as_int64(), 1);
  EXPECT_EQ(body.at("grades").at("good").as_int64(), 2);
  EXPECT_EQ(body.at("ranking").as_array().size(), 4u);
  EXPECT_EQ(body.at("highlights").as_array().size(), 0u);
  // Mean shares: CUST (0.75 + 1) / 2 = 0.875; RECT (0.8 + 0.5 + 0) / 3 = 0.433…; SURV (1 + .8 + .9 + 1) / 4 = 0.925.
  const auto& weak = body.at("weak_points").at("indicators").as_array();
  ASSERT_EQ(weak.size(), 3u);
  EXPECT_EQ(weak[0].at("indicator_code").as_string(), "t.rect");
  EXPECT_NEAR(weak[0].at("mean_share").to_number<double>(), 1.3 / 3, 1e-12);
  EXPECT_EQ(weak[2].at("indicator_code").as_string(), "t.surv");
  // Running again after publish is refused.
  auto rerun = runs_->Run(CallerOf(finance_), "2026Q3", "T-UNIT");
  ASSERT_FALSE(rerun.ok());
  EXPECT_EQ(rerun.error().kind, ErrorCode::kConflict);
  // A clerk of another county would see nothing: an unrelated region.
  auto other_county = MakeOrg(std::nullopt, "T-OTHER", org::Level::kRegion, "county");
  auto other_unit = MakeOrg(other_county.id, "T-OTHER-U", org::Level::kUnit);
  auto stranger = MakeUser("stranger", auth::Role::kUnitClerk, other_unit.id);
  auto none = runs_->Results(*stranger.principal, "2026Q3", "T-UNIT");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().kind, ErrorCode::kNotFound);
}

TEST_F(AssessRunTest, FinalizeCallsTheHookInTheSameTransaction) {
  MustCreate("2026Q3");
  MustRun("2026Q3");
  int calls = 0;
  size_t seen = 0;
  size_t nodes = 0;
  bool fail = true;
  runs_->SetFinalizeHook([&](db::Connection& tx, const assessment::Assessment& a,
                             const std::vector<assessment::ObjectResult>& results) -> Result<void> {
    ++calls;
    seen = results.size();
    nodes = results.empty() ? 0 : results[0].nodes.size();
    EXPECT_EQ(a.status, "final");
    auto n = tx.QueryInt({"test.final.status", "SELECT COUNT(*) FROM assess_assessments WHERE status = 'final'"});
    EXPECT_EQ(n.ok() ? *n : -1, 1);
    if (fail) return MakeError(ErrorCode::kConflict, "test.hook", "钩子失败", "hook failed");
    return Ok();
  });
  // Not yet published.
  auto early = runs_->Finalize(CallerOf(finance_), "2026Q3", "T-UNIT");
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, "assessment.not_published");
  ASSERT_TRUE(runs_->Publish(CallerOf(finance_), "2026Q3", "T-UNIT").ok());
  // A failing hook rolls the finalize back.
  auto failed = runs_->Finalize(CallerOf(finance_), "2026Q3", "T-UNIT");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(runs_->Get(*finance_.principal, "2026Q3", "T-UNIT")->status, "published");
  fail = false;
  auto done = runs_->Finalize(CallerOf(finance_), "2026Q3", "T-UNIT");
  ASSERT_TRUE(done.ok()) << done.error().en;
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(seen, 4u);
  EXPECT_EQ(nodes, 6u);  // A, A1, A1.1, A1.2, B, B1.1
  EXPECT_EQ(runs_->Get(*finance_.principal, "2026Q3", "T-UNIT")->status, "final");
  // Final: no more recomputation.
  auto tx = db_->Write();
  ASSERT_TRUE(tx.ok());
  auto r = runs_->RecomputeObject(**tx, done->id, school_a_.id);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "assessment.final");
}

TEST_F(AssessRunTest, PublishCallsItsHookInTheSameTransaction) {
  MustCreate("2026Q3");
  MustRun("2026Q3");
  int calls = 0;
  size_t seen = 0;
  bool fail = true;
  runs_->SetPublishHook([&](db::Connection& tx, const assessment::Assessment& a,
                            const std::vector<assessment::ObjectResult>& results) -> Result<void> {
    ++calls;
    seen = results.size();
    EXPECT_EQ(a.status, "published");
    // The bulletin is already written in this transaction.
    auto n = tx.QueryInt({"test.publish.bulletin", "SELECT COUNT(*) FROM assess_bulletins"});
    EXPECT_EQ(n.ok() ? *n : -1, 1);
    if (fail) return MakeError(ErrorCode::kConflict, "test.hook", "钩子失败", "hook failed");
    return Ok();
  });
  // A failing hook rolls the publish back: no bulletin, still computed only.
  auto failed = runs_->Publish(CallerOf(finance_), "2026Q3", "T-UNIT");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, "test.hook");
  EXPECT_EQ(calls, 1);
  EXPECT_NE(runs_->Get(*finance_.principal, "2026Q3", "T-UNIT")->status, "published");
  {
    auto read = db_->Read();
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(*(*read)->QueryInt({"test.publish.none", "SELECT COUNT(*) FROM assess_bulletins"}), 0);
  }
  fail = false;
  auto done = runs_->Publish(CallerOf(finance_), "2026Q3", "T-UNIT");
  ASSERT_TRUE(done.ok()) << done.error().en;
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(seen, 4u);
  EXPECT_EQ(runs_->Get(*finance_.principal, "2026Q3", "T-UNIT")->status, "published");
}

TEST_F(AssessRunTest, CreateValidatesAndRefusesDuplicates) {
  assessment::NewAssessment in;
  in.period = "2026Q5";
  in.template_code = "T-UNIT";
  auto bad = runs_->Create(CallerOf(finance_), in);
  ASSERT_FALSE(bad.ok());
  ASSERT_FALSE(bad.error().fields.empty());
  EXPECT_EQ(bad.error().fields[0].field, "period");
  in.period = "2026Q3";
  in.template_code = "NOPE";
  auto unknown = runs_->Create(CallerOf(finance_), in);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorCode::kNotFound);
  in.template_code = "T-UNIT";
  auto clerk = runs_->Create(CallerOf(clerk_a_), in);
  ASSERT_FALSE(clerk.ok());
  EXPECT_EQ(clerk.error().kind, ErrorCode::kForbidden);
  auto ok = runs_->Create(CallerOf(finance_), in);  // scope: the root region
  ASSERT_TRUE(ok.ok()) << ok.error().en;
  EXPECT_EQ(ok->scope_org_id, county_.id);
  EXPECT_EQ(ok->template_version, 1);
  auto again = runs_->Create(CallerOf(finance_), in);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "assessment.exists");
  auto frozen = db_->Read();
  ASSERT_TRUE(frozen.ok());
  EXPECT_EQ(*(*frozen)->QueryInt({"test.frozen", "SELECT frozen FROM assess_templates WHERE code = 'T-UNIT'"}), 1);
  auto list = runs_->List(*clerk_a_.principal, std::nullopt, std::nullopt, std::nullopt);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);
}

TEST(AssessRunDetail, ExpertAggregation) {
  bool trimmed = false;
  EXPECT_DOUBLE_EQ(assessment::detail::AggregateExperts({0.9, 0.6, 0.8}, assessment::ExpertAggregation::kMean,
                                                        &trimmed),
                   2.3 / 3);
  EXPECT_FALSE(trimmed);
  EXPECT_DOUBLE_EQ(assessment::detail::AggregateExperts({0.9, 0.6, 0.8, 0.2},
                                                        assessment::ExpertAggregation::kTrimmedMean, &trimmed),
                   0.7);
  EXPECT_TRUE(trimmed);
  EXPECT_DOUBLE_EQ(assessment::detail::AggregateExperts({0.9, 0.6}, assessment::ExpertAggregation::kTrimmedMean,
                                                        &trimmed),
                   0.75);
  EXPECT_FALSE(trimmed);
}

}  // namespace
}  // namespace minsheng::testing
