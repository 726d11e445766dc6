// Generic table export (表格导出): the console posts the rows it shows with
// the column labels of its locale and gets them back as an .xlsx file.
//
//   POST /api/v1/export/xlsx   any signed-in user; body (≤ kTableExportBodyLimit)
//     {"file_name": "考核列表.xlsx", "sheet": "考核", "title": "…" (optional),
//      "columns": [{"key": "total", "label": "得分", "type": "number"}],
//      "rows": [{"total": 87.5}]}
//   → 200 the file (Content-Disposition with filename* UTF-8), or
//     400 validation_failed with field paths (columns[i].type, rows[j].key).
//
// The body holds only data the caller already sees, so there is no scope
// check and no audit row (a read-only export); each export is logged.
//
// Column types and cells:
//   text     strings as given; numbers and booleans as their JSON text
//   number   JSON numbers (or numeric strings) → numeric cells
//   integer  JSON integers (a fractional number is an error)
//   percent  a number in percent units as the console shows it (87.5 = 87.5 %)
//            → a numeric cell; the label should say "(%)"
//   date     "YYYY-MM-DD" text (kept as text, like every export)
// null or a missing key → a blank cell; objects and arrays are errors.
// The title is validated and logged; the writer has no title row, so the
// file holds the header row and the data (the sheet name carries the table).
//
// Thread-safe: pure functions.
#pragma once

#include <boost/json/array.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "auth/guard.h"
#include "core/result.h"
#include "exchange/writer.h"
#include "http/router.h"

namespace minsheng::exchange {

inline constexpr size_t kTableExportBodyLimit = size_t{32} << 20;
inline constexpr size_t kTableExportMaxColumns = 100;
inline constexpr size_t kTableExportMaxRows = 200'000;
inline constexpr size_t kTableExportMaxLabel = 200;

enum class TableColumnType { kText, kNumber, kInteger, kDate, kPercent };

struct TableColumn {
  std::string key;
  std::string label;
  TableColumnType type = TableColumnType::kText;
};

struct TableExport {
  std::string file_name;  // ends in ".xlsx"
  std::string sheet;
  std::string title;
  std::vector<TableColumn> columns;
  boost::json::array rows;  // validated objects
};

// Parses and validates the request body; every problem as a FieldError.
Result<TableExport> ParseTableExport(std::string_view body);

// The .xlsx bytes of a validated export.
Result<std::string> WriteTableXlsx(const TableExport& table);

void RegisterTableExportRoutes(http::Router& router, const auth::Guard& guard);

}  // namespace minsheng::exchange
