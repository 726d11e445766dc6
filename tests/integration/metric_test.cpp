// The metric registry and the asset metrics on both engines: hand-made cards
// and events in two schools and an empty clinic, each metric's value,
// numerator and denominator per unit computed by hand, the records behind
// each value (exactly the denominator's cards, counted = in the numerator),
// not applicable when the denominator is 0, recomputation replacing rows, and
// scoping of the people-facing reads.
#include <algorithm>
#include <map>
#include <set>

#include "asset/store.h"
#include "asset_fixture.h"
#include "core/time.h"
#include "metric/asset_metrics.h"
#include "metric/service.h"

namespace minsheng::testing {
namespace {

using metric::MetricService;
using metric::Registry;
using metric::StoredValue;

constexpr db::Sql kSetLife{"test.metric.set_life", "UPDATE assets SET life_months = $2 WHERE id = $1"};
constexpr db::Sql kDispose{"test.metric.dispose", "UPDATE assets SET state = 'disposed' WHERE id = $1"};
constexpr db::Sql kCountValues{"test.metric.count_values",
                               "SELECT COUNT(*) FROM metric_values WHERE period = $1 AND metric_key = $2"};

UtcTime At(const char* rfc3339) { return *ParseTime(rfc3339); }

// Expected (numerator, denominator) of one metric for one unit; den 0 = N/A.
struct Expect {
  double num = 0;
  double den = 0;
};

class MetricTest : public AssetTest {
 protected:
  void SetUp() override {
    AssetTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(metric::RegisterAssetMetrics(registry_, {30}).ok());
    service_ = std::make_unique<MetricService>(*db_, registry_, *orgs_);
    BuildCards();
    SetClockForTesting(At("2026-11-22T04:00:00Z"));
  }

  // A card of school A registered at `created` (UTC), acquired on `acquired`.
  asset::Card RegisterA(const char* created, Date acquired, const std::function<void(asset::CardInput&)>& edit) {
    SetClockForTesting(At(created));
    asset::CardInput in = ValidInput();
    in.acquired_on = acquired;
    in.booked_on = acquired;
    in.manager_id = staff_a2_.id;
    edit(in);
    return MustRegister(in);
  }

  void StateChange(const asset::Card& c, const char* at, bool idle) {
    SetClockForTesting(At(at));
    auto r = idle ? assets_->MarkIdle(clerk_a_caller_, c.number, {})
                  : assets_->BackInUse(clerk_a_caller_, c.number, {});
    ASSERT_TRUE(r.ok()) << r.error().en;
  }

  void BuildCards() {
    // A1: acquired 07-10, registered 08-09 04:00 Shanghai = 30 days: on time (limit 30). Complete.
    a1_ = RegisterA("2026-08-08T20:00:00Z", MakeDate(2026, 7, 10), [](asset::CardInput&) {});
    // A2: acquired 08-01, registered 09-15 00:00 Shanghai = 45 days: late. Provisional, no manager,
    // no custodian, in use.
    a2_ = RegisterA("2026-09-14T16:00:00Z", MakeDate(2026, 8, 1), [](asset::CardInput& in) {
      in.value_status = "provisional";
      in.manager_id.reset();
      in.custodian_id.reset();
    });
    // A3: acquired 2024, registered 07-05; idle 08-01, back 08-15, idle again 09-10 01:00 Shanghai
    // (09-09 in UTC): idle since 09-10, 20 days to 09-30.
    a3_ = RegisterA("2026-07-05T04:00:00Z", MakeDate(2024, 3, 15), [](asset::CardInput&) {});
    StateChange(a3_, "2026-08-01T04:00:00Z", true);
    StateChange(a3_, "2026-08-15T04:00:00Z", false);
    StateChange(a3_, "2026-09-09T17:00:00Z", true);
    // A4: books (not depreciable) acquired 09-30 (the period's last day), registered 10-31
    // 00:30 Shanghai (10-30 in UTC) = 31 days: late. Spec but no model: complete. Leased.
    a4_ = RegisterA("2026-10-30T16:30:00Z", MakeDate(2026, 9, 30), [](asset::CardInput& in) {
      in.category_code = kBooks;
      in.name = "图书";
      in.unit_of_measure = "册";
      in.original_value = Fen{5000};
      in.model.reset();
      in.spec = "精装";
      in.state = asset::State::kLeased;
    });
    // A5: provisional, later disposed: out of every denominator.
    a5_ = RegisterA("2026-07-02T04:00:00Z", MakeDate(2025, 1, 1), [](asset::CardInput& in) {
      in.value_status = "provisional";
    });
    // A6: a vehicle registered idle at 08-01 00:30 Shanghai (07-31 in UTC): 60 days idle to 09-30.
    // No custodian (incomplete); its life is later cut below the 8-year minimum (legacy data).
    a6_ = RegisterA("2026-07-31T16:30:00Z", MakeDate(2025, 6, 1), [](asset::CardInput& in) {
      in.category_code = kVehicle;
      in.name = "乘用车";
      in.unit_of_measure = "辆";
      in.original_value = Fen{20000000};
      in.custodian_id.reset();
      in.state = asset::State::kIdle;
    });
    // A7: acquired 06-30 (the day before the period), registered 07-01; neither model nor spec.
    a7_ = RegisterA("2026-07-01T04:00:00Z", MakeDate(2026, 6, 30), [](asset::CardInput& in) {
      in.model.reset();
      in.spec.reset();
    });
    // B1: school B's only card, complete, in use, acquired 2024.
    SetClockForTesting(At("2026-07-01T04:00:00Z"));
    asset::CardInput b = ValidInput();
    b.acquired_on = MakeDate(2024, 1, 1);
    b.booked_on = MakeDate(2024, 1, 1);
    b.location_id = room_b_.id;
    b.custodian_id = staff_b_.id;
    b.manager_id = staff_b_.id;
    b.department_id = dept_b_.id;
    b1_ = MustRegister(b, school_b_.id);

    auto tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE((*tx)->Exec(kSetLife, {a6_.id, 60}).ok());
    ASSERT_TRUE((*tx)->Exec(kDispose, {a5_.id}).ok());
    ASSERT_TRUE(asset::AssetStore::AddRollup(**tx, school_a_.id, kComputer, asset::State::kInUse, -1, -650000).ok());
    ASSERT_TRUE(asset::AssetStore::AddRollup(**tx, school_a_.id, kComputer, asset::State::kDisposed, 1, 650000).ok());
    ASSERT_TRUE(tx->Commit().ok());
    ASSERT_EQ(Rollups(), GroupByAssets());
  }

  std::vector<int64_t> Units() const { return {school_a_.id, school_b_.id, clinic_.id}; }

  metric::ComputeSummary Compute(const std::string& period, const std::vector<int64_t>& ids,
                                 const std::vector<std::string>& keys = {}) {
    auto tx = db_->Write();
    EXPECT_TRUE(tx.ok());
    auto p = ParsePeriod(period);
    EXPECT_TRUE(p.ok());
    auto r = service_->ComputePeriod(**tx, *p, ids, keys);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().en + " " + r.error().log_detail);
    EXPECT_TRUE(tx->Commit().ok());
    return r.ok() ? *r : metric::ComputeSummary{};
  }

  std::map<std::pair<std::string, int64_t>, StoredValue> Stored(const std::string& period) {
    auto conn = db_->Read();
    auto r = service_->Values(**conn, *ParsePeriod(period), {}, Units());
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().log_detail);
    std::map<std::pair<std::string, int64_t>, StoredValue> out;
    if (r.ok()) {
      for (auto& v : *r) out[{v.metric_key, v.object_id}] = v;
    }
    return out;
  }

  // Every record of one unit, walking pages of `page` records.
  std::vector<metric::RecordRef> AllRecords(const auth::Principal& who, const std::string& key, int64_t unit,
                                            int page = 2) {
    std::vector<metric::RecordRef> out;
    std::optional<int64_t> cursor;
    for (int guard = 0; guard < 100; ++guard) {
      auto r = service_->Records(who, key, *ParsePeriod("2026Q3"), unit, cursor, page);
      EXPECT_TRUE(r.ok()) << key << ": " << (r.ok() ? "" : r.error().en + " " + r.error().log_detail);
      if (!r.ok()) break;
      EXPECT_LE(static_cast<int>(r->items.size()), page);
      out.insert(out.end(), r->items.begin(), r->items.end());
      if (!r->next_cursor) break;
      EXPECT_EQ(*r->next_cursor, r->items.back().id);
      cursor = r->next_cursor;
    }
    return out;
  }

  Registry registry_;
  std::unique_ptr<MetricService> service_;
  asset::Card a1_, a2_, a3_, a4_, a5_, a6_, a7_, b1_;
};

TEST_F(MetricTest, RegistryListsEveryAssetMetricOnce) {
  std::set<std::string> keys;
  for (const auto& m : registry_.all()) {
    keys.insert(m.key);
    EXPECT_FALSE(m.name_zh.empty()) << m.key;
    EXPECT_FALSE(m.name_en.empty()) << m.key;
    EXPECT_FALSE(m.description_zh.empty()) << m.key;
    EXPECT_FALSE(m.description_en.empty()) << m.key;
    EXPECT_EQ(m.object_class, "unit");
  }
  EXPECT_EQ(keys, (std::set<std::string>{"asset.registration_timeliness", "asset.registration_rate",
                                         "asset.card_completeness", "asset.idle_rate", "asset.idle_value_rate",
                                         "asset.idle_duration_days", "asset.custodian_coverage",
                                         "asset.utilisation_rate", "asset.depreciation_coverage"}));
  EXPECT_EQ(registry_.Find("asset.idle_duration_days")->unit, "天");
  EXPECT_EQ(registry_.Find("asset.idle_rate")->unit, "%");
  EXPECT_EQ(registry_.Find("asset.nope"), nullptr);
  // A second registration of the same keys is refused.
  auto again = metric::RegisterAssetMetrics(registry_, {30});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorCode::kConflict);
}

// Hand-computed (numerator, denominator) of every metric for school A and B
// in 2026Q3; the clinic has no cards (everything N/A).
std::map<std::string, std::pair<Expect, Expect>> Expected() {
  const double a_total = 650000.0 * 4 + 5000 + 20000000;  // A1 A2 A3 A7, A4, A6 (A5 disposed)
  return {
      {"asset.registration_timeliness", {{1, 3}, {0, 0}}},  // A1 of A1 A2 A4; B none acquired in Q3
      {"asset.registration_rate", {{5, 6}, {1, 1}}},        // all but A2
      {"asset.card_completeness", {{3, 6}, {1, 1}}},        // A1 A3 A4
      {"asset.idle_rate", {{2, 6}, {0, 1}}},                // A3 A6
      {"asset.idle_value_rate", {{650000 + 20000000, a_total}, {0, 650000}}},
      {"asset.idle_duration_days", {{20 + 60, 2}, {0, 0}}},  // A3 20 days, A6 60 days
      {"asset.custodian_coverage", {{2, 3}, {1, 1}}},        // in use: A1 A2 A7
      {"asset.utilisation_rate", {{4, 6}, {1, 1}}},          // A1 A2 A4 A7
      {"asset.depreciation_coverage", {{4, 5}, {1, 1}}},     // computers A1 A2 A3 A7 + vehicle A6
  };
}

TEST_F(MetricTest, ComputesEveryMetricPerUnitByHand) {
  const auto summary = Compute("2026Q3", Units());
  EXPECT_EQ(summary.metrics.size(), 9u);
  EXPECT_EQ(summary.values, 27);
  // N/A: the clinic on all 9, school B on timeliness and idle duration.
  EXPECT_EQ(summary.not_applicable, 9 + 2);

  const auto stored = Stored("2026Q3");
  EXPECT_EQ(stored.size(), 27u);
  for (const auto& [key, expect] : Expected()) {
    const bool rate = key != "asset.idle_duration_days";
    for (const auto& [unit, e] : {std::pair{school_a_.id, expect.first}, std::pair{school_b_.id, expect.second},
                                  std::pair{clinic_.id, Expect{0, 0}}}) {
      auto it = stored.find({key, unit});
      ASSERT_NE(it, stored.end()) << key << " " << unit;
      const StoredValue& v = it->second;
      EXPECT_DOUBLE_EQ(v.numerator, e.num) << key << " unit " << unit;
      EXPECT_DOUBLE_EQ(v.denominator, e.den) << key << " unit " << unit;
      if (e.den == 0) {
        EXPECT_FALSE(v.value.has_value()) << key << " unit " << unit << " should be N/A";
      } else {
        ASSERT_TRUE(v.value.has_value()) << key << " unit " << unit;
        EXPECT_NEAR(*v.value, (rate ? 100.0 : 1.0) * e.num / e.den, 1e-9) << key << " unit " << unit;
      }
    }
  }
  EXPECT_NEAR(*stored.at({"asset.idle_duration_days", school_a_.id}).value, 40.0, 1e-12);
  EXPECT_NEAR(*stored.at({"asset.registration_timeliness", school_a_.id}).value, 100.0 / 3, 1e-9);
}

// A department answers for its subtree: the education bureau (schools A and
// B under it, no cards of its own) pools A's and B's numerators and
// denominators; the health bureau (an empty clinic) is N/A; the county pools
// everything; school A, computed in the same call, keeps its own value.
TEST_F(MetricTest, ADepartmentMeasuresItsSubtree) {
  const auto summary = Compute("2026Q3", {edu_.id, health_.id, school_a_.id, county_.id});
  EXPECT_EQ(summary.values, 4 * 9);
  auto conn = db_->Read();
  ASSERT_TRUE(conn.ok());
  auto values = service_->Values(**conn, *ParsePeriod("2026Q3"), {}, {edu_.id, health_.id, school_a_.id, county_.id});
  ASSERT_TRUE(values.ok());
  std::map<std::pair<std::string, int64_t>, StoredValue> stored;
  for (auto& v : *values) stored[{v.metric_key, v.object_id}] = v;
  EXPECT_EQ(stored.size(), 36u);
  for (const auto& [key, expect] : Expected()) {
    const double scale = key == "asset.idle_duration_days" ? 1.0 : 100.0;
    const double num = expect.first.num + expect.second.num;
    const double den = expect.first.den + expect.second.den;
    for (const int64_t dept : {edu_.id, county_.id}) {
      const StoredValue& v = stored.at({key, dept});
      EXPECT_DOUBLE_EQ(v.numerator, num) << key << " " << dept;
      EXPECT_DOUBLE_EQ(v.denominator, den) << key << " " << dept;
      ASSERT_TRUE(v.value.has_value() || den == 0) << key;
      if (den != 0) {
        EXPECT_NEAR(*v.value, scale * num / den, 1e-9) << key;
      }
    }
    EXPECT_FALSE(stored.at({key, health_.id}).value.has_value()) << key;
    EXPECT_DOUBLE_EQ(stored.at({key, school_a_.id}).numerator, expect.first.num) << key;
    EXPECT_DOUBLE_EQ(stored.at({key, school_a_.id}).denominator, expect.first.den) << key;
  }
  // By hand: 6 of 7 live cards settled (A2 provisional); 2 of 7 idle; idle 20 + 60 days over 2 cards;
  // in use with a custodian 3 of 4 (A1 A7 B1 of A1 A2 A7 B1).
  EXPECT_NEAR(*stored.at({"asset.registration_rate", edu_.id}).value, 600.0 / 7, 1e-9);
  EXPECT_NEAR(*stored.at({"asset.idle_rate", edu_.id}).value, 200.0 / 7, 1e-9);
  EXPECT_NEAR(*stored.at({"asset.idle_duration_days", edu_.id}).value, 40.0, 1e-12);
  EXPECT_NEAR(*stored.at({"asset.custodian_coverage", edu_.id}).value, 75.0, 1e-12);
  EXPECT_NEAR(*stored.at({"asset.registration_rate", school_a_.id}).value, 500.0 / 6, 1e-9);

  // The records behind the bureau's value: school A's and school B's, merged in id order, paged.
  const auto& who = *supervisor_.principal;
  for (const char* key : {"asset.registration_rate", "asset.idle_rate", "asset.registration_timeliness"}) {
    auto a = AllRecords(who, key, school_a_.id, 200);
    const auto b = AllRecords(who, key, school_b_.id, 200);
    a.insert(a.end(), b.begin(), b.end());
    std::sort(a.begin(), a.end(), [](const auto& x, const auto& y) { return x.id < y.id; });
    for (const int page : {1, 2, 3, 200}) {
      const auto dept = AllRecords(who, key, edu_.id, page);
      ASSERT_EQ(dept.size(), a.size()) << key << " page " << page;
      for (size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(dept[i].id, a[i].id) << key;
        EXPECT_EQ(dept[i].counted, a[i].counted) << key;
      }
    }
    const auto& v = stored.at({key, edu_.id});
    EXPECT_EQ(static_cast<double>(a.size()), v.denominator) << key;
  }
}

TEST_F(MetricTest, RecordsAreExactlyTheDenominatorWithNumeratorFlags) {
  Compute("2026Q3", Units());
  const auth::Principal& who = Who(clerk_a_);
  // Per metric: school A's denominator cards → counted.
  const std::map<std::string, std::map<int64_t, bool>> expected = {
      {"asset.registration_timeliness", {{a1_.id, true}, {a2_.id, false}, {a4_.id, false}}},
      {"asset.registration_rate",
       {{a1_.id, true}, {a2_.id, false}, {a3_.id, true}, {a4_.id, true}, {a6_.id, true}, {a7_.id, true}}},
      {"asset.card_completeness",
       {{a1_.id, true}, {a2_.id, false}, {a3_.id, true}, {a4_.id, true}, {a6_.id, false}, {a7_.id, false}}},
      {"asset.idle_rate",
       {{a1_.id, false}, {a2_.id, false}, {a3_.id, true}, {a4_.id, false}, {a6_.id, true}, {a7_.id, false}}},
      {"asset.idle_value_rate",
       {{a1_.id, false}, {a2_.id, false}, {a3_.id, true}, {a4_.id, false}, {a6_.id, true}, {a7_.id, false}}},
      {"asset.idle_duration_days", {{a3_.id, true}, {a6_.id, true}}},
      {"asset.custodian_coverage", {{a1_.id, true}, {a2_.id, false}, {a7_.id, true}}},
      {"asset.utilisation_rate",
       {{a1_.id, true}, {a2_.id, true}, {a3_.id, false}, {a4_.id, true}, {a6_.id, false}, {a7_.id, true}}},
      {"asset.depreciation_coverage",
       {{a1_.id, true}, {a2_.id, true}, {a3_.id, true}, {a6_.id, false}, {a7_.id, true}}},
  };
  const auto stored = Stored("2026Q3");
  std::map<int64_t, std::string> numbers = {{a1_.id, a1_.number}, {a2_.id, a2_.number}, {a3_.id, a3_.number},
                                            {a4_.id, a4_.number}, {a6_.id, a6_.number}, {a7_.id, a7_.number}};
  for (const auto& [key, cards] : expected) {
    const auto records = AllRecords(who, key, school_a_.id);
    std::map<int64_t, bool> got;
    int64_t last_id = 0;
    int counted = 0;
    for (const auto& r : records) {
      EXPECT_EQ(r.kind, "asset");
      EXPECT_GT(r.id, last_id) << key << ": records in id order, no repeats";
      last_id = r.id;
      EXPECT_EQ(r.label, numbers[r.id]) << key;
      EXPECT_FALSE(r.note.empty()) << key;
      EXPECT_FALSE(r.note_zh.empty()) << key;
      got[r.id] = r.counted;
      counted += r.counted ? 1 : 0;
    }
    EXPECT_EQ(got, cards) << key;
    // The records agree with the stored value: counts for the count-based metrics.
    const StoredValue& v = stored.at({key, school_a_.id});
    EXPECT_DOUBLE_EQ(v.denominator, key == "asset.idle_value_rate" ? v.denominator : static_cast<double>(cards.size()))
        << key;
    if (key != "asset.idle_value_rate" && key != "asset.idle_duration_days") {
      EXPECT_DOUBLE_EQ(v.numerator, counted) << key;
    }
  }
  // The clinic has no records; school B's idle list is empty but its rate list has B1.
  EXPECT_TRUE(AllRecords(Who(health_sup_), "asset.registration_rate", clinic_.id).empty());
  EXPECT_TRUE(AllRecords(Who(clerk_b_), "asset.idle_duration_days", school_b_.id).empty());
  const auto b = AllRecords(Who(clerk_b_), "asset.idle_rate", school_b_.id);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].label, b1_.number);
  EXPECT_FALSE(b[0].counted);
}

TEST_F(MetricTest, NotesSayWhy) {
  const auth::Principal& who = Who(clerk_a_);
  auto find = [&](const std::string& key, int64_t id) {
    for (const auto& r : AllRecords(who, key, school_a_.id, 200)) {
      if (r.id == id) return r;
    }
    ADD_FAILURE() << key << " has no record " << id;
    return metric::RecordRef{};
  };
  EXPECT_EQ(find("asset.registration_timeliness", a2_.id).note,
            "acquired 2026-08-01, registered 45 days later, over the limit of 30");
  EXPECT_EQ(find("asset.registration_timeliness", a1_.id).note_zh, "2026-07-10 取得，30 天后登记（时限 30 天）");
  EXPECT_EQ(find("asset.registration_timeliness", a4_.id).note,
            "acquired 2026-09-30, registered 31 days later, over the limit of 30");
  EXPECT_EQ(find("asset.idle_duration_days", a3_.id).note, "idle since 2026-09-10, 20 days to the period end");
  EXPECT_EQ(find("asset.idle_duration_days", a6_.id).note_zh, "自 2026-08-01 起闲置，至期末 60 天");
  EXPECT_EQ(find("asset.card_completeness", a6_.id).note, "missing: custodian");
  EXPECT_EQ(find("asset.card_completeness", a2_.id).note_zh, "缺少：使用人、管理人");
  EXPECT_EQ(find("asset.card_completeness", a7_.id).note, "missing: model or spec");
  EXPECT_EQ(find("asset.registration_rate", a2_.id).note_zh, "暂估入账，价值未确定");
  EXPECT_EQ(find("asset.depreciation_coverage", a6_.id).note,
            "life 60 months, below the class minimum of 8 years");
  EXPECT_EQ(find("asset.idle_rate", a4_.id).note_zh, "状态：出租");
  EXPECT_EQ(find("asset.custodian_coverage", a2_.id).note, "no custodian");
}

TEST_F(MetricTest, PeriodsSeeTheirOwnAcquisitionsAndIdleDays) {
  // 2026-08: only A2 was acquired in August; idle days run to 08-31.
  Compute("2026-08", Units(), {"asset.registration_timeliness", "asset.idle_duration_days"});
  auto s = Stored("2026-08");
  EXPECT_EQ(s.size(), 6u);
  const auto& t = s.at({"asset.registration_timeliness", school_a_.id});
  EXPECT_DOUBLE_EQ(t.numerator, 0);
  EXPECT_DOUBLE_EQ(t.denominator, 1);
  EXPECT_DOUBLE_EQ(*t.value, 0);
  // A3 went idle (last) on 09-10, after the month: 0 days; A6 since 08-01: 30 days.
  const auto& d = s.at({"asset.idle_duration_days", school_a_.id});
  EXPECT_DOUBLE_EQ(d.numerator, 30);
  EXPECT_DOUBLE_EQ(d.denominator, 2);
  // The year 2026: A1 A2 A4 A7 acquired in 2026, A7 registered the day after (on time).
  Compute("2026", Units(), {"asset.registration_timeliness"});
  const auto year = Stored("2026");  // kept: `at` returns a reference into it
  const auto& y = year.at({"asset.registration_timeliness", school_a_.id});
  EXPECT_DOUBLE_EQ(y.numerator, 2);
  EXPECT_DOUBLE_EQ(y.denominator, 4);
  EXPECT_DOUBLE_EQ(*y.value, 50);
}

TEST_F(MetricTest, RecomputeReplacesOnlyItsOwnRows) {
  Compute("2026Q3", Units());
  Compute("2026Q2", Units(), {"asset.custodian_coverage"});
  auto before = Stored("2026Q3");
  EXPECT_DOUBLE_EQ(before.at({"asset.custodian_coverage", school_a_.id}).numerator, 2);

  // A2 gets a custodian; recompute school A only, custodian coverage only.
  asset::Assignment give;
  give.custodian_id = staff_a1_.id;
  ASSERT_TRUE(assets_->Assign(clerk_a_caller_, a2_.number, give).ok());
  SetClockForTesting(At("2026-11-23T04:00:00Z"));
  const auto summary = Compute("2026Q3", {school_a_.id, school_a_.id}, {"asset.custodian_coverage"});
  EXPECT_EQ(summary.values, 1);
  auto after = Stored("2026Q3");
  EXPECT_EQ(after.size(), 27u);
  const auto& v = after.at({"asset.custodian_coverage", school_a_.id});
  EXPECT_DOUBLE_EQ(v.numerator, 3);
  EXPECT_DOUBLE_EQ(v.denominator, 3);
  EXPECT_DOUBLE_EQ(*v.value, 100);
  EXPECT_EQ(v.computed_at, At("2026-11-23T04:00:00Z"));
  // Every other row is untouched, the other period too.
  for (const auto& [k, old] : before) {
    if (k == std::pair<std::string, int64_t>{"asset.custodian_coverage", school_a_.id}) continue;
    EXPECT_EQ(after.at(k).computed_at, old.computed_at) << k.first;
    EXPECT_EQ(after.at(k).numerator, old.numerator) << k.first;
  }
  {
    auto conn = db_->Read();
    EXPECT_EQ(*(*conn)->QueryInt(kCountValues, {"2026Q2", "asset.custodian_coverage"}), 3);
    EXPECT_EQ(*(*conn)->QueryInt(kCountValues, {"2026Q3", "asset.custodian_coverage"}), 3);
  }
  // An unknown key refuses the whole call; the transaction is the caller's to roll back.
  auto tx = db_->Write();
  ASSERT_TRUE(tx.ok());
  auto bad = service_->ComputePeriod(**tx, *ParsePeriod("2026Q3"), Units(), {"asset.idle_rate", "asset.nope"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorCode::kInvalidArgument);
  ASSERT_EQ(bad.error().fields.size(), 1u);
  EXPECT_EQ(bad.error().fields[0].field, "metric_keys");
}

TEST_F(MetricTest, ManyObjectsInOneStatement) {
  // Hundreds of object ids (most without cards) go through the one list parameter.
  std::vector<int64_t> ids = Units();
  for (int64_t i = 100000; i < 100600; ++i) ids.push_back(i);
  const auto summary = Compute("2026Q3", ids, {"asset.registration_rate"});
  EXPECT_EQ(summary.values, 603);
  EXPECT_EQ(summary.not_applicable, 601);
  auto conn = db_->Read();
  auto v = service_->Values(**conn, *ParsePeriod("2026Q3"), {"asset.registration_rate"}, {school_a_.id, 100001});
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->size(), 2u);
  EXPECT_EQ((*v)[0].object_id, school_a_.id);
  EXPECT_DOUBLE_EQ((*v)[0].numerator, 5);
  EXPECT_EQ((*v)[1].object_id, 100001);
  EXPECT_FALSE((*v)[1].value.has_value());
}

TEST_F(MetricTest, ReadsForPeopleAreScoped) {
  Compute("2026Q3", Units());
  const Period q3 = *ParsePeriod("2026Q3");
  // A unit clerk asking for another unit's records: NotFound, as for a missing unit or key.
  for (auto [who, unit] : {std::pair{&clerk_b_, school_a_.id}, std::pair{&clerk_a_, school_b_.id},
                           std::pair{&supervisor_, clinic_.id}, std::pair{&health_sup_, school_a_.id},
                           std::pair{&clerk_a_, int64_t{999999}}}) {
    auto r = service_->Records(Who(*who), "asset.registration_rate", q3, unit, std::nullopt, 50);
    ASSERT_FALSE(r.ok()) << unit;
    EXPECT_EQ(r.error().kind, ErrorCode::kNotFound) << unit;
  }
  auto unknown = service_->Records(Who(clerk_a_), "asset.nope", q3, school_a_.id, std::nullopt, 50);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorCode::kNotFound);
  // The department supervisor reads both schools.
  EXPECT_EQ(AllRecords(Who(supervisor_), "asset.registration_rate", school_b_.id).size(), 1u);
  EXPECT_EQ(AllRecords(Who(supervisor_), "asset.registration_rate", school_a_.id).size(), 6u);

  // Values: only the objects in scope.
  auto objects = [&](const auth::SessionState& s, std::optional<std::string> key) {
    std::set<int64_t> out;
    auto r = service_->ValuesInScope(Who(s), q3, key, std::nullopt);
    EXPECT_TRUE(r.ok());
    if (r.ok()) {
      for (const auto& v : r->items) out.insert(v.v.object_id);
    }
    return out;
  };
  EXPECT_EQ(objects(clerk_a_, std::nullopt), (std::set<int64_t>{school_a_.id}));
  EXPECT_EQ(objects(supervisor_, "asset.idle_rate"), (std::set<int64_t>{school_a_.id, school_b_.id}));
  EXPECT_EQ(objects(health_sup_, std::nullopt), (std::set<int64_t>{clinic_.id}));
  auto one = service_->ValuesInScope(Who(supervisor_), q3, std::string("asset.idle_rate"), school_a_.id);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->items.size(), 1u);
  EXPECT_DOUBLE_EQ(one->items[0].v.numerator, 2);
  EXPECT_EQ(one->items[0].org_code, "T-SCHOOL-A");
  EXPECT_FALSE(one->next_cursor.has_value());
  auto out_of_scope = service_->ValuesInScope(Who(clerk_b_), q3, std::nullopt, school_a_.id);
  ASSERT_FALSE(out_of_scope.ok());
  EXPECT_EQ(out_of_scope.error().kind, ErrorCode::kNotFound);
  auto bad_key = service_->ValuesInScope(Who(clerk_a_), q3, std::string("asset.nope"), std::nullopt);
  ASSERT_FALSE(bad_key.ok());
  EXPECT_EQ(bad_key.error().kind, ErrorCode::kInvalidArgument);
  // The custodian role has no assess.read: Forbidden, not an empty list.
  auto list = service_->List(Who(custodian_a_));
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().kind, ErrorCode::kForbidden);
  auto listed = service_->List(Who(clerk_a_));
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 9u);
}

// GET /api/v1/metrics/values pages by (object, key) with a cursor; the
// scope's roots (here two disjoint departments) are merged in that order.
TEST_F(MetricTest, ScopedValuesArePagedWithoutDuplicatesOrGaps) {
  Compute("2026Q3", Units());
  const Period q3 = *ParsePeriod("2026Q3");
  // Education (schools A and B) and health (the clinic): two scope roots.
  auth::Principal both = Who(supervisor_);
  for (const auto& r : Who(health_sup_).roles) both.roles.push_back(r);

  // 3 objects × 9 registered metrics = 27 values (N/A ones included).
  auto all = service_->ValuesInScope(both, q3, std::nullopt, std::nullopt, std::nullopt, metric::kValuesMaxLimit);
  ASSERT_TRUE(all.ok()) << all.error().en << all.error().log_detail;
  ASSERT_EQ(all->items.size(), 27u);
  EXPECT_FALSE(all->next_cursor.has_value());
  for (size_t i = 1; i < all->items.size(); ++i) {
    const auto& a = all->items[i - 1].v;
    const auto& b = all->items[i].v;
    EXPECT_TRUE(a.object_id < b.object_id || (a.object_id == b.object_id && a.metric_key < b.metric_key)) << i;
  }

  // Pages of 10: 10 + 10 + 7, the same rows in the same order.
  std::vector<std::pair<int64_t, std::string>> walked;
  std::vector<size_t> sizes;
  std::optional<std::string> cursor;
  do {
    auto page = service_->ValuesInScope(both, q3, std::nullopt, std::nullopt, cursor, 10);
    ASSERT_TRUE(page.ok()) << page.error().en;
    sizes.push_back(page->items.size());
    for (const auto& v : page->items) walked.emplace_back(v.v.object_id, v.v.metric_key);
    cursor = page->next_cursor;
  } while (cursor && sizes.size() < 10);
  EXPECT_EQ(sizes, (std::vector<size_t>{10, 10, 7}));
  ASSERT_EQ(walked.size(), 27u);
  EXPECT_EQ(std::set(walked.begin(), walked.end()).size(), 27u);
  for (size_t i = 0; i < walked.size(); ++i) {
    EXPECT_EQ(walked[i], std::make_pair(all->items[i].v.object_id, all->items[i].v.metric_key)) << i;
  }
  // The cursor names the last row of its page (the second object's first key).
  auto first = service_->ValuesInScope(both, q3, std::nullopt, std::nullopt, std::nullopt, 10);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first->next_cursor, std::to_string(walked[9].first) + ":" + walked[9].second);

  // A page exactly as long as what is left has no next cursor; one row less has.
  auto exact = service_->ValuesInScope(both, q3, std::nullopt, std::nullopt, std::nullopt, 27);
  ASSERT_TRUE(exact.ok());
  EXPECT_FALSE(exact->next_cursor.has_value());
  auto short_page = service_->ValuesInScope(both, q3, std::nullopt, std::nullopt, std::nullopt, 26);
  ASSERT_TRUE(short_page.ok());
  ASSERT_TRUE(short_page->next_cursor.has_value());
  auto last = service_->ValuesInScope(both, q3, std::nullopt, std::nullopt, short_page->next_cursor, 26);
  ASSERT_TRUE(last.ok());
  ASSERT_EQ(last->items.size(), 1u);
  EXPECT_EQ(last->items[0].v.object_id, all->items[26].v.object_id);

  // One key across the three objects, 2 per page: 2 + 1.
  auto k1 = service_->ValuesInScope(both, q3, std::string("asset.idle_rate"), std::nullopt, std::nullopt, 2);
  ASSERT_TRUE(k1.ok());
  ASSERT_EQ(k1->items.size(), 2u);
  auto k2 = service_->ValuesInScope(both, q3, std::string("asset.idle_rate"), std::nullopt, k1->next_cursor, 2);
  ASSERT_TRUE(k2.ok());
  ASSERT_EQ(k2->items.size(), 1u);
  EXPECT_EQ(k2->items[0].v.object_id, std::max({school_a_.id, school_b_.id, clinic_.id}));
  EXPECT_FALSE(k2->next_cursor.has_value());

  // Bad cursors are field errors.
  for (const char* bad : {"", "12", ":asset.idle_rate", "x:asset.idle_rate", "0:asset.idle_rate", "5:", "5:a b",
                          "5:asset.idle_rate;DROP"}) {
    auto r = service_->ValuesInScope(both, q3, std::nullopt, std::nullopt, std::string(bad), 10);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().kind, ErrorCode::kInvalidArgument) << bad;
    ASSERT_FALSE(r.error().fields.empty());
    EXPECT_EQ(r.error().fields[0].field, "cursor");
  }
}

}  // namespace
}  // namespace minsheng::testing
