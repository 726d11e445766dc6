// The read paths made for a big register, on the test engine: the rollups
// folded up the org tree (0005) stay equal to asset_rollups through writes
// and org moves, and the free-text walks give the same pages as sorting the
// hits.
#include <algorithm>
#include <map>
#include <set>

#include "asset/store.h"
#include "asset_fixture.h"

namespace minsheng::testing {
namespace {

using asset::CardInput;
using asset::SortKey;
using asset::StoreFilter;
using asset::StoreScope;

class AssetPerfTest : public AssetTest {
 protected:
  // School A alone, or the county (school A's and B's cards) as a subtree.
  StoreScope SchoolAOrCounty(bool subtree) const {
    StoreScope scope;
    scope.unit = !subtree;
    scope.org_id = school_a_.id;
    scope.path = county_.path;
    return scope;
  }

  // A card of school B named `name` (its room, custodian and department).
  CardInput InSchoolB(const std::string& name) const {
    CardInput c = ValidInput();
    c.name = name;
    c.location_id = room_b_.id;
    c.custodian_id = staff_b_.id;
    c.department_id = dept_b_.id;
    return c;
  }

  // Stats of `org` grouped by org, as child id → count.
  std::map<int64_t, int64_t> CountsByChild(int64_t org) {
    auto s = assets_->Statistics(CliPrincipal(), {org, {asset::StatsDimension::kOrg}});
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().log_detail);
    std::map<int64_t, int64_t> out;
    if (s.ok()) {
      for (const auto& r : s->rows) out[*r.org_id] = r.count;
    }
    return out;
  }

  // asset_rollup_tree folded by hand from asset_rollups and the org paths,
  // and the table itself, as "ancestor|child|category|state|count|value".
  std::vector<std::string> TreeRows(bool from_rollups) {
    std::map<std::string, std::pair<int64_t, int64_t>> fold;
    auto conn = db_->Read();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return {};
    const db::Sql rollups{"test.perf.rollups",
                          "SELECT o.path, r.category_code, r.state, r.count, r.value FROM asset_rollups r "
                          "JOIN orgs o ON o.id = r.org_id"};
    const db::Sql tree{"test.perf.tree",
                       "SELECT ancestor_id, child_id, category_code, state, count, value FROM asset_rollup_tree "
                       "WHERE count <> 0 OR value <> 0"};
    if (from_rollups) {
      EXPECT_TRUE((*conn)
                      ->ForEach(rollups, {},
                                [&](const db::Row& r) {
                                  // "/1/4/17/" → ids 1, 4, 17: each id's child on the way.
                                  std::vector<std::string> ids;
                                  const std::string path = r.Text(0);
                                  for (size_t at = 1; at < path.size();) {
                                    const size_t slash = path.find('/', at);
                                    ids.push_back(path.substr(at, slash - at));
                                    at = slash + 1;
                                  }
                                  for (size_t i = 0; i < ids.size(); ++i) {
                                    const std::string child = i + 1 < ids.size() ? ids[i + 1] : ids[i];
                                    auto& v = fold[ids[i] + "|" + child + "|" + r.Text(1) + "|" + r.Text(2)];
                                    v.first += r.Int(3);
                                    v.second += r.Int(4);
                                  }
                                  return true;
                                })
                      .ok());
    } else {
      EXPECT_TRUE((*conn)
                      ->ForEach(tree, {},
                                [&](const db::Row& r) {
                                  fold[std::to_string(r.Int(0)) + "|" + std::to_string(r.Int(1)) + "|" + r.Text(2) +
                                       "|" + r.Text(3)] = {r.Int(4), r.Int(5)};
                                  return true;
                                })
                      .ok());
    }
    std::vector<std::string> out;
    for (const auto& [k, v] : fold) {
      if (v.first != 0 || v.second != 0) out.push_back(k + "|" + std::to_string(v.first) + "|" + std::to_string(v.second));
    }
    return out;
  }
};

TEST_F(AssetPerfTest, RollupTreeFollowsWritesAndOrgMoves) {
  CardInput pc = ValidInput();
  const auto a1 = MustRegister(pc);
  pc.original_value = Fen{123456};
  MustRegister(pc);
  CardInput b = ValidInput();
  b.location_id = room_b_.id;
  b.custodian_id = staff_b_.id;
  b.department_id = dept_b_.id;
  MustRegister(b, school_b_.id);
  ASSERT_TRUE(assets_->MarkIdle(clerk_a_caller_, a1.number, {}).ok());

  EXPECT_EQ(TreeRows(false), TreeRows(true));
  EXPECT_EQ(CountsByChild(county_.id), (std::map<int64_t, int64_t>{{edu_.id, 3}}));
  EXPECT_EQ(CountsByChild(edu_.id), (std::map<int64_t, int64_t>{{school_a_.id, 2}, {school_b_.id, 1}}));
  EXPECT_EQ(CountsByChild(school_a_.id), (std::map<int64_t, int64_t>{{school_a_.id, 2}}));

  // School B moves to health: the county's and both departments' totals follow.
  ASSERT_TRUE(orgs_->Move(cli_, school_b_.id, health_.id, "划转").ok());
  EXPECT_EQ(TreeRows(false), TreeRows(true));
  EXPECT_EQ(CountsByChild(county_.id), (std::map<int64_t, int64_t>{{edu_.id, 2}, {health_.id, 1}}));
  EXPECT_EQ(CountsByChild(edu_.id), (std::map<int64_t, int64_t>{{school_a_.id, 2}}));
  EXPECT_EQ(CountsByChild(health_.id), (std::map<int64_t, int64_t>{{school_b_.id, 1}}));

  // The county's list total (rollups) and its value.
  asset::CardFilter f;
  f.org_id = county_.id;
  auto page = assets_->List(CliPrincipal(), f);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 3);
  auto stats = assets_->Statistics(CliPrincipal(), {county_.id, {asset::StatsDimension::kState}});
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->total_value.value, 2 * ValidInput().original_value->value + 123456);
}

TEST_F(AssetPerfTest, FreeTextWalksGiveTheSamePagesAsSortedHits) {
  std::vector<std::string> all;  // numbers of the cards named 计算机…, in number order
  std::set<std::string> of_b;    // those of school B
  for (int i = 0; i < 7; ++i) {
    CardInput c = ValidInput();
    c.name = i % 2 ? "台式计算机" : "便携计算机";
    all.push_back(MustRegister(c).number);
  }
  CardInput other = ValidInput();
  other.name = "办公桌";
  MustRegister(other);
  const CardInput b = InSchoolB("台式计算机");
  all.push_back(MustRegister(b, school_b_.id).number);
  of_b.insert(all.back());
  std::sort(all.begin(), all.end());

  auto conn = db_->Read();
  ASSERT_TRUE(conn.ok());
  for (const bool subtree : {false, true}) {
    StoreScope scope = SchoolAOrCounty(subtree);
    scope.ordered = subtree;
    for (const auto plan : {StoreFilter::TextPlan::kHits, StoreFilter::TextPlan::kWalkSet,
                            StoreFilter::TextPlan::kWalkProbe}) {
      for (const bool desc : {false, true}) {
        StoreFilter f;
        f.text = "计算机";
        f.text_plan = plan;
        f.sort = SortKey::kNumber;
        f.descending = desc;
        std::vector<std::string> got;
        // Pages of 3, each after the last number seen.
        for (int guard = 0; guard < 10; ++guard) {
          auto cards = asset::AssetStore::List(**conn, scope, f, 3);
          ASSERT_TRUE(cards.ok()) << cards.error().log_detail;
          for (const auto& c : *cards) got.push_back(c.number);
          if (cards->size() < 3) break;
          f.after = asset::ListCursor{cards->back().number, 0, cards->back().id};
        }
        std::vector<std::string> want;
        for (const auto& n : all) {
          if (subtree || !of_b.contains(n)) want.push_back(n);
        }
        if (desc) std::reverse(want.begin(), want.end());
        EXPECT_EQ(got, want) << "subtree " << subtree << " plan " << static_cast<int>(plan) << " desc " << desc;
      }
    }
  }
  // Free text over the whole register: the total is the index's hit count.
  asset::CardFilter f;
  f.q = "计算机";
  f.limit = 2;
  auto page = assets_->List(CliPrincipal(), f);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 8);
  EXPECT_FALSE(page->total_capped);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].number, all[0]);
  EXPECT_EQ(page->items[1].number, all[1]);
}

// Free text in registration order: gathered and sorted (few hits) or read
// off the full-text index in its own order (many hits, SQLite) — the same
// pages either way, newest first by default, in scope only.
TEST_F(AssetPerfTest, FreeTextInRegistrationOrderGivesTheSamePagesByEitherPlan) {
  std::vector<int64_t> all;  // ids of the cards named …计算机, ascending
  std::set<int64_t> of_b;
  for (int i = 0; i < 7; ++i) {
    CardInput c = ValidInput();
    c.name = i % 2 ? "台式计算机" : "便携计算机";
    all.push_back(MustRegister(c).id);
    if (i == 3) {
      const CardInput b = InSchoolB("台式计算机");
      all.push_back(MustRegister(b, school_b_.id).id);
      of_b.insert(all.back());
    }
  }
  CardInput other = ValidInput();
  other.name = "办公桌";
  MustRegister(other);

  auto conn = db_->Read();
  ASSERT_TRUE(conn.ok());
  for (const bool subtree : {false, true}) {
    const StoreScope scope = SchoolAOrCounty(subtree);
    for (const auto plan : {StoreFilter::TextPlan::kHits, StoreFilter::TextPlan::kFtsOrder}) {
      for (const bool desc : {false, true}) {
        StoreFilter f;
        f.text = "计算机";
        f.text_plan = plan;
        f.sort = SortKey::kRegistered;
        f.descending = desc;
        std::vector<int64_t> got;
        for (int guard = 0; guard < 10; ++guard) {  // pages of 3
          auto cards = asset::AssetStore::List(**conn, scope, f, 3);
          ASSERT_TRUE(cards.ok()) << cards.error().log_detail;
          for (const auto& c : *cards) got.push_back(c.id);
          if (cards->size() < 3) break;
          f.after = asset::ListCursor{"", cards->back().id, cards->back().id};
        }
        std::vector<int64_t> want;
        for (const int64_t id : all) {
          if (subtree || !of_b.contains(id)) want.push_back(id);
        }
        if (desc) std::reverse(want.begin(), want.end());
        EXPECT_EQ(got, want) << "subtree " << subtree << " plan " << static_cast<int>(plan) << " desc " << desc;
      }
    }
  }

  // Through the service, with more hits than are gathered (1,000): the
  // newest first, the total "more than 1,000", pages by cursor agreeing
  // with the ids, and school A's clerk sees school A's only.
  std::vector<CardInput> many(1'010, ValidInput());
  for (size_t i = 0; i < many.size(); ++i) many[i].name = "多功能投影仪 " + std::to_string(i);
  {
    auto tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    auto r = assets_->RegisterMany(tx->conn(), ClerkA(), school_a_.id, many);
    ASSERT_TRUE(r.ok()) << r.error().en;
    ASSERT_TRUE(tx->Commit().ok());
  }
  const CardInput in_b = InSchoolB("多功能投影仪 B");
  const int64_t b_id = MustRegister(in_b, school_b_.id).id;
  asset::CardFilter f;
  f.q = "功能投影";
  f.sort = SortKey::kRegistered;
  f.descending = true;
  f.limit = 40;
  auto page = assets_->List(CliPrincipal(), f);
  ASSERT_TRUE(page.ok()) << page.error().en;
  EXPECT_EQ(page->total, 1'000);
  EXPECT_TRUE(page->total_capped);
  ASSERT_EQ(page->items.size(), 40u);
  EXPECT_EQ(page->items[0].id, b_id);  // the newest, in school B
  for (size_t i = 1; i < page->items.size(); ++i) {
    EXPECT_EQ(page->items[i].id, page->items[i - 1].id - 1) << i;  // consecutive registrations
  }
  f.cursor = page->next_cursor;
  auto second = assets_->List(CliPrincipal(), f);
  ASSERT_TRUE(second.ok()) << second.error().en;
  ASSERT_EQ(second->items.size(), 40u);
  EXPECT_EQ(second->items[0].id, page->items.back().id - 1);

  asset::CardFilter mine;
  mine.q = "功能投影";
  mine.sort = SortKey::kRegistered;
  mine.descending = true;
  mine.limit = 5;
  auto clerk = assets_->List(Who(clerk_a_), mine);
  ASSERT_TRUE(clerk.ok()) << clerk.error().en;
  ASSERT_EQ(clerk->items.size(), 5u);
  EXPECT_EQ(clerk->items[0].id, b_id - 1);  // B's card is not in school A
  EXPECT_EQ(clerk->total, 1'000);
  EXPECT_TRUE(clerk->total_capped);
  // A few hits are counted exactly.
  mine.q = "便携计算机";
  clerk = assets_->List(Who(clerk_a_), mine);
  ASSERT_TRUE(clerk.ok());
  EXPECT_EQ(clerk->total, 4);
  EXPECT_FALSE(clerk->total_capped);
}

}  // namespace
}  // namespace minsheng::testing
