#include "core/money.h"

#include <cstdlib>

namespace minsheng {

std::optional<Fen> ParseYuan(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.starts_with("¥")) s.remove_prefix(std::string_view("¥").size());
  else if (s.starts_with("￥")) s.remove_prefix(std::string_view("￥").size());
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  int64_t whole = 0;
  int64_t cents = 0;
  int decimals = -1;  // -1: no point seen yet
  bool digit_seen = false;
  constexpr int64_t kMaxWhole = INT64_MAX / 100 - 1;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ',' && decimals < 0 && digit_seen) continue;
    if (c == '.' && decimals < 0) {
      decimals = 0;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    digit_seen = true;
    if (decimals < 0) {
      whole = whole * 10 + (c - '0');
      if (whole > kMaxWhole) return std::nullopt;
    } else {
      if (++decimals > 2) return std::nullopt;
      cents = cents * 10 + (c - '0');
    }
  }
  if (!digit_seen) return std::nullopt;
  if (decimals == 1) cents *= 10;
  const int64_t total = whole * 100 + cents;
  return Fen{negative ? -total : total};
}

std::string FormatYuan(Fen f, bool grouped) {
  const bool negative = f.value < 0;
  const uint64_t abs = negative ? static_cast<uint64_t>(-(f.value + 1)) + 1 : static_cast<uint64_t>(f.value);
  std::string whole = std::to_string(abs / 100);
  if (grouped) {
    for (int i = static_cast<int>(whole.size()) - 3; i > 0; i -= 3) whole.insert(static_cast<size_t>(i), ",");
  }
  const uint64_t cents = abs % 100;
  return (negative ? "-" : "") + whole + "." + (cents < 10 ? "0" : "") + std::to_string(cents);
}

std::string FormatWanYuan(Fen f) {
  // 1 万元 = 1,000,000 fen; keep two decimals (10,000 fen per step).
  const bool negative = f.value < 0;
  const int64_t abs = negative ? -f.value : f.value;
  const int64_t hundredths = (abs + 5000) / 10000;
  const std::string s = std::to_string(hundredths / 100) + "." + (hundredths % 100 < 10 ? "0" : "") +
                        std::to_string(hundredths % 100);
  return negative && hundredths != 0 ? "-" + s : s;
}

}  // namespace minsheng
