#include "core/date.h"

#include <cstdio>

namespace minsheng {
namespace {

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(yy + (m <= 2));
}

bool Number(std::string_view s, size_t& pos, size_t min_digits, size_t max_digits, int& out) {
  out = 0;
  size_t n = 0;
  while (pos < s.size() && n < max_digits && s[pos] >= '0' && s[pos] <= '9') {
    out = out * 10 + (s[pos] - '0');
    ++pos;
    ++n;
  }
  return n >= min_digits;
}

bool Separator(std::string_view s, size_t& pos, std::string_view sep) {
  if (s.substr(pos, sep.size()) != sep) return false;
  pos += sep.size();
  return true;
}

}  // namespace

int Date::year() const {
  int y, m, d;
  CivilFromDays(days, y, m, d);
  return y;
}
int Date::month() const {
  int y, m, d;
  CivilFromDays(days, y, m, d);
  return m;
}
int Date::day() const {
  int y, m, d;
  CivilFromDays(days, y, m, d);
  return d;
}

Date MakeDate(int year, int month, int day) {
  return {static_cast<int32_t>(DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)))};
}

std::optional<Date> ParseDate(std::string_view s) {
  int y = 0, m = 0, d = 0;
  size_t pos = 0;
  if (s.size() == 8 && s.find_first_not_of("0123456789") == std::string_view::npos) {
    Number(s, pos, 4, 4, y);
    Number(s, pos, 2, 2, m);
    Number(s, pos, 2, 2, d);
  } else {
    if (!Number(s, pos, 4, 4, y)) return std::nullopt;
    std::string_view sep;
    for (std::string_view cand : {"-", "/", ".", "年"}) {
      if (s.substr(pos, cand.size()) == cand) sep = cand;
    }
    if (sep.empty() || !Separator(s, pos, sep) || !Number(s, pos, 1, 2, m)) return std::nullopt;
    const std::string_view sep2 = sep == "年" ? "月" : sep;
    if (!Separator(s, pos, sep2) || !Number(s, pos, 1, 2, d)) return std::nullopt;
    if (sep == "年" && !Separator(s, pos, "日")) return std::nullopt;
    if (pos != s.size()) return std::nullopt;
  }
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  const Date date = MakeDate(y, m, d);
  if (date.day() != d) return std::nullopt;  // 2026-02-30
  return date;
}

std::string FormatDate(Date d) {
  int y, m, dd;
  CivilFromDays(d.days, y, m, dd);
  if (y >= 0 && y <= 9999) {
    std::string out = "0000-00-00";
    for (int i = 3, v = y; i >= 0; --i, v /= 10) out[static_cast<size_t>(i)] = static_cast<char>('0' + v % 10);
    out[5] = static_cast<char>('0' + m / 10);
    out[6] = static_cast<char>('0' + m % 10);
    out[8] = static_cast<char>('0' + dd / 10);
    out[9] = static_cast<char>('0' + dd % 10);
    return out;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, dd);
  return buf;
}

Date DateInShanghai(UtcTime t) {
  const int64_t secs = t.micros / 1'000'000 + 8 * 3600;
  const int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  return {static_cast<int32_t>(days)};
}

Date TodayInShanghai() { return DateInShanghai(Now()); }

}  // namespace minsheng
