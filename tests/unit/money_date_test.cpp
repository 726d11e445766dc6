#include <gtest/gtest.h>

#include "core/date.h"
#include "core/money.h"

namespace minsheng {
namespace {

TEST(MoneyTest, ParsesYuanIntoFen) {
  EXPECT_EQ(ParseYuan("1234.5"), Fen{123450});
  EXPECT_EQ(ParseYuan("1,234.56"), Fen{123456});
  EXPECT_EQ(ParseYuan("¥12"), Fen{1200});
  EXPECT_EQ(ParseYuan("￥0.07"), Fen{7});
  EXPECT_EQ(ParseYuan(" -3 "), Fen{-300});
  EXPECT_EQ(ParseYuan(".5"), Fen{50});
  for (const char* bad : {"", "abc", "1.234", "1..2", ",12", "1e5", "12元", "-", "99999999999999999999"}) {
    EXPECT_EQ(ParseYuan(bad), std::nullopt) << bad;
  }
}

TEST(MoneyTest, FormatsYuanAndWanYuan) {
  EXPECT_EQ(FormatYuan(Fen{123456}), "1234.56");
  EXPECT_EQ(FormatYuan(Fen{123456789}, true), "1,234,567.89");
  EXPECT_EQ(FormatYuan(Fen{5}), "0.05");
  EXPECT_EQ(FormatYuan(Fen{-150}), "-1.50");
  EXPECT_EQ(FormatYuan(Fen{INT64_MIN}), "-92233720368547758.08");
  EXPECT_EQ(FormatWanYuan(Fen{123450000}), "123.45");
  EXPECT_EQ(FormatWanYuan(Fen{5000}), "0.01");  // half rounds away from zero
  EXPECT_EQ(FormatWanYuan(Fen{4999}), "0.00");
}

TEST(DateTest, ParsesTheFormsLedgersUse) {
  const Date d = MakeDate(2026, 3, 9);
  for (const char* s : {"2026-03-09", "2026/3/9", "2026.03.09", "20260309", "2026年3月9日"}) {
    EXPECT_EQ(ParseDate(s), d) << s;
  }
  for (const char* s : {"2026-02-29", "2026-13-01", "26-03-09", "2026-03", "2026-03-09x", "1800-01-01",
                        "2026年3月9"}) {
    EXPECT_EQ(ParseDate(s), std::nullopt) << s;
  }
  EXPECT_EQ(FormatDate(d), "2026-03-09");
  EXPECT_EQ(FormatDate(MakeDate(987, 1, 5)), "0987-01-05");
  EXPECT_EQ(FormatDate(MakeDate(9999, 12, 31)), "9999-12-31");
  EXPECT_EQ(FormatDate(Date{MakeDate(9999, 12, 31).days + 1}), "10000-01-01");
  EXPECT_EQ(d.MonthIndex() - MakeDate(2025, 12, 31).MonthIndex(), 3);
}

TEST(DateTest, ShanghaiDateOfAnInstant) {
  EXPECT_EQ(DateInShanghai(*ParseTime("2026-12-31T16:30:00Z")), MakeDate(2027, 1, 1));
  EXPECT_EQ(DateInShanghai(*ParseTime("2026-12-31T15:59:59Z")), MakeDate(2026, 12, 31));
}

}  // namespace
}  // namespace minsheng
