// Table writers for exports, templates and error reports (导出): one row
// model (strings, one per column) written as CSV or XLSX.
//
// Cells are text as the exporter formats it ("1234.50" for money, "2026-03-09"
// for dates); the column type tells the XLSX writer how to store them:
//   kText    a string
//   kMoney   元 text → a number with the "0.00" format (text that is not a
//            money amount is kept as a string, so nothing is lost)
//   kDate    the text "YYYY-MM-DD" (a string: no time-zone or 1900/1904 surprises)
//   kInteger / kNumber   a number (general / "0" format), else a string
// The CSV writer writes every cell as text: UTF-8 with a BOM (so Excel opens
// Chinese correctly), RFC 4180 quoting, CRLF line ends; text cells that a
// spreadsheet would run as a formula (=…, @…, +cmd…) get a leading "'".
//
// XLSX is written by libxlsxwriter in constant_memory mode: each row goes to a
// temporary file as it is added, so memory stays flat however many rows.
// The header row is bold and frozen; widths come from the column or from the
// header's display width (CJK counts double).
//
// Targets: a file path, a std::string, or a std::ostream (an HTTP body). For
// XLSX to a string or stream the workbook is assembled in a temporary file and
// copied out by Finish (libxlsxwriter 1.1.4 writes files only).
//
// Thread-safety: a writer is used by one thread at a time.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace minsheng::exchange {

enum class FileFormat { kCsv, kXlsx };

// "csv" / "xlsx" (case-insensitive, optional leading dot) → format.
std::optional<FileFormat> ParseFileFormat(std::string_view name);
// By file name extension (".xlsx" → kXlsx, anything else → kCsv).
FileFormat FormatForPath(std::string_view path);
std::string_view ContentType(FileFormat f);

enum class CellType { kText, kMoney, kDate, kInteger, kNumber };

struct OutputColumn {
  std::string header;
  CellType type = CellType::kText;
  double width = 0;  // characters; 0 = from the header and type
};

// Where the bytes go. The pointed-to string or stream must outlive the writer.
class OutputTarget {
 public:
  static OutputTarget File(std::string path);
  static OutputTarget String(std::string* out);  // appended to
  static OutputTarget Stream(std::ostream* out);

  const std::string& path() const { return path_; }
  std::string* string() const { return string_; }
  std::ostream* stream() const { return stream_; }

 private:
  OutputTarget() = default;
  std::string path_;
  std::string* string_ = nullptr;
  std::ostream* stream_ = nullptr;
};

class TableWriter {
 public:
  virtual ~TableWriter() = default;
  // Writes one data row (the header was written on opening). Missing cells
  // are blank; cells beyond the columns are ignored.
  virtual Result<void> AddRow(std::span<const std::string_view> cells) = 0;
  Result<void> AddRow(std::span<const std::string> cells);
  Result<void> AddRow(std::initializer_list<std::string_view> cells) {
    return AddRow(std::span<const std::string_view>(cells.begin(), cells.size()));
  }
  // XLSX only: starts another sheet with its own header; later rows go there
  // (rows of earlier sheets are final). CSV holds one table: an error.
  virtual Result<void> StartSheet(std::string name, std::vector<OutputColumn> columns) = 0;
  // Completes the file. Nothing may be added afterwards. A writer destroyed
  // without Finish leaves no complete file behind (temporary files removed).
  virtual Result<void> Finish() = 0;
  // Data rows added so far (to the current sheet).
  virtual size_t rows() const = 0;

 private:
  std::vector<std::string_view> views_;
};

// Opens a writer and writes the header row. Errors: "exchange.write_failed"
// when the target file cannot be created; "exchange.too_many_rows" from
// AddRow past XLSX's 1,048,575 data rows.
Result<std::unique_ptr<TableWriter>> OpenTableWriter(FileFormat format, OutputTarget target,
                                                     std::vector<OutputColumn> columns,
                                                     std::string sheet_name = "Sheet1");

// Display width of text: CJK and full-width characters count 2, others 1.
size_t DisplayWidth(std::string_view s);

}  // namespace minsheng::exchange
