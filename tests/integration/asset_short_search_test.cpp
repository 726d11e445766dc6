// Free text of one or two characters (SQLite: the assets_short index of
// 0010; PostgreSQL: a bounded LIKE scan) finds exactly the cards a LIKE over
// the five fields finds, in every sort order and scope: brand-only matches,
// matches at a field's ends, any ASCII case, characters that are FTS5 syntax,
// after edits and after a bulk insert; other units' cards stay invisible and
// totals are exact below the count caps and capped above them.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "asset/store.h"
#include "asset_fixture.h"
#include "core/text.h"

namespace minsheng::testing {
namespace {

using asset::Card;
using asset::CardFilter;
using asset::CardInput;
using asset::SortKey;
using Numbers = std::set<std::string>;

class AssetShortSearchTest : public AssetTest {
 protected:
  void SetUp() override {
    AssetTest::SetUp();
    if (HasFatalFailure()) return;
    auto add = [&](const std::string& name, const std::optional<std::string>& brand,
                   const std::optional<std::string>& model, const std::optional<std::string>& serial,
                   int64_t org_id = 0) {
      CardInput c = ValidInput();
      c.name = name;
      c.brand = brand;
      c.model = model;
      c.serial_no = serial;
      if (org_id != 0) {
        c.location_id = room_b_.id;
        c.custodian_id = staff_b_.id;
        c.department_id = dept_b_.id;
      }
      return MustRegister(c, org_id);
    };
    lenovo_ = add("台式计算机", "联想", "M720", "SN 0001");           // 联想 only as the brand
    hp_ = add("笔记本电脑", "HP", "ProBook 450", "5CD1");             // 脑 at the end of the name
    valve_ = add("阀", std::nullopt, std::nullopt, std::nullopt);     // a 1-character field, NULLs
    drill_ = add("电钻", "Dr.Tool", "x\"*'", "DR-9");                 // quote, star, apostrophe
    screen_ = add("希沃一体机", "希沃", "dR", std::nullopt);          // 2-character brand, lower dR
    b_lenovo_ = add("联想电脑", "联想", std::nullopt, std::nullopt, school_b_.id);
  }

  CardFilter Query(const std::string& q, SortKey sort = SortKey::kNumber, bool desc = false, int limit = 50) {
    CardFilter f;
    f.q = q;
    f.sort = sort;
    f.descending = desc;
    f.limit = limit;
    return f;
  }

  // Every card of a query, page after page; the totals of the first page.
  struct Walked {
    std::vector<std::string> numbers;
    int64_t total = -1;
    bool capped = false;
  };
  Walked Walk(const auth::SessionState& who, CardFilter f) {
    Walked out;
    for (int pages = 0; pages < 1000; ++pages) {
      auto page = assets_->List(Who(who), f);
      EXPECT_TRUE(page.ok()) << (page.ok() ? "" : page.error().en + " " + page.error().log_detail);
      if (!page.ok()) break;
      if (out.total < 0) {
        out.total = page->total;
        out.capped = page->total_capped;
      }
      for (const auto& c : page->items) out.numbers.push_back(c.number);
      if (!page->next_cursor) break;
      f.cursor = *page->next_cursor;
    }
    return out;
  }
  Numbers Find(const auth::SessionState& who, const std::string& q) {
    const auto w = Walk(who, Query(q));
    return {w.numbers.begin(), w.numbers.end()};
  }

  // What a LIKE over the five fields finds among the cards of org_ids
  // (ASCII case folded as the list folds it).
  Numbers LikeScan(const std::string& q, const std::vector<int64_t>& org_ids) {
    const std::string pattern = LikeContainsPattern(q);
    const db::Sql sql{"test.short.like",
                      "SELECT number, org_id FROM assets WHERE lower(name) LIKE $1 ESCAPE '!' OR lower(number) LIKE $1 "
                      "ESCAPE '!' OR lower(model) LIKE $1 ESCAPE '!' OR lower(serial_no) LIKE $1 ESCAPE '!' OR "
                      "lower(brand) LIKE $1 ESCAPE '!'"};
    Numbers out;
    auto lease = db_->Read();
    EXPECT_TRUE(lease.ok());
    if (!lease.ok()) return out;
    auto r = (*lease)->ForEach(sql, {pattern}, [&](const db::Row& row) {
      if (std::find(org_ids.begin(), org_ids.end(), row.Int(1)) != org_ids.end()) out.insert(row.Text(0));
      return true;
    });
    EXPECT_TRUE(r.ok()) << r.error().log_detail;
    return out;
  }

  Card lenovo_, hp_, valve_, drill_, screen_, b_lenovo_;
};

TEST_F(AssetShortSearchTest, OneAndTwoCharactersFindWhatLikeFinds) {
  // Hand-computed: numbers are "T-SCHOOL-A2026…", so letters of them match all.
  EXPECT_EQ(Find(clerk_a_, "联想"), (Numbers{lenovo_.number}));  // the brand alone, a whole 2-character field
  EXPECT_EQ(Find(clerk_a_, "联"), (Numbers{lenovo_.number}));
  EXPECT_EQ(Find(clerk_a_, "想"), (Numbers{lenovo_.number}));    // the end of a field
  EXPECT_EQ(Find(clerk_a_, "脑"), (Numbers{hp_.number}));
  EXPECT_EQ(Find(clerk_a_, "电"), (Numbers{hp_.number, drill_.number}));
  EXPECT_EQ(Find(clerk_a_, "电脑"), (Numbers{hp_.number}));
  EXPECT_EQ(Find(clerk_a_, "阀"), (Numbers{valve_.number}));
  EXPECT_EQ(Find(clerk_a_, "希沃"), (Numbers{screen_.number}));
  EXPECT_EQ(Find(clerk_a_, "HP"), (Numbers{hp_.number}));        // any ASCII case
  EXPECT_EQ(Find(clerk_a_, "hp"), (Numbers{hp_.number}));
  EXPECT_EQ(Find(clerk_a_, "hP"), (Numbers{hp_.number}));
  EXPECT_EQ(Find(clerk_a_, "DR"), (Numbers{drill_.number, screen_.number}));
  EXPECT_EQ(Find(clerk_a_, "\""), (Numbers{drill_.number}));     // FTS5 syntax is text
  EXPECT_EQ(Find(clerk_a_, "*"), (Numbers{drill_.number}));
  EXPECT_EQ(Find(clerk_a_, "'"), (Numbers{drill_.number}));
  EXPECT_EQ(Find(clerk_a_, "\"*"), (Numbers{drill_.number}));
  EXPECT_EQ(Find(clerk_a_, "*'"), (Numbers{drill_.number}));
  EXPECT_EQ(Find(clerk_a_, "x\""), (Numbers{drill_.number}));
  EXPECT_EQ(Find(clerk_a_, "(" ), Numbers{});
  EXPECT_EQ(Find(clerk_a_, "%"), Numbers{});                     // LIKE syntax is text too
  EXPECT_EQ(Find(clerk_a_, "_"), Numbers{});
  EXPECT_EQ(Find(clerk_a_, "N 0"), (Numbers{lenovo_.number}));   // a space inside
  EXPECT_EQ(Find(clerk_a_, "脑H"), Numbers{});                   // never across two fields
  EXPECT_EQ(Find(clerk_a_, "-").size(), 5u);                      // every number has one
  EXPECT_EQ(Find(clerk_a_, "A2").size(), 5u);
  // And the same as a LIKE scan, for these and more.
  for (const std::string q : {"联想", "联", "想", "脑", "电", "电脑", "阀", "希沃", "沃", "HP", "hp", "Dr", "r", "-",
                              "\"", "*", "'", ".", "0", "00", "45", "5c", "m7", "一体", "体机", "机", "计", "zz"}) {
    EXPECT_EQ(Find(clerk_a_, q), LikeScan(q, {school_a_.id})) << q;
    EXPECT_EQ(Find(supervisor_, q), LikeScan(q, {school_a_.id, school_b_.id})) << q;
  }
}

// SQLite answers from assets_short, not by scanning: with the index emptied
// nothing is found, rebuilt everything is again.
TEST_F(AssetShortSearchTest, SqliteAnswersFromTheShortIndex) {
  if (TestEngine() != db::Engine::kSqlite) GTEST_SKIP() << "SQLite's assets_short";
  auto clear = [&](const char* command) {
    auto tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    auto r = (*tx)->ExecScript(std::string("INSERT INTO assets_short (assets_short) VALUES ('") + command + "')");
    ASSERT_TRUE(r.ok()) << r.error().log_detail;
    ASSERT_TRUE(tx->Commit().ok());
  };
  clear("delete-all");
  EXPECT_EQ(Find(clerk_a_, "联想"), Numbers{});
  EXPECT_EQ(Find(clerk_a_, "阀"), Numbers{});
  EXPECT_EQ(Find(clerk_a_, "计算机"), (Numbers{lenovo_.number}));  // 3+: the trigram table
  clear("rebuild");
  EXPECT_EQ(Find(clerk_a_, "联想"), (Numbers{lenovo_.number}));
  EXPECT_EQ(Find(clerk_a_, "阀"), (Numbers{valve_.number}));
}

TEST_F(AssetShortSearchTest, OtherUnitsCardsStayInvisible) {
  EXPECT_EQ(Find(clerk_b_, "联想"), (Numbers{b_lenovo_.number}));
  EXPECT_EQ(Find(clerk_b_, "阀"), Numbers{});
  EXPECT_EQ(Find(supervisor_, "联想"), (Numbers{lenovo_.number, b_lenovo_.number}));
  EXPECT_EQ(Find(health_sup_, "联想"), Numbers{});
  auto page = assets_->List(Who(clerk_b_), Query("电脑"));
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 1);
  EXPECT_FALSE(page->total_capped);
  CardFilter other_unit = Query("联想");
  other_unit.org_id = school_a_.id;
  EXPECT_EQ(assets_->List(Who(clerk_b_), other_unit).error().kind, ErrorCode::kNotFound);

  // Two scope roots (school A exactly and the health subtree): both, merged.
  CardInput h = ValidInput();
  h.custodian_id.reset();
  h.department_id.reset();
  h.name = "联想显示器";
  asset::DirectoryInput in;
  in.name = "门诊楼";
  auto room = dirs_->CreateLocation(cli_, clinic_.id, in);
  ASSERT_TRUE(room.ok());
  h.location_id = room->id;
  const Card clinic_card = MustRegister(h, clinic_.id);
  auth::NewUser u;
  u.username = "two_roots";
  u.display_name = "两个范围";
  u.org_id = school_a_.id;
  u.password = kPassword;
  u.must_change_password = false;
  u.roles = {{std::string(auth::RoleName(auth::Role::kUnitClerk)), school_a_.id},
             {std::string(auth::RoleName(auth::Role::kDeptSupervisor)), health_.id}};
  ASSERT_TRUE(users_->Create(cli_, u).ok());
  auto session = auth_->Login({"two_roots", kPassword, std::nullopt, "127.0.0.1", "gtest", "req-login"});
  ASSERT_TRUE(session.ok());
  const auto two = Walk(session->state, Query("联想"));
  std::vector<std::string> by_number{lenovo_.number, clinic_card.number};
  std::sort(by_number.begin(), by_number.end());
  EXPECT_EQ(two.numbers, by_number);
  EXPECT_EQ(two.total, 2);
  const auto two_desc = Walk(session->state, Query("联想", SortKey::kRegistered, true, 1));
  EXPECT_EQ(two_desc.numbers, (std::vector<std::string>{clinic_card.number, lenovo_.number}));
}

TEST_F(AssetShortSearchTest, EditsAndBulkInsertsKeepTheIndexInStep) {
  asset::CardPatch p;
  p.version = hp_.version;
  p.set.name = "笔记本";
  p.set.brand = "惠普";
  auto edited = assets_->Edit(clerk_a_caller_, hp_.number, p);
  ASSERT_TRUE(edited.ok()) << edited.error().en;
  EXPECT_EQ(Find(clerk_a_, "电脑"), Numbers{});  // the old words are gone
  EXPECT_EQ(Find(clerk_a_, "脑"), Numbers{});
  EXPECT_EQ(Find(clerk_a_, "hp"), Numbers{});
  EXPECT_EQ(Find(clerk_a_, "惠普"), (Numbers{hp_.number}));
  EXPECT_EQ(Find(clerk_a_, "本"), (Numbers{hp_.number}));
  EXPECT_EQ(Find(clerk_a_, "pr"), (Numbers{hp_.number}));  // untouched fields stay found

  // The import's bulk path: the per-row triggers are off, the index is
  // filled at the end, and cards registered afterwards are indexed again.
  std::vector<CardInput> rows(30, ValidInput());
  for (size_t i = 0; i < rows.size(); ++i) rows[i].name = i % 2 ? "课桌" : "课椅";
  rows[7].brand = "联想";
  {
    auto tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    auto bulk = asset::AssetStore::BeginBulk(**tx, {});
    ASSERT_TRUE(bulk.ok()) << bulk.error().log_detail;
    auto r = assets_->RegisterMany(tx->conn(), clerk_a_caller_, school_a_.id, rows);
    ASSERT_TRUE(r.ok()) << r.error().en;
    ASSERT_TRUE(asset::AssetStore::FinishBulk(**tx, *bulk).ok());
    asset::AssetStore::EndBulkCache(**tx, *bulk);
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(Find(clerk_a_, "课").size(), 30u);
  EXPECT_EQ(Find(clerk_a_, "课桌").size(), 15u);
  EXPECT_EQ(Find(clerk_a_, "联想").size(), 2u);
  EXPECT_EQ(Find(clerk_a_, "课"), LikeScan("课", {school_a_.id}));
  CardInput later = ValidInput();
  later.name = "课桌";
  MustRegister(later);
  EXPECT_EQ(Find(clerk_a_, "课桌").size(), 16u);
  if (TestEngine() == db::Engine::kSqlite) {
    EXPECT_EQ(CountRows("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'assets_short_insert'"),
              1);
    auto tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    // FTS5 compares its index with the content table: a missing or extra
    // entry is SQLITE_CORRUPT_VTAB.
    auto check = (*tx)->ExecScript("INSERT INTO assets_short (assets_short) VALUES ('integrity-check')");
    EXPECT_TRUE(check.ok()) << check.error().log_detail;
  }
}

// Totals: exact up to the cap each plan counts to (registration order: 1,000
// hits; other orders: 10,000 cards), then the cap and total_capped; pages in
// every order hold the right cards in the right order.
TEST_F(AssetShortSearchTest, TotalsAreExactBelowTheCapAndCappedAbove) {
  std::vector<CardInput> rows(1'001, ValidInput());
  for (size_t i = 0; i < rows.size(); ++i) {
    rows[i].name = "课桌";
    rows[i].original_value = Fen{int64_t{100'000} + static_cast<int64_t>(i % 7)};
  }
  rows[500].name = "课椅";  // 1,000 课桌, 1,001 课
  {
    auto tx = db_->Write();
    auto r = assets_->RegisterMany(tx->conn(), clerk_a_caller_, school_a_.id, rows);
    ASSERT_TRUE(r.ok()) << r.error().en;
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto total = [&](const std::string& q, SortKey sort) {
    auto page = assets_->List(Who(clerk_a_), Query(q, sort, true));
    EXPECT_TRUE(page.ok());
    return page.ok() ? std::make_pair(page->total, page->total_capped) : std::make_pair(int64_t{-1}, false);
  };
  if (TestEngine() == db::Engine::kSqlite) {
    // Registration order reads the index in its own order past 1,000 hits.
    EXPECT_EQ(total("课桌", SortKey::kRegistered), std::make_pair(int64_t{1'000}, false));  // at the cap: exact
    EXPECT_EQ(total("课", SortKey::kRegistered), std::make_pair(int64_t{1'000}, true));     // above it
  } else {
    // PostgreSQL: the bounded scan (20,000 cards) counts every card here.
    EXPECT_EQ(total("课", SortKey::kRegistered), std::make_pair(int64_t{1'001}, false));
  }
  EXPECT_EQ(total("课", SortKey::kNumber), std::make_pair(int64_t{1'001}, false));
  EXPECT_EQ(total("椅", SortKey::kNumber), std::make_pair(int64_t{1}, false));
  EXPECT_EQ(total("课", SortKey::kOriginalValue), std::make_pair(int64_t{1'001}, false));
  // Every order pages through the same cards once, in order.
  const Numbers all = LikeScan("课", {school_a_.id});
  ASSERT_EQ(all.size(), 1'001u);
  for (const SortKey sort : {SortKey::kNumber, SortKey::kName, SortKey::kAcquiredOn, SortKey::kOriginalValue,
                             SortKey::kRegistered}) {
    for (const bool desc : {false, true}) {
      const auto w = Walk(clerk_a_, Query("课", sort, desc, 400));
      EXPECT_EQ(w.numbers.size(), 1'001u) << static_cast<int>(sort) << desc;
      EXPECT_EQ(Numbers(w.numbers.begin(), w.numbers.end()), all) << static_cast<int>(sort) << desc;
      if (sort == SortKey::kNumber || sort == SortKey::kRegistered) {  // numbers grow with registration
        EXPECT_TRUE(std::is_sorted(w.numbers.begin(), w.numbers.end(),
                                   [&](const std::string& a, const std::string& b) { return desc ? b < a : a < b; }))
            << static_cast<int>(sort) << desc;
      }
    }
  }
  // Other filters narrow the same counts: 143 of the 1,001 have value 100,000.
  CardFilter f = Query("课", SortKey::kRegistered, true);
  f.min_value = Fen{100'000};
  f.max_value = Fen{100'000};
  const auto narrowed = Walk(clerk_a_, f);
  EXPECT_EQ(narrowed.numbers.size(), 143u);
  EXPECT_EQ(narrowed.total, 143);
  EXPECT_FALSE(narrowed.capped);
}

TEST_F(AssetShortSearchTest, NumberOrderCountsAreCappedAtTenThousand) {
  std::vector<CardInput> rows(10'001, ValidInput());
  for (auto& r : rows) r.name = "凳";
  {
    auto tx = db_->Write();
    auto r = assets_->RegisterMany(tx->conn(), clerk_a_caller_, school_a_.id, rows);
    ASSERT_TRUE(r.ok()) << r.error().en;
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto page = assets_->List(Who(clerk_a_), Query("凳"));
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 10'000);
  EXPECT_TRUE(page->total_capped);
  ASSERT_EQ(page->items.size(), 50u);
  EXPECT_EQ(page->items.front().number, "T-SCHOOL-A2026000006");  // after the fixture's five
  EXPECT_EQ(page->items.back().number, "T-SCHOOL-A2026000055");
  CardFilter few = Query("凳");
  few.custodian_id = staff_a2_.id;  // none of them
  auto none = assets_->List(Who(clerk_a_), few);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->total, 0);
  EXPECT_FALSE(none->total_capped);
}

}  // namespace
}  // namespace minsheng::testing
