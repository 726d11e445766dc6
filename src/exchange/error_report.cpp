#include "exchange/error_report.h"

#include <charconv>

#include "exchange/reader.h"

namespace minsheng::exchange {

std::vector<OutputColumn> ErrorReportColumns() {
  return {
      {"行号", CellType::kInteger, 8},  {"列", CellType::kText, 16},
      {"值", CellType::kText, 24},      {"错误代码", CellType::kText, 24},
      {"错误说明", CellType::kText, 48}, {"Error", CellType::kText, 60},
  };
}

std::vector<ColumnSpec> ErrorReportSpecs() {
  return {
      {"row", {"行号"}, {"Row"}, true},
      {"column", {"列"}, {"Column"}, true},
      {"value", {"值"}, {"Value"}, true},
      {"code", {"错误代码"}, {"Code"}, true},
      {"message_zh", {"错误说明"}, {"Message"}, true},
      {"message_en", {"Error"}, {"Error (en)"}, true},
  };
}

Result<void> WriteErrorReport(std::span<const RowError> errors, FileFormat format,
                              OutputTarget target) {
  MS_ASSIGN_OR_RETURN(auto writer, OpenTableWriter(format, std::move(target), ErrorReportColumns(),
                                                   "错误报告"));
  for (const auto& e : errors) {
    const std::string row = e.row > 0 ? std::to_string(e.row) : std::string();
    MS_TRY(writer->AddRow({row, e.column, e.value, e.code, e.message_zh, e.message_en}));
  }
  return writer->Finish();
}

Result<std::vector<RowError>> ReadErrorReport(std::string_view bytes) {
  MS_ASSIGN_OR_RETURN(Grid grid, ReadGrid(bytes));
  const auto specs = ErrorReportSpecs();
  MS_ASSIGN_OR_RETURN(Table table, SplitHeader(std::move(grid), KnownNames(specs)));
  MS_ASSIGN_OR_RETURN(const ColumnMapping map, MapColumns(table.header, specs));
  std::vector<RowError> out;
  out.reserve(table.rows.size());
  auto cell = [&](size_t i, std::string_view key) {
    return std::string(table.rows.Cell(i, *map.Column(key)));
  };
  for (size_t i = 0; i < table.rows.size(); ++i) {
    RowError e;
    const std::string row = cell(i, "row");
    std::from_chars(row.data(), row.data() + row.size(), e.row);
    e.column = cell(i, "column");
    e.value = cell(i, "value");
    e.code = cell(i, "code");
    e.message_zh = cell(i, "message_zh");
    e.message_en = cell(i, "message_en");
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<RowError> RowErrorsFrom(const Error& e, const ColumnMapping& map, const Grid& rows,
                                    size_t i) {
  const int64_t row = rows.SourceRow(i);
  std::vector<RowError> out;
  if (e.fields.empty()) {
    out.push_back({row, "", "", e.code, e.zh, e.en});
    return out;
  }
  for (const auto& f : e.fields) {
    RowError r{row, f.field, "", f.code, f.zh, f.en};
    if (const auto col = map.Column(f.field)) {
      r.column = map.HeaderOf(f.field);
      r.value = std::string(rows.Cell(i, *col));
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace minsheng::exchange
