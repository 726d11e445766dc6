#include "exchange/table_export.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdio>
#include <set>

#include "core/json_input.h"
#include "core/text.h"
#include "exchange/routes.h"

namespace minsheng::exchange {

namespace json = boost::json;

namespace {

// Field errors past this many are dropped (a 200,000-row table of bad rows
// would otherwise answer with a huge problem document).
constexpr size_t kMaxErrors = 50;
constexpr size_t kMaxSheetName = 31;  // Excel's limit
constexpr size_t kMaxKey = 100;

std::optional<TableColumnType> ParseType(std::string_view s) {
  if (s == "text") return TableColumnType::kText;
  if (s == "number") return TableColumnType::kNumber;
  if (s == "integer") return TableColumnType::kInteger;
  if (s == "date") return TableColumnType::kDate;
  if (s == "percent") return TableColumnType::kPercent;
  return std::nullopt;
}

CellType WriterType(TableColumnType t) {
  switch (t) {
    case TableColumnType::kText: return CellType::kText;
    case TableColumnType::kNumber: return CellType::kNumber;
    case TableColumnType::kInteger: return CellType::kInteger;
    case TableColumnType::kDate: return CellType::kDate;
    case TableColumnType::kPercent: return CellType::kNumber;
  }
  return CellType::kText;
}

std::string FormatDouble(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

// The cell text of one JSON value (already validated).
std::string CellText(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string: return std::string(v.get_string());
    case json::kind::int64: return std::to_string(v.get_int64());
    case json::kind::uint64: return std::to_string(v.get_uint64());
    case json::kind::double_: return FormatDouble(v.get_double());
    case json::kind::bool_: return v.get_bool() ? "TRUE" : "FALSE";
    default: return {};
  }
}

bool IsNumericText(std::string_view s) {
  const std::string copy = Trim(s);
  if (copy.empty()) return false;
  char* end = nullptr;
  const double d = std::strtod(copy.c_str(), &end);
  return end == copy.c_str() + copy.size() && std::isfinite(d);
}

void Add(std::vector<FieldError>& errors, std::string field, std::string code, std::string zh, std::string en) {
  if (errors.size() < kMaxErrors) errors.push_back({std::move(field), std::move(code), std::move(zh), std::move(en)});
}

// Checks one cell against its column; appends an error at rows[j].key.
void CheckCell(const json::value& v, const TableColumn& c, const std::string& field, std::vector<FieldError>& errors) {
  if (v.is_null()) return;
  if (v.is_object() || v.is_array()) {
    Add(errors, field, "invalid", "单元格应为文本、数字或空值", "a cell must be text, a number or null");
    return;
  }
  if (v.is_string() && !IsValidUtf8(v.get_string())) {
    Add(errors, field, "invalid", "文本不是有效的 UTF-8", "text is not valid UTF-8");
    return;
  }
  switch (c.type) {
    case TableColumnType::kText:
    case TableColumnType::kDate:
      return;
    case TableColumnType::kNumber:
    case TableColumnType::kPercent:
      if (v.is_number() || (v.is_string() && (v.get_string().empty() || IsNumericText(v.get_string())))) return;
      Add(errors, field, "not_number", "应为数字", "must be a number");
      return;
    case TableColumnType::kInteger:
      if (v.is_int64() || v.is_uint64()) return;
      if (v.is_double() && std::isfinite(v.get_double()) && v.get_double() == std::floor(v.get_double())) return;
      if (v.is_string() && v.get_string().empty()) return;
      Add(errors, field, "not_integer", "应为整数", "must be an integer");
      return;
  }
}

// Excel refuses these in sheet names.
bool BadSheetName(std::string_view s) {
  if (s.front() == '\'' || s.back() == '\'') return true;
  for (const char ch : s) {
    if (ch == '[' || ch == ']' || ch == ':' || ch == '*' || ch == '?' || ch == '/' || ch == '\\') return true;
  }
  return false;
}

bool BadFileName(std::string_view s) {
  for (const char ch : s) {
    if (ch == '/' || ch == '\\' || ch == '"' || ch == ':' || ch == '*' || ch == '?' || ch == '<' || ch == '>' ||
        ch == '|') {
      return true;
    }
  }
  return false;
}

bool EndsWithXlsx(std::string_view s) {
  if (s.size() < 5) return false;
  std::string tail(s.substr(s.size() - 5));
  for (auto& ch : tail) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return tail == ".xlsx";
}

}  // namespace

Result<TableExport> ParseTableExport(std::string_view body) {
  MS_ASSIGN_OR_RETURN(JsonInput in, JsonInput::Parse(body));
  TableExport t;
  auto file_name = in.String("file_name", {.required = true, .min_len = 1, .max_len = 200});
  auto sheet = in.String("sheet", {.max_len = kMaxSheetName});
  auto title = in.String("title", {.max_len = kTableExportMaxLabel});
  auto columns = in.Array("columns", true);
  auto rows = in.Array("rows", true);

  std::vector<FieldError> errors;
  if (file_name) {
    if (BadFileName(*file_name)) {
      Add(errors, "file_name", "invalid", "文件名不能含 / \\ : * ? \" < > |",
          "the file name may not contain / \\ : * ? \" < > |");
    }
    t.file_name = *file_name;
    if (!EndsWithXlsx(t.file_name)) t.file_name += ".xlsx";
  }
  t.sheet = sheet && !sheet->empty() ? *sheet : "Sheet1";
  if (BadSheetName(t.sheet)) {
    Add(errors, "sheet", "invalid", "工作表名不能含 [ ] : * ? / \\，也不能以 ' 开头或结尾",
        "a sheet name may not contain [ ] : * ? / \\ nor start or end with '");
  }
  if (title) t.title = *title;

  if (columns) {
    if (columns->empty()) {
      Add(errors, "columns", "required", "至少需要一列", "at least one column is required");
    } else if (columns->size() > kTableExportMaxColumns) {
      Add(errors, "columns", "too_many", "最多 " + std::to_string(kTableExportMaxColumns) + " 列",
          "at most " + std::to_string(kTableExportMaxColumns) + " columns");
    } else {
      std::set<std::string, std::less<>> keys;
      for (size_t i = 0; i < columns->size(); ++i) {
        const std::string path = "columns[" + std::to_string(i) + "]";
        const json::value& cv = (*columns)[i];
        if (!cv.is_object()) {
          Add(errors, path, "invalid", "列应为对象 {key, label, type}", "a column must be an object {key, label, type}");
          continue;
        }
        JsonInput col(cv.get_object(), path);
        auto key = col.String("key", {.required = true, .min_len = 1, .max_len = kMaxKey});
        auto label = col.String("label", {.required = true, .min_len = 1, .max_len = kTableExportMaxLabel});
        auto type = col.String("type", {.max_len = 20});
        TableColumn c;
        if (type && !type->empty()) {
          auto parsed = ParseType(*type);
          if (!parsed) {
            col.AddError(col.FieldName("type"), "invalid", "类型应为 text、number、integer、date 或 percent",
                         "type must be text, number, integer, date or percent");
          } else {
            c.type = *parsed;
          }
        }
        if (key && !keys.insert(*key).second) {
          col.AddError(col.FieldName("key"), "duplicate", "列键重复", "duplicate column key");
        }
        if (auto done = col.Finish(); !done.ok()) {
          for (auto& e : done.error().fields) Add(errors, e.field, e.code, e.zh, e.en);
          continue;
        }
        c.key = *key;
        c.label = *label;
        t.columns.push_back(std::move(c));
      }
    }
  }

  if (rows) {
    if (rows->size() > kTableExportMaxRows) {
      Add(errors, "rows", "too_many", "最多 " + std::to_string(kTableExportMaxRows) + " 行",
          "at most " + std::to_string(kTableExportMaxRows) + " rows");
    } else if (errors.empty()) {
      for (size_t j = 0; j < rows->size() && errors.size() < kMaxErrors; ++j) {
        const std::string path = "rows[" + std::to_string(j) + "]";
        const json::value& rv = (*rows)[j];
        if (!rv.is_object()) {
          Add(errors, path, "invalid", "行应为对象 {列键: 值}", "a row must be an object {key: value}");
          continue;
        }
        const json::object& ro = rv.get_object();
        for (const TableColumn& c : t.columns) {
          if (const auto* v = ro.if_contains(c.key)) CheckCell(*v, c, path + "." + c.key, errors);
        }
      }
    }
    t.rows = std::move(*rows);
  }

  if (auto done = in.Finish(); !done.ok()) {
    auto fields = done.error().fields;
    for (auto& e : errors) fields.push_back(std::move(e));
    return ValidationError(std::move(fields));
  }
  if (!errors.empty()) return ValidationError(std::move(errors));
  return t;
}

Result<std::string> WriteTableXlsx(const TableExport& table) {
  std::vector<OutputColumn> columns;
  columns.reserve(table.columns.size());
  for (const auto& c : table.columns) columns.push_back({c.label, WriterType(c.type), 0});
  std::string out;
  MS_ASSIGN_OR_RETURN(auto writer,
                      OpenTableWriter(FileFormat::kXlsx, OutputTarget::String(&out), std::move(columns), table.sheet));
  std::vector<std::string> cells(table.columns.size());
  for (const json::value& rv : table.rows) {
    const json::object& ro = rv.get_object();
    for (size_t i = 0; i < table.columns.size(); ++i) {
      const auto* v = ro.if_contains(table.columns[i].key);
      cells[i] = v != nullptr ? CellText(*v) : std::string();
    }
    MS_TRY(writer->AddRow(std::span<const std::string>(cells)));
  }
  MS_TRY(writer->Finish());
  return out;
}

void RegisterTableExportRoutes(http::Router& router, const auth::Guard& guard) {
  router.Add(
      http::Method::kPost, "/api/v1/export/xlsx",
      guard.Wrap([](auth::Context& ctx) {
        auto table = ParseTableExport(ctx.req.body);
        if (!table.ok()) return http::Problem(table.error(), ctx.req);
        auto file = WriteTableXlsx(*table);
        if (!file.ok()) return http::Problem(file.error(), ctx.req);
        spdlog::info("table export: user={} file=\"{}\" sheet=\"{}\" title=\"{}\" columns={} rows={} bytes={}",
                     ctx.who().username, table->file_name, table->sheet, table->title, table->columns.size(),
                     table->rows.size(), file->size());
        return http::Response::Text(200, std::move(file).value(), std::string(ContentType(FileFormat::kXlsx)))
            .WithHeader("Content-Disposition", AttachmentDisposition(table->file_name))
            .WithHeader("Cache-Control", "no-store");
      }),
      {.body_limit = kTableExportBodyLimit});
}

}  // namespace minsheng::exchange
