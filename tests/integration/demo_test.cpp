// The demo county's asset register (demo/demo_assets.h) on the test engine:
// the same seed gives the same cards; the rollups equal a GROUP BY over the
// cards; every card is valid as a new card of its unit; the history is a
// consistent chain of life-cycle events ending in the card's state.
//
// Kept fast: a tree with one owner of every kind and a few hundred cards in
// small chunks (so owners span several chunks), plus one run of the full
// demo at the small scale.
#include "demo/demo.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "app/app.h"
#include "core/crypto.h"
#include "core/time.h"
#include "demo/demo_assets.h"
#include "engine_fixture.h"

namespace minsheng::testing {
namespace {

constexpr int64_t kCards = 900;

// One owner of every kind demo_assets knows, under one county.
const std::vector<std::pair<std::string, std::string>> kOwners = {
    {"SF-JYJ", "示范县教育局"},
    {"JY-ZX-01", "示范县第一中学"},
    {"JY-XX-01", "示范县城关镇中心小学"},
    {"JY-YEY-01", "示范县中心幼儿园"},
    {"WJ-YY-01", "示范县人民医院"},
    {"WJ-WSY-01", "示范县城关镇卫生院"},
    {"WJ-WSS-01", "示范县河西乡村卫生室"},
    {"MZ-YLY-01", "示范县敬老院"},
    {"MZ-FLY-01", "示范县儿童福利院"},
    {"SL-SC-01", "示范县自来水厂"},
    {"SL-GQ-01", "示范县灌区管理所"},
    {"ZJ-ZF-01", "示范县保障性住房管理中心"},
    {"WT-WHZ-01", "示范县城关镇综合文化站"},
    {"WT-TYZX-01", "示范县全民健身中心"},
    {"WT-TYZX-02", "示范县图书馆"},
};

class DemoAssetsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitCrypto();
    // 2026-11-22 12:00 in Shanghai: after the demo's reference date.
    SetClockForTesting(*ParseTime("2026-11-22T04:00:00Z"));
  }
  void TearDown() override { SetClockForTesting(std::nullopt); }

  // A new app on a new database of the test engine; null (test failed) on error.
  std::unique_ptr<App> NewApp() {
    Config config;
    config.db = CreateTestDatabaseUrl();
    if (config.db.empty()) return nullptr;
    config.db_pool = 2;
    config.security.argon2_ops = 1;
    config.security.argon2_mem_kib = 8;
    auto app = App::Open(config);
    EXPECT_TRUE(app.ok()) << (app.ok() ? "" : app.error().en + " " + app.error().log_detail);
    return app.ok() ? std::move(app).value() : nullptr;
  }

  // The owners above, created in app, with kCards cards of `seed`.
  std::vector<demo::AssetOwner> LoadOwners(App& app, uint64_t seed,
                                           demo::AssetSummary* summary = nullptr) {
    const auth::Caller cli{&CliPrincipal(), "test", "local"};
    std::vector<demo::AssetOwner> owners;
    auto county = app.orgs->Create(
        cli, {std::nullopt, "SF", "示范县", org::Level::kRegion, "county", "admin", std::nullopt});
    EXPECT_TRUE(county.ok());
    if (!county.ok()) return owners;
    std::optional<int64_t> dept;
    for (const auto& [code, name] : kOwners) {
      const bool is_dept = code.starts_with("SF-");
      auto o =
          app.orgs->Create(cli, {is_dept ? county->id : *dept, code, name,
                                 is_dept ? org::Level::kDepartment : org::Level::kUnit,
                                 std::nullopt, is_dept ? "admin" : "institution", std::nullopt});
      EXPECT_TRUE(o.ok()) << code << ": " << (o.ok() ? "" : o.error().en);
      if (!o.ok()) return {};
      if (is_dept) dept = o->id;
      owners.push_back({o->id, o->code, o->name});
    }
    demo::AssetOptions options;
    options.total = kCards;
    options.seed = seed;
    options.chunk = 40;  // several chunks per owner
    auto loaded = demo::LoadAssets(app, owners, options);
    EXPECT_TRUE(loaded.ok()) << (loaded.ok() ? ""
                                             : loaded.error().en + " " + loaded.error().log_detail);
    if (loaded.ok() && summary != nullptr) *summary = *loaded;
    return owners;
  }

  static std::vector<std::string> Lines(App& app, const char* name, const char* sql) {
    std::vector<std::string> out;
    auto conn = app.db->Read();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return out;
    auto r = (*conn)->ForEach({name, sql}, {}, [&](const db::Row& row) {
      std::string line;
      for (int c = 0; c < row.size(); ++c) line += (c > 0 ? "|" : "") + row.Text(c);
      out.push_back(std::move(line));
      return true;
    });
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().log_detail);
    return out;
  }

  // What determinism covers: numbers, names, values, states, holders,
  // places, and every history event.
  static std::vector<std::string> Fingerprint(App& app) {
    auto cards = Lines(
        app, "test.demo.cards",
        "SELECT a.number, a.name, a.category_code, a.original_value, a.quantity, a.state, "
        "a.acquired_on, a.booked_on, a.life_months, COALESCE(a.brand, ''), COALESCE(a.model, ''), "
        "COALESCE(s.name, ''), l.name, a.version, a.created_at, a.updated_at FROM assets a "
        "JOIN locations l ON l.id = a.location_id LEFT JOIN staff s ON s.id = a.custodian_id "
        "ORDER BY a.number");
    auto events = Lines(app, "test.demo.events",
                        "SELECT a.number, e.event, e.state_after, e.at, e.note FROM asset_events e "
                        "JOIN assets a ON a.id = e.asset_id ORDER BY a.number, e.at, e.event");
    cards.insert(cards.end(), events.begin(), events.end());
    return cards;
  }
};

TEST_F(DemoAssetsTest, SameSeedSameRegister) {
  auto a = NewApp();
  auto b = NewApp();
  auto c = NewApp();
  if (!a || !b || !c) return;
  demo::AssetSummary sa, sb;
  LoadOwners(*a, 7, &sa);
  LoadOwners(*b, 7, &sb);
  LoadOwners(*c, 8);
  EXPECT_EQ(sa.cards, kCards);
  EXPECT_EQ(sa.cards, sb.cards);
  EXPECT_EQ(sa.events, sb.events);
  EXPECT_EQ(sa.value, sb.value);
  EXPECT_GT(sa.events, kCards / 4) << "three years of history";

  const auto fa = Fingerprint(*a);
  const auto fb = Fingerprint(*b);
  ASSERT_EQ(fa.size(), fb.size());
  for (size_t i = 0; i < fa.size(); ++i) ASSERT_EQ(fa[i], fb[i]) << "line " << i;
  EXPECT_NE(fa, Fingerprint(*c)) << "another seed, another register";

  // The values checksum, as the summary and the database see it.
  const auto total =
      Lines(*a, "test.demo.total", "SELECT COUNT(*), SUM(original_value) FROM assets");
  ASSERT_EQ(total.size(), 1u);
  EXPECT_EQ(total[0], std::to_string(kCards) + "|" + std::to_string(sa.value.value));
}

TEST_F(DemoAssetsTest, RollupsEqualGroupByAndCardsValidate) {
  auto app = NewApp();
  if (!app) return;
  const auto owners = LoadOwners(*app, 3);
  ASSERT_FALSE(owners.empty());

  const auto rollups = Lines(*app, "test.demo.rollups",
                             "SELECT org_id, category_code, state, count, value FROM asset_rollups "
                             "WHERE count <> 0 ORDER BY 1, 2, 3");
  const auto group_by =
      Lines(*app, "test.demo.group_by",
            "SELECT org_id, category_code, state, COUNT(*), SUM(original_value) FROM assets "
            "GROUP BY org_id, category_code, state ORDER BY 1, 2, 3");
  EXPECT_EQ(rollups, group_by);
  // Not everything is in use: the states of DOMAIN.md show up.
  const auto state_names =
      Lines(*app, "test.demo.states", "SELECT DISTINCT state FROM assets ORDER BY 1");
  EXPECT_GE(state_names.size(), 4u);

  // Every card, as it stands after its history, is a valid new card of its unit.
  const auto& who = CliPrincipal();
  std::map<int64_t, asset::ValidationContext> contexts;
  auto conn = app->db->Read();
  ASSERT_TRUE(conn.ok());
  const auto numbers =
      Lines(*app, "test.demo.numbers", "SELECT number FROM assets ORDER BY number");
  ASSERT_EQ(numbers.size(), static_cast<size_t>(kCards));
  std::set<std::string> categories_seen;
  for (const auto& number : numbers) {
    auto card = app->assets->Get(who, number);
    ASSERT_TRUE(card.ok()) << number;
    if (!contexts.contains(card->org_id)) {
      auto ctx = app->assets->LoadValidationContext(**conn, card->org_id);
      ASSERT_TRUE(ctx.ok());
      contexts.emplace(card->org_id, std::move(ctx).value());
    }
    asset::CardInput in;
    in.name = card->name;
    in.category_code = card->category_code;
    in.subject_code = card->subject_code;
    in.acquisition_method = card->acquisition_method;
    in.funding_source = card->funding_source;
    in.acquired_on = card->acquired_on;
    in.booked_on = card->booked_on;
    in.original_value = card->original_value;
    in.quantity = card->quantity;
    in.unit_of_measure = card->unit_of_measure;
    in.usage_direction = card->usage_direction;
    in.department_id = card->department_id;
    in.custodian_id = card->custodian_id;
    in.manager_id = card->manager_id;
    in.location_id = card->location_id;
    in.model = card->model;
    in.spec = card->spec;
    in.brand = card->brand;
    in.serial_no = card->serial_no;
    in.depreciation_method = card->depreciation_method;
    in.life_months = card->life_months;
    in.certificate_no = card->certificate_no;
    in.project_ref = card->project_ref;
    if (!card->ext.empty()) in.ext = card->ext;
    in.value_status = card->value_status;
    const auto errors = asset::AssetService::ValidateInput(in, contexts.at(card->org_id));
    for (const auto& e : errors) ADD_FAILURE() << number << " " << e.field << ": " << e.en;
    EXPECT_LE(card->acquired_on, demo::ReferenceDate());
    EXPECT_LE(card->booked_on.days - card->acquired_on.days, 20);
    categories_seen.insert(card->category_code);
  }
  EXPECT_GE(categories_seen.size(), 60u) << "realistic variety per unit type";
}

TEST_F(DemoAssetsTest, HistoryIsAChainEndingInTheCardsState) {
  auto app = NewApp();
  if (!app) return;
  ASSERT_FALSE(LoadOwners(*app, 5).empty());
  const auto& who = CliPrincipal();
  const auto numbers =
      Lines(*app, "test.demo.numbers", "SELECT number FROM assets ORDER BY number");
  const int64_t reference_end =
      (static_cast<int64_t>(demo::ReferenceDate().days) + 1) * 86'400'000'000 - 8 * 3'600'000'000LL;
  std::map<asset::Event, int> seen;
  int with_history = 0;
  for (size_t i = 0; i < numbers.size(); i += 3) {
    auto card = app->assets->Get(who, numbers[i]);
    ASSERT_TRUE(card.ok());
    auto history = app->assets->History(who, numbers[i]);
    ASSERT_TRUE(history.ok());
    ASSERT_FALSE(history->empty()) << numbers[i];
    const auto& first = history->front();
    EXPECT_EQ(first.event, asset::Event::kRegister) << numbers[i];
    EXPECT_EQ(first.at, card->created_at) << numbers[i];
    EXPECT_EQ(DateInShanghai(first.at), card->booked_on) << numbers[i];
    EXPECT_EQ(card->version, static_cast<int64_t>(history->size()))
        << numbers[i] << ": one version per event";
    EXPECT_EQ(card->updated_at, history->back().at) << numbers[i];
    asset::State state = first.state_after;
    for (size_t k = 1; k < history->size(); ++k) {
      const auto& e = (*history)[k];
      ++seen[e.event];
      EXPECT_LT((*history)[k - 1].at, e.at) << numbers[i];
      EXPECT_LT(e.at.micros, reference_end) << numbers[i] << ": no event after the reference date";
      ASSERT_TRUE(e.state_before.has_value());
      EXPECT_EQ(*e.state_before, state) << numbers[i] << " event " << k;
      EXPECT_EQ(asset::Transition(state, e.event), e.state_after) << numbers[i] << " event " << k;
      EXPECT_TRUE(e.before_json && e.after_json && e.note) << numbers[i];
      state = e.state_after;
    }
    EXPECT_EQ(state, card->state) << numbers[i];
    if (history->size() > 1) ++with_history;
  }
  EXPECT_GT(with_history, static_cast<int>(numbers.size() / 3 / 6));
  for (auto e : {asset::Event::kAssign, asset::Event::kRelocate, asset::Event::kMarkIdle,
                 asset::Event::kBackInUse}) {
    EXPECT_GT(seen[e], 0) << asset::EventName(e);
  }
}

// The full demo (demo.cpp) at the small scale: the county, its users and
// about 5,000 cards, once.
TEST_F(DemoAssetsTest, SmallDemoCounty) {
  auto app = NewApp();
  if (!app) return;
  auto summary = demo::Load(*app, {demo::Scale::kSmall, 1});
  ASSERT_TRUE(summary.ok()) << summary.error().en << " " << summary.error().log_detail;
  EXPECT_TRUE(summary->loaded);
  EXPECT_EQ(summary->orgs, 158);
  const auto total = Lines(*app, "test.demo.count", "SELECT COUNT(*) FROM assets");
  ASSERT_EQ(total.size(), 1u);
  EXPECT_EQ(total[0], std::to_string(demo::AssetTarget(demo::Scale::kSmall)));
  const auto owners = Lines(*app, "test.demo.owners", "SELECT COUNT(DISTINCT org_id) FROM assets");
  EXPECT_EQ(owners[0], "156") << "every department and unit has assets";
  const auto mismatched =
      Lines(*app, "test.demo.mismatch",
            "SELECT COUNT(*) FROM (SELECT org_id, category_code, state, COUNT(*) AS n, "
            "SUM(original_value) AS v FROM assets GROUP BY org_id, category_code, state) g "
            "LEFT JOIN asset_rollups r ON r.org_id = g.org_id AND r.category_code = "
            "g.category_code AND r.state = g.state WHERE r.count IS NULL OR r.count <> g.n "
            "OR r.value <> g.v");
  EXPECT_EQ(mismatched[0], "0");
  // Loading again does nothing.
  auto again = demo::Load(*app, {demo::Scale::kSmall, 1});
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->loaded);
}

}  // namespace
}  // namespace minsheng::testing
