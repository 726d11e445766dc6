// POST /api/v1/export/xlsx's parsing and writing: a table written and read
// back with the XLSX reader; every bad input a field error.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "exchange/reader.h"
#include "exchange/table_export.h"

namespace minsheng::exchange {
namespace {

const char* kGood = R"({
  "file_name": "考核列表", "sheet": "考核", "title": "2025 年度考核",
  "columns": [
    {"key": "name", "label": "单位", "type": "text"},
    {"key": "total", "label": "得分", "type": "number"},
    {"key": "rank", "label": "排名", "type": "integer"},
    {"key": "day", "label": "日期", "type": "date"},
    {"key": "rate", "label": "完成率（%）", "type": "percent"},
    {"key": "note", "label": "备注"}
  ],
  "rows": [
    {"name": "温江区财政局", "total": 87.5, "rank": 1, "day": "2026-03-09", "rate": 92.25, "note": "=1+1"},
    {"name": "Dept B", "total": "70", "rank": 2.0, "day": null, "rate": 0, "extra": "ignored"},
    {"name": true, "total": null}
  ]
})";

std::vector<std::string> FieldsOf(const Result<TableExport>& r) {
  std::vector<std::string> out;
  if (r.ok()) return out;
  for (const auto& f : r.error().fields) out.push_back(f.field + ":" + f.code);
  return out;
}

TEST(TableExport, WritesAndReadsBack) {
  auto t = ParseTableExport(kGood);
  ASSERT_TRUE(t.ok()) << t.error().en;
  EXPECT_EQ(t->file_name, "考核列表.xlsx");
  EXPECT_EQ(t->sheet, "考核");
  EXPECT_EQ(t->title, "2025 年度考核");
  ASSERT_EQ(t->columns.size(), 6u);
  EXPECT_EQ(t->columns[5].type, TableColumnType::kText);  // default
  auto bytes = WriteTableXlsx(*t);
  ASSERT_TRUE(bytes.ok()) << bytes.error().en;
  ASSERT_GE(bytes->size(), 4u);
  EXPECT_EQ(bytes->substr(0, 4), std::string("PK\x03\x04", 4));

  auto names = XlsxSheetNames(*bytes);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, std::vector<std::string>{"考核"});
  auto grid = ReadXlsx(*bytes);
  ASSERT_TRUE(grid.ok()) << grid.error().en;
  ASSERT_EQ(grid->size(), 4u);  // header + 3 rows
  EXPECT_EQ(grid->RowStrings(0),
            (std::vector<std::string>{"单位", "得分", "排名", "日期", "完成率（%）", "备注"}));
  EXPECT_EQ(grid->RowStrings(1),
            (std::vector<std::string>{"温江区财政局", "87.5", "1", "2026-03-09", "92.25", "=1+1"}));
  // "70" is a numeric string; 2.0 an integral double; null a blank cell.
  const auto r2 = grid->RowStrings(2);
  ASSERT_GE(r2.size(), 5u);
  EXPECT_EQ(r2[0], "Dept B");
  EXPECT_EQ(r2[1], "70");
  EXPECT_EQ(r2[2], "2");
  EXPECT_EQ(r2[3], "");
  EXPECT_EQ(r2[4], "0");
  const auto r3 = grid->RowStrings(3);
  ASSERT_GE(r3.size(), 1u);
  EXPECT_EQ(r3[0], "TRUE");
  for (size_t i = 1; i < r3.size(); ++i) EXPECT_EQ(r3[i], "") << i;
}

TEST(TableExport, EmptyTableHasOnlyTheHeader) {
  auto t = ParseTableExport(R"({"file_name":"x.XLSX","columns":[{"key":"a","label":"A"}],"rows":[]})");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->file_name, "x.XLSX");
  EXPECT_EQ(t->sheet, "Sheet1");
  auto bytes = WriteTableXlsx(*t);
  ASSERT_TRUE(bytes.ok());
  auto grid = ReadXlsx(*bytes);
  ASSERT_TRUE(grid.ok());
  ASSERT_EQ(grid->size(), 1u);
  EXPECT_EQ(grid->RowStrings(0), std::vector<std::string>{"A"});
}

TEST(TableExport, BadColumnsAreFieldErrors) {
  auto r = ParseTableExport(R"({"file_name":"a/b","sheet":"x:y","columns":[
      {"key":"a","label":"A","type":"money"},
      {"key":"a","label":"B"},
      {"label":"C"},
      "d",
      {"key":"e","label":"E","width":3}],"rows":[]})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "validation_failed");
  const auto f = FieldsOf(r);
  auto has = [&](const std::string& s) { return std::find(f.begin(), f.end(), s) != f.end(); };
  EXPECT_TRUE(has("file_name:invalid"));
  EXPECT_TRUE(has("sheet:invalid"));
  EXPECT_TRUE(has("columns[0].type:invalid"));
  EXPECT_TRUE(has("columns[1].key:duplicate"));
  EXPECT_TRUE(has("columns[2].key:required"));
  EXPECT_TRUE(has("columns[3]:invalid"));
  EXPECT_EQ(std::count_if(f.begin(), f.end(), [](const std::string& s) { return s.rfind("columns[4].", 0) == 0; }),
            1);  // the unknown key "width"
  for (const auto& e : r.error().fields) {
    EXPECT_FALSE(e.zh.empty()) << e.field;
    EXPECT_FALSE(e.en.empty()) << e.field;
  }
}

TEST(TableExport, BadCellsNameTheRowAndKey) {
  auto r = ParseTableExport(R"({"file_name":"t","columns":[
      {"key":"n","label":"N","type":"number"},{"key":"i","label":"I","type":"integer"},
      {"key":"t","label":"T"}],
      "rows":[{"n":1,"i":2,"t":"ok"},{"n":"abc"},{"i":2.5},{"t":{"x":1}},[1],{"n":"1e400"}]})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(FieldsOf(r), (std::vector<std::string>{"rows[1].n:not_number", "rows[2].i:not_integer",
                                                   "rows[3].t:invalid", "rows[4]:invalid", "rows[5].n:not_number"}));
}

TEST(TableExport, LimitsAndMissingParts) {
  EXPECT_EQ(FieldsOf(ParseTableExport("{}")),
            (std::vector<std::string>{"file_name:required", "columns:required", "rows:required"}));
  EXPECT_FALSE(ParseTableExport("not json").ok());
  EXPECT_FALSE(ParseTableExport("[]").ok());
  EXPECT_EQ(FieldsOf(ParseTableExport(R"({"file_name":"t","columns":[],"rows":[]})")),
            std::vector<std::string>{"columns:required"});

  std::string many = R"({"file_name":"t","columns":[)";
  for (int i = 0; i <= 100; ++i) many += (i ? "," : "") + std::string(R"({"key":"k)") + std::to_string(i) + R"(","label":"L"})";
  many += R"(],"rows":[]})";
  EXPECT_EQ(FieldsOf(ParseTableExport(many)), std::vector<std::string>{"columns:too_many"});

  const std::string long_label(201, 'x');
  auto r = ParseTableExport(R"({"file_name":"t","columns":[{"key":"a","label":")" + long_label + R"("}],"rows":[]})");
  ASSERT_EQ(FieldsOf(r).size(), 1u);
  EXPECT_EQ(FieldsOf(r)[0].rfind("columns[0].label:", 0), 0u);
  const std::string ok_label(200, 'x');
  EXPECT_TRUE(ParseTableExport(R"({"file_name":"t","columns":[{"key":"a","label":")" + ok_label + R"("}],"rows":[]})").ok());

  std::string rows = R"({"file_name":"t","columns":[{"key":"a","label":"A"}],"rows":[)";
  for (size_t i = 0; i <= kTableExportMaxRows; ++i) rows += i ? ",{}" : "{}";
  rows += "]}";
  EXPECT_EQ(FieldsOf(ParseTableExport(rows)), std::vector<std::string>{"rows:too_many"});
}

}  // namespace
}  // namespace minsheng::exchange
