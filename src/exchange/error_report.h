// The per-row error report of an import (导入错误报告): one line per problem
// with the row and column as the clerk sees them in the file, the offending
// value and a message in Chinese and English. Downloadable as XLSX or CSV.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "exchange/columns.h"
#include "exchange/writer.h"

namespace minsheng::exchange {

struct RowError {
  int64_t row = 0;     // source row; 0 for a problem with the whole file
  std::string column;  // header as written in the file; "" for a whole-row problem
  std::string value;
  std::string code;    // stable, e.g. "asset.category_unknown"
  std::string message_zh;
  std::string message_en;
};

// The report's columns: 行号, 列, 值, 错误代码, 错误说明, Error.
std::vector<OutputColumn> ErrorReportColumns();
// The same columns as specs (zh and en names), to read a report back.
std::vector<ColumnSpec> ErrorReportSpecs();

// Writes the report (rows in the order given).
Result<void> WriteErrorReport(std::span<const RowError> errors, FileFormat format,
                              OutputTarget target);

// Reads a report written by WriteErrorReport (either format, sniffed).
Result<std::vector<RowError>> ReadErrorReport(std::string_view bytes);

// The RowErrors of a validation Error about data row i of rows: one per
// FieldError whose field is a column key of map (column and value taken from
// the file), the field name itself otherwise; one whole-row error when the
// Error has no fields.
std::vector<RowError> RowErrorsFrom(const Error& e, const ColumnMapping& map, const Grid& rows,
                                    size_t i);

}  // namespace minsheng::exchange
