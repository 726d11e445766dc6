#include "core/time.h"

#include <atomic>
#include <cstdio>
#include <ctime>

namespace minsheng {
namespace {

constexpr int64_t kShanghaiOffsetSeconds = 8 * 3600;
std::atomic<bool> g_fixed{false};
std::atomic<int64_t> g_fixed_micros{0};

// Days from civil (Howard Hinnant's algorithm), proleptic Gregorian.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t y;
  unsigned m, d;
};

Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::string Format(int64_t micros, int64_t offset_seconds, bool iso) {
  const int64_t secs = FloorDiv(micros, 1'000'000) + offset_seconds;
  const int64_t frac = micros - FloorDiv(micros, 1'000'000) * 1'000'000;
  const int64_t days = FloorDiv(secs, 86400);
  const int64_t sod = secs - days * 86400;
  const Civil c = CivilFromDays(days);
  if (c.y >= 0 && c.y <= 9999) {
    // The common case without printf (a card list formats two per card).
    char out[32];
    char* p = out;
    auto put = [&p](int64_t v, int width) {
      for (int i = width - 1; i >= 0; --i, v /= 10) p[i] = static_cast<char>('0' + v % 10);
      p += width;
    };
    put(c.y, 4);
    *p++ = '-';
    put(c.m, 2);
    *p++ = '-';
    put(c.d, 2);
    *p++ = iso ? 'T' : ' ';
    put(sod / 3600, 2);
    *p++ = ':';
    put(sod / 60 % 60, 2);
    *p++ = ':';
    put(sod % 60, 2);
    if (iso) {
      *p++ = '.';
      put(frac, 6);
      *p++ = 'Z';
    }
    return std::string(out, p);
  }
  char buf[64];
  if (iso) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ",
                  static_cast<long long>(c.y), c.m, c.d, static_cast<long long>(sod / 3600),
                  static_cast<long long>(sod / 60 % 60), static_cast<long long>(sod % 60),
                  static_cast<long long>(frac));
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02lld:%02lld:%02lld",
                  static_cast<long long>(c.y), c.m, c.d, static_cast<long long>(sod / 3600),
                  static_cast<long long>(sod / 60 % 60), static_cast<long long>(sod % 60));
  }
  return buf;
}

bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

UtcTime Now() {
  if (g_fixed.load(std::memory_order_relaxed)) return {g_fixed_micros.load()};
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return {std::chrono::duration_cast<std::chrono::microseconds>(now).count()};
}

void SetClockForTesting(std::optional<UtcTime> fixed) {
  if (fixed) g_fixed_micros.store(fixed->micros);
  g_fixed.store(fixed.has_value());
}

void AdvanceClockForTesting(int64_t seconds) { g_fixed_micros.fetch_add(seconds * 1'000'000); }

std::string FormatUtc(UtcTime t) { return Format(t.micros, 0, true); }
std::string FormatShanghai(UtcTime t) { return Format(t.micros, kShanghaiOffsetSeconds, false); }

std::optional<UtcTime> ParseTime(std::string_view s) {
  int y, mo, d;
  if (!Digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, mo) || s[7] != '-' ||
      !Digits(s, 8, 2, d))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return std::nullopt;
  const int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  if (CivilFromDays(days).d != static_cast<unsigned>(d)) return std::nullopt;  // 02-30
  if (s.size() == 10) return UtcTime{(days * 86400 - kShanghaiOffsetSeconds) * 1'000'000};
  int hh, mm, ss;
  if ((s[10] != 'T' && s[10] != ' ') || !Digits(s, 11, 2, hh) || s[13] != ':' ||
      !Digits(s, 14, 2, mm) || s[16] != ':' || !Digits(s, 17, 2, ss) || hh > 23 || mm > 59 ||
      ss > 60)
    return std::nullopt;
  size_t pos = 19;
  int64_t frac = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int64_t scale = 100000;
    const size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  int64_t offset = 0;
  if (pos == s.size()) {
    offset = kShanghaiOffsetSeconds;  // no zone: a Shanghai wall-clock time
  } else if (s[pos] == 'Z' && pos + 1 == s.size()) {
    offset = 0;
  } else if ((s[pos] == '+' || s[pos] == '-') && s.size() == pos + 6 && s[pos + 3] == ':') {
    int oh, om;
    if (!Digits(s, pos + 1, 2, oh) || !Digits(s, pos + 4, 2, om)) return std::nullopt;
    offset = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  const int64_t secs = days * 86400 + hh * 3600 + mm * 60 + ss - offset;
  return UtcTime{secs * 1'000'000 + frac};
}

}  // namespace minsheng
