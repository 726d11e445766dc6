// Periods of assessment and metrics (ARCHITECTURE.md, Conventions): typed
// values written "2026-11" (month), "2026Q3" (quarter), "2026" (year).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace minsheng {

// A typed period: "2026-11" (month), "2026Q3" (quarter), "2026" (year).
struct Period {
  enum class Kind { kMonth, kQuarter, kYear };
  Kind kind = Kind::kYear;
  int year = 0;
  int index = 0;  // month 1..12, quarter 1..4, 0 for a year

  std::string ToString() const;
  // First and last day (inclusive) as days since 1970-01-01.
  int32_t FirstDay() const;
  int32_t LastDay() const;
  // The previous period of the same kind (2026Q1 → 2025Q4).
  Period Previous() const;
};
// InvalidArgument with a field error "period" for anything else.
Result<Period> ParsePeriod(std::string_view text);

}  // namespace minsheng
