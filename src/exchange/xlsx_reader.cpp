// XLSX reading (see reader.h): the package parts that are small (workbook,
// relationships, styles) are read with pugixml; the sheet and the shared
// strings, which grow with the data, are streamed with XmlPull.
#include <pugixml.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>
#include <vector>

#include "core/date.h"
#include "exchange/reader.h"
#include "exchange/reader_internal.h"

namespace minsheng::exchange {
namespace {

using internal::BadFile;
using internal::XmlPull;
using internal::ZipArchive;

constexpr uint64_t kSmallPartMax = uint64_t{64} << 20;
constexpr size_t kProgressEvery = 16384;
constexpr size_t kExcelMaxColumns = 16384;

std::string_view LocalName(const char* qname) {
  const std::string_view q(qname);
  const size_t colon = q.find(':');
  return colon == std::string_view::npos ? q : q.substr(colon + 1);
}

pugi::xml_node Child(pugi::xml_node n, std::string_view local) {
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && LocalName(c.name()) == local) return c;
  }
  return {};
}

std::string AttrByLocal(pugi::xml_node n, std::string_view local) {
  for (pugi::xml_attribute a = n.first_attribute(); a; a = a.next_attribute()) {
    if (LocalName(a.name()) == local) return a.value();
  }
  return {};
}

Result<void> ParseXml(pugi::xml_document& doc, const std::string& text, const std::string& part) {
  const pugi::xml_parse_result r = doc.load_buffer(text.data(), text.size());
  if (!r) {
    return BadFile(part + " 格式错误", part + " is malformed",
                   std::string("pugixml: ") + r.description() + " at " + std::to_string(r.offset));
  }
  return Ok();
}

std::string DirOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

// Joins a relationship target to the directory of the part that names it.
std::string ResolveTarget(const std::string& base_dir, std::string target) {
  std::string joined = !target.empty() && target.front() == '/' ? target.substr(1) : base_dir + target;
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= joined.size()) {
    const size_t slash = std::min(joined.find('/', start), joined.size());
    const std::string seg = joined.substr(start, slash - start);
    if (seg == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!seg.empty() && seg != ".") {
      parts.push_back(seg);
    }
    start = slash + 1;
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

struct Relationship {
  std::string type;    // last path segment of the type URI: "worksheet", "sharedStrings"…
  std::string target;  // resolved part name
};

Result<std::unordered_map<std::string, Relationship>> ReadRels(ZipArchive& zip,
                                                                const std::string& part) {
  std::unordered_map<std::string, Relationship> rels;
  const std::string dir = DirOf(part);
  const std::string rels_path = dir + "_rels/" + part.substr(dir.size()) + ".rels";
  if (!zip.Has(rels_path)) return rels;
  MS_ASSIGN_OR_RETURN(const std::string text, zip.ReadAll(rels_path, kSmallPartMax));
  pugi::xml_document doc;
  MS_TRY(ParseXml(doc, text, rels_path));
  for (pugi::xml_node r = Child(doc, "Relationships").first_child(); r; r = r.next_sibling()) {
    if (LocalName(r.name()) != "Relationship") continue;
    if (std::string_view(r.attribute("TargetMode").value()) == "External") continue;
    std::string type = r.attribute("Type").value();
    type = type.substr(type.rfind('/') == std::string::npos ? 0 : type.rfind('/') + 1);
    rels[r.attribute("Id").value()] = {type, ResolveTarget(dir, r.attribute("Target").value())};
  }
  return rels;
}

// ---- number formats: which cell styles are dates ----

enum class NumKind : uint8_t { kOther, kDate, kDateTime };

NumKind BuiltinKind(int id) {
  switch (id) {
    case 14: case 15: case 16: case 17:
    case 27: case 28: case 29: case 30: case 31: case 36:
    case 50: case 51: case 52: case 53: case 54: case 57: case 58:
      return NumKind::kDate;
    case 22:
      return NumKind::kDateTime;
    default:
      return NumKind::kOther;
  }
}

NumKind ClassifyFormatCode(std::string_view code) {
  bool date = false;
  bool time = false;
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (c == '"') {
      const size_t close = code.find('"', i + 1);
      if (close == std::string_view::npos) break;
      i = close;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;
    } else if (c == '[') {
      const size_t close = code.find(']', i + 1);
      if (close == std::string_view::npos) break;
      const std::string_view inner = code.substr(i + 1, close - i - 1);
      if (!inner.empty() && inner.find_first_not_of("hHmMsS") == std::string_view::npos) time = true;
      i = close;
    } else if (c == 'y' || c == 'Y' || c == 'd' || c == 'D') {
      date = true;
    } else if (c == 'h' || c == 'H' || c == 's' || c == 'S') {
      time = true;
    }
  }
  if (!date) return NumKind::kOther;
  return time ? NumKind::kDateTime : NumKind::kDate;
}

Result<std::vector<NumKind>> ReadStyles(ZipArchive& zip, const std::string& part) {
  std::vector<NumKind> kinds;
  if (part.empty() || !zip.Has(part)) return kinds;
  MS_ASSIGN_OR_RETURN(const std::string text, zip.ReadAll(part, kSmallPartMax));
  pugi::xml_document doc;
  MS_TRY(ParseXml(doc, text, part));
  const pugi::xml_node sheet = Child(doc, "styleSheet");
  std::unordered_map<int, NumKind> custom;
  for (pugi::xml_node f = Child(sheet, "numFmts").first_child(); f; f = f.next_sibling()) {
    if (LocalName(f.name()) != "numFmt") continue;
    custom[f.attribute("numFmtId").as_int(-1)] = ClassifyFormatCode(f.attribute("formatCode").value());
  }
  for (pugi::xml_node xf = Child(sheet, "cellXfs").first_child(); xf; xf = xf.next_sibling()) {
    if (LocalName(xf.name()) != "xf") continue;
    const int id = xf.attribute("numFmtId").as_int(0);
    const auto it = custom.find(id);
    kinds.push_back(it != custom.end() ? it->second : BuiltinKind(id));
  }
  return kinds;
}

// Serial day number → "YYYY-MM-DD" (and " HH:MM:SS" when there is a time).
std::optional<std::string> FormatSerial(std::string_view text, bool date1904, bool with_time) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v) || v < 0 ||
      v >= 2958466.0) {
    return std::nullopt;
  }
  auto days = static_cast<int64_t>(std::floor(v));
  auto seconds = static_cast<int64_t>(std::llround((v - static_cast<double>(days)) * 86400.0));
  if (seconds >= 86400) {
    ++days;
    seconds -= 86400;
  }
  Date d;
  if (date1904) {
    d.days = MakeDate(1904, 1, 1).days + static_cast<int32_t>(days);
  } else if (days == 0) {
    return std::nullopt;  // Excel's "1900-01-00": a time of day, not a date
  } else if (days == 60) {
    return std::string("1900-02-29");  // Excel's phantom leap day, kept as Excel shows it
  } else if (days < 60) {
    d.days = MakeDate(1899, 12, 31).days + static_cast<int32_t>(days);
  } else {
    d.days = MakeDate(1899, 12, 30).days + static_cast<int32_t>(days);
  }
  std::string out = FormatDate(d);
  if (with_time && seconds != 0) {
    char buf[16];
    std::snprintf(buf, sizeof buf, " %02d:%02d:%02d", static_cast<int>(seconds / 3600),
                  static_cast<int>(seconds / 60 % 60), static_cast<int>(seconds % 60));
    out += buf;
  }
  return out;
}

// Numbers are kept as written, except Excel's binary artefacts: it stores
// doubles with up to 17 significant digits (0.07 as "7.0000000000000007E-2"),
// while it shows 15. Those are rewritten the way Excel shows them, so a money
// amount reads back as "0.07" and an 18-digit number as Excel displays it.
std::string NormalizeNumber(std::string_view text) {
  size_t significant = 0;
  bool leading = true;
  bool exponent = false;
  for (const char c : text) {
    if (c == 'e' || c == 'E') {
      exponent = true;
      break;
    }
    if (c < '0' || c > '9') continue;
    if (c != '0') leading = false;
    if (!leading) ++significant;
  }
  if (!exponent && significant <= 15) return std::string(text);
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) {
    return std::string(text);
  }
  // Fifteen significant digits, then written out as a plain decimal.
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.14e", v);
  const std::string_view sci(buf);
  const size_t e = sci.find('e');
  int exp10 = 0;
  std::from_chars(sci.data() + e + (sci[e + 1] == '+' ? 2 : 1), sci.data() + sci.size(), exp10);
  if (exp10 < -10 || exp10 > 20) return std::string(sci);
  const bool negative = sci.front() == '-';
  std::string digits;
  for (const char c : sci.substr(0, e)) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  std::string out = negative ? "-" : "";
  if (exp10 >= 14) {
    out += digits + std::string(static_cast<size_t>(exp10 - 14), '0');
    return out;
  }
  std::string whole, frac;
  if (exp10 >= 0) {
    whole = digits.substr(0, static_cast<size_t>(exp10 + 1));
    frac = digits.substr(static_cast<size_t>(exp10 + 1));
  } else {
    whole = "0";
    frac = std::string(static_cast<size_t>(-exp10 - 1), '0') + digits;
  }
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  out += whole;
  if (!frac.empty()) out += "." + frac;
  return out;
}

// ---- shared strings (streamed) ----

class StringTable {
 public:
  void Add(std::string_view s) {
    bytes_.append(s);
    ends_.push_back(bytes_.size());
  }
  size_t size() const { return ends_.size(); }
  std::string_view Get(size_t i) const {
    const size_t begin = i == 0 ? 0 : ends_[i - 1];
    return {bytes_.data() + begin, ends_[i] - begin};
  }

 private:
  std::string bytes_;
  std::vector<size_t> ends_;
};

Result<void> ReadSharedStrings(ZipArchive& zip, const std::string& part, const ReadOptions& options,
                               StringTable& table) {
  if (part.empty() || !zip.Has(part)) return Ok();
  MS_TRY(zip.OpenEntry(part, options.max_xml_bytes));
  XmlPull xml([&zip](char* buf, size_t cap) { return zip.Read(buf, cap); });
  bool in_si = false;
  bool in_t = false;
  int phonetic = 0;  // inside <rPh>: furigana-style runs, not part of the text
  std::string current;
  for (;;) {
    MS_ASSIGN_OR_RETURN(const XmlPull::Token tok, xml.Next());
    if (tok == XmlPull::Token::kEof) break;
    const std::string_view name = xml.name();
    if (tok == XmlPull::Token::kStart) {
      if (name == "si") {
        current.clear();
        in_si = !xml.self_closing();
        if (!in_si) table.Add("");
      } else if (name == "t") {
        in_t = in_si && phonetic == 0 && !xml.self_closing();
      } else if (name == "rPh" && !xml.self_closing()) {
        ++phonetic;
      }
    } else if (tok == XmlPull::Token::kEnd) {
      if (name == "si" && in_si) {
        internal::DecodeOoxmlEscapes(current);
        table.Add(current);
        in_si = false;
      } else if (name == "t") {
        in_t = false;
      } else if (name == "rPh" && phonetic > 0) {
        --phonetic;
      }
    } else if (in_t) {
      current.append(xml.text());
      if (current.size() > options.max_cell_bytes) {
        return BadFile("共享字符串过长", "a shared string is too long", "sst entry over limit");
      }
    }
  }
  return Ok();
}

// ---- the sheet (streamed) ----

enum class CellKind : uint8_t { kNumber, kShared, kInline, kFormulaString, kBool, kError, kIsoDate };

CellKind KindOf(std::optional<std::string_view> t) {
  if (!t) return CellKind::kNumber;
  if (*t == "s") return CellKind::kShared;
  if (*t == "inlineStr") return CellKind::kInline;
  if (*t == "str") return CellKind::kFormulaString;
  if (*t == "b") return CellKind::kBool;
  if (*t == "e") return CellKind::kError;
  if (*t == "d") return CellKind::kIsoDate;
  return CellKind::kNumber;
}

// "AB12" → column 27 (0-based) and row 12; letters only is fine for the column.
bool ParseCellRef(std::string_view ref, size_t& col, int64_t& row) {
  size_t i = 0;
  size_t c = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z') {
    c = c * 26 + static_cast<size_t>(ref[i] - 'A' + 1);
    if (c > kExcelMaxColumns) return false;
    ++i;
  }
  if (i == 0) return false;
  col = c - 1;
  row = 0;
  for (; i < ref.size(); ++i) {
    if (ref[i] < '0' || ref[i] > '9') return false;
    row = row * 10 + (ref[i] - '0');
    if (row > 100'000'000) return false;
  }
  return true;
}

bool ParseInt(std::string_view s, int64_t& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

struct MergeRange {
  int64_t row1, row2;
  size_t col1, col2;
};

struct SheetContext {
  const StringTable* strings = nullptr;
  const std::vector<NumKind>* styles = nullptr;
  bool date1904 = false;
};

Result<void> ReadSheet(ZipArchive& zip, const std::string& part, const SheetContext& ctx,
                       const ReadOptions& options, Grid& grid, std::vector<MergeRange>& merges) {
  MS_TRY(zip.OpenEntry(part, options.max_xml_bytes));
  const double total = static_cast<double>(std::max<uint64_t>(zip.entry_size(), 1));
  XmlPull xml([&zip](char* buf, size_t cap) { return zip.Read(buf, cap); });

  bool in_data = false;
  bool in_row = false;
  bool in_cell = false;
  bool capture = false;  // inside <v>, or <t> of an inline string
  int phonetic = 0;
  int64_t row = 0;
  size_t rows_seen = 0;
  size_t col = 0;
  size_t next_col = 0;  // for cells without an "r" attribute
  CellKind kind = CellKind::kNumber;
  NumKind num_kind = NumKind::kOther;
  std::string value;
  std::string scratch;

  auto finish_cell = [&]() -> Result<void> {
    std::string_view out = value;
    switch (kind) {
      case CellKind::kShared: {
        int64_t index = -1;
        if (!ParseInt(value, index) || index < 0 || static_cast<uint64_t>(index) >= ctx.strings->size()) {
          return BadFile("单元格引用了不存在的共享字符串", "a cell refers to a missing shared string",
                         "bad sst index " + value);
        }
        out = ctx.strings->Get(static_cast<size_t>(index));
        break;
      }
      case CellKind::kInline:
      case CellKind::kFormulaString:
        internal::DecodeOoxmlEscapes(value);
        out = value;
        break;
      case CellKind::kBool:
        out = value == "1" ? "TRUE" : "FALSE";
        break;
      case CellKind::kIsoDate:
        if (value.size() > 10 && value[10] == 'T' &&
            value.substr(10).find_first_not_of("T0:.Z") == std::string::npos) {
          out = std::string_view(value).substr(0, 10);
        }
        break;
      case CellKind::kError:
        break;
      case CellKind::kNumber:
        if (num_kind != NumKind::kOther) {
          if (auto d = FormatSerial(value, ctx.date1904, num_kind == NumKind::kDateTime)) {
            scratch = std::move(*d);
            out = scratch;
            break;
          }
        }
        scratch = NormalizeNumber(value);
        out = scratch;
        break;
    }
    if (out.empty()) return Ok();
    if (col >= options.max_columns) return internal::TooManyColumns(row, options.max_columns);
    if (out.size() > options.max_cell_bytes) return internal::CellTooLarge(row, col, options.max_cell_bytes);
    if (col < grid.OpenRowCellCount()) {
      return BadFile("第 " + std::to_string(row) + " 行的单元格顺序错乱",
                     "cells of row " + std::to_string(row) + " are out of order", "cell order");
    }
    while (grid.OpenRowCellCount() < col) grid.EndCell();
    grid.AppendToCell(out);
    grid.EndCell();
    return Ok();
  };

  auto end_row = [&]() -> Result<void> {
    grid.EndRow();
    in_row = false;
    ++rows_seen;
    if (options.max_rows > 0 && grid.size() > options.max_rows) {
      return internal::TooManyRows(options.max_rows);
    }
    if (options.on_progress && rows_seen % kProgressEvery == 0) {
      options.on_progress(grid.size(), static_cast<double>(zip.entry_read()) / total);
    }
    return Ok();
  };

  for (;;) {
    MS_ASSIGN_OR_RETURN(const XmlPull::Token tok, xml.Next());
    if (tok == XmlPull::Token::kEof) break;
    if (tok == XmlPull::Token::kText) {
      if (capture) value.append(xml.text());
      continue;
    }
    const std::string_view name = xml.name();
    if (tok == XmlPull::Token::kStart) {
      if (name == "c" && in_row) {
        col = next_col;
        std::optional<std::string_view> ref, type, style;
        xml.ForEachAttr([&](std::string_view attr, std::string_view raw) {
          if (attr == "r") ref = raw;
          else if (attr == "t") type = raw;
          else if (attr == "s") style = raw;
        });
        int64_t ref_row = 0;
        if (ref && !ParseCellRef(*ref, col, ref_row)) {
          return BadFile("单元格地址 " + std::string(*ref) + " 无效", "invalid cell reference " + std::string(*ref),
                         "cell ref");
        }
        kind = KindOf(type);
        num_kind = NumKind::kOther;
        if (style) {
          int64_t index = 0;
          if (ParseInt(*style, index) && index >= 0 && static_cast<size_t>(index) < ctx.styles->size()) {
            num_kind = (*ctx.styles)[static_cast<size_t>(index)];
          }
        }
        value.clear();
        next_col = col + 1;
        in_cell = !xml.self_closing();
      } else if (name == "v" && in_cell) {
        capture = !xml.self_closing();
      } else if (name == "t" && in_cell && kind == CellKind::kInline && phonetic == 0) {
        capture = !xml.self_closing();
      } else if (name == "rPh" && in_cell && !xml.self_closing()) {
        ++phonetic;
      } else if (name == "row" && in_data) {
        int64_t r = row + 1;
        if (auto attr = xml.Attr("r"); attr && (!ParseInt(*attr, r) || r < 1)) {
          return BadFile("行号 " + std::string(*attr) + " 无效", "invalid row number " + std::string(*attr),
                         "row r");
        }
        row = r;
        next_col = 0;
        grid.BeginRow(row);
        in_row = true;
        if (xml.self_closing()) MS_TRY(end_row());
      } else if (name == "sheetData") {
        in_data = !xml.self_closing();
      } else if (name == "mergeCell") {
        const auto ref = xml.Attr("ref");
        if (!ref) continue;
        const size_t colon = ref->find(':');
        MergeRange m{};
        if (colon == std::string_view::npos || !ParseCellRef(ref->substr(0, colon), m.col1, m.row1) ||
            !ParseCellRef(ref->substr(colon + 1), m.col2, m.row2) || m.row1 < 1 || m.row2 < m.row1 ||
            m.col2 < m.col1) {
          continue;  // a malformed merge only loses the fill, not data
        }
        merges.push_back(m);
      }
    } else {  // kEnd
      if (name == "v" || name == "t") {
        capture = false;
      } else if (name == "rPh") {
        if (phonetic > 0) --phonetic;
      } else if (name == "c" && in_cell) {
        in_cell = false;
        capture = false;
        MS_TRY(finish_cell());
      } else if (name == "row" && in_row) {
        MS_TRY(end_row());
      } else if (name == "sheetData") {
        in_data = false;
      }
    }
  }
  if (in_row || in_cell) return BadFile("工作表数据不完整", "the sheet data is truncated", "eof in row");
  if (options.on_progress) options.on_progress(grid.size(), 1.0);
  return Ok();
}

// Fills each merged range with the value of its top-left cell, so a header
// spanning several columns names each of them.
void FillMerges(Grid& grid, const std::vector<MergeRange>& merges, size_t max_columns) {
  for (const auto& m : merges) {
    const auto top = grid.FindSourceRow(m.row1);
    if (!top) continue;
    const std::string value(grid.Cell(*top, m.col1));
    if (value.empty()) continue;
    const size_t col2 = std::min(m.col2, max_columns - 1);
    if (col2 < m.col1) continue;
    for (int64_t r = m.row1; r <= m.row2; ++r) {
      const auto idx = grid.FindSourceRow(r);
      if (!idx) continue;
      std::vector<std::string> cells = grid.RowStrings(*idx);
      if (cells.size() <= col2) cells.resize(col2 + 1);
      bool changed = false;
      for (size_t c = m.col1; c <= col2; ++c) {
        if (cells[c].empty()) {
          cells[c] = value;
          changed = true;
        }
      }
      if (changed) grid.ReplaceRow(*idx, cells);
    }
  }
}

struct SheetEntry {
  std::string name;
  std::string rel_id;
  bool hidden = false;
};

struct Workbook {
  std::string part;
  bool date1904 = false;
  std::vector<SheetEntry> sheets;
  std::unordered_map<std::string, Relationship> rels;
};

Result<Workbook> ReadWorkbook(ZipArchive& zip) {
  Workbook wb;
  wb.part = "xl/workbook.xml";
  MS_ASSIGN_OR_RETURN(const auto root_rels, ReadRels(zip, ""));
  for (const auto& [id, rel] : root_rels) {
    if (rel.type == "officeDocument") wb.part = rel.target;
  }
  if (!zip.Has(wb.part)) {
    return BadFile("找不到工作簿（" + wb.part + "）", "no workbook part (" + wb.part + ")", "no workbook");
  }
  MS_ASSIGN_OR_RETURN(const std::string text, zip.ReadAll(wb.part, kSmallPartMax));
  pugi::xml_document doc;
  MS_TRY(ParseXml(doc, text, wb.part));
  const pugi::xml_node root = Child(doc, "workbook");
  const std::string d1904 = AttrByLocal(Child(root, "workbookPr"), "date1904");
  wb.date1904 = d1904 == "1" || d1904 == "true";
  for (pugi::xml_node s = Child(root, "sheets").first_child(); s; s = s.next_sibling()) {
    if (LocalName(s.name()) != "sheet") continue;
    const std::string state = AttrByLocal(s, "state");
    wb.sheets.push_back({AttrByLocal(s, "name"), AttrByLocal(s, "id"), !state.empty() && state != "visible"});
  }
  MS_ASSIGN_OR_RETURN(wb.rels, ReadRels(zip, wb.part));
  return wb;
}

std::string PartOfType(const Workbook& wb, std::string_view type) {
  for (const auto& [id, rel] : wb.rels) {
    if (rel.type == type) return rel.target;
  }
  return {};
}

Result<Grid> ReadXlsxImpl(std::string_view bytes, const ReadOptions& options) {
  MS_ASSIGN_OR_RETURN(auto zip, ZipArchive::Open(bytes));
  MS_ASSIGN_OR_RETURN(const Workbook wb, ReadWorkbook(*zip));
  if (wb.sheets.empty()) return BadFile("工作簿中没有工作表", "the workbook has no sheets", "no sheets");

  const SheetEntry* chosen = nullptr;
  if (!options.sheet.empty()) {
    for (const auto& s : wb.sheets) {
      if (s.name == options.sheet) chosen = &s;
    }
    if (chosen == nullptr) {
      std::string names;
      for (const auto& s : wb.sheets) names += (names.empty() ? "" : ", ") + s.name;
      return MakeError(ErrorCode::kInvalidArgument, "exchange.sheet_not_found",
                       "工作簿中没有名为“" + options.sheet + "”的工作表（现有：" + names + "）",
                       "The workbook has no sheet named \"" + options.sheet + "\" (it has: " + names + ")");
    }
  } else {
    for (const auto& s : wb.sheets) {
      if (!s.hidden) {
        chosen = &s;
        break;
      }
    }
    if (chosen == nullptr) chosen = &wb.sheets.front();
  }
  const auto rel = wb.rels.find(chosen->rel_id);
  if (rel == wb.rels.end() || rel->second.type != "worksheet") {
    return BadFile("工作表“" + chosen->name + "”不是普通工作表或缺少数据",
                   "sheet \"" + chosen->name + "\" is not a worksheet or has no data", "sheet rel");
  }

  StringTable strings;
  std::string sst = PartOfType(wb, "sharedStrings");
  if (sst.empty() && zip->Has("xl/sharedStrings.xml")) sst = "xl/sharedStrings.xml";
  MS_TRY(ReadSharedStrings(*zip, sst, options, strings));
  MS_ASSIGN_OR_RETURN(const std::vector<NumKind> styles, ReadStyles(*zip, PartOfType(wb, "styles")));

  Grid grid;
  std::vector<MergeRange> merges;
  const SheetContext ctx{&strings, &styles, wb.date1904};
  MS_TRY(ReadSheet(*zip, rel->second.target, ctx, options, grid, merges));
  FillMerges(grid, merges, options.max_columns);
  return grid;
}

}  // namespace

Result<Grid> ReadXlsx(std::string_view bytes, const ReadOptions& options) {
  MS_ASSIGN_OR_RETURN(const InputFormat f, SniffFormat(bytes));
  if (f != InputFormat::kXlsx) {
    return BadFile("文件不是 zip 格式（.xlsx）", "it is not a zip (.xlsx) file", "no zip signature");
  }
  return ReadXlsxImpl(bytes, options);
}

Result<Grid> ReadXlsxFile(const std::string& path, const ReadOptions& options) {
  MS_ASSIGN_OR_RETURN(const auto file, internal::MappedFile::Open(path));
  return ReadXlsx(file.bytes(), options);
}

Result<std::vector<std::string>> XlsxSheetNames(std::string_view bytes) {
  MS_ASSIGN_OR_RETURN(auto zip, ZipArchive::Open(bytes));
  MS_ASSIGN_OR_RETURN(const Workbook wb, ReadWorkbook(*zip));
  std::vector<std::string> names;
  for (const auto& s : wb.sheets) names.push_back(s.name);
  return names;
}

Result<InputFormat> SniffFormat(std::string_view head) {
  if (head.starts_with("PK\x03\x04") || head.starts_with("PK\x05\x06")) return InputFormat::kXlsx;
  if (head.starts_with("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) {
    return MakeError(ErrorCode::kInvalidArgument, "exchange.unsupported_format",
                     "不支持旧版 Excel 97-2003（.xls）或加密的工作簿，请在 Excel/WPS 中另存为 .xlsx 或 CSV",
                     "Old Excel 97-2003 (.xls) and password-protected workbooks are not supported; save as "
                     ".xlsx or CSV in Excel or WPS");
  }
  return InputFormat::kCsv;
}

Result<Grid> ReadGrid(std::string_view bytes, const ReadOptions& options) {
  MS_ASSIGN_OR_RETURN(const InputFormat f, SniffFormat(bytes));
  if (f == InputFormat::kXlsx) return ReadXlsxImpl(bytes, options);
  return ReadCsv(bytes, options);
}

Result<Grid> ReadGridFile(const std::string& path, const ReadOptions& options) {
  MS_ASSIGN_OR_RETURN(const auto file, internal::MappedFile::Open(path));
  return ReadGrid(file.bytes(), options);
}

}  // namespace minsheng::exchange
