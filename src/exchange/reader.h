// Readers of uploaded ledgers (台账导入): CSV and XLSX into a Grid of UTF-8
// cells with source row numbers. Pure functions over bytes or a file;
// thread-safe.
//
// CSV (RFC 4180): quoted fields, "" escapes, line breaks inside quotes, CRLF,
// LF or CR line ends, a UTF-8 BOM. Lenient where Excel is (a quote inside an
// unquoted field is kept as text). Row numbers are record numbers — what
// Excel shows when it opens the file — counting blank lines.
// Encoding: UTF-8 (with or without BOM) when the bytes are valid UTF-8;
// otherwise GB18030 (a superset of GBK and GB2312), converted with iconv. A
// file that is mostly valid UTF-8 with a few broken bytes is reported as
// broken UTF-8 rather than decoded as GB18030 mojibake.
//
// XLSX: the first visible sheet or a named one; shared strings, inline
// strings, formula results, numbers as written in the file (except Excel's
// 17-digit binary artefacts, shown with the 15 digits Excel shows), booleans
// ("TRUE"/"FALSE"), dates (serial numbers under a date format) as
// "YYYY-MM-DD" (or "YYYY-MM-DD HH:MM:SS" when the format and value carry a
// time); merged cells are filled with their value in every cell they cover.
// The sheet and shared strings are parsed as streams straight from the zip
// (no DOM of the sheet), so memory is the Grid plus the shared strings.
//
// Errors (all kInvalidArgument, zh + en, never a crash):
//   exchange.bad_file          not a readable zip/XLSX, corrupt or truncated
//   exchange.unsupported_format  an old binary .xls (or UTF-16) file
//   exchange.sheet_not_found   the named sheet is not in the workbook
//   exchange.bad_encoding      neither UTF-8 nor GB18030 (byte offset and line)
//   exchange.csv_unterminated_quote  a quoted field never closes (its row)
//   exchange.too_many_columns  a row wider than ReadOptions::max_columns
//   exchange.too_many_rows     more than ReadOptions::max_rows rows
//   exchange.cell_too_large    a cell longer than ReadOptions::max_cell_bytes
//   exchange.file_not_found    (file variants) the path cannot be opened
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "exchange/grid.h"

namespace minsheng::exchange {

enum class TextEncoding { kUtf8, kUtf8Bom, kGb18030 };
std::string_view EncodingName(TextEncoding e);  // "UTF-8", "UTF-8 (BOM)", "GB18030"

struct ReadOptions {
  // XLSX: the sheet to read; empty = the first visible sheet.
  std::string sheet;
  // CSV: the field separator.
  char delimiter = ',';
  size_t max_columns = 1024;
  size_t max_rows = 0;  // 0 = no limit
  size_t max_cell_bytes = 1 << 20;
  // XLSX: refuse zip entries that inflate past this (zip bombs).
  uint64_t max_xml_bytes = uint64_t{8} << 30;
  // Called every few thousand rows with the rows read and the fraction of the
  // input consumed (0..1). May be empty.
  std::function<void(size_t rows, double fraction)> on_progress;
};

// Detects the encoding of text bytes (see above); BOM stripped. When the text
// is already UTF-8 and had no BOM, `utf8` is empty and `view` points into the
// input (no copy).
struct DecodedText {
  TextEncoding encoding = TextEncoding::kUtf8;
  std::string utf8;       // converted text, when a conversion happened
  std::string_view view;  // the UTF-8 text to parse
};
Result<DecodedText> DecodeText(std::string_view bytes);

Result<Grid> ReadCsv(std::string_view bytes, const ReadOptions& options = {},
                     TextEncoding* detected = nullptr);
// Parses text already known to be UTF-8 (no encoding detection, no BOM).
Result<Grid> ParseCsvUtf8(std::string_view text, const ReadOptions& options = {});

// bytes must stay alive during the call.
Result<Grid> ReadXlsx(std::string_view bytes, const ReadOptions& options = {});
Result<Grid> ReadXlsxFile(const std::string& path, const ReadOptions& options = {});
// Sheet names in workbook order.
Result<std::vector<std::string>> XlsxSheetNames(std::string_view bytes);

enum class InputFormat { kCsv, kXlsx };
// By content: a zip → XLSX; an OLE2 file (.xls) → unsupported_format error;
// otherwise CSV.
Result<InputFormat> SniffFormat(std::string_view head);

// Reads a file of either format (sniffed from its first bytes).
Result<Grid> ReadGridFile(const std::string& path, const ReadOptions& options = {});
Result<Grid> ReadGrid(std::string_view bytes, const ReadOptions& options = {});

}  // namespace minsheng::exchange
