#include "core/period.h"

#include <charconv>

#include "core/date.h"

namespace minsheng {
namespace {

std::optional<int> Digits(std::string_view s) {
  int v = 0;
  if (s.empty()) return std::nullopt;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

Date FirstOfMonth(int year, int month) { return MakeDate(year, month, 1); }

}  // namespace

std::string Period::ToString() const {
  std::string y = std::to_string(year);
  switch (kind) {
    case Kind::kMonth:
      return y + (index < 10 ? "-0" : "-") + std::to_string(index);
    case Kind::kQuarter:
      return y + "Q" + std::to_string(index);
    case Kind::kYear:
      return y;
  }
  return y;
}

int32_t Period::FirstDay() const {
  switch (kind) {
    case Kind::kMonth:
      return FirstOfMonth(year, index).days;
    case Kind::kQuarter:
      return FirstOfMonth(year, (index - 1) * 3 + 1).days;
    case Kind::kYear:
      return FirstOfMonth(year, 1).days;
  }
  return 0;
}

int32_t Period::LastDay() const {
  int last_month = kind == Kind::kMonth ? index : kind == Kind::kQuarter ? index * 3 : 12;
  int next_year = last_month == 12 ? year + 1 : year;
  int next_month = last_month == 12 ? 1 : last_month + 1;
  return FirstOfMonth(next_year, next_month).days - 1;
}

Period Period::Previous() const {
  Period p = *this;
  switch (kind) {
    case Kind::kMonth:
      if (--p.index == 0) {
        p.index = 12;
        --p.year;
      }
      break;
    case Kind::kQuarter:
      if (--p.index == 0) {
        p.index = 4;
        --p.year;
      }
      break;
    case Kind::kYear:
      --p.year;
      break;
  }
  return p;
}

Result<Period> ParsePeriod(std::string_view text) {
  auto bad = [&] {
    return ValidationError({{"period", "invalid", "期间格式应为 2026、2026Q3 或 2026-11",
                             "a period is written 2026, 2026Q3 or 2026-11"}});
  };
  if (text.size() < 4) return bad();
  auto year = Digits(text.substr(0, 4));
  if (!year || *year < 1900 || *year > 9999) return bad();
  Period p;
  p.year = *year;
  std::string_view rest = text.substr(4);
  if (rest.empty()) {
    p.kind = Period::Kind::kYear;
    return p;
  }
  if ((rest[0] == 'Q' || rest[0] == 'q') && rest.size() == 2) {
    auto q = Digits(rest.substr(1));
    if (!q || *q < 1 || *q > 4) return bad();
    p.kind = Period::Kind::kQuarter;
    p.index = *q;
    return p;
  }
  if (rest[0] == '-' && rest.size() == 3) {
    auto m = Digits(rest.substr(1));
    if (!m || *m < 1 || *m > 12) return bad();
    p.kind = Period::Kind::kMonth;
    p.index = *m;
    return p;
  }
  return bad();
}

}  // namespace minsheng
