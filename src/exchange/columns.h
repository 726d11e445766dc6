// Header rows and column matching (表头识别与列匹配).
//
// A ledger's header can sit below a title or a merged group row, and its
// columns can be named in Chinese or English, with full-width brackets, a
// leading "*" marking a required column, or a line break inside the cell.
// SplitHeader finds the header row; MapColumns maps its cells onto a list of
// ColumnSpec by normalized name. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "exchange/grid.h"

namespace minsheng::exchange {

// One column a consumer understands.
struct ColumnSpec {
  std::string key;                    // stable, e.g. "original_value"
  std::vector<std::string> names_zh;  // first: canonical header (templates, exports)
  std::vector<std::string> names_en;  // first: canonical English header
  bool required = false;
};

// The form names are compared in: trimmed; full-width ASCII (ＡＢ１（）) and
// CJK brackets (【】〔〕) folded to ASCII; English lower-cased; all white space
// removed; leading/trailing "*" (required-column markers) removed.
std::string NormalizeHeader(std::string_view name);

// Every zh and en name of the specs, for SplitHeader.
std::vector<std::string> KnownNames(std::span<const ColumnSpec> specs);

// A grid split into its header and data rows.
struct Table {
  std::vector<std::string> header;  // header cells as in the file, trimmed
  int64_t header_row = 0;           // source row of the header
  Grid rows;                        // the rows below the header
};

// Picks the header among the first max_scan rows: the row with the most
// non-empty cells whose normalized text is a known name (ties: the earlier
// row); when no row matches any name, the first row. Rows above the header
// (titles, merged group rows) are dropped. An empty grid is an error
// ("exchange.empty_file").
Result<Table> SplitHeader(Grid grid, std::span<const std::string> known_names,
                          size_t max_scan = 20);

struct UnknownColumn {
  size_t index = 0;  // 0-based column in the file
  std::string name;  // header as in the file
};

// Where each spec's column is in the file.
struct ColumnMapping {
  std::vector<std::string> keys;                 // the specs' keys, in spec order
  std::vector<std::optional<size_t>> columns;    // per spec: file column, if present
  std::vector<UnknownColumn> unknown;            // file columns matching no spec
  std::vector<std::string> header;               // the file's header cells

  // File column of a key; empty when the column is absent (or the key unknown).
  std::optional<size_t> Column(std::string_view key) const;
  // Header text as in the file for a key's column; the key itself if absent.
  std::string HeaderOf(std::string_view key) const;
};

// Maps header cells onto specs. Errors (kInvalidArgument, one error listing
// every problem, with a FieldError per column):
//   "exchange.missing_columns"  required columns absent (names listed, zh and en)
//   "exchange.duplicate_column" two file columns match the same spec
// Unknown columns are not an error; they are reported in the mapping. Blank
// header cells are ignored. Identical adjacent headers (what filling a
// horizontally merged header cell produces) map the first column; the others
// are reported as unknown.
Result<ColumnMapping> MapColumns(std::span<const std::string> header,
                                 std::span<const ColumnSpec> specs);

}  // namespace minsheng::exchange
