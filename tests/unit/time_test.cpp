#include "core/date.h"
#include "core/time.h"

#include <gtest/gtest.h>

namespace minsheng {
namespace {

TEST(TimeTest, FormatsUtcAndShanghai) {
  const auto t = ParseTime("2026-11-22T06:35:00Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(FormatUtc(*t), "2026-11-22T06:35:00.000000Z");
  EXPECT_EQ(FormatShanghai(*t), "2026-11-22 14:35:00");
}

TEST(TimeTest, ShanghaiMidnightCrossesTheUtcDate) {
  const auto t = ParseTime("2026-01-01T23:30:00Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(FormatShanghai(*t), "2026-01-02 07:30:00");
}

TEST(TimeTest, PlainDateIsShanghaiMidnight) {
  const auto t = ParseTime("2026-03-01");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(FormatUtc(*t), "2026-02-28T16:00:00.000000Z");
}

TEST(TimeTest, ParsesOffsetsAndFractions) {
  EXPECT_EQ(ParseTime("2026-11-22T14:35:00+08:00"), ParseTime("2026-11-22T06:35:00Z"));
  EXPECT_EQ(ParseTime("2026-11-22T01:35:00-05:00"), ParseTime("2026-11-22T06:35:00Z"));
  const auto t = ParseTime("2026-11-22T06:35:00.25Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->micros % 1'000'000, 250000);
}

TEST(TimeTest, RejectsMalformedDates) {
  for (const char* bad : {"", "2026", "2026-13-01", "2026-02-30", "2026-02-29", "2026-11-22T25:00:00Z",
                          "2026-11-22T06:35:00Q", "2026-11-22T06:35:00.Z", "２０２６-01-01", "2026/01/01"}) {
    EXPECT_FALSE(ParseTime(bad).has_value()) << bad;
  }
  EXPECT_TRUE(ParseTime("2028-02-29").has_value());  // leap year
}

TEST(TimeTest, EpochAndBeforeEpochRoundTrip) {
  EXPECT_EQ(FormatUtc(UtcTime{0}), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatUtc(UtcTime{-1}), "1969-12-31T23:59:59.999999Z");
}

TEST(TimeTest, EveryFieldIsZeroPaddedAndFarYearsStillFormat) {
  auto t = ParseTime("2026-03-04T05:06:07.000089Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(FormatUtc(*t), "2026-03-04T05:06:07.000089Z");
  EXPECT_EQ(FormatShanghai(*t), "2026-03-04 13:06:07");
  EXPECT_EQ(FormatUtc(UtcTime{t->micros + 123'456}), "2026-03-04T05:06:07.123545Z");
  // Year 9999 is the last of the fast path; 10000 goes through printf.
  const int64_t y9999 = (int64_t{MakeDate(9999, 12, 31).days} * 86400 + 86399) * 1'000'000;
  EXPECT_EQ(FormatUtc(UtcTime{y9999}), "9999-12-31T23:59:59.000000Z");
  EXPECT_EQ(FormatUtc(UtcTime{y9999 + 1'000'000}), "10000-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatUtc(UtcTime{-62'135'596'800'000'000}), "0001-01-01T00:00:00.000000Z");
}

TEST(TimeTest, TestClockIsFixedAndAdvances) {
  SetClockForTesting(UtcTime{1'000'000});
  EXPECT_EQ(Now().micros, 1'000'000);
  AdvanceClockForTesting(2);
  EXPECT_EQ(Now().micros, 3'000'000);
  SetClockForTesting(std::nullopt);
  EXPECT_GT(Now().micros, 1'700'000'000'000'000);
}

}  // namespace
}  // namespace minsheng
