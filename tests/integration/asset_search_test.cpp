// Finding cards on the test engine: scoping (another unit's cards are
// invisible everywhere), every filter, free text (Chinese, a non-BMP
// character, short queries), keyset paging with ties, totals, stats from the
// rollups, and the hot list query staying on an index.
#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "asset/store.h"
#include "asset_fixture.h"

namespace minsheng::testing {
namespace {

using asset::Card;
using asset::CardFilter;
using asset::CardInput;
using asset::SortKey;
using asset::State;

class AssetSearchTest : public AssetTest {
 protected:
  void SetUp() override {
    AssetTest::SetUp();
    if (HasFatalFailure()) return;
    asset::DirectoryInput in;
    in.name = "门诊楼/1层/诊室";
    auto room = dirs_->CreateLocation(cli_, clinic_.id, in);
    ASSERT_TRUE(room.ok());
    room_clinic_ = *room;

    auto add = [&](const std::string& name, const char* category, int64_t value, Date acquired,
                   std::optional<int64_t> custodian, int64_t location, const std::string& brand,
                   const std::string& model, const std::string& serial) {
      CardInput c = ValidInput();
      c.name = name;
      c.category_code = category;
      c.original_value = Fen{value};
      c.acquired_on = acquired;
      c.booked_on = acquired;
      c.custodian_id = custodian;
      c.location_id = location;
      c.brand = brand;
      c.model = model;
      c.serial_no = serial;
      if (std::string(category) == kVehicle) c.life_months = 96;
      return MustRegister(c);
    };
    a_pc_ = add("台式计算机", kComputer, 650000, MakeDate(2024, 3, 15), staff_a1_.id, room_a1_.id, "Dell",
                "OptiPlex 7090", "SN7090AAA");
    a_laptop_ = add("笔记本电脑", kComputer, 820000, MakeDate(2025, 6, 1), staff_a2_.id, room_a2_.id, "联想",
                    "ThinkPad X1", "LX-0001");
    a_ac_ = add("𠀀号楼空调", kMedical, 1200000, MakeDate(2023, 1, 5), std::nullopt, room_a2_.id, "格力",
                "KFR-72LW", "GREE-𠀀-1");
    a_car_ = add("公务用车", kVehicle, 18000000, MakeDate(2022, 9, 9), staff_a1_.id, room_a1_.id, "比亚迪",
                 "汉 EV", "VIN0001");
    ASSERT_TRUE(assets_->MarkIdle(clerk_a_caller_, a_laptop_.number, {}).ok());

    CardInput b = ValidInput();
    b.location_id = room_b_.id;
    b.custodian_id = staff_b_.id;
    b.department_id = dept_b_.id;
    b.name = "台式计算机";
    b_pc_ = MustRegister(b, school_b_.id);
    CardInput h = ValidInput();
    h.location_id = room_clinic_.id;
    h.custodian_id.reset();
    h.department_id.reset();
    h.category_code = kMedical;
    h.name = "心电图机";
    clinic_ecg_ = MustRegister(h, clinic_.id);
  }

  std::vector<std::string> Numbers(const auth::SessionState& who, CardFilter f) {
    auto page = assets_->List(Who(who), f);
    EXPECT_TRUE(page.ok()) << (page.ok() ? "" : page.error().en + " " + page.error().log_detail);
    std::vector<std::string> out;
    if (page.ok()) {
      for (const auto& c : page->items) out.push_back(c.number);
    }
    return out;
  }
  std::set<std::string> Set(const auth::SessionState& who, CardFilter f) {
    auto v = Numbers(who, std::move(f));
    return {v.begin(), v.end()};
  }

  asset::Location room_clinic_;
  Card a_pc_, a_laptop_, a_ac_, a_car_, b_pc_, clinic_ecg_;
};

TEST_F(AssetSearchTest, AnotherUnitsCardsAreInvisibleEverywhere) {
  // In lists and totals.
  auto page = assets_->List(Who(clerk_b_), {});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].number, b_pc_.number);
  EXPECT_EQ(page->total, 1);
  CardFilter with_text;
  with_text.q = "计算机";
  auto text_page = assets_->List(Who(clerk_b_), with_text);
  ASSERT_TRUE(text_page.ok());
  EXPECT_EQ(text_page->items.size(), 1u);
  EXPECT_EQ(text_page->total, 1);
  CardFilter other_unit;
  other_unit.org_id = school_a_.id;
  EXPECT_EQ(assets_->List(Who(clerk_b_), other_unit).error().kind, ErrorCode::kNotFound);
  // In gets, QR lookups and histories: 404, as if it did not exist.
  EXPECT_EQ(assets_->Get(Who(clerk_b_), a_pc_.number).error().kind, ErrorCode::kNotFound);
  EXPECT_EQ(assets_->GetByQr(Who(clerk_b_), assets_->QrPayload(a_pc_)).error().kind, ErrorCode::kNotFound);
  EXPECT_EQ(assets_->History(Who(clerk_b_), a_pc_.number).error().kind, ErrorCode::kNotFound);
  // Writes: 404 too.
  EXPECT_EQ(assets_->MarkIdle(CallerOf(clerk_b_), a_pc_.number, {}).error().kind, ErrorCode::kNotFound);
  // In stats.
  asset::StatsQuery q;
  q.group_by = {asset::StatsDimension::kCategory};
  auto stats = assets_->Statistics(Who(clerk_b_), q);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->total_count, 1);
  EXPECT_EQ(stats->total_value, b_pc_.original_value);
  q.org_id = school_a_.id;
  EXPECT_EQ(assets_->Statistics(Who(clerk_b_), q).error().kind, ErrorCode::kNotFound);

  // A supervisor sees the subtree: both schools, not the clinic.
  EXPECT_EQ(Set(supervisor_, {}),
            (std::set<std::string>{a_pc_.number, a_laptop_.number, a_ac_.number, a_car_.number, b_pc_.number}));
  EXPECT_EQ(assets_->Get(Who(supervisor_), clinic_ecg_.number).error().kind, ErrorCode::kNotFound);
  EXPECT_EQ(Set(health_sup_, {}), std::set<std::string>{clinic_ecg_.number});
  // Read-only roles cannot write even inside their scope.
  EXPECT_EQ(assets_->MarkIdle(CallerOf(supervisor_), a_pc_.number, {}).error().kind, ErrorCode::kForbidden);
}

TEST_F(AssetSearchTest, StatsComeFromRollupsByCategoryStateAndOrg) {
  asset::StatsQuery q;
  q.group_by = {asset::StatsDimension::kOrg};
  auto by_org = assets_->Statistics(Who(supervisor_), q);
  ASSERT_TRUE(by_org.ok());
  EXPECT_EQ(by_org->org_id, edu_.id);
  ASSERT_EQ(by_org->rows.size(), 2u);
  std::map<int64_t, int64_t> counts;
  for (const auto& r : by_org->rows) counts[*r.org_id] = r.count;
  EXPECT_EQ(counts, (std::map<int64_t, int64_t>{{school_a_.id, 4}, {school_b_.id, 1}}));
  EXPECT_EQ(by_org->total_count, 5);
  EXPECT_EQ(by_org->total_value.value, 650000 + 820000 + 1200000 + 18000000 + 650000);

  // The county as a whole, from the system principal: its children are the departments.
  auto county = assets_->Statistics(CliPrincipal(), {county_.id, {asset::StatsDimension::kOrg}});
  ASSERT_TRUE(county.ok());
  std::map<int64_t, int64_t> dept_counts;
  for (const auto& r : county->rows) dept_counts[*r.org_id] = r.count;
  EXPECT_EQ(dept_counts, (std::map<int64_t, int64_t>{{edu_.id, 5}, {health_.id, 1}}));

  auto by_state = assets_->Statistics(Who(clerk_a_), {std::nullopt, {asset::StatsDimension::kOrg,
                                                                     asset::StatsDimension::kState}});
  ASSERT_TRUE(by_state.ok());
  std::map<std::string, int64_t> states;
  for (const auto& r : by_state->rows) states[std::string(asset::StateName(*r.state))] = r.count;
  EXPECT_EQ(states, (std::map<std::string, int64_t>{{"in_use", 3}, {"idle", 1}}));

  auto by_cat_state = assets_->Statistics(Who(clerk_a_), {std::nullopt, {asset::StatsDimension::kCategory,
                                                                         asset::StatsDimension::kState}});
  ASSERT_TRUE(by_cat_state.ok());
  ASSERT_EQ(by_cat_state->rows.size(), 4u);  // computer×in_use, computer×idle, medical, vehicle
  for (const auto& r : by_cat_state->rows) {
    EXPECT_TRUE(r.category_code.has_value());
    EXPECT_TRUE(r.state.has_value());
    EXPECT_FALSE(r.org_id.has_value());
  }
}

TEST_F(AssetSearchTest, EveryFilter) {
  using Set_ = std::set<std::string>;
  CardFilter f;
  f.category_prefix = "A0201";
  EXPECT_EQ(Set(clerk_a_, f), (Set_{a_pc_.number, a_laptop_.number}));
  f = {};
  f.state = State::kIdle;
  EXPECT_EQ(Set(clerk_a_, f), (Set_{a_laptop_.number}));
  f = {};
  f.custodian_id = staff_a1_.id;
  EXPECT_EQ(Set(clerk_a_, f), (Set_{a_pc_.number, a_car_.number}));
  f = {};
  f.location = "机房";
  EXPECT_EQ(Set(clerk_a_, f), (Set_{a_laptop_.number, a_ac_.number}));
  f = {};
  f.min_value = Fen{800000};
  f.max_value = Fen{1200000};
  EXPECT_EQ(Set(clerk_a_, f), (Set_{a_laptop_.number, a_ac_.number}));
  f = {};
  f.acquired_from = MakeDate(2023, 1, 5);
  f.acquired_to = MakeDate(2024, 3, 15);
  EXPECT_EQ(Set(clerk_a_, f), (Set_{a_pc_.number, a_ac_.number}));
  f = {};
  f.org_id = school_a_.id;
  f.state = State::kInUse;
  f.category_prefix = "A02";
  EXPECT_EQ(Set(supervisor_, f), (Set_{a_pc_.number, a_ac_.number, a_car_.number}));
  auto page = assets_->List(Who(supervisor_), f);
  EXPECT_EQ(page->total, 3);  // from the rollups
  EXPECT_FALSE(page->total_capped);
}

TEST_F(AssetSearchTest, FreeTextInChineseAndBeyondTheBmp) {
  using Set_ = std::set<std::string>;
  auto q = [&](const std::string& text) {
    CardFilter f;
    f.q = text;
    return Set(clerk_a_, f);
  };
  EXPECT_EQ(q("计算机"), (Set_{a_pc_.number}));                     // name, 3 characters: the index
  EXPECT_EQ(q("电脑"), (Set_{a_laptop_.number}));                   // 2 characters: LIKE
  EXPECT_EQ(q("𠀀号楼"), (Set_{a_ac_.number}));                     // a non-BMP character
  EXPECT_EQ(q("𠀀号"), (Set_{a_ac_.number}));
  EXPECT_EQ(q("GREE-𠀀"), (Set_{a_ac_.number}));                    // serial number
  EXPECT_EQ(q("optiplex"), (Set_{a_pc_.number}));                   // model, any case
  EXPECT_EQ(q("dell"), (Set_{a_pc_.number}));                       // brand
  EXPECT_EQ(q("比亚迪"), (Set_{a_car_.number}));
  EXPECT_EQ(q("A2026000002"), (Set_{a_laptop_.number}));            // number
  EXPECT_EQ(q("不存在的东西"), Set_{});
  EXPECT_EQ(q("\"7090"), Set_{});                                   // quotes are data, not syntax
  EXPECT_EQ(q("50%"), Set_{});
  // Kept in step with edits.
  asset::CardPatch p;
  p.version = a_pc_.version;
  p.set.name = "教师办公电脑";
  ASSERT_TRUE(assets_->Edit(clerk_a_caller_, a_pc_.number, p).ok());
  EXPECT_EQ(q("计算机"), Set_{});
  EXPECT_EQ(q("办公电脑"), (Set_{a_pc_.number}));
  auto page = assets_->List(Who(clerk_a_), [] {
    CardFilter f;
    f.q = "电脑";
    return f;
  }());
  EXPECT_EQ(page->total, 2);
}

TEST_F(AssetSearchTest, CursorPagingIsStableWithTies) {
  std::vector<CardInput> rows;
  for (int i = 0; i < 23; ++i) {
    CardInput in = ValidInput();
    in.name = i % 2 ? "同名椅子" : "同名桌子";
    in.original_value = Fen{i % 3 == 0 ? 5000 : 7000};
    in.acquired_on = MakeDate(2025, 1, 1 + i % 2);
    in.booked_on = in.acquired_on;
    rows.push_back(in);
  }
  {
    auto tx = db_->Write();
    ASSERT_TRUE(assets_->RegisterMany(tx->conn(), clerk_a_caller_, school_a_.id, rows).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  const size_t expected = 23 + 4;
  for (auto sort :
       {SortKey::kNumber, SortKey::kName, SortKey::kAcquiredOn, SortKey::kOriginalValue, SortKey::kRegistered}) {
    for (bool desc : {false, true}) {
      CardFilter f;
      f.sort = sort;
      f.descending = desc;
      f.limit = 5;
      std::vector<Card> all;
      int pages = 0;
      while (true) {
        auto page = assets_->List(Who(clerk_a_), f);
        ASSERT_TRUE(page.ok()) << page.error().en;
        EXPECT_EQ(page->total, static_cast<int64_t>(expected));
        all.insert(all.end(), page->items.begin(), page->items.end());
        ++pages;
        if (!page->next_cursor) break;
        f.cursor = page->next_cursor;
        ASSERT_LT(pages, 20);
      }
      ASSERT_EQ(all.size(), expected) << asset::SortKeyName(sort) << desc;
      std::set<std::string> distinct;
      for (const auto& c : all) distinct.insert(c.number);
      EXPECT_EQ(distinct.size(), expected);
      // In order: the sort value, then the internal id, both in the direction asked.
      for (size_t i = 1; i < all.size(); ++i) {
        const Card& a = all[i - 1];
        const Card& b = all[i];
        auto key = [&](const Card& c) {
          switch (sort) {
            case SortKey::kNumber:
              return std::make_pair(c.number, c.id);
            case SortKey::kName:
              return std::make_pair(c.name, c.id);
            case SortKey::kAcquiredOn:
              return std::make_pair(std::to_string(1000000 + c.acquired_on.days), c.id);
            case SortKey::kOriginalValue:
              return std::make_pair(std::to_string(100000000000 + c.original_value.value), c.id);
            case SortKey::kRegistered:
              return std::make_pair(std::string(), c.id);
          }
          return std::make_pair(std::string(), c.id);
        };
        if (sort == SortKey::kName) continue;  // collation order is the engine's
        EXPECT_TRUE(desc ? key(b) < key(a) : key(a) < key(b)) << a.number << " then " << b.number;
      }
    }
  }
  // A cursor from one sort is refused under another.
  CardFilter f;
  f.limit = 5;
  auto first = assets_->List(Who(clerk_a_), f);
  f.cursor = first->next_cursor;
  f.sort = SortKey::kName;
  auto bad = assets_->List(Who(clerk_a_), f);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().fields.at(0).field, "cursor");
}

TEST_F(AssetSearchTest, TotalIsExactFromRollupsAndCappedWhenCounted) {
  std::vector<CardInput> rows(10'001, ValidInput());
  {
    auto tx = db_->Write();
    auto r = assets_->RegisterMany(tx->conn(), clerk_a_caller_, school_a_.id, rows);
    ASSERT_TRUE(r.ok()) << r.error().en;
    ASSERT_TRUE(tx->Commit().ok());
  }
  CardFilter f;
  f.limit = 10;
  auto rollup = assets_->List(Who(clerk_a_), f);
  ASSERT_TRUE(rollup.ok());
  EXPECT_EQ(rollup->total, 10'005);
  EXPECT_FALSE(rollup->total_capped);
  f.custodian_id = staff_a1_.id;  // not in the rollups: counted, capped
  auto counted = assets_->List(Who(clerk_a_), f);
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ(counted->total, 10'000);
  EXPECT_TRUE(counted->total_capped);
  EXPECT_EQ(counted->items.size(), 10u);
  f.custodian_id = staff_a2_.id;
  auto few = assets_->List(Who(clerk_a_), f);
  EXPECT_EQ(few->total, 1);
  EXPECT_FALSE(few->total_capped);
}

// One unit's in-use cards, a page sorted by number, must come off an index:
// no full scan of assets and no sort step. So must the other orders and the
// keyset pages after a cursor, and a big subtree's page in number order
// (read in order off the global number index).
TEST_F(AssetSearchTest, ListQueriesUseAnIndexWithoutSorting) {
  struct Shape {
    bool ordered_subtree;
    SortKey sort;
    bool desc;
    bool after;
    const char* index;
  };
  const Shape shapes[] = {
      {false, SortKey::kNumber, false, false, "assets_org_number"},
      {false, SortKey::kNumber, true, true, "assets_org_number"},
      {false, SortKey::kName, false, true, "assets_org_name"},
      {false, SortKey::kAcquiredOn, true, true, "assets_org_acquired"},
      {false, SortKey::kOriginalValue, false, false, "assets_org_value"},
      {true, SortKey::kNumber, false, true, "assets_number"},
  };
  auto conn = db_->Read();
  const bool sqlite = db_->engine() == db::Engine::kSqlite;
  // PostgreSQL chooses by statistics; on a tiny table a sequential scan
  // wins, so forbid it and check that an index serves the order.
  if (!sqlite) {
    ASSERT_TRUE((*conn)->ExecScript("SET enable_seqscan = off").ok());
  }
  for (const auto& shape : shapes) {
    asset::StoreScope scope;
    scope.unit = !shape.ordered_subtree;
    scope.ordered = shape.ordered_subtree;
    const db::Sql& sql = asset::AssetStore::ListStatementForTest(scope, shape.sort, shape.desc, shape.after, false);
    std::vector<db::Param> p;
    if (scope.unit) {
      p.emplace_back(school_a_.id);
    } else {
      p.emplace_back(std::string_view(county_.path));
    }
    p.emplace_back(nullptr);
    p.emplace_back("in_use");
    for (int i = 0; i < 7; ++i) p.emplace_back(nullptr);
    if (shape.after) {
      if (shape.sort == SortKey::kNumber || shape.sort == SortKey::kName) {
        p.emplace_back("T");
      } else {
        p.emplace_back(int64_t{1});
      }
      if (shape.sort != SortKey::kNumber) p.emplace_back(int64_t{1});
    }
    p.emplace_back(int64_t{51});
    const std::string text = std::string(sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") +
                             (sqlite || sql.pg_text == nullptr ? sql.text : sql.pg_text);
    const std::string name = std::string("test.plan.") + sql.name;
    // The ordered form pays off on big subtrees only; on this tiny table
    // PostgreSQL rightly prefers to sort one row, so there we only check that
    // the number index can serve the order.
    if (!sqlite) {
      ASSERT_TRUE((*conn)->ExecScript(scope.ordered ? "SET enable_sort = off" : "RESET enable_sort").ok());
    }
    std::string plan;
    auto r = (*conn)->ForEach({name.c_str(), text.c_str()}, p, [&](const db::Row& row) {
      plan += row.Text(sqlite ? 3 : 0) + "\n";
      return true;
    });
    ASSERT_TRUE(r.ok()) << r.error().log_detail;
    EXPECT_NE(plan.find(shape.index), std::string::npos) << sql.name << "\n" << plan;
    if (sqlite) {
      EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << sql.name << "\n" << plan;
      if (scope.unit) {
        EXPECT_EQ(plan.find("SCAN a"), std::string::npos) << sql.name << "\n" << plan;
      }
    } else {
      EXPECT_EQ(plan.find("Sort"), std::string::npos) << sql.name << "\n" << plan;
    }
  }
  if (!sqlite) (void)(*conn)->ExecScript("RESET enable_seqscan; RESET enable_sort");
}

// Free text with many hits in registration order (SQLite): the full-text
// index is the outer loop, read in rowid order, and nothing is sorted — a
// page costs about its own hits. So for 1–2 characters (assets_short, 0010).
TEST_F(AssetSearchTest, RegistrationOrderedTextReadsTheIndexInItsOwnOrder) {
  if (db_->engine() != db::Engine::kSqlite) GTEST_SKIP() << "SQLite's FTS5 plan";
  auto conn = db_->Read();
  ASSERT_TRUE(conn.ok());
  for (const int variant : {0, 1, 2, 3}) {
    const bool subtree = variant % 2 != 0;
    const bool short_text = variant >= 2;
    for (const bool desc : {false, true}) {
      for (const bool after : {false, true}) {
        const db::Sql& sql = asset::AssetStore::FtsOrderStatementForTest(subtree, desc, after, short_text);
        EXPECT_EQ(std::string(sql.text).find(short_text ? "assets_fts" : "assets_short"), std::string::npos);
        std::vector<db::Param> p;
        if (subtree) {
          p.emplace_back(std::string_view(county_.path));
        } else {
          p.emplace_back(school_a_.id);
        }
        for (int i = 0; i < 9; ++i) p.emplace_back(nullptr);
        p.emplace_back(short_text ? "\"电脑\"" : "\"计算机\"");
        if (after) p.emplace_back(int64_t{1000});
        p.emplace_back(int64_t{51});
        const std::string text = std::string("EXPLAIN QUERY PLAN ") + sql.text;
        const std::string name = std::string("test.plan.") + sql.name;
        std::vector<std::string> steps;
        auto r = (*conn)->ForEach({name.c_str(), text.c_str()}, p, [&](const db::Row& row) {
          steps.push_back(row.Text(3));
          return true;
        });
        ASSERT_TRUE(r.ok()) << r.error().log_detail;
        std::string plan;
        for (const auto& s : steps) plan += s + "\n";
        // The page's ids (the plan up to "SCAN p"; only the page itself is
        // sorted after): the hits are the outer loop, cards read by rowid,
        // no sort step.
        const std::string ids = plan.substr(0, plan.find("SCAN p"));
        ASSERT_NE(ids.size(), plan.size()) << sql.name << "\n" << plan;
        EXPECT_EQ(ids.find("TEMP B-TREE"), std::string::npos) << sql.name << "\n" << plan;
        const auto fts = ids.find("SCAN f VIRTUAL TABLE");
        ASSERT_NE(fts, std::string::npos) << sql.name << "\n" << plan;
        EXPECT_LT(fts, ids.find("SEARCH a USING INTEGER PRIMARY KEY")) << sql.name << "\n" << plan;
      }
    }
  }
}

// A subtree's pages: merged per unit (few units) or off the global index
// (many); both give every card once, in order.
TEST_F(AssetSearchTest, SubtreePagesMergeUnitsInOrder) {
  // Every card of the county, to order by hand.
  CardFilter whole;
  whole.limit = 100;
  auto every = assets_->List(CliPrincipal(), whole);
  ASSERT_TRUE(every.ok()) << every.error().en;
  ASSERT_EQ(every->items.size(), 6u);
  for (auto sort : {SortKey::kNumber, SortKey::kName, SortKey::kAcquiredOn, SortKey::kOriginalValue,
                    SortKey::kRegistered}) {
    for (const bool desc : {false, true}) {
      CardFilter f;
      f.sort = sort;
      f.descending = desc;
      f.limit = 2;
      std::vector<std::string> seen;
      for (int pages = 0; pages < 10; ++pages) {
        auto page = assets_->List(CliPrincipal(), f);
        ASSERT_TRUE(page.ok()) << page.error().en;
        EXPECT_EQ(page->total, 6);
        for (const auto& c : page->items) seen.push_back(c.number);
        if (!page->next_cursor) break;
        f.cursor = page->next_cursor;
      }
      // The sort value (names by code point), then the id, both in the direction asked.
      std::vector<Card> want = every->items;
      auto key = [&](const Card& c) {
        switch (sort) {
          case SortKey::kNumber:
            return std::make_tuple(c.number, int64_t{0}, c.id);
          case SortKey::kName:
            return std::make_tuple(c.name, int64_t{0}, c.id);
          case SortKey::kAcquiredOn:
            return std::make_tuple(std::string(), int64_t{c.acquired_on.days}, c.id);
          case SortKey::kOriginalValue:
            return std::make_tuple(std::string(), c.original_value.value, c.id);
          case SortKey::kRegistered:
            return std::make_tuple(std::string(), c.id, c.id);
        }
        return std::make_tuple(std::string(), int64_t{0}, c.id);
      };
      std::sort(want.begin(), want.end(),
                [&](const Card& a, const Card& b) { return desc ? key(b) < key(a) : key(a) < key(b); });
      std::vector<std::string> want_numbers;
      for (const auto& c : want) want_numbers.push_back(c.number);
      EXPECT_EQ(seen, want_numbers) << asset::SortKeyName(sort) << (desc ? " desc" : " asc");
    }
  }
  // The global-index form (used past many units) reads the same cards.
  asset::StoreScope ordered;
  ordered.unit = false;
  ordered.ordered = true;
  ordered.path = county_.path;
  auto conn = db_->Read();
  asset::StoreFilter f;
  auto all = asset::AssetStore::List(**conn, ordered, f, 10);
  ASSERT_TRUE(all.ok()) << all.error().log_detail;
  ASSERT_EQ(all->size(), 6u);
  EXPECT_TRUE(std::is_sorted(all->begin(), all->end(),
                             [](const Card& a, const Card& b) { return a.number < b.number; }));
  f.after = asset::ListCursor{all->at(2).number, 0, 0};
  auto rest = asset::AssetStore::List(**conn, ordered, f, 10);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->size(), 3u);
}

// The network thread's path: one unit's page without text on an idle
// reader (SQLite), the same page as List; anything else is left to ListBody.
TEST_F(AssetSearchTest, AUnitsPageIsAnsweredWithoutWaitingOnlyWhenItIsCheap) {
  CardFilter f;
  f.org_id = school_a_.id;
  f.state = asset::State::kInUse;
  f.sort = SortKey::kName;
  f.limit = 3;
  auto render = [](const asset::CardPage& p) {
    std::string out = std::to_string(p.total) + "|" + p.next_cursor.value_or("-");
    for (const auto& c : p.items) out += "|" + c.number;
    return out;
  };
  auto listed = assets_->List(Who(clerk_a_), f);
  ASSERT_TRUE(listed.ok()) << listed.error().en;
  ASSERT_EQ(listed->items.size(), 3u);
  auto tried = assets_->TryListUnitBody(Who(clerk_a_), f, render);
  ASSERT_TRUE(tried.ok()) << tried.error().en;
  if (db_->engine() != db::Engine::kSqlite) {
    EXPECT_EQ(*tried, nullptr);  // no idle-reader probe on PostgreSQL
    return;
  }
  ASSERT_NE(*tried, nullptr);
  EXPECT_EQ(**tried, render(*listed));
  // Not a unit's page: text, the county, no org, an unknown org.
  CardFilter text = f;
  text.q = "计算机";
  CardFilter county = f;
  county.org_id = county_.id;
  CardFilter none = f;
  none.org_id.reset();
  CardFilter unknown = f;
  unknown.org_id = 999'999;
  for (const auto& other : {text, county, none, unknown}) {
    auto r = assets_->TryListUnitBody(CliPrincipal(), other, render);
    ASSERT_TRUE(r.ok()) << r.error().en;
    EXPECT_EQ(*r, nullptr);
  }
  // Out of scope stays out of scope: school B's clerk asking for school A.
  auto refused = assets_->TryListUnitBody(Who(clerk_b_), f, render);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorCode::kNotFound);
  // No reader idle: every one held, the caller is told to ask ListBody.
  std::vector<db::Lease> held;
  while (auto lease = db_->TryRead()) held.push_back(std::move(*lease));
  auto busy = assets_->TryListUnitBody(Who(clerk_a_), f, render);
  ASSERT_TRUE(busy.ok());
  EXPECT_EQ(*busy, nullptr);
}

// Free text in registration order over a subtree (PostgreSQL reads a window
// of cards off the primary key, then the trigram index for the rest;
// asset.pg_text_window): with a window of a few cards, every page of matches
// registered long ago, recently, and on both sides of the window comes out
// in order, once each, with exact totals — the same as with the planner's
// own plan (window 0) and as on SQLite.
TEST_F(AssetSearchTest, TextByRegistrationIsTheSameOnBothSidesOfTheWindow) {
  std::vector<int64_t> old_ids, new_ids;  // the matches, in registration order
  std::string first_old_number;
  const auto add = [&](const std::string& name, int64_t org) {
    CardInput c = ValidInput();
    c.name = name;
    if (org == school_b_.id) {
      c.location_id = room_b_.id;
      c.custodian_id = staff_b_.id;
      c.department_id = dept_b_.id;
    }
    const Card card = MustRegister(c, org);
    if (first_old_number.empty()) first_old_number = card.number;
    return card.id;
  };
  for (int i = 0; i < 9; ++i) old_ids.push_back(add("旧款投影仪" + std::to_string(i), i % 2 ? school_b_.id : school_a_.id));
  for (int i = 0; i < 20; ++i) add("办公桌" + std::to_string(i), i % 2 ? school_b_.id : school_a_.id);
  for (int i = 0; i < 4; ++i) new_ids.push_back(add("新款投影仪" + std::to_string(i), i % 2 ? school_b_.id : school_a_.id));
  add("办公椅", school_a_.id);
  std::vector<int64_t> both = old_ids;
  both.insert(both.end(), new_ids.begin(), new_ids.end());

  asset::AssetSettings narrow;
  narrow.pg_text_window = 5;
  asset::AssetSettings planner;
  planner.pg_text_window = 0;
  asset::AssetService narrow_assets(*db_, *categories_, *orgs_, narrow);
  asset::AssetService planner_assets(*db_, *categories_, *orgs_, planner);

  struct Case {
    const char* q;
    const std::vector<int64_t>* expect;
  };
  for (const auto& [q, expect] : {Case{"投影仪", &both}, Case{"旧款投影", &old_ids}, Case{"新款投影", &new_ids}}) {
    for (const bool desc : {true, false}) {
      for (const int limit : {2, 3, 50}) {
        for (asset::AssetService* service : {&narrow_assets, &planner_assets, assets_.get()}) {
          const std::string label =
              std::string(q) + (desc ? " desc" : " asc") + " limit " + std::to_string(limit) +
              (service == &narrow_assets ? " window 5" : service == &planner_assets ? " window 0" : " default");
          CardFilter f;
          f.org_id = county_.id;
          f.q = q;
          f.sort = SortKey::kRegistered;
          f.descending = desc;
          f.limit = limit;
          std::vector<int64_t> got;
          for (int page = 0; page < 20; ++page) {
            auto p = service->List(CliPrincipal(), f);
            ASSERT_TRUE(p.ok()) << label << ": " << p.error().en << " " << p.error().log_detail;
            EXPECT_EQ(p->total, static_cast<int64_t>(expect->size())) << label;
            EXPECT_FALSE(p->total_capped) << label;
            for (const auto& c : p->items) got.push_back(c.id);
            if (!p->next_cursor) break;
            f.cursor = *p->next_cursor;
          }
          std::vector<int64_t> want = *expect;
          if (desc) std::reverse(want.begin(), want.end());
          EXPECT_EQ(got, want) << label;
        }
      }
    }
  }
  // The other filters still apply on both sides of the window.
  ASSERT_TRUE(assets_->MarkIdle(clerk_a_caller_, first_old_number, {}).ok());
  CardFilter idle;
  idle.org_id = county_.id;
  idle.q = "投影仪";
  idle.sort = SortKey::kRegistered;
  idle.descending = true;
  idle.state = State::kIdle;
  auto p = narrow_assets.List(CliPrincipal(), idle);
  ASSERT_TRUE(p.ok()) << p.error().en;
  ASSERT_EQ(p->items.size(), 1u);
  EXPECT_EQ(p->items[0].id, old_ids[0]);
  EXPECT_EQ(p->total, 1);
}

// Counting through the trigram index changes planner settings for one
// statement only: the pooled connection gets its defaults back.
TEST_F(AssetSearchTest, CountingThroughTheTextIndexLeavesTheConnectionAsItWas) {
  if (db_->engine() != db::Engine::kPostgres) GTEST_SKIP() << "PostgreSQL planner settings";
  auto conn = db_->Read();
  ASSERT_TRUE(conn.ok());
  asset::StoreScope scope;
  scope.unit = false;
  scope.path = county_.path;
  asset::StoreFilter f;
  f.text = "计算机";
  auto n = asset::AssetStore::Count(**conn, scope, f, 100, true);
  ASSERT_TRUE(n.ok()) << n.error().log_detail;
  EXPECT_EQ(*n, 2);  // a_pc_ and b_pc_
  // (The driver keeps prepared statements by name: each Sql outlives its uses.)
  static constexpr db::Sql kShow[] = {{"test.show.seqscan", "SHOW enable_seqscan"},
                                      {"test.show.indexscan", "SHOW enable_indexscan"}};
  for (const auto& show : kShow) {
    auto shown = (*conn)->Query(show, {});
    ASSERT_TRUE(shown.ok()) << shown.error().log_detail;
    ASSERT_EQ(shown->size(), 1u);
    EXPECT_EQ((*shown)[0].Text(0), "on") << show.text;
  }
}

// ---- free text from memory (PostgreSQL's TextIndex) ----------------------------

class AssetTextIndexTest : public AssetSearchTest {
 protected:
  void SetUp() override {
    AssetSearchTest::SetUp();
    if (HasFatalFailure()) return;
    // Cards whose text has letters in both cases, and enough of one word
    // for pages and cursors.
    for (int i = 0; i < 7; ++i) {
      CardInput c = ValidInput();
      c.name = "投影仪" + std::to_string(i);
      c.brand = i % 2 ? "EPSON" : "Epson";
      c.model = "CB-X" + std::to_string(50 + i);
      const int64_t org = i % 3 == 0 ? school_b_.id : school_a_.id;
      if (org == school_b_.id) {
        c.location_id = room_b_.id;
        c.custodian_id = staff_b_.id;
        c.department_id = dept_b_.id;
      }
      projectors_.push_back(MustRegister(c, org));
    }
    asset::AssetSettings settings;
    settings.text_index_bytes = 64u << 20;
    indexed_ = std::make_unique<asset::AssetService>(*db_, *categories_, *orgs_, settings);
    indexed_->EnableTextIndex();
  }

  // Every page through the cursors, from the index's service and the plain
  // one: the same cards in the same order, the same totals.
  void ExpectSameAsTheDatabase(const auth::Principal& who, CardFilter f, const std::string& label) {
    CardFilter g = f;
    for (int page = 0; page < 20; ++page) {
      auto a = indexed_->List(who, f);
      auto b = assets_->List(who, g);
      ASSERT_TRUE(a.ok()) << label << ": " << a.error().en << " " << a.error().log_detail;
      ASSERT_TRUE(b.ok()) << label << ": " << b.error().en << " " << b.error().log_detail;
      std::vector<std::string> na, nb;
      for (const auto& c : a->items) na.push_back(c.number);
      for (const auto& c : b->items) nb.push_back(c.number);
      ASSERT_EQ(na, nb) << label << " page " << page;
      EXPECT_EQ(a->total, b->total) << label;
      EXPECT_EQ(a->total_capped, b->total_capped) << label;
      ASSERT_EQ(a->next_cursor.has_value(), b->next_cursor.has_value()) << label;
      if (!a->next_cursor) break;
      f.cursor = *a->next_cursor;
      g.cursor = *b->next_cursor;
    }
  }

  // Loads the index; on PostgreSQL waits for the listener the first pass
  // starts (nothing is loaded without pushed tokens). Whether every unit
  // is current.
  bool LoadIndex() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (true) {
      auto r = indexed_->RefreshTextIndex();
      EXPECT_TRUE(r.ok()) << r.error().en << " " << r.error().log_detail;
      if (!r.ok() || *r || db_->engine() != db::Engine::kPostgres || std::chrono::steady_clock::now() > deadline) {
        return r.ok() && *r;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  std::vector<Card> projectors_;
  std::unique_ptr<asset::AssetService> indexed_;
};

TEST_F(AssetTextIndexTest, AnswersPagesAsTheDatabaseDoes) {
  const bool postgres = db_->engine() == db::Engine::kPostgres;
  EXPECT_EQ(LoadIndex(), postgres);  // SQLite keeps no index: FTS5 is its own
  for (const char* q : {"投影仪", "投影仪3", "epson", "EPSON", "ePsOn CB", "optiplex", "计算机", "GREE-𠀀", "cb-x5",
                        "不存在的名称", "投影", "仪", "EP", "x", "𠀀", "无"}) {
    for (const bool desc : {true, false}) {
      for (const int limit : {2, 50}) {
        for (const std::optional<State> state : {std::optional<State>(), std::optional<State>(State::kIdle)}) {
          CardFilter f;
          f.q = q;
          f.sort = SortKey::kRegistered;
          f.descending = desc;
          f.limit = limit;
          f.state = state;
          const std::string label = std::string(q) + (desc ? " desc" : " asc") + " limit " + std::to_string(limit) +
                                    (state ? " idle" : "");
          ExpectSameAsTheDatabase(CliPrincipal(), f, label + " county");
          ExpectSameAsTheDatabase(Who(clerk_a_), f, label + " clerk A");
          f.org_id = school_b_.id;
          ExpectSameAsTheDatabase(CliPrincipal(), f, label + " unit B");
        }
      }
    }
  }
  if (postgres) {
    EXPECT_GT(indexed_->TextIndexAnswers(), 0u);
  } else {
    EXPECT_EQ(indexed_->TextIndexAnswers(), 0u);
  }
  // A scope with nothing in it: clerk A never sees school B's cards.
  CardFilter b_only;
  b_only.q = "投影仪0";
  b_only.sort = SortKey::kRegistered;
  auto page = indexed_->List(Who(clerk_a_), b_only);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->items.empty());
  EXPECT_EQ(page->total, 0);
}

// A write makes the unit's cards stale: pages come from the database until
// the index has read the unit again, and are right throughout.
TEST_F(AssetTextIndexTest, AStaleUnitIsReadFromTheDatabaseUntilReloaded) {
  if (db_->engine() != db::Engine::kPostgres) GTEST_SKIP() << "the index is PostgreSQL's";
  ASSERT_TRUE(LoadIndex());
  CardFilter f;
  f.q = "投影仪";
  f.sort = SortKey::kRegistered;
  f.descending = true;
  const auto ids = [&]() {
    auto p = indexed_->List(CliPrincipal(), f);
    EXPECT_TRUE(p.ok());
    std::vector<int64_t> out;
    if (p.ok()) {
      for (const auto& c : p->items) out.push_back(c.id);
      EXPECT_EQ(p->total, static_cast<int64_t>(out.size()));
    }
    return out;
  };
  const uint64_t before = indexed_->TextIndexAnswers();
  EXPECT_EQ(ids().size(), projectors_.size());
  EXPECT_EQ(indexed_->TextIndexAnswers(), before + 1);

  // A new card, a renamed card, an idle card.
  CardInput c = ValidInput();
  c.name = "新投影仪";
  const Card added = MustRegister(c);
  asset::CardPatch rename;
  rename.version = projectors_[1].version;
  rename.set.name = "幕布";
  ASSERT_TRUE(assets_->Edit(clerk_a_caller_, projectors_[1].number, rename).ok());
  ASSERT_TRUE(assets_->MarkIdle(clerk_a_caller_, projectors_[2].number, {}).ok());
  std::vector<int64_t> want = {added.id};
  for (auto it = projectors_.rbegin(); it != projectors_.rend(); ++it) {
    if (it->id != projectors_[1].id) want.push_back(it->id);
  }
  EXPECT_EQ(ids(), want);
  EXPECT_EQ(indexed_->TextIndexAnswers(), before + 1);  // the database answered
  f.state = State::kIdle;
  EXPECT_EQ(ids(), std::vector<int64_t>{projectors_[2].id});
  f.state.reset();

  ASSERT_TRUE(LoadIndex());
  EXPECT_EQ(ids(), want);
  EXPECT_EQ(indexed_->TextIndexAnswers(), before + 2);
  f.state = State::kIdle;
  EXPECT_EQ(ids(), std::vector<int64_t>{projectors_[2].id});
  EXPECT_EQ(indexed_->TextIndexAnswers(), before + 3);
  // A term with a letter whose case the database folds (É) is its to answer.
  f.state.reset();
  f.q = "Éé投影仪";
  EXPECT_TRUE(ids().empty());
  EXPECT_EQ(indexed_->TextIndexAnswers(), before + 3);
}

// An index that would outgrow asset.text_index_mb turns itself off for good:
// every page then comes from the database, the same as before.
TEST_F(AssetTextIndexTest, AnIndexOverItsBudgetTurnsOffAndTheDatabaseAnswers) {
  asset::AssetSettings tiny;
  tiny.text_index_bytes = 512;  // a few cards' worth: over it at the first load
  asset::AssetService small(*db_, *categories_, *orgs_, tiny);
  small.EnableTextIndex();
  // (PostgreSQL: a pass loads nothing until the listener is up.)
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (db_->engine() == db::Engine::kPostgres && !db_->Pushed({}) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const Result<bool> loaded = small.RefreshTextIndex();
  ASSERT_TRUE(loaded.ok()) << loaded.error().en;
  EXPECT_FALSE(*loaded);
  EXPECT_FALSE(*small.RefreshTextIndex());  // and stays off
  CardFilter f;
  f.q = "投影仪";
  f.sort = SortKey::kRegistered;
  f.descending = true;
  auto page = small.List(CliPrincipal(), f);
  ASSERT_TRUE(page.ok());
  std::vector<int64_t> got, want;
  for (const auto& c : page->items) got.push_back(c.id);
  for (auto it = projectors_.rbegin(); it != projectors_.rend(); ++it) want.push_back(it->id);
  EXPECT_EQ(got, want);
  EXPECT_EQ(page->total, static_cast<int64_t>(projectors_.size()));
  EXPECT_EQ(small.TextIndexAnswers(), 0u);
}

// Cards by id (the index's page): in the order asked, the missing left out.
TEST_F(AssetSearchTest, CardsByIdComeInTheOrderAsked) {
  auto conn = db_->Read();
  ASSERT_TRUE(conn.ok());
  const std::vector<int64_t> ids = {b_pc_.id, 999'999'999, a_pc_.id, clinic_ecg_.id};
  auto cards = asset::AssetStore::GetByIds(**conn, ids);
  ASSERT_TRUE(cards.ok()) << cards.error().log_detail;
  std::vector<std::string> numbers;
  for (const auto& c : *cards) numbers.push_back(c.number);
  EXPECT_EQ(numbers, (std::vector<std::string>{b_pc_.number, a_pc_.number, clinic_ecg_.number}));
  EXPECT_EQ((*cards)[0].org_name, b_pc_.org_name);
  auto none = asset::AssetStore::GetByIds(**conn, {});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace minsheng::testing
