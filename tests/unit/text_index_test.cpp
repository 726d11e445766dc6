// TextIndex against a plain scan of the same cards: every answer (page ids
// and capped count) must be what searching each card's text would give,
// through loads, reloads, cards moving between units, forgetting and
// compaction.
#include "asset/text_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

namespace minsheng::asset {
namespace {

struct Stored {
  int64_t unit = 0;
  uint8_t state = 0;
  std::string text;
};

// The answer a scan gives.
TextIndex::Answer Scan(const std::map<int64_t, Stored>& cards, const TextIndex::Query& q) {
  std::set<int64_t> units(q.units.begin(), q.units.end());
  TextIndex::Answer a;
  std::vector<int64_t> ids;
  for (const auto& [id, c] : cards) {
    if (!units.count(c.unit) || (q.state && c.state != *q.state)) continue;
    if (c.text.find(q.term) == std::string::npos) continue;
    ids.push_back(id);
  }
  if (q.count_cap > 0) a.count = std::min<int64_t>(static_cast<int64_t>(ids.size()), q.count_cap + 1);
  if (q.descending) std::reverse(ids.begin(), ids.end());
  for (const int64_t id : ids) {
    if (a.ids.size() >= q.want) break;
    if (q.from && (q.descending ? id > *q.from : id < *q.from)) continue;
    a.ids.push_back(id);
  }
  return a;
}

size_t CodePoints(std::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

class TextIndexTest : public ::testing::Test {
 protected:
  // Text from a small alphabet, so trigrams repeat and terms match often.
  std::string RandomText() {
    static const std::vector<std::string> kPieces = {"计", "算", "机", "投", "影", "仪", "a", "b", "1", "2",
                                                     "-", "学", "生", "\x1f", "x"};
    std::uniform_int_distribution<size_t> len(0, 14), pick(0, kPieces.size() - 1);
    std::string s;
    for (size_t n = len(rng_); n > 0; --n) s += kPieces[pick(rng_)];
    return s;
  }
  std::string RandomTerm() {
    std::uniform_int_distribution<int> kind(0, 5);
    const int k = kind(rng_);
    if (k == 4) return std::vector<std::string>{"计", "a", "b1", "机x", "仪", "2-"}[rng_() % 6];
    if (k == 5) return std::vector<std::string>{"学生", "1", "影仪", "x", "-", "zz"}[rng_() % 6];
    if (k == 0 || cards_.empty()) {
      std::string t;
      while (CodePoints(t) < 3) t = RandomText();
      return t;
    }
    // A piece of some card's text, cut at code points.
    auto it = cards_.begin();
    std::advance(it, std::uniform_int_distribution<size_t>(0, cards_.size() - 1)(rng_));
    std::vector<size_t> starts;
    const std::string& s = it->second.text;
    for (size_t i = 0; i < s.size(); ++i) {
      if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) starts.push_back(i);
    }
    starts.push_back(s.size());
    if (starts.size() < 4) return "计算机";
    const size_t first = std::uniform_int_distribution<size_t>(0, starts.size() - 4)(rng_);
    const size_t last = std::uniform_int_distribution<size_t>(first + 3, starts.size() - 1)(rng_);
    return s.substr(starts[first], starts[last] - starts[first]);
  }
  void LoadUnit(int64_t unit, int64_t token) {
    std::vector<TextIndex::Card> rows;
    for (const auto& [id, c] : cards_) {
      if (c.unit == unit) rows.push_back({id, c.state, c.text});
    }
    ASSERT_TRUE(index_.Load(unit, token, rows));
  }
  void CheckQueries(int n) {
    std::vector<int64_t> all = {1, 2, 3, 4, 5};
    for (int i = 0; i < n; ++i) {
      const std::string term = RandomTerm();
      std::vector<int64_t> units;
      for (const int64_t u : all) {
        if (std::uniform_int_distribution<int>(0, 2)(rng_) > 0) units.push_back(u);
      }
      if (i % 3 == 0) units = all;
      TextIndex::Query q;
      q.term = term;
      q.units = units;
      if (i % 4 == 1) q.state = static_cast<uint8_t>(i % 3);
      q.descending = i % 2 == 0;
      if (i % 5 > 1) q.from = std::uniform_int_distribution<int64_t>(-3, 700)(rng_);
      q.want = std::uniform_int_distribution<size_t>(0, 40)(rng_);
      q.count_cap = std::uniform_int_distribution<int64_t>(0, 60)(rng_);
      const auto got = index_.Find(q);
      ASSERT_TRUE(got.has_value());
      const auto want = Scan(cards_, q);
      ASSERT_EQ(got->ids, want.ids) << "term " << term << " query " << i;
      ASSERT_EQ(got->count, want.count) << "term " << term << " query " << i;
    }
  }

  std::mt19937_64 rng_{20261123};
  std::map<int64_t, Stored> cards_;
  TextIndex index_;
};

TEST_F(TextIndexTest, AnswersAsAScanOfTheCardsWould) {
  for (int64_t id = 1; id <= 600; ++id) {
    cards_[id] = {1 + id % 5, static_cast<uint8_t>(id % 3), RandomText()};
  }
  for (int64_t unit = 1; unit <= 5; ++unit) LoadUnit(unit, 10 + unit);
  EXPECT_EQ(index_.Cards(), 600u);
  EXPECT_EQ(index_.Token(3), 13);
  EXPECT_FALSE(index_.Token(9).has_value());
  CheckQueries(1500);
  index_.Compact();
  CheckQueries(300);
}

TEST_F(TextIndexTest, ReloadsFollowEditsMovesAndRemovals) {
  for (int64_t id = 1; id <= 400; ++id) {
    cards_[id] = {1 + id % 4, static_cast<uint8_t>(id % 3), RandomText()};
  }
  for (int64_t unit = 1; unit <= 4; ++unit) LoadUnit(unit, 1);
  for (int round = 0; round < 12; ++round) {
    // Edit some texts and states, remove some cards, add some, move some to
    // unit 5; reload the units in a random order (a moved card is briefly in
    // two units' rows until the second reload).
    for (int k = 0; k < 40; ++k) {
      const int64_t id = std::uniform_int_distribution<int64_t>(1, 700)(rng_);
      const int what = std::uniform_int_distribution<int>(0, 3)(rng_);
      if (what == 0) {
        cards_.erase(id);
      } else if (what == 1) {
        cards_[id] = {1 + id % 4, static_cast<uint8_t>(k % 3), RandomText()};
      } else if (what == 2 && cards_.count(id)) {
        cards_[id].unit = 5;
      } else if (cards_.count(id)) {
        cards_[id].state = static_cast<uint8_t>((cards_[id].state + 1) % 3);
      }
    }
    std::vector<int64_t> order = {1, 2, 3, 4, 5};
    std::shuffle(order.begin(), order.end(), rng_);
    for (const int64_t unit : order) LoadUnit(unit, round + 2);
    CheckQueries(150);
    if (round % 4 == 3) index_.Compact();
  }
  EXPECT_EQ(index_.Cards(), cards_.size());
  // A unit forgotten is out of every answer.
  for (auto it = cards_.begin(); it != cards_.end();) {
    it = it->second.unit == 2 ? cards_.erase(it) : std::next(it);
  }
  index_.Forget(2);
  EXPECT_FALSE(index_.Token(2).has_value());
  CheckQueries(200);
  EXPECT_EQ(index_.Cards(), cards_.size());
}

TEST(TextIndexLimit, RefusesIdsNotBelowItsLimit) {
  TextIndex index(1000);
  EXPECT_FALSE(index.Load(1, 1, {{5, 0, "xyz"}, {1000, 0, "abcdef"}}));
  EXPECT_FALSE(index.Load(1, 1, {{-1, 0, "abcdef"}}));
  EXPECT_EQ(index.Cards(), 0u);
  EXPECT_FALSE(index.Token(1).has_value());
  EXPECT_TRUE(index.Load(1, 1, {{999, 0, "abcdef"}}));
  TextIndex::Query q;
  q.term = "bcd";
  const std::vector<int64_t> units = {1};
  q.units = units;
  q.want = 5;
  q.count_cap = 10;
  const auto a = index.Find(q);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->ids, std::vector<int64_t>{999});
  EXPECT_EQ(a->count, 1);
}

// A memory budget bounds the ids through the slot array alone: the ids a
// budget allows fill about that budget with slots, and never fewer than one.
TEST(TextIndexLimit, ABudgetAllowsTheIdsItsSlotsHold) {
  EXPECT_EQ(TextIndex::IdLimitFor(0), 1u);
  const uint64_t limit = TextIndex::IdLimitFor(size_t{1} << 20);
  EXPECT_GT(limit, (uint64_t{1} << 20) / 64);  // a slot is small …
  EXPECT_LT(limit, (uint64_t{1} << 20) / 8);   // … and not nothing
  TextIndex index(limit);
  EXPECT_TRUE(index.Load(1, 1, {{static_cast<int64_t>(limit) - 1, 0, "abcdef"}}));
  EXPECT_FALSE(index.Load(2, 1, {{static_cast<int64_t>(limit), 0, "abcdef"}}));
  EXPECT_LE(index.Bytes(), (size_t{1} << 20) + (size_t{1} << 16));  // the slots and one card's bitmaps
}

// A byte that is not UTF-8 (never in the database's text) matches nothing
// but itself in a text search; the end of a text is no character either.
TEST(TextIndexLimit, StrayBytesAndTheEndOfATextMatchNoTerm) {
  TextIndex index;
  ASSERT_TRUE(index.Load(1, 1, {{1, 0, "\xff" "ab"}, {2, 0, "\xc3\xbf" "ab"}, {3, 0, "xyab"}}));
  const std::vector<int64_t> units = {1};
  const auto find = [&](std::string_view term) {
    TextIndex::Query q;
    q.term = term;
    q.units = units;
    q.want = 10;
    q.count_cap = 10;
    const auto a = index.Find(q);
    EXPECT_TRUE(a.has_value());
    EXPECT_EQ(a ? a->count : -1, a ? static_cast<int64_t>(a->ids.size()) : -2) << term;
    return a ? a->ids : std::vector<int64_t>{};
  };
  EXPECT_EQ(find("\xc3\xbf" "ab"), std::vector<int64_t>{2});  // ÿab: not the stray byte
  EXPECT_EQ(find("ab"), (std::vector<int64_t>{3, 2, 1}));
  EXPECT_EQ(find("b"), (std::vector<int64_t>{3, 2, 1}));
  EXPECT_EQ(find("yab"), std::vector<int64_t>{3});
  EXPECT_EQ(find("ab\x1f"), std::vector<int64_t>{});
}

TEST(TextIndexFold, LowersAsciiAndKeepsCaselessText) {
  EXPECT_EQ(TextIndex::FoldTerm("BeneVision"), "benevision");
  EXPECT_EQ(TextIndex::FoldTerm("ZX-012026"), "zx-012026");
  EXPECT_EQ(TextIndex::FoldTerm("电子白板"), "电子白板");
  EXPECT_EQ(TextIndex::FoldTerm("（教学）①号·Ａ楼"), std::nullopt);  // fullwidth Ａ has case
  EXPECT_EQ(TextIndex::FoldTerm("（教学）①号·楼"), "（教学）①号·楼");
  // Letters with case outside ASCII are left to the database.
  EXPECT_EQ(TextIndex::FoldTerm("Émile"), std::nullopt);
  EXPECT_EQ(TextIndex::FoldTerm("Ⅱ型泵"), std::nullopt);
  EXPECT_EQ(TextIndex::FoldTerm("\xe4\xb8"), std::nullopt);  // cut UTF-8
  EXPECT_EQ(TextIndex::FoldTerm("a\x1f"), std::nullopt);     // the fields' separator
}

}  // namespace
}  // namespace minsheng::asset
