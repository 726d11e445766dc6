// Instants are stored in UTC as microseconds since the Unix epoch and shown in
// Asia/Shanghai (UTC+8, no daylight saving since 1991).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace minsheng {

struct UtcTime {
  int64_t micros = 0;  // since 1970-01-01T00:00:00Z

  auto operator<=>(const UtcTime&) const = default;
  UtcTime PlusSeconds(int64_t s) const { return {micros + s * 1'000'000}; }
  int64_t Seconds() const { return micros / 1'000'000; }
};

// The wall clock. Tests may install a fixed clock with SetClockForTesting.
UtcTime Now();
void SetClockForTesting(std::optional<UtcTime> fixed);
void AdvanceClockForTesting(int64_t seconds);

// "2026-11-22T06:35:00.123456Z" (UTC, microseconds) — the wire and storage form.
std::string FormatUtc(UtcTime t);
// "2026-11-22 14:35:00" in Asia/Shanghai — for people.
std::string FormatShanghai(UtcTime t);
// Parses RFC 3339 ("…Z" or "…+08:00") and plain dates ("2026-11-22", read as
// Shanghai midnight). Empty optional when malformed.
std::optional<UtcTime> ParseTime(std::string_view text);

}  // namespace minsheng
