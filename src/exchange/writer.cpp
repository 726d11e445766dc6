#include "exchange/writer.h"

#include <fcntl.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "core/money.h"

namespace minsheng::exchange {
namespace {

constexpr size_t kFlushBytes = 1 << 20;
constexpr size_t kXlsxMaxStringBytes = 32767;

Error WriteFailed(const std::string& what, const std::string& detail) {
  return MakeError(ErrorCode::kInternal, "exchange.write_failed",
                   "无法写入文件" + (what.empty() ? "" : " " + what),
                   "Cannot write the file" + (what.empty() ? "" : " " + what))
      .WithLog(detail);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// A temporary file that is removed unless Keep()/rename happened.
class TempFile {
 public:
  TempFile() = default;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() { Remove(); }

  // Creates "<prefix><random>" (it exists, empty, afterwards). A file that
  // becomes the export gets 0666 less the umask, as any new file would;
  // scratch files in the shared temp directory stay private (0600).
  Result<void> Create(const std::string& prefix, const std::string& shown, bool is_scratch) {
    static std::atomic<uint64_t> counter{0};
    std::random_device rd;
    for (int attempt = 0; attempt < 100; ++attempt) {
      const std::string candidate = prefix + std::to_string(getpid()) + "-" +
                                    std::to_string(counter.fetch_add(1)) + "-" + std::to_string(rd());
      const int fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                            is_scratch ? 0600 : 0666);
      if (fd >= 0) {
        ::close(fd);
        path_ = candidate;
        return Ok();
      }
      if (errno != EEXIST) break;
    }
    return WriteFailed(shown, prefix + ": " + std::strerror(errno));
  }
  const std::string& path() const { return path_; }
  void Remove() {
    if (!path_.empty()) std::remove(path_.c_str());
    path_.clear();
  }
  Result<void> RenameTo(const std::string& dest) {
    if (std::rename(path_.c_str(), dest.c_str()) != 0) {
      return WriteFailed(dest, std::string("rename: ") + std::strerror(errno));
    }
    path_.clear();
    return Ok();
  }

 private:
  std::string path_;
};

std::string TempPrefixBeside(const std::string& path) { return path + ".part-"; }
std::string TempPrefixInTmp() {
  std::error_code ec;
  auto dir = std::filesystem::temp_directory_path(ec);
  if (ec) dir = "/tmp";
  return (dir / "minsheng-export-").string();
}

// Copies a finished file to a string or stream target.
Result<void> CopyOut(const std::string& from, const OutputTarget& target) {
  std::ifstream in(from, std::ios::binary);
  if (!in) return WriteFailed("", "reopen " + from);
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    const auto n = static_cast<size_t>(in.gcount());
    if (n == 0) break;
    if (target.string() != nullptr) {
      target.string()->append(buf, n);
    } else {
      target.stream()->write(buf, static_cast<std::streamsize>(n));
      if (!*target.stream()) return WriteFailed("", "output stream failed");
    }
  }
  return Ok();
}

// Plain decimal number, optionally signed: "-3", "12.50". Never run as a formula.
bool IsPlainNumber(std::string_view s) {
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  if (s.empty()) return false;
  bool point = false;
  bool digit = false;
  for (const char c : s) {
    if (c == '.' && !point) {
      point = true;
    } else if (c >= '0' && c <= '9') {
      digit = true;
    } else {
      return false;
    }
  }
  return digit;
}

// Cells Excel or LibreOffice would evaluate when opening a CSV (CSV injection).
bool LooksLikeFormula(std::string_view s) {
  if (s.empty()) return false;
  const char c = s.front();
  if (c == '=' || c == '@' || c == '\t' || c == '\r') return true;
  if (c == '+' || c == '-') return s.size() > 1 && !IsPlainNumber(s);
  return false;
}

class CsvWriter final : public TableWriter {
 public:
  CsvWriter(OutputTarget target, size_t columns) : target_(std::move(target)), columns_(columns) {}
  ~CsvWriter() override {
    if (file_ != nullptr) std::fclose(file_);
  }

  Result<void> Open(const std::vector<OutputColumn>& columns) {
    if (!target_.path().empty()) {
      MS_TRY(temp_.Create(TempPrefixBeside(target_.path()), target_.path(), false));
      file_ = std::fopen(temp_.path().c_str(), "wb");
      if (file_ == nullptr) return WriteFailed(target_.path(), std::strerror(errno));
    }
    buf_ = "\xEF\xBB\xBF";
    std::vector<std::string_view> header;
    for (const auto& c : columns) header.emplace_back(c.header);
    WriteLine(header);
    return Flush(false);
  }

  Result<void> AddRow(std::span<const std::string_view> cells) override {
    if (finished_) return InternalError("CsvWriter::AddRow after Finish");
    WriteLine(cells.subspan(0, std::min(cells.size(), columns_)));
    ++rows_;
    return Flush(false);
  }

  Result<void> Finish() override {
    if (finished_) return Ok();
    finished_ = true;
    MS_TRY(Flush(true));
    if (file_ != nullptr) {
      const bool failed = std::fflush(file_) != 0 || std::ferror(file_) != 0;
      std::fclose(file_);
      file_ = nullptr;
      if (failed) return WriteFailed(target_.path(), "fflush failed");
      MS_TRY(temp_.RenameTo(target_.path()));
    }
    return Ok();
  }

  Result<void> StartSheet(std::string, std::vector<OutputColumn>) override {
    return InternalError("CsvWriter::StartSheet: a CSV file holds one table");
  }

  size_t rows() const override { return rows_; }

 private:
  void WriteLine(std::span<const std::string_view> cells) {
    std::string& out = target_.string() != nullptr ? *target_.string() : buf_;
    if (target_.string() != nullptr && !buf_.empty()) {
      out += buf_;
      buf_.clear();
    }
    for (size_t i = 0; i < columns_; ++i) {
      if (i > 0) out.push_back(',');
      if (i >= cells.size()) continue;
      const std::string_view v = cells[i];
      const bool guard = LooksLikeFormula(v);
      const bool quote = guard || v.find_first_of(",\"\r\n") != std::string_view::npos;
      if (!quote) {
        out.append(v);
        continue;
      }
      out.push_back('"');
      if (guard) out.push_back('\'');
      size_t start = 0;
      for (size_t q = v.find('"'); q != std::string_view::npos; q = v.find('"', start)) {
        out.append(v.substr(start, q + 1 - start));
        out.push_back('"');
        start = q + 1;
      }
      out.append(v.substr(start));
      out.push_back('"');
    }
    out += "\r\n";
  }

  Result<void> Flush(bool force) {
    if (buf_.empty() || (!force && buf_.size() < kFlushBytes)) return Ok();
    if (file_ != nullptr) {
      if (std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size()) {
        return WriteFailed(target_.path(), std::strerror(errno));
      }
    } else if (target_.stream() != nullptr) {
      target_.stream()->write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
      if (!*target_.stream()) return WriteFailed("", "output stream failed");
    } else if (target_.string() != nullptr) {
      target_.string()->append(buf_);
    }
    buf_.clear();
    return Ok();
  }

  OutputTarget target_;
  size_t columns_;
  TempFile temp_;
  std::FILE* file_ = nullptr;
  std::string buf_;
  size_t rows_ = 0;
  bool finished_ = false;
};

class XlsxWriter final : public TableWriter {
 public:
  XlsxWriter(OutputTarget target, std::vector<OutputColumn> columns)
      : target_(std::move(target)), columns_(std::move(columns)) {}
  ~XlsxWriter() override {
    if (workbook_ != nullptr) lxw_workbook_free(workbook_);
  }

  Result<void> Open(const std::string& sheet_name) {
    if (columns_.empty() || columns_.size() > LXW_COL_MAX) {
      return InternalError("XlsxWriter: bad column count " + std::to_string(columns_.size()));
    }
    const bool scratch = target_.path().empty();
    MS_TRY(temp_.Create(scratch ? TempPrefixInTmp() : TempPrefixBeside(target_.path()), target_.path(),
                        scratch));
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE;
    workbook_ = workbook_new_opt(temp_.path().c_str(), &options);
    if (workbook_ == nullptr) return WriteFailed(target_.path(), "workbook_new_opt failed");
    header_format_ = workbook_add_format(workbook_);
    format_set_bold(header_format_);
    format_set_bg_color(header_format_, 0xDDEBF7);
    money_format_ = workbook_add_format(workbook_);
    format_set_num_format(money_format_, "0.00");
    integer_format_ = workbook_add_format(workbook_);
    format_set_num_format(integer_format_, "0");
    return SetUpSheet(sheet_name);
  }

  Result<void> StartSheet(std::string name, std::vector<OutputColumn> columns) override {
    if (workbook_ == nullptr) return InternalError("XlsxWriter::StartSheet after Finish");
    if (columns.empty() || columns.size() > LXW_COL_MAX) {
      return InternalError("XlsxWriter: bad column count " + std::to_string(columns.size()));
    }
    columns_ = std::move(columns);
    rows_ = 0;
    return SetUpSheet(name);
  }

  Result<void> SetUpSheet(const std::string& sheet_name) {
    sheet_ = workbook_add_worksheet(workbook_, sheet_name.c_str());
    if (sheet_ == nullptr) sheet_ = workbook_add_worksheet(workbook_, nullptr);  // bad or repeated name
    if (sheet_ == nullptr) return InternalError("workbook_add_worksheet failed");

    // Column settings must precede the first row in constant_memory mode.
    for (size_t c = 0; c < columns_.size(); ++c) {
      const auto& col = columns_[c];
      double width = col.width;
      if (width <= 0) {
        double floor = 10;
        if (col.type == CellType::kText) floor = 12;
        if (col.type == CellType::kMoney) floor = 14;
        if (col.type == CellType::kDate) floor = 12;
        width = std::min(60.0, std::max(floor, static_cast<double>(DisplayWidth(col.header)) + 3));
      }
      const auto lc = static_cast<lxw_col_t>(c);
      worksheet_set_column(sheet_, lc, lc, width, nullptr);
    }
    worksheet_freeze_panes(sheet_, 1, 0);
    worksheet_autofilter(sheet_, 0, 0, 0, static_cast<lxw_col_t>(columns_.size() - 1));
    for (size_t c = 0; c < columns_.size(); ++c) {
      MS_TRY(WriteString(lxw_row_t{0}, c, columns_[c].header, header_format_));
    }
    return Ok();
  }

  Result<void> AddRow(std::span<const std::string_view> cells) override {
    if (workbook_ == nullptr) return InternalError("XlsxWriter::AddRow after Finish");
    if (rows_ + 1 >= LXW_ROW_MAX) {
      return MakeError(ErrorCode::kInvalidArgument, "exchange.too_many_rows",
                       "超过 Excel 单个工作表的行数上限（1,048,576 行），请缩小范围或导出为 CSV",
                       "More rows than an Excel sheet holds (1,048,576); narrow the filter or "
                       "export CSV");
    }
    const auto row = static_cast<lxw_row_t>(rows_ + 1);
    for (size_t c = 0; c < std::min(cells.size(), columns_.size()); ++c) {
      const std::string_view v = cells[c];
      if (v.empty()) continue;
      switch (columns_[c].type) {
        case CellType::kMoney: {
          const auto fen = ParseYuan(v);
          if (fen) {
            MS_TRY(WriteNumber(row, c, static_cast<double>(fen->value) / 100.0, money_format_));
            continue;
          }
          break;
        }
        case CellType::kInteger:
        case CellType::kNumber: {
          double d = 0;
          const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
          if (ec == std::errc() && end == v.data() + v.size() && std::isfinite(d)) {
            MS_TRY(WriteNumber(row, c, d,
                               columns_[c].type == CellType::kInteger ? integer_format_ : nullptr));
            continue;
          }
          break;
        }
        case CellType::kText:
        case CellType::kDate:
          break;
      }
      MS_TRY(WriteString(row, c, v, nullptr));
    }
    ++rows_;
    return Ok();
  }

  Result<void> Finish() override {
    if (workbook_ == nullptr) return Ok();
    const lxw_error err = workbook_close(workbook_);  // frees the workbook
    workbook_ = nullptr;
    if (err != LXW_NO_ERROR) {
      return WriteFailed(target_.path(), std::string("workbook_close: ") + lxw_strerror(err));
    }
    if (!target_.path().empty()) return temp_.RenameTo(target_.path());
    MS_TRY(CopyOut(temp_.path(), target_));
    temp_.Remove();
    return Ok();
  }

  size_t rows() const override { return rows_; }

 private:
  Result<void> WriteString(lxw_row_t row, size_t col, std::string_view v, lxw_format* format) {
    if (v.size() > kXlsxMaxStringBytes) {
      // Excel's cell limit; cut on a code point boundary.
      size_t n = kXlsxMaxStringBytes;
      while (n > 0 && (static_cast<unsigned char>(v[n]) & 0xC0) == 0x80) --n;
      v = v.substr(0, n);
    }
    scratch_.assign(v);
    const lxw_error err =
        worksheet_write_string(sheet_, row, static_cast<lxw_col_t>(col), scratch_.c_str(), format);
    if (err != LXW_NO_ERROR) {
      return InternalError(std::string("worksheet_write_string: ") + lxw_strerror(err));
    }
    return Ok();
  }
  Result<void> WriteNumber(lxw_row_t row, size_t col, double v, lxw_format* format) {
    const lxw_error err =
        worksheet_write_number(sheet_, row, static_cast<lxw_col_t>(col), v, format);
    if (err != LXW_NO_ERROR) {
      return InternalError(std::string("worksheet_write_number: ") + lxw_strerror(err));
    }
    return Ok();
  }

  OutputTarget target_;
  std::vector<OutputColumn> columns_;
  TempFile temp_;
  lxw_workbook* workbook_ = nullptr;
  lxw_worksheet* sheet_ = nullptr;
  lxw_format* header_format_ = nullptr;
  lxw_format* money_format_ = nullptr;
  lxw_format* integer_format_ = nullptr;
  std::string scratch_;
  size_t rows_ = 0;
};

}  // namespace

std::optional<FileFormat> ParseFileFormat(std::string_view name) {
  if (!name.empty() && name.front() == '.') name.remove_prefix(1);
  const std::string lower = Lower(name);
  if (lower == "csv") return FileFormat::kCsv;
  if (lower == "xlsx") return FileFormat::kXlsx;
  return std::nullopt;
}

FileFormat FormatForPath(std::string_view path) {
  const std::string lower = Lower(path);
  return lower.ends_with(".xlsx") ? FileFormat::kXlsx : FileFormat::kCsv;
}

std::string_view ContentType(FileFormat f) {
  return f == FileFormat::kXlsx
             ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
             : "text/csv; charset=utf-8";
}

OutputTarget OutputTarget::File(std::string path) {
  OutputTarget t;
  t.path_ = std::move(path);
  return t;
}
OutputTarget OutputTarget::String(std::string* out) {
  OutputTarget t;
  t.string_ = out;
  return t;
}
OutputTarget OutputTarget::Stream(std::ostream* out) {
  OutputTarget t;
  t.stream_ = out;
  return t;
}

Result<void> TableWriter::AddRow(std::span<const std::string> cells) {
  views_.assign(cells.begin(), cells.end());
  return AddRow(std::span<const std::string_view>(views_));
}

Result<std::unique_ptr<TableWriter>> OpenTableWriter(FileFormat format, OutputTarget target,
                                                     std::vector<OutputColumn> columns,
                                                     std::string sheet_name) {
  if (format == FileFormat::kCsv) {
    const size_t n = columns.size();
    auto w = std::make_unique<CsvWriter>(std::move(target), n);
    MS_TRY(w->Open(columns));
    return std::unique_ptr<TableWriter>(std::move(w));
  }
  auto w = std::make_unique<XlsxWriter>(std::move(target), std::move(columns));
  MS_TRY(w->Open(sheet_name));
  return std::unique_ptr<TableWriter>(std::move(w));
}

size_t DisplayWidth(std::string_view s) {
  size_t width = 0;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++width;
      ++i;
      continue;
    }
    const size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    // Three- and four-byte sequences here are CJK, full-width forms and the like.
    width += len >= 3 ? 2 : 1;
    i += len;
  }
  return width;
}

}  // namespace minsheng::exchange
