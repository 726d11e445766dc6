#include "db/sqlite/fts5_gram_tokenizer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

namespace minsheng::db {
namespace {

using Tokens = std::vector<std::string>;

TEST(GramTokenizerTest, ChineseCharactersAndPairs) {
  EXPECT_EQ(GramTokens("联想电脑", false), (Tokens{"联", "联想", "想", "想电", "电", "电脑", "脑"}));
}

TEST(GramTokenizerTest, FoldsAsciiCaseOnly) {
  EXPECT_EQ(GramTokens("HPz", false), (Tokens{"h", "hp", "p", "pz", "z"}));
  // Not ASCII: kept as it is, as SQLite's LIKE compares it.
  EXPECT_EQ(GramTokens("ÄÖ", false), (Tokens{"Ä", "ÄÖ", "Ö"}));
  EXPECT_EQ(GramTokens("Ａ", false), (Tokens{"Ａ"}));  // full-width A
}

TEST(GramTokenizerTest, MixedScriptsAndPunctuation) {
  EXPECT_EQ(GramTokens("DR-联", false), (Tokens{"d", "dr", "r", "r-", "-", "-联", "联"}));
  EXPECT_EQ(GramTokens("a b", false), (Tokens{"a", "a ", " ", " b", "b"}));
  EXPECT_EQ(GramTokens("𠀀x", false), (Tokens{"𠀀", "𠀀x", "x"}));  // 4-byte character
}

TEST(GramTokenizerTest, OneCharacterAndEmptyFields) {
  EXPECT_EQ(GramTokens("阀", false), (Tokens{"阀"}));
  EXPECT_EQ(GramTokens("Q", false), (Tokens{"q"}));
  EXPECT_TRUE(GramTokens("", false).empty());
  EXPECT_TRUE(GramTokens("", true).empty());
}

TEST(GramTokenizerTest, QueryIsOneFoldedToken) {
  EXPECT_EQ(GramTokens("联想", true), (Tokens{"联想"}));
  EXPECT_EQ(GramTokens("Hp", true), (Tokens{"hp"}));
  EXPECT_EQ(GramTokens("\"", true), (Tokens{"\""}));
  EXPECT_EQ(GramTokens("*", true), (Tokens{"*"}));
}

TEST(GramTokenizerTest, InvalidUtf8IsBytes) {
  // A truncated sequence, a stray continuation byte, 0xFF: one character each.
  EXPECT_EQ(GramTokens("a\xE8\xAF", false), (Tokens{"a", "a\xE8", "\xE8", "\xE8\xAF", "\xAF"}));
  EXPECT_EQ(GramTokens("\x80\xFF", false), (Tokens{"\x80", "\x80\xFF", "\xFF"}));
  EXPECT_EQ(GramTokens("\xF0\x9F", false), (Tokens{"\xF0", "\xF0\x9F", "\x9F"}));  // truncated at the end
}

// The tokenizer inside SQLite: an external-content-less table, queried as
// the list queries it (a quoted phrase).
class GramTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    ASSERT_EQ(RegisterGramTokenizer(db_), SQLITE_OK);
    Exec("CREATE VIRTUAL TABLE t USING fts5(a, b, tokenize = 'ms_gram', detail = none, columnsize = 0)");
    Exec("INSERT INTO t (rowid, a, b) VALUES (1, '联想电脑', 'HP'), (2, '阀门', NULL), (3, 'x', '联想'), "
         "(4, 'a\"b', '*-''')");
  }
  void TearDown() override { sqlite3_close(db_); }

  void Exec(const std::string& sql) {
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  }

  // Rowids matching the phrase of `q` (quotes doubled), or {-1} on an error.
  std::vector<int64_t> Match(const std::string& q) {
    std::string phrase = "\"";
    for (char ch : q) {
      phrase.push_back(ch);
      if (ch == '"') phrase.push_back('"');
    }
    phrase.push_back('"');
    sqlite3_stmt* st = nullptr;
    std::vector<int64_t> out;
    if (sqlite3_prepare_v2(db_, "SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY rowid", -1, &st, nullptr) !=
        SQLITE_OK) {
      return {-1};
    }
    sqlite3_bind_text(st, 1, phrase.c_str(), static_cast<int>(phrase.size()), SQLITE_TRANSIENT);
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) out.push_back(sqlite3_column_int64(st, 0));
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return {-1};
    return out;
  }

  sqlite3* db_ = nullptr;
};

TEST_F(GramTableTest, OneAndTwoCharacterQueries) {
  EXPECT_EQ(Match("联想"), (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(Match("联"), (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(Match("脑"), (std::vector<int64_t>{1}));  // the end of a field
  EXPECT_EQ(Match("阀"), (std::vector<int64_t>{2}));
  EXPECT_EQ(Match("hp"), (std::vector<int64_t>{1}));
  EXPECT_EQ(Match("hP"), (std::vector<int64_t>{1}));
  EXPECT_TRUE(Match("脑H").empty());  // never across two fields
  EXPECT_TRUE(Match("门x").empty());
}

TEST_F(GramTableTest, QuerySyntaxCharactersAreText) {
  EXPECT_EQ(Match("\""), (std::vector<int64_t>{4}));
  EXPECT_EQ(Match("a\""), (std::vector<int64_t>{4}));
  EXPECT_EQ(Match("*"), (std::vector<int64_t>{4}));
  EXPECT_EQ(Match("-"), (std::vector<int64_t>{4}));
  EXPECT_EQ(Match("'"), (std::vector<int64_t>{4}));
  EXPECT_EQ(Match("*-"), (std::vector<int64_t>{4}));
  EXPECT_TRUE(Match("(").empty());
}

}  // namespace
}  // namespace minsheng::db
