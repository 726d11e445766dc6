// Period: parsing the three written forms, first and last days (leap
// Februaries included), and the previous period of the same kind.
#include <gtest/gtest.h>

#include "core/date.h"
#include "core/period.h"

namespace minsheng {
namespace {

Period Must(std::string_view text) {
  auto p = ParsePeriod(text);
  EXPECT_TRUE(p.ok()) << text;
  return p.ok() ? *p : Period{};
}

TEST(PeriodTest, ParsesTheThreeForms) {
  const Period y = Must("2026");
  EXPECT_EQ(y.kind, Period::Kind::kYear);
  EXPECT_EQ(y.year, 2026);
  EXPECT_EQ(y.index, 0);
  EXPECT_EQ(y.ToString(), "2026");

  const Period q = Must("2026Q3");
  EXPECT_EQ(q.kind, Period::Kind::kQuarter);
  EXPECT_EQ(q.year, 2026);
  EXPECT_EQ(q.index, 3);
  EXPECT_EQ(q.ToString(), "2026Q3");
  EXPECT_EQ(Must("2026q4").ToString(), "2026Q4");  // lower-case q accepted, written upper

  const Period m = Must("2026-01");
  EXPECT_EQ(m.kind, Period::Kind::kMonth);
  EXPECT_EQ(m.year, 2026);
  EXPECT_EQ(m.index, 1);
  EXPECT_EQ(m.ToString(), "2026-01");
  EXPECT_EQ(Must("2026-11").ToString(), "2026-11");
  EXPECT_EQ(Must("2026-12").index, 12);
}

TEST(PeriodTest, RefusesAnythingElseWithAFieldError) {
  for (const char* bad : {"", "202", "20261", "2026Q0", "2026Q5", "2026Q", "2026Q12", "2026-00", "2026-13", "2026-1",
                          "2026-011", "2026/11", "2026-1a", "abcd", "0999", "1899", "2026 ", " 2026", "2026H1",
                          "2026--1", "+2026", "2026Q+1", "２０２６"}) {
    auto p = ParsePeriod(bad);
    ASSERT_FALSE(p.ok()) << "accepted '" << bad << "'";
    EXPECT_EQ(p.error().kind, ErrorCode::kInvalidArgument) << bad;
    ASSERT_EQ(p.error().fields.size(), 1u) << bad;
    EXPECT_EQ(p.error().fields[0].field, "period");
    EXPECT_EQ(p.error().fields[0].code, "invalid");
    EXPECT_FALSE(p.error().fields[0].zh.empty());
    EXPECT_FALSE(p.error().fields[0].en.empty());
  }
}

TEST(PeriodTest, FirstAndLastDays) {
  EXPECT_EQ(Must("2026").FirstDay(), MakeDate(2026, 1, 1).days);
  EXPECT_EQ(Must("2026").LastDay(), MakeDate(2026, 12, 31).days);
  EXPECT_EQ(Must("2026Q1").FirstDay(), MakeDate(2026, 1, 1).days);
  EXPECT_EQ(Must("2026Q1").LastDay(), MakeDate(2026, 3, 31).days);
  EXPECT_EQ(Must("2026Q2").FirstDay(), MakeDate(2026, 4, 1).days);
  EXPECT_EQ(Must("2026Q2").LastDay(), MakeDate(2026, 6, 30).days);
  EXPECT_EQ(Must("2026Q3").FirstDay(), MakeDate(2026, 7, 1).days);
  EXPECT_EQ(Must("2026Q3").LastDay(), MakeDate(2026, 9, 30).days);
  EXPECT_EQ(Must("2026Q4").FirstDay(), MakeDate(2026, 10, 1).days);
  EXPECT_EQ(Must("2026Q4").LastDay(), MakeDate(2026, 12, 31).days);
  EXPECT_EQ(Must("2026-11").FirstDay(), MakeDate(2026, 11, 1).days);
  EXPECT_EQ(Must("2026-11").LastDay(), MakeDate(2026, 11, 30).days);
  EXPECT_EQ(Must("2026-12").LastDay(), MakeDate(2026, 12, 31).days);
  // 1970-01-01 is day 0: the epoch itself, as a check of the unit.
  EXPECT_EQ(Must("1970-01").FirstDay(), 0);
  EXPECT_EQ(Must("1970-01").LastDay(), 30);
  // Februaries: 2024 and 2000 are leap years, 2026 and 1900 are not.
  EXPECT_EQ(Must("2024-02").LastDay() - Must("2024-02").FirstDay() + 1, 29);
  EXPECT_EQ(Must("2024-02").LastDay(), MakeDate(2024, 2, 29).days);
  EXPECT_EQ(Must("2026-02").LastDay() - Must("2026-02").FirstDay() + 1, 28);
  EXPECT_EQ(Must("2000-02").LastDay() - Must("2000-02").FirstDay() + 1, 29);
  EXPECT_EQ(Must("1900-02").LastDay() - Must("1900-02").FirstDay() + 1, 28);
  EXPECT_EQ(Must("2024Q1").LastDay() - Must("2024Q1").FirstDay() + 1, 91);
  EXPECT_EQ(Must("2026Q1").LastDay() - Must("2026Q1").FirstDay() + 1, 90);
  EXPECT_EQ(Must("2024").LastDay() - Must("2024").FirstDay() + 1, 366);
  EXPECT_EQ(Must("2026").LastDay() - Must("2026").FirstDay() + 1, 365);
  // Consecutive periods touch: the day after one's last is the next one's first.
  EXPECT_EQ(Must("2026-01").LastDay() + 1, Must("2026-02").FirstDay());
  EXPECT_EQ(Must("2025Q4").LastDay() + 1, Must("2026Q1").FirstDay());
  EXPECT_EQ(Must("2025").LastDay() + 1, Must("2026").FirstDay());
}

TEST(PeriodTest, PreviousOfTheSameKind) {
  EXPECT_EQ(Must("2026").Previous().ToString(), "2025");
  EXPECT_EQ(Must("2026Q3").Previous().ToString(), "2026Q2");
  EXPECT_EQ(Must("2026Q1").Previous().ToString(), "2025Q4");
  EXPECT_EQ(Must("2026-11").Previous().ToString(), "2026-10");
  EXPECT_EQ(Must("2026-01").Previous().ToString(), "2025-12");
  const Period p = Must("2026Q1").Previous();
  EXPECT_EQ(p.kind, Period::Kind::kQuarter);
  EXPECT_EQ(p.year, 2025);
  EXPECT_EQ(p.index, 4);
  const Period m = Must("2026-01").Previous();
  EXPECT_EQ(m.kind, Period::Kind::kMonth);
  EXPECT_EQ(m.year, 2025);
  EXPECT_EQ(m.index, 12);
  EXPECT_EQ(Must("2024-03").Previous().LastDay(), MakeDate(2024, 2, 29).days);
}

TEST(PeriodTest, RoundTripsThroughText) {
  for (const char* text : {"1900", "9999", "2026Q1", "2026Q4", "2026-01", "2026-09", "2026-10", "9999-12"}) {
    EXPECT_EQ(Must(text).ToString(), text);
  }
}

}  // namespace
}  // namespace minsheng
