#include "exchange/progress_bar.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace minsheng::exchange {
namespace {

constexpr auto kTtyInterval = std::chrono::milliseconds(100);
constexpr auto kPlainInterval = std::chrono::seconds(5);

}  // namespace

std::string GroupThousands(int64_t n) {
  const bool negative = n < 0;
  const uint64_t magnitude = negative ? static_cast<uint64_t>(-(n + 1)) + 1 : static_cast<uint64_t>(n);
  std::string digits = std::to_string(magnitude);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) {
    digits.insert(static_cast<size_t>(i), ",");
  }
  return negative ? "-" + digits : digits;
}

std::string FormatProgressLine(int64_t done, int64_t total, double rate_per_second,
                               std::string_view unit, int width) {
  std::string line;
  if (total > 0) {
    const double fraction = std::clamp(static_cast<double>(done) / static_cast<double>(total), 0.0, 1.0);
    const auto filled = static_cast<int>(fraction * width);
    line += '[';
    line.append(static_cast<size_t>(filled), '#');
    line.append(static_cast<size_t>(width - filled), ' ');
    line += "] ";
    line += std::to_string(static_cast<int>(fraction * 100)) + "% ";
    line += GroupThousands(done) + "/" + GroupThousands(total);
  } else {
    line += GroupThousands(done);
  }
  line += " ";
  line += unit;
  if (rate_per_second > 0) {
    line += " " + GroupThousands(std::llround(rate_per_second)) + " " + std::string(unit) + "/s";
  }
  return line;
}

ProgressBar::ProgressBar(std::string unit, std::FILE* out)
    : ProgressBar(std::move(unit), out, isatty(fileno(out)) != 0,
                  [] { return std::chrono::steady_clock::now(); }) {}

ProgressBar::ProgressBar(std::string unit, std::FILE* out, bool tty, Clock clock)
    : unit_(std::move(unit)), out_(out), tty_(tty), clock_(std::move(clock)) {
  start_ = clock_();
  last_draw_ = start_;
}

void ProgressBar::Update(int64_t done) {
  done_ = done;
  const auto now = clock_();
  if (now - last_draw_ >= (tty_ ? std::chrono::duration_cast<std::chrono::milliseconds>(kTtyInterval)
                                : std::chrono::duration_cast<std::chrono::milliseconds>(kPlainInterval))) {
    last_draw_ = now;
    Draw(false);
  }
}

void ProgressBar::Finish() {
  if (finished_) return;
  finished_ = true;
  Draw(true);
}

void ProgressBar::Draw(bool final) {
  const double seconds = std::chrono::duration<double>(clock_() - start_).count();
  const double rate = seconds > 0 ? static_cast<double>(done_) / seconds : 0;
  const std::string line = FormatProgressLine(done_, total_, rate, unit_);
  if (tty_) {
    // \x1b[K clears what a longer previous line left behind.
    std::fprintf(out_, "\r%s\x1b[K%s", line.c_str(), final ? "\n" : "");
  } else {
    std::fprintf(out_, "%s\n", line.c_str());
  }
  std::fflush(out_);
  drawn_ = true;
}

}  // namespace minsheng::exchange
