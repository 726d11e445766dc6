// ProgressBar: the terminal progress line of `minsheng import` / `export`:
//   "\r[#####     ] 52% 520,000/1,000,000 rows 104,000 rows/s"
// redrawn in place (at most ~10 times a second) when the output is a TTY;
// otherwise (a log file, CI) a plain line every few seconds, so logs stay
// readable. Not thread-safe: call it from the thread doing the work.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

namespace minsheng::exchange {

// "1,234,567"
std::string GroupThousands(int64_t n);

// The text of one progress line (no "\r", no newline). total 0 = unknown:
// no bar and no percentage. width = characters of the bar.
std::string FormatProgressLine(int64_t done, int64_t total, double rate_per_second,
                               std::string_view unit, int width = 30);

class ProgressBar {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // out defaults to stderr; tty decides the style (by default: isatty(out)).
  explicit ProgressBar(std::string unit = "rows", std::FILE* out = stderr);
  ProgressBar(std::string unit, std::FILE* out, bool tty, Clock clock);

  void SetTotal(int64_t total) { total_ = total; }
  // Reports progress; draws when enough time passed since the last draw.
  void Update(int64_t done);
  // Draws the final state and ends the line.
  void Finish();

 private:
  void Draw(bool final);

  std::string unit_;
  std::FILE* out_;
  bool tty_;
  Clock clock_;
  int64_t total_ = 0;
  int64_t done_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  bool drawn_ = false;
  bool finished_ = false;
};

}  // namespace minsheng::exchange
