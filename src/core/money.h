// Money is integer fen (分) end to end; never floating point. Shown as 元
// with two decimals ("1,234.50") or as 万元 for dashboards.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace minsheng {

struct Fen {
  int64_t value = 0;

  auto operator<=>(const Fen&) const = default;
  Fen operator+(Fen o) const { return {value + o.value}; }
  Fen operator-(Fen o) const { return {value - o.value}; }
  Fen& operator+=(Fen o) {
    value += o.value;
    return *this;
  }
};

// "1234.5" / "1,234.50" / "¥1234" / "-3" → fen. Empty optional when malformed,
// with more than two decimals, or out of range.
std::optional<Fen> ParseYuan(std::string_view text);
// 123450 → "1234.50" (no grouping: for files); grouped → "1,234.50".
std::string FormatYuan(Fen f, bool grouped = false);
// 123450000 → "123.45" (万元, two decimals, rounded half away from zero).
std::string FormatWanYuan(Fen f);

}  // namespace minsheng
