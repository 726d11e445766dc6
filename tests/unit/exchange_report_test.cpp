#include <gtest/gtest.h>

#include "exchange/error_report.h"
#include "exchange/reader.h"

namespace minsheng::exchange {
namespace {

std::vector<RowError> SampleErrors() {
  return {
      {0, "", "", "exchange.missing_columns", "缺少必填列：存放地点", "Missing required columns: Location"},
      {7, "原值（元）", "-12.5", "asset.negative_value", "原值不能小于 0", "Original value must not be negative"},
      {12, "取得日期", "2026-13-01", "asset.bad_date", "日期格式不正确，应为 2026-03-09",
       "Not a date; write it as 2026-03-09"},
      {13, "资产名称", "多行\n名称, 含\"引号\"", "asset.too_long", "名称太长", "Name is too long"},
      {14, "备注", "=cmd|' /C calc'!A0", "asset.bad_text", "含有不允许的字符", "Contains characters not allowed"},
  };
}

void ExpectSame(const std::vector<RowError>& got, const std::vector<RowError>& want, bool csv) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].row, want[i].row) << i;
    EXPECT_EQ(got[i].column, want[i].column) << i;
    // CSV guards formula-like text with a leading apostrophe.
    const std::string value = csv && want[i].value.starts_with("=") ? "'" + want[i].value : want[i].value;
    EXPECT_EQ(got[i].value, value) << i;
    EXPECT_EQ(got[i].code, want[i].code) << i;
    EXPECT_EQ(got[i].message_zh, want[i].message_zh) << i;
    EXPECT_EQ(got[i].message_en, want[i].message_en) << i;
  }
}

TEST(ExchangeReportTest, RoundTripsThroughXlsxAndCsv) {
  const auto errors = SampleErrors();
  for (const FileFormat f : {FileFormat::kXlsx, FileFormat::kCsv}) {
    std::string bytes;
    ASSERT_TRUE(WriteErrorReport(errors, f, OutputTarget::String(&bytes)).ok());
    auto grid = ReadGrid(bytes);
    ASSERT_TRUE(grid.ok());
    EXPECT_EQ(grid->RowStrings(0),
              (std::vector<std::string>{"行号", "列", "值", "错误代码", "错误说明", "Error"}));
    auto back = ReadErrorReport(bytes);
    ASSERT_TRUE(back.ok()) << back.error().en;
    ExpectSame(*back, errors, f == FileFormat::kCsv);
  }
}

TEST(ExchangeReportTest, FieldErrorsBecomeRowErrorsWithTheFilesHeaderAndValue) {
  Grid rows;
  rows.AddRow(5, std::vector<std::string>{"投影仪", "-3", "明天"});
  ColumnMapping map;
  map.keys = {"name", "original_value", "acquired_on"};
  map.columns = {0, 1, 2};
  map.header = {"资产名称", "原值(元)", "取得日期"};
  Error e = ValidationError({{"original_value", "negative", "原值不能小于 0", "Must not be negative"},
                             {"acquired_on", "bad_date", "日期无效", "Not a date"},
                             {"custodian", "unknown", "保管人不存在", "No such custodian"}});
  const auto out = RowErrorsFrom(e, map, rows, 0);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].row, 5);
  EXPECT_EQ(out[0].column, "原值(元)");
  EXPECT_EQ(out[0].value, "-3");
  EXPECT_EQ(out[0].code, "negative");
  EXPECT_EQ(out[1].column, "取得日期");
  EXPECT_EQ(out[1].value, "明天");
  EXPECT_EQ(out[2].column, "custodian");
  EXPECT_EQ(out[2].value, "");

  const auto whole = RowErrorsFrom(MakeError(ErrorCode::kConflict, "asset.duplicate", "重复", "Duplicate"), map,
                                   rows, 0);
  ASSERT_EQ(whole.size(), 1u);
  EXPECT_EQ(whole[0].code, "asset.duplicate");
  EXPECT_EQ(whole[0].column, "");
}

}  // namespace
}  // namespace minsheng::exchange
