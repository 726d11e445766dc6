#include <gtest/gtest.h>

#include "exchange/columns.h"
#include "exchange/grid.h"

namespace minsheng::exchange {
namespace {

std::vector<ColumnSpec> Specs() {
  return {
      {"name", {"资产名称", "名称"}, {"Asset name", "Name"}, true},
      {"original_value", {"原值（元）", "原值"}, {"Original value (yuan)"}, true},
      {"acquired_on", {"取得日期"}, {"Acquired on"}, false},
      {"location", {"存放地点"}, {"Location"}, false},
  };
}

Grid GridOf(std::vector<std::vector<std::string>> rows) {
  Grid g;
  int64_t n = 0;
  for (const auto& r : rows) g.AddRow(++n, r);
  return g;
}

TEST(ExchangeGridTest, DropsBlankRowsAndTrailingBlankCells) {
  Grid g;
  g.AddRow(1, std::vector<std::string>{"a", "", "b", "", "  "});
  g.AddRow(2, std::vector<std::string>{"", " ", "\xE3\x80\x80"});
  g.AddRow(3, std::vector<std::string>{});
  g.AddRow(4, std::vector<std::string>{"", "x"});
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g.SourceRow(0), 1);
  EXPECT_EQ(g.CellCount(0), 3u);
  EXPECT_EQ(g.Cell(0, 2), "b");
  EXPECT_EQ(g.Cell(0, 7), "");
  EXPECT_EQ(g.SourceRow(1), 4);
  EXPECT_EQ(g.Cell(1, 0), "");
  EXPECT_EQ(g.Cell(1, 1), "x");
  EXPECT_EQ(g.FindSourceRow(4), 1u);
  EXPECT_EQ(g.FindSourceRow(2), std::nullopt);
  g.ReplaceRow(0, std::vector<std::string>{"z"});
  EXPECT_EQ(g.RowStrings(0), std::vector<std::string>{"z"});
  EXPECT_EQ(g.FindSourceRow(4), 1u);
  g.DropFront(1);
  EXPECT_EQ(g.SourceRow(0), 4);
}

TEST(ExchangeGridTest, ColumnLetters) {
  EXPECT_EQ(ColumnLetters(0), "A");
  EXPECT_EQ(ColumnLetters(25), "Z");
  EXPECT_EQ(ColumnLetters(26), "AA");
  EXPECT_EQ(ColumnLetters(701), "ZZ");
  EXPECT_EQ(ColumnLetters(702), "AAA");
}

TEST(ExchangeColumnsTest, NormalizesHeaders) {
  EXPECT_EQ(NormalizeHeader(" 原值（元） "), "原值(元)");
  EXPECT_EQ(NormalizeHeader("原值 (元)"), "原值(元)");
  EXPECT_EQ(NormalizeHeader("*资产名称"), "资产名称");
  EXPECT_EQ(NormalizeHeader("Asset  NAME"), "assetname");
  EXPECT_EQ(NormalizeHeader("ＡＳＳＥＴ　Ｎａｍｅ"), "assetname");
  EXPECT_EQ(NormalizeHeader("【备注】"), "[备注]");
  EXPECT_EQ(NormalizeHeader("存放\n地点"), "存放地点");
}

TEST(ExchangeColumnsTest, MapsChineseAndEnglishHeaders) {
  const auto specs = Specs();
  const std::vector<std::string> zh{"资产名称", "原值(元)", "备注", "存放地点"};
  auto m = MapColumns(zh, specs);
  ASSERT_TRUE(m.ok()) << m.error().en;
  EXPECT_EQ(m->Column("name"), 0u);
  EXPECT_EQ(m->Column("original_value"), 1u);
  EXPECT_EQ(m->Column("acquired_on"), std::nullopt);
  EXPECT_EQ(m->Column("location"), 3u);
  ASSERT_EQ(m->unknown.size(), 1u);
  EXPECT_EQ(m->unknown[0].index, 2u);
  EXPECT_EQ(m->unknown[0].name, "备注");
  EXPECT_EQ(m->HeaderOf("original_value"), "原值(元)");

  const std::vector<std::string> en{"LOCATION", " asset name ", "Original Value (Yuan)", "", "Acquired on"};
  m = MapColumns(en, specs);
  ASSERT_TRUE(m.ok()) << m.error().en;
  EXPECT_EQ(m->Column("name"), 1u);
  EXPECT_EQ(m->Column("original_value"), 2u);
  EXPECT_EQ(m->Column("acquired_on"), 4u);
  EXPECT_EQ(m->Column("location"), 0u);
  EXPECT_TRUE(m->unknown.empty());  // the blank header cell is ignored
}

TEST(ExchangeColumnsTest, MissingRequiredColumnsAreOneError) {
  const auto specs = Specs();
  const std::vector<std::string> header{"存放地点", "取得日期", "型号"};
  const auto m = MapColumns(header, specs);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, "exchange.missing_columns");
  EXPECT_EQ(m.error().kind, ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.error().zh, "缺少必填列：资产名称、原值（元）");
  EXPECT_EQ(m.error().en, "Missing required columns: Asset name, Original value (yuan)");
  ASSERT_EQ(m.error().fields.size(), 2u);
  EXPECT_EQ(m.error().fields[0].field, "name");
  EXPECT_EQ(m.error().fields[1].field, "original_value");
}

TEST(ExchangeColumnsTest, DuplicateColumnsAreAnErrorUnlessAdjacentCopies) {
  const auto specs = Specs();
  auto m = MapColumns(std::vector<std::string>{"资产名称", "原值", "Name"}, specs);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, "exchange.duplicate_column");
  ASSERT_EQ(m.error().fields.size(), 1u);
  EXPECT_NE(m.error().fields[0].zh.find("A、C"), std::string::npos) << m.error().fields[0].zh;

  // A horizontally merged header cell filled across two columns.
  m = MapColumns(std::vector<std::string>{"资产名称", "原值", "原值"}, specs);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->Column("original_value"), 1u);
  ASSERT_EQ(m->unknown.size(), 1u);
  EXPECT_EQ(m->unknown[0].index, 2u);
}

TEST(ExchangeColumnsTest, FindsTheHeaderBelowTitleAndGroupRows) {
  const auto specs = Specs();
  Grid g = GridOf({
      {"示范县第一中学固定资产台账"},
      {"基本信息", "基本信息", "财务信息", "财务信息"},
      {"资产名称", "存放地点", "原值（元）", "取得日期"},
      {"台式计算机", "教学楼 301", "4999.00", "2024-09-01"},
      {"投影仪", "教学楼 302", "3200", "2024-09-01"},
  });
  auto t = SplitHeader(std::move(g), KnownNames(specs));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->header_row, 3);
  EXPECT_EQ(t->header, (std::vector<std::string>{"资产名称", "存放地点", "原值（元）", "取得日期"}));
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows.SourceRow(0), 4);
  EXPECT_EQ(t->rows.Cell(1, 0), "投影仪");

  // No known names anywhere: the first row is the header.
  t = SplitHeader(GridOf({{"x", "y"}, {"1", "2"}}), KnownNames(specs));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->header_row, 1);
  EXPECT_EQ(t->rows.size(), 1u);

  t = SplitHeader(Grid{}, KnownNames(specs));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, "exchange.empty_file");
}

}  // namespace
}  // namespace minsheng::exchange
