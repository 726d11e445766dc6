// A running server and the command line share one database: two App
// instances on the same database (file or server), one playing `minsheng
// serve`, the other `minsheng categories import` / `minsheng import assets`.
// The server must see what the command line wrote without a restart: the
// category table (cached, reloaded by generation) and a new unit's
// directories, cards and rollups (not cached), and the stats answers (cached,
// reused while their generation is current). Both engines.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "app/app.h"
#include "core/crypto.h"
#include "core/time.h"
#include "engine_fixture.h"
#include "exchange/asset_import.h"

namespace minsheng::testing {
namespace {

constexpr const char* kNewCode = "A02010106";  // not in the shipped table
constexpr const char* kPassword = "Test-Pass-2026";
// The header row of the import files below (docs/import-assets.md, Chinese names).
constexpr const char* kLedgerHeader =
    "资产名称,资产分类代码,会计科目,取得方式,经费来源,取得日期,原值（元）,计量单位,使用部门,使用人,存放地点\n";

class AssetCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitCrypto();
    SetClockForTesting(*ParseTime("2026-11-22T04:00:00Z"));  // 12:00 in Shanghai
    url_ = CreateTestDatabaseUrl();
    ASSERT_FALSE(url_.empty());
  }
  void TearDown() override { SetClockForTesting(std::nullopt); }

  std::unique_ptr<App> Open(int recheck_seconds) {
    Config config;
    config.db = url_;
    config.db_pool = 2;
    config.security.argon2_ops = 1;
    config.security.argon2_mem_kib = 8;
    config.asset.category_recheck_seconds = recheck_seconds;
    auto app = App::Open(config);
    EXPECT_TRUE(app.ok()) << (app.ok() ? "" : app.error().en + " " + app.error().log_detail);
    return app.ok() ? std::move(app).value() : nullptr;
  }

  // The shipped category table plus one leaf under 计算机, as an official file.
  static std::string TableWithNewCategory() {
    return std::string(asset::ShippedCategoriesCsv()) + kNewCode + ",一体式计算机,A02010100,4,1,computer,equipment,official\n";
  }

  // A server and a command line on the same database, and a new county.
  struct TwoProcesses {
    std::unique_ptr<App> server, command;
    org::Org county;
  };
  TwoProcesses OpenTwoWithCounty(const char* code, const char* name) {
    TwoProcesses t{Open(asset::CategoryService::kDefaultRecheckSeconds),
                   Open(asset::CategoryService::kDefaultRecheckSeconds), {}};
    if (!t.server || !t.command) return t;
    auto county = t.server->orgs->Create(
        cli_, {std::nullopt, code, name, org::Level::kRegion, "county", "admin", std::nullopt});
    EXPECT_TRUE(county.ok()) << county.error().en;
    if (county.ok()) t.county = *county;
    return t;
  }

  // A new unit (an institution) under parent, created through app.
  Result<org::Org> NewUnit(App& app, int64_t parent, const char* code, const char* name) {
    return app.orgs->Create(cli_, {parent, code, name, org::Level::kUnit, std::nullopt, "institution", std::nullopt});
  }

  // OpenTwoWithCounty (`<code>-C`, `<name>县`) with two units under it made
  // by the server (`<code>-U1` `<name>一中`, `<code>-U2` `<name>二中`); a
  // unit's id is 0 when anything failed, which the test then asserts.
  struct TwoProcessesTwoUnits {
    std::unique_ptr<App> server, command;
    org::Org county, unit, unit2;
  };
  TwoProcessesTwoUnits OpenTwoWithTwoUnits(const std::string& code, const std::string& name) {
    auto [server, command, county] = OpenTwoWithCounty((code + "-C").c_str(), (name + "县").c_str());
    TwoProcessesTwoUnits t{std::move(server), std::move(command), county, {}, {}};
    if (!t.server || county.id == 0) return t;
    for (auto [unit, suffix, unit_name] : {std::tuple{&t.unit, "-U1", "一中"}, std::tuple{&t.unit2, "-U2", "二中"}}) {
      auto made = NewUnit(*t.server, county.id, (code + suffix).c_str(), (name + unit_name).c_str());
      EXPECT_TRUE(made.ok()) << made.error().en;
      if (made.ok()) *unit = *made;
    }
    return t;
  }

  // A new user with one role at org_id, logged in on app: its principal
  // (user_id 0 when anything failed, which the test then asserts).
  auth::Principal LoggedIn(App& app, const std::string& username, int64_t org_id, auth::Role role) {
    auth::NewUser u;
    u.username = username;
    u.display_name = username;
    u.org_id = org_id;
    u.password = kPassword;
    u.must_change_password = false;
    u.roles = {{std::string(auth::RoleName(role)), org_id}};
    auto created = app.users->Create(cli_, u);
    EXPECT_TRUE(created.ok()) << created.error().en;
    auto session = app.auth->Login({username, kPassword, std::nullopt, "127.0.0.1", "gtest", "req-login"});
    EXPECT_TRUE(session.ok()) << (session.ok() ? "" : session.error().en);
    return session.ok() ? *session->state.principal : auth::Principal{};
  }

  // The command line renames an org (`minsheng orgs update`).
  void RenameOrg(App& command, int64_t org_id, const std::string& name) {
    auto current = command.orgs->Lookup(org_id);
    ASSERT_TRUE(current.ok());
    org::OrgPatch rename;
    rename.version = current->version;
    rename.name = name;
    ASSERT_TRUE(command.orgs->Update(cli_, org_id, rename).ok());
  }

  // The command line imports n cards "<name><from>" … into org_id, each
  // ending in `places` (department, custodian, location): the first number.
  std::string ImportCards(App& command, int64_t org_id, const std::string& name, const std::string& places, int from,
                          int n) {
    std::string csv = kLedgerHeader;
    for (int i = from; i < from + n; ++i) {
      csv += name + std::to_string(i) + ",A02010105,1601,购置,财政拨款,2025-09-01,100.00,台" + places + "\n";
    }
    exchange::AssetImportOptions o;
    o.org_id = org_id;
    o.batch_id = "cli-" + name;
    auto r = exchange::ImportAssets({*command.db, *command.assets, *command.directories}, cli_, csv, o);
    EXPECT_TRUE(r.ok() && r->imported == n) << (r.ok() ? "" : r.error().en);
    return r.ok() ? r->first_number : std::string();
  }

  const auth::Caller cli_{&CliPrincipal(), "req-cli", "local"};
  std::string url_;
};

TEST_F(AssetCacheTest, ACategoryImportedByAnotherProcessIsSeenWithoutRestart) {
  auto server = Open(60);   // checks the generation at most once a minute
  auto eager = Open(0);     // checks it before every use
  auto command = Open(60);  // the command line
  ASSERT_TRUE(server && eager && command);
  // Both servers have loaded the table; the new code is unknown.
  ASSERT_EQ(server->categories->Get(kNewCode).error().kind, ErrorCode::kNotFound);
  ASSERT_EQ(eager->categories->Get(kNewCode).error().kind, ErrorCode::kNotFound);
  ASSERT_TRUE(server->categories->Get("A02010105").ok());

  auto imported = command->categories->Import(cli_, TableWithNewCategory());
  ASSERT_TRUE(imported.ok()) << imported.error().en;
  EXPECT_EQ(imported->added, 1);
  ASSERT_TRUE(command->categories->Get(kNewCode).ok());  // the importing process at once

  // The eager server sees it at once; the other within its interval.
  auto seen = eager->categories->Get(kNewCode);
  ASSERT_TRUE(seen.ok()) << seen.error().en;
  EXPECT_EQ(seen->name, "一体式计算机");
  EXPECT_EQ(seen->min_life_months, 72);  // computer: 6 years
  EXPECT_EQ(server->categories->Get(kNewCode).error().kind, ErrorCode::kNotFound);
  AdvanceClockForTesting(59);
  EXPECT_EQ(server->categories->Get(kNewCode).error().kind, ErrorCode::kNotFound);
  AdvanceClockForTesting(1);
  seen = server->categories->Get(kNewCode);
  ASSERT_TRUE(seen.ok()) << seen.error().en;
  EXPECT_EQ(seen->source, "official");
  auto children = server->categories->List(std::string("A02010100"), std::nullopt, 50);
  ASSERT_TRUE(children.ok());
  std::set<std::string> codes;
  for (const auto& c : *children) codes.insert(c.code);
  EXPECT_TRUE(codes.contains(kNewCode));

  // And the server registers a card in it.
  auto county = server->orgs->Create(
      cli_, {std::nullopt, "CACHE-C", "缓存县", org::Level::kRegion, "county", "admin", std::nullopt});
  ASSERT_TRUE(county.ok()) << county.error().en;
  auto unit = NewUnit(*server, county->id, "CACHE-U1", "缓存测试学校");
  ASSERT_TRUE(unit.ok()) << unit.error().en;
  asset::DirectoryInput room;
  room.name = "教学楼/1层/101";
  auto location = server->directories->CreateLocation(cli_, unit->id, room);
  ASSERT_TRUE(location.ok()) << location.error().en;
  asset::CardInput in;
  in.name = "一体机";
  in.category_code = kNewCode;
  in.subject_code = "1601";
  in.acquisition_method = "购置";
  in.funding_source = "财政拨款";
  in.acquired_on = MakeDate(2026, 3, 1);
  in.original_value = Fen{560000};
  in.unit_of_measure = "台";
  in.location_id = location->id;
  auto card = server->assets->Register(cli_, unit->id, in);
  ASSERT_TRUE(card.ok()) << card.error().en << (card.error().fields.empty() ? "" : " " + card.error().fields[0].en);
  EXPECT_EQ(card->life_months, 72);

  // Nothing changed since: the check reads the generation and keeps the table.
  AdvanceClockForTesting(60);
  EXPECT_TRUE(server->categories->Get(kNewCode).ok());
}

TEST_F(AssetCacheTest, WhenTheGenerationCannotBeReadTheCachedTableIsKept) {
  auto server = Open(0);
  ASSERT_TRUE(server);
  ASSERT_TRUE(server->categories->Get("A02010105").ok());
  {
    auto tx = server->db->Write();
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE((*tx)->ExecScript("DROP TABLE cache_generations").ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto cat = server->categories->Get("A02010105");
  ASSERT_TRUE(cat.ok()) << cat.error().en;
  EXPECT_EQ(cat->name, "台式计算机");
  // A process without a table yet has nothing to fall back on.
  asset::CategoryService fresh(*server->db, 0);
  EXPECT_FALSE(fresh.Get("A02010105").ok());
}

TEST_F(AssetCacheTest, CheckingTheGenerationOnEveryUseIsCheap) {
  // Figures for docs/categories.md: a lookup against a cached table, with and
  // without the generation read (one primary-key SELECT on a pooled
  // connection). Printed, and only loosely bounded so a slow machine passes.
  auto cached = Open(3600);
  auto eager = Open(0);
  ASSERT_TRUE(cached && eager);
  constexpr int kLookups = 2000;
  auto time = [&](App& app) {
    EXPECT_TRUE(app.categories->Get("A02010105").ok());  // loaded
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kLookups; ++i) {
      if (!app.categories->Get("A02010105").ok()) ADD_FAILURE();
    }
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() / kLookups;
  };
  const double cached_us = time(*cached);
  const double eager_us = time(*eager);
  std::printf("category lookup on %s: cached %.2f µs, with the generation read %.2f µs\n",
              TestEngine() == db::Engine::kPostgres ? "PostgreSQL" : "SQLite", cached_us, eager_us);
  EXPECT_LT(eager_us, 5000.0);
}

TEST_F(AssetCacheTest, AnAssetImportByTheCommandLineIsSeenByTheServer) {
  auto [server, command, county_org] = OpenTwoWithCounty("CACHE-C", "缓存县");
  ASSERT_TRUE(server && command && county_org.id > 0);
  const org::Org* county = &county_org;
  const auth::Principal finance =
      LoggedIn(*server, "county_finance", county->id, auth::Role::kFinanceOfficer);
  ASSERT_GT(finance.user_id, 0);

  // The server has answered before the import (statements prepared, pages read).
  auto before = server->assets->Statistics(finance, {county->id, {asset::StatsDimension::kOrg}});
  ASSERT_TRUE(before.ok()) << before.error().en;
  EXPECT_EQ(before->total_count, 0);

  // The command line: a new unit (`minsheng orgs create`), then its ledger
  // (`minsheng import assets`) naming departments, people and rooms it lacks.
  auto unit = NewUnit(*command, county->id, "CACHE-U2", "缓存中学");
  ASSERT_TRUE(unit.ok()) << unit.error().en;
  std::string csv = kLedgerHeader;
  for (int i = 0; i < 30; ++i) {
    csv += "投影仪 " + std::to_string(i) + ",A02010105,1601,购置,财政拨款,2025-09-01,1000.50,台," +
           (i % 2 ? "教务处" : "总务处") + "," + (i % 3 ? "陈一" : "林二") + ",实验楼/2层/20" + std::to_string(i % 5) +
           "\n";
  }
  exchange::AssetImportOptions o;
  o.org_id = unit->id;
  o.batch_id = "cli-cache";
  auto r = exchange::ImportAssets({*command->db, *command->assets, *command->directories}, cli_, csv, o);
  ASSERT_TRUE(r.ok()) << r.error().en;
  ASSERT_EQ(r->imported, 30) << (r->errors.empty() ? "" : r->errors[0].message_en);

  // The server: the unit, its directories, its cards (list, search, by
  // number) and the rollups of the county.
  auto seen_unit = server->orgs->Get(finance, unit->id);
  ASSERT_TRUE(seen_unit.ok()) << seen_unit.error().en;
  auto names = [](const auto& list) {
    std::set<std::string> out;
    for (const auto& e : list) out.insert(e.name);
    return out;
  };
  auto departments = server->directories->ListDepartments(finance, unit->id, {});
  ASSERT_TRUE(departments.ok()) << departments.error().en;
  EXPECT_EQ(names(*departments), (std::set<std::string>{"教务处", "总务处"}));
  auto staff = server->directories->ListStaff(finance, unit->id, {});
  ASSERT_TRUE(staff.ok());
  EXPECT_EQ(names(*staff), (std::set<std::string>{"陈一", "林二"}));
  auto locations = server->directories->ListLocations(finance, unit->id, {});
  ASSERT_TRUE(locations.ok());
  EXPECT_EQ(locations->size(), 5u);

  asset::CardFilter all;
  all.org_id = county->id;
  auto page = server->assets->List(finance, all);
  ASSERT_TRUE(page.ok()) << page.error().en;
  EXPECT_EQ(page->total, 30);
  asset::CardFilter text;
  text.org_id = unit->id;
  text.q = "投影仪 1";  // 1 and 10–19
  page = server->assets->List(finance, text);
  ASSERT_TRUE(page.ok()) << page.error().en;
  EXPECT_EQ(page->total, 11);
  auto card = server->assets->Get(finance, r->first_number);
  ASSERT_TRUE(card.ok()) << card.error().en;
  EXPECT_EQ(card->name, "投影仪 0");
  EXPECT_EQ(card->org_name, "缓存中学");

  auto stats = server->assets->Statistics(finance, {county->id, {asset::StatsDimension::kOrg}});
  ASSERT_TRUE(stats.ok()) << stats.error().en;
  EXPECT_EQ(stats->total_count, 30);
  EXPECT_EQ(stats->total_value.value, 30 * 100050);
  ASSERT_EQ(stats->rows.size(), 1u);
  EXPECT_EQ(stats->rows[0].org_id, unit->id);
  EXPECT_EQ(stats->rows[0].count, 30);
}

// The rendered stats are cached by generation: every write that changes what
// they show — cards imported by another process, a state change, an org
// renamed — is in the next answer, and each scope gets its own answer.
TEST_F(AssetCacheTest, CachedStatsFollowEveryWriteFromEveryProcess) {
  auto [server, command, county_org] = OpenTwoWithCounty("STAT-C", "统计县");
  ASSERT_TRUE(server && command && county_org.id > 0);
  const org::Org* county = &county_org;
  auto unit = NewUnit(*server, county->id, "STAT-U1", "统计一中");
  ASSERT_TRUE(unit.ok()) << unit.error().en;
  const auth::Principal finance = LoggedIn(*server, "stat_finance", county->id, auth::Role::kFinanceOfficer);
  ASSERT_GT(finance.user_id, 0);

  int renders = 0;
  auto render = [&renders](const asset::Stats& s) {
    ++renders;
    std::string out = std::to_string(s.total_count) + "/" + std::to_string(s.total_value.value);
    for (const auto& r : s.rows) {
      out += ";" + r.org_name.value_or("?") + ":" + std::string(r.state ? asset::StateName(*r.state) : "") + "=" +
             std::to_string(r.count);
    }
    return out;
  };
  const asset::StatsQuery by_org_state{county->id, {asset::StatsDimension::kOrg, asset::StatsDimension::kState}};
  auto body = [&](const auth::Principal& who, const asset::StatsQuery& q) {
    auto b = server->assets->StatisticsBody(who, q, render);
    EXPECT_TRUE(b.ok()) << b.error().en;
    return b.ok() && *b ? **b : std::string("error");
  };

  // A list's total and its units come from the rollups too (remembered by
  // the same generation).
  auto listed = [&](std::optional<asset::State> state) {
    asset::CardFilter f;
    f.org_id = county->id;
    f.state = state;
    auto page = server->assets->List(finance, f);
    EXPECT_TRUE(page.ok()) << page.error().en;
    return page.ok() ? std::make_pair(page->total, page->items.size()) : std::make_pair(int64_t{-1}, size_t{0});
  };
  EXPECT_EQ(listed(std::nullopt), std::make_pair(int64_t{0}, size_t{0}));
  EXPECT_EQ(body(finance, by_org_state), "0/0");
  EXPECT_EQ(body(finance, by_org_state), "0/0");
  EXPECT_EQ(renders, 1);  // the second answer came from the cache
  // The network-thread path finds it only on an idle reader (SQLite).
  auto tried = server->assets->TryStatisticsBody(finance, by_org_state);
  ASSERT_TRUE(tried.ok()) << tried.error().en;
  if (TestEngine() == db::Engine::kSqlite) {
    ASSERT_NE(*tried, nullptr);
    EXPECT_EQ(**tried, "0/0");
  } else {
    EXPECT_EQ(*tried, nullptr);
  }

  // Another process imports 12 cards at 100.00 yuan.
  std::string csv = kLedgerHeader;
  for (int i = 0; i < 12; ++i) {
    csv += "投影仪 " + std::to_string(i) + ",A02010105,1601,购置,财政拨款,2025-09-01,100.00,台,教务处,陈一,实验楼/2层/201\n";
  }
  exchange::AssetImportOptions o;
  o.org_id = unit->id;
  o.batch_id = "cli-stats";
  auto r = exchange::ImportAssets({*command->db, *command->assets, *command->directories}, cli_, csv, o);
  ASSERT_TRUE(r.ok()) << r.error().en;
  ASSERT_EQ(r->imported, 12);
  EXPECT_EQ(body(finance, by_org_state), "12/120000;统计一中:in_use=12");
  EXPECT_EQ(renders, 2);
  EXPECT_EQ(listed(std::nullopt), std::make_pair(int64_t{12}, size_t{12}));
  if (TestEngine() == db::Engine::kSqlite) {
    tried = server->assets->TryStatisticsBody(finance, by_org_state);
    ASSERT_TRUE(tried.ok() && *tried);
    EXPECT_EQ(**tried, "12/120000;统计一中:in_use=12");
  }

  // A state change through the server itself.
  auto idle = server->assets->MarkIdle(cli_, r->first_number, {"闲置", std::nullopt});
  ASSERT_TRUE(idle.ok()) << idle.error().en;
  EXPECT_EQ(body(finance, by_org_state), "12/120000;统计一中:idle=1;统计一中:in_use=11");
  EXPECT_EQ(listed(asset::State::kIdle), std::make_pair(int64_t{1}, size_t{1}));
  EXPECT_EQ(listed(asset::State::kInUse), std::make_pair(int64_t{11}, size_t{11}));

  // The unit renamed by the command line.
  RenameOrg(*command, unit->id, "统计第一中学");
  EXPECT_EQ(body(finance, by_org_state), "12/120000;统计第一中学:idle=1;统计第一中学:in_use=11");
  EXPECT_EQ(renders, 4);

  // Each scope has its own answer: a second unit gets 3 cards; the first
  // unit's clerk asking the county's questions sees the first unit only.
  auto unit2 = NewUnit(*command, county->id, "STAT-U2", "统计二中");
  ASSERT_TRUE(unit2.ok()) << unit2.error().en;
  std::string csv2 = kLedgerHeader;
  for (int i = 0; i < 3; ++i) csv2 += "课桌 " + std::to_string(i) + ",A02010105,1601,购置,财政拨款,2025-09-01,50.00,张,总务处,林二,教学楼/1层/101\n";
  o.org_id = unit2->id;
  r = exchange::ImportAssets({*command->db, *command->assets, *command->directories}, cli_, csv2, o);
  ASSERT_TRUE(r.ok() && r->imported == 3) << (r.ok() ? "" : r.error().en);
  EXPECT_EQ(body(finance, by_org_state),
            "15/135000;统计第一中学:idle=1;统计第一中学:in_use=11;统计二中:in_use=3");
  EXPECT_EQ(listed(std::nullopt), std::make_pair(int64_t{15}, size_t{15}));  // the new unit's cards merged in
  const auth::Principal clerk_who = LoggedIn(*server, "stat_clerk", unit->id, auth::Role::kUnitClerk);
  ASSERT_GT(clerk_who.user_id, 0);
  EXPECT_EQ(body(clerk_who, by_org_state), "12/120000;统计第一中学:idle=1;统计第一中学:in_use=11");
  EXPECT_EQ(body(finance, by_org_state),
            "15/135000;统计第一中学:idle=1;统计第一中学:in_use=11;统计二中:in_use=3");
  if (TestEngine() == db::Engine::kSqlite) {
    tried = server->assets->TryStatisticsBody(clerk_who, by_org_state);
    ASSERT_TRUE(tried.ok() && *tried);
    EXPECT_EQ(**tried, "12/120000;统计第一中学:idle=1;统计第一中学:in_use=11");
  }
  // Outside the clerk's scope: refused, and nothing cached answers it.
  const asset::StatsQuery other_unit{unit2->id, {asset::StatsDimension::kState}};
  EXPECT_EQ(body(finance, other_unit), "3/15000;?:in_use=3");
  auto refused = server->assets->StatisticsBody(clerk_who, other_unit, render);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorCode::kNotFound);
  auto refused_try = server->assets->TryStatisticsBody(clerk_who, other_unit);
  EXPECT_TRUE(refused_try.ok() && *refused_try == nullptr);
}

// One unit's rendered pages are cached by the unit's generation: every write
// that changes what a page shows — cards imported by another process, an
// edit and a state change, a custodian, location or unit renamed by the
// command line — is in the next page; an unchanged page is not rendered
// again; each scope and cursor has its own page; out of scope stays refused.
TEST_F(AssetCacheTest, CachedUnitPagesFollowEveryWriteFromEveryProcess) {
  auto [server, command, county_org, unit, unit2] = OpenTwoWithTwoUnits("PAGE", "页面");
  ASSERT_TRUE(server && command && county_org.id > 0 && unit.id > 0 && unit2.id > 0);
  const auth::Principal finance = LoggedIn(*server, "page_finance", county_org.id, auth::Role::kFinanceOfficer);
  const auth::Principal clerk = LoggedIn(*server, "page_clerk", unit.id, auth::Role::kUnitClerk);
  const auth::Principal clerk2 = LoggedIn(*server, "page_clerk2", unit2.id, auth::Role::kUnitClerk);
  ASSERT_TRUE(finance.user_id > 0 && clerk.user_id > 0 && clerk2.user_id > 0);

  auto import = [&](int64_t org_id, int from, int n) {
    return ImportCards(*command, org_id, "投影仪 ", ",教务处,陈一,实验楼/2层/201", from, n);
  };
  const std::string first = import(unit.id, 0, 3);
  ASSERT_FALSE(first.empty());

  int renders = 0;
  auto render = [&renders](const asset::CardPage& p) {
    ++renders;
    std::string out = std::to_string(p.total) + (p.next_cursor ? ">" : "");
    for (const auto& c : p.items) {
      out += ";" + c.name + "/" + c.custodian_name.value_or("-") + "/" + c.location_name + "/" + c.org_name;
    }
    return out;
  };
  asset::CardFilter in_use;
  in_use.org_id = unit.id;
  in_use.state = asset::State::kInUse;
  in_use.sort = asset::SortKey::kName;
  auto page = [&](const auth::Principal& who, const asset::CardFilter& f) {
    auto b = server->assets->ListBody(who, f, render);
    EXPECT_TRUE(b.ok()) << b.error().en;
    return b.ok() && *b ? **b : std::string("error");
  };
  const std::string three =
      "3;投影仪 0/陈一/实验楼/2层/201/页面一中;投影仪 1/陈一/实验楼/2层/201/页面一中;"
      "投影仪 2/陈一/实验楼/2层/201/页面一中";
  EXPECT_EQ(page(finance, in_use), three);
  EXPECT_EQ(page(finance, in_use), three);
  EXPECT_EQ(renders, 1);  // the second page came from the cache
  // The network thread's path answers from the same cache on an idle reader
  // (SQLite); on PostgreSQL it always leaves the page to ListBody.
  auto tried = server->assets->TryListUnitBody(finance, in_use, render);
  ASSERT_TRUE(tried.ok()) << tried.error().en;
  if (TestEngine() == db::Engine::kSqlite) {
    ASSERT_NE(*tried, nullptr);
    EXPECT_EQ(**tried, three);
    EXPECT_EQ(renders, 1);
  } else {
    EXPECT_EQ(*tried, nullptr);
  }
  // The same answer as the uncached list, rendered the same way.
  auto listed = server->assets->List(finance, in_use);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(render(*listed), three);
  renders = 1;

  // Another process imports two more cards into the unit.
  ASSERT_FALSE(import(unit.id, 3, 2).empty());
  EXPECT_EQ(page(finance, in_use).substr(0, 2), "5;");
  EXPECT_EQ(renders, 2);

  // A card renamed through the server (no rollup changes).
  auto card = server->assets->Get(finance, first);
  ASSERT_TRUE(card.ok());
  asset::CardPatch patch;
  patch.version = card->version;
  patch.set.name = "投影仪 甲";
  ASSERT_TRUE(server->assets->Edit(cli_, first, patch).ok());
  std::string now = page(finance, in_use);
  EXPECT_NE(now.find("投影仪 甲/"), std::string::npos) << now;
  EXPECT_EQ(now.find("投影仪 0/"), std::string::npos) << now;

  // Marked idle by the command line: no longer an in-use card.
  ASSERT_TRUE(command->assets->MarkIdle(cli_, first, {"闲置", std::nullopt}).ok());
  now = page(finance, in_use);
  EXPECT_EQ(now.substr(0, 2), "4;");
  EXPECT_EQ(now.find("投影仪 甲/"), std::string::npos) << now;

  // The custodian and the location renamed by the command line.
  auto staff = command->directories->ListStaff(finance, unit.id, {});
  ASSERT_TRUE(staff.ok() && staff->size() == 1);
  asset::DirectoryPatch rename_staff;
  rename_staff.name = "陈一鸣";
  ASSERT_TRUE(command->directories->UpdateStaff(cli_, staff->front().id, rename_staff).ok());
  now = page(finance, in_use);
  EXPECT_NE(now.find("/陈一鸣/"), std::string::npos) << now;
  auto locations = command->directories->ListLocations(finance, unit.id, {});
  ASSERT_TRUE(locations.ok());
  for (const auto& l : *locations) {
    if (l.name != "实验楼/2层/201") continue;
    asset::DirectoryPatch rename_location;
    rename_location.name = "实验楼/2层/202";
    ASSERT_TRUE(command->directories->UpdateLocation(cli_, l.id, rename_location).ok());
  }
  now = page(finance, in_use);
  EXPECT_NE(now.find("/实验楼/2层/202/"), std::string::npos) << now;
  EXPECT_EQ(now.find("/实验楼/2层/201/"), std::string::npos) << now;

  // The unit renamed by the command line.
  RenameOrg(*command, unit.id, "页面第一中学");
  now = page(finance, in_use);
  EXPECT_NE(now.find("/页面第一中学"), std::string::npos) << now;
  EXPECT_EQ(now.find("/页面一中"), std::string::npos) << now;

  // Unchanged since: from the cache. A second unit's import leaves this
  // unit's page alone.
  const int before = renders;
  EXPECT_EQ(page(finance, in_use), now);
  ASSERT_FALSE(import(unit2.id, 0, 1).empty());
  EXPECT_EQ(page(finance, in_use), now);
  EXPECT_EQ(renders, before);

  // Each cursor and each scope has its own page: two at a time.
  asset::CardFilter two = in_use;
  two.limit = 2;
  const std::string p1 = page(finance, two);
  ASSERT_EQ(p1.substr(0, 3), "4>;");
  auto raw = server->assets->List(finance, two);
  ASSERT_TRUE(raw.ok() && raw->next_cursor);
  two.cursor = raw->next_cursor;
  const std::string p2 = page(finance, two);
  EXPECT_EQ(p2.substr(0, 2), "4;");
  EXPECT_NE(p1, p2);
  EXPECT_EQ(page(clerk, in_use), now);
  // Out of scope: refused on both paths, whatever is cached.
  for (const auto& f : {in_use, two}) {
    auto refused = server->assets->ListBody(clerk2, f, render);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, ErrorCode::kNotFound);
    auto refused_try = server->assets->TryListUnitBody(clerk2, f, render);
    if (TestEngine() == db::Engine::kSqlite) {
      ASSERT_FALSE(refused_try.ok());
      EXPECT_EQ(refused_try.error().kind, ErrorCode::kNotFound);
    } else {
      EXPECT_TRUE(refused_try.ok() && *refused_try == nullptr);
    }
  }
  // A bad cursor is still refused, and nothing is cached for it.
  asset::CardFilter bad = in_use;
  bad.cursor = "not-a-cursor";
  auto invalid = server->assets->ListBody(finance, bad, render);
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().kind, ErrorCode::kInvalidArgument);
}

// Cards read by number: on PostgreSQL a card read again comes from the card
// cache without a query while the generations the database pushes for its
// unit, the orgs and the categories are unchanged (migration 0011). This
// process's writes are in the next read at once; another process's as soon
// as its notification arrives; a write to another unit leaves the card
// cached; out of scope stays NotFound; a lost listener empties nothing stale
// into a read. SQLite keeps no card cache: every read is current at once.
TEST_F(AssetCacheTest, CachedCardsFollowEveryWriteFromEveryProcess) {
  auto [server, command, county_org, unit, unit2] = OpenTwoWithTwoUnits("CARD", "卡片");
  ASSERT_TRUE(server && command && county_org.id > 0 && unit.id > 0 && unit2.id > 0);
  const auth::Principal finance = LoggedIn(*server, "card_finance", county_org.id, auth::Role::kFinanceOfficer);
  const auth::Principal clerk2 = LoggedIn(*server, "card_clerk2", unit2.id, auth::Role::kUnitClerk);
  ASSERT_TRUE(finance.user_id > 0 && clerk2.user_id > 0);
  const bool pg = TestEngine() == db::Engine::kPostgres;

  const std::vector<std::string> unit_keys{"u" + std::to_string(unit.id), "orgs", "categories"};
  const std::vector<std::string> unit2_keys{"u" + std::to_string(unit2.id)};
  // PostgreSQL: the first call starts the listener; it is up within seconds.
  auto wait_until = [](const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return done();
  };
  if (pg) {
    ASSERT_TRUE(wait_until([&] { return server->db->Pushed(unit_keys).has_value(); }));
  } else {
    EXPECT_FALSE(server->db->Pushed(unit_keys).has_value());
  }

  auto import = [&](int64_t org_id, int from, int n) {
    return ImportCards(*command, org_id, "打印机 ", ",教务处,王五,教学楼/1层/101", from, n);
  };
  const std::string number = import(unit.id, 0, 2);
  ASSERT_FALSE(number.empty());

  auto shown = [&](const auth::Principal& who) {
    auto c = server->assets->Get(who, number);
    return c.ok() ? c->name + "/" + std::string(asset::StateName(c->state)) + "/" + c->custodian_name.value_or("-") +
                        "/" + c->org_name
                  : "error " + c.error().en;
  };
  // What the network thread's path answers: on PostgreSQL only from the
  // cache (it never queries there), on SQLite from an idle reader.
  auto cached = [&](const auth::Principal& who) -> std::string {
    auto c = server->assets->TryGet(who, number);
    if (!c.ok()) return "error " + c.error().en;
    if (!c->has_value()) return "miss";
    return (*c)->name + "/" + std::string(asset::StateName((*c)->state));
  };
  // A read stores the card unless something was pushed while it ran (then
  // a later read does): read until the cache path answers `want`.
  auto cached_after_read = [&](const std::string& want) {
    return wait_until([&] {
      shown(finance);
      return cached(finance) == want;
    });
  };
  // Another process's write reaches a PostgreSQL server a moment after its
  // commit; a SQLite read sees it at once.
  auto eventually = [&](const std::string& want) {
    if (!pg) return shown(finance) == want;
    return wait_until([&] { return shown(finance) == want; });
  };

  EXPECT_EQ(shown(finance), "打印机 0/in_use/王五/卡片一中");
  EXPECT_TRUE(cached_after_read("打印机 0/in_use")) << cached(finance);

  // Renamed through this server: the next read shows it, no waiting.
  auto card = server->assets->Get(finance, number);
  ASSERT_TRUE(card.ok());
  asset::CardPatch patch;
  patch.version = card->version;
  patch.set.name = "打印机 甲";
  ASSERT_TRUE(server->assets->Edit(cli_, number, patch).ok());
  if (pg) {
    EXPECT_EQ(cached(finance), "miss");  // the edit's own notification arrived with its commit
  }
  EXPECT_EQ(shown(finance), "打印机 甲/in_use/王五/卡片一中");
  EXPECT_TRUE(cached_after_read("打印机 甲/in_use")) << cached(finance);

  // Marked idle, custodian renamed, unit renamed — by the command line.
  ASSERT_TRUE(command->assets->MarkIdle(cli_, number, {"闲置", std::nullopt}).ok());
  EXPECT_TRUE(eventually("打印机 甲/idle/王五/卡片一中")) << shown(finance);
  auto staff = command->directories->ListStaff(finance, unit.id, {});
  ASSERT_TRUE(staff.ok() && staff->size() == 1);
  asset::DirectoryPatch rename_staff;
  rename_staff.name = "王五一";
  ASSERT_TRUE(command->directories->UpdateStaff(cli_, staff->front().id, rename_staff).ok());
  EXPECT_TRUE(eventually("打印机 甲/idle/王五一/卡片一中")) << shown(finance);
  RenameOrg(*command, unit.id, "卡片第一中学");
  EXPECT_TRUE(eventually("打印机 甲/idle/王五一/卡片第一中学")) << shown(finance);
  EXPECT_TRUE(cached_after_read("打印机 甲/idle")) << cached(finance);

  // Cards imported into another unit by the command line: this card stays cached.
  if (pg) {
    const auto before = server->db->Pushed(unit2_keys);
    ASSERT_TRUE(before.has_value());
    ASSERT_FALSE(import(unit2.id, 0, 1).empty());
    ASSERT_TRUE(wait_until([&] {
      const auto now = server->db->Pushed(unit2_keys);
      return now && now->token != before->token;
    }));
    EXPECT_EQ(cached(finance), "打印机 甲/idle");
  }

  // Out of scope: NotFound on both paths, cached or not.
  for (int i = 0; i < 2; ++i) {
    auto refused = server->assets->Get(clerk2, number);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, ErrorCode::kNotFound);
    auto refused_try = server->assets->TryGet(clerk2, number);
    ASSERT_FALSE(refused_try.ok());
    EXPECT_EQ(refused_try.error().kind, ErrorCode::kNotFound);
  }

  if (!pg) return;

  // Payloads that are not "<key>:<generation>" change nothing; an older
  // generation changes nothing; a newer one for the card's unit drops it.
  {
    auto c = command->db->Read();
    ASSERT_TRUE(c.ok());
    const auto tokens_before = server->db->Pushed(unit_keys);
    ASSERT_TRUE(tokens_before.has_value());
    static constexpr db::Sql kNotify{"test.notify", "SELECT pg_notify('minsheng_cache', $1)"};
    const std::string u = "u" + std::to_string(unit.id);
    for (const std::string& bad :
         std::vector<std::string>{"", "garbage", ":5", u + ":", "u1:x", u + ":99999999abc", u + ":0"}) {
      ASSERT_TRUE((*c)->Query(kNotify, {bad}).ok());
    }
    // A marker after them: once it is in, the bad ones have been read too.
    ASSERT_TRUE((*c)->Query(kNotify, {std::string("test_marker:1")}).ok());
    const std::vector<std::string> marker{"test_marker"};
    ASSERT_TRUE(wait_until([&] {
      const auto t = server->db->Pushed(marker);
      return t && t->token % (int64_t{1} << 44) == 1;
    }));
    const auto tokens_after = server->db->Pushed(unit_keys);
    ASSERT_TRUE(tokens_after.has_value());
    EXPECT_EQ(tokens_after->token, tokens_before->token);
    EXPECT_EQ(cached(finance), "打印机 甲/idle");
    ASSERT_TRUE((*c)->Query(kNotify, {u + ":1000000"}).ok());
    EXPECT_TRUE(wait_until([&] { return cached(finance) == "miss"; }));
    EXPECT_TRUE(cached_after_read("打印机 甲/idle")) << cached(finance);
  }

  // The listener loses its connection (the server's connections are ended
  // from another session). Until it is back the cache answers nothing; once
  // back, every token has changed, and writes made meanwhile are shown.
  const auto before = server->db->Pushed(unit_keys);
  ASSERT_TRUE(before.has_value());
  {
    auto c = command->db->Read();
    ASSERT_TRUE(c.ok());
    static constexpr db::Sql kEndListeners{
        "test.end_listeners",
        "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'"};
    auto ended = (*c)->QueryInt(kEndListeners);
    ASSERT_TRUE(ended.ok()) << ended.error().log_detail;
    EXPECT_GE(*ended, 1);
  }
  ASSERT_TRUE(command->assets->BackInUse(cli_, number, {"启用", std::nullopt}).ok());
  ASSERT_TRUE(wait_until([&] {
    const auto now = server->db->Pushed(unit_keys);
    return now && now->token != before->token;
  }));
  EXPECT_EQ(cached(finance), "miss");
  EXPECT_EQ(shown(finance), "打印机 甲/in_use/王五一/卡片第一中学");
  EXPECT_TRUE(cached_after_read("打印机 甲/in_use")) << cached(finance);
}

}  // namespace

// Free text from the server's in-memory index (PostgreSQL, TextIndex)
// follows another process's imports: the server's pages show them as soon as
// the push has arrived and the index has read the unit again (until then
// the database answers a stale unit's pages). SQLite keeps no such index.
TEST_F(AssetCacheTest, TheTextIndexFollowsAnotherProcesssImports) {
  auto [server, command, county_org, unit, unit2] = OpenTwoWithTwoUnits("TEXT", "文本");
  ASSERT_TRUE(server && command && county_org.id > 0 && unit.id > 0 && unit2.id > 0);
  const auth::Principal finance = LoggedIn(*server, "text_finance", county_org.id, auth::Role::kFinanceOfficer);
  ASSERT_TRUE(finance.user_id > 0);
  const bool pg = TestEngine() == db::Engine::kPostgres;
  server->assets->EnableTextIndex();
  const auto eventually = [](const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return done();
  };
  // One pass of the server's index thread, then a page.
  const auto found = [&](const char* q) {
    auto refreshed = server->assets->RefreshTextIndex();
    EXPECT_TRUE(refreshed.ok());
    asset::CardFilter f;
    f.q = q;
    f.sort = asset::SortKey::kRegistered;
    f.descending = true;
    auto page = server->assets->List(finance, f);
    if (!page.ok()) return "error " + page.error().en;
    std::string out = std::to_string(page->total);
    for (const auto& c : page->items) out += ";" + c.name;
    return out;
  };
  ASSERT_FALSE(ImportCards(*command, unit.id, "显微镜 ", ",教务处,陈一,实验楼/2层/201", 0, 2).empty());
  EXPECT_TRUE(eventually([&] { return found("显微镜") == "2;显微镜 1;显微镜 0"; })) << found("显微镜");
  ASSERT_FALSE(ImportCards(*command, unit2.id, "显微镜 ", ",教务处,陈二,实验楼/3层/301", 2, 2).empty());
  EXPECT_TRUE(eventually([&] { return found("显微镜") == "4;显微镜 3;显微镜 2;显微镜 1;显微镜 0"; }))
      << found("显微镜");
  const uint64_t answered = server->assets->TextIndexAnswers();
  EXPECT_EQ(found("微镜 3"), "1;显微镜 3");
  EXPECT_EQ(server->assets->TextIndexAnswers(), pg ? answered + 1 : 0u);
}

}  // namespace minsheng::testing
