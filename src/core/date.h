// Civil dates (acquired, booked, base dates) as days since 1970-01-01, and
// calendar months for depreciation. Dates carry no time zone: they are the
// date printed on the invoice or ledger.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"

namespace minsheng {

struct Date {
  int32_t days = 0;  // since 1970-01-01

  auto operator<=>(const Date&) const = default;
  int year() const;
  int month() const;  // 1..12
  int day() const;
  // Months since year 0 (year * 12 + month - 1): differences count months.
  int MonthIndex() const { return year() * 12 + month() - 1; }
};

Date MakeDate(int year, int month, int day);
// "2026-11-22" (also "2026/11/22", "2026.11.22", "20261122", "2026年11月22日").
std::optional<Date> ParseDate(std::string_view text);
std::string FormatDate(Date d);
// Today's date in Asia/Shanghai.
Date TodayInShanghai();
Date DateInShanghai(UtcTime t);

}  // namespace minsheng
