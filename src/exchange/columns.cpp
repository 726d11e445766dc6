#include "exchange/columns.h"

#include <unordered_map>
#include <unordered_set>

#include "core/text.h"

namespace minsheng::exchange {
namespace {

// Decodes one code point at s[i] (s is valid UTF-8 or we pass bytes through).
uint32_t DecodeAt(std::string_view s, size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t len = 1;
  uint32_t cp = c;
  if (c >= 0xF0 && c < 0xF8) {
    len = 4;
    cp = c & 0x07u;
  } else if (c >= 0xE0) {
    len = 3;
    cp = c & 0x0Fu;
  } else if (c >= 0xC0) {
    len = 2;
    cp = c & 0x1Fu;
  }
  if (len == 1 || i + len > s.size()) {
    ++i;
    return c;
  }
  for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
  i += len;
  return cp;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string JoinNames(const std::vector<std::string>& names, std::string_view sep) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += sep;
    out += n;
  }
  return out;
}

std::string FirstOr(const std::vector<std::string>& names, const std::string& fallback) {
  return names.empty() ? fallback : names.front();
}

}  // namespace

std::string NormalizeHeader(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  size_t i = 0;
  while (i < name.size()) {
    uint32_t cp = DecodeAt(name, i);
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // full-width ASCII
    switch (cp) {
      case 0x3010: cp = '['; break;  // 【
      case 0x3011: cp = ']'; break;  // 】
      case 0x3014: cp = '('; break;  // 〔
      case 0x3015: cp = ')'; break;  // 〕
      default: break;
    }
    // White space of every kind, and invisible marks Excel users paste in.
    if (cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == 0x3000 || cp == 0xA0 ||
        cp == 0xFEFF || cp == 0x200B) {
      continue;
    }
    if (cp >= 'A' && cp <= 'Z') cp = cp - 'A' + 'a';
    AppendUtf8(out, cp);
  }
  size_t b = 0, e = out.size();
  while (b < e && out[b] == '*') ++b;
  while (e > b && out[e - 1] == '*') --e;
  return out.substr(b, e - b);
}

std::vector<std::string> KnownNames(std::span<const ColumnSpec> specs) {
  std::vector<std::string> out;
  for (const auto& s : specs) {
    out.insert(out.end(), s.names_zh.begin(), s.names_zh.end());
    out.insert(out.end(), s.names_en.begin(), s.names_en.end());
  }
  return out;
}

Result<Table> SplitHeader(Grid grid, std::span<const std::string> known_names, size_t max_scan) {
  if (grid.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "exchange.empty_file",
                     "文件中没有数据（找不到表头行）", "The file holds no data (no header row found)");
  }
  std::unordered_set<std::string> known;
  for (const auto& n : known_names) known.insert(NormalizeHeader(n));
  known.erase("");

  size_t best = 0;
  size_t best_score = 0;
  const size_t scan = std::min(max_scan, grid.size());
  for (size_t i = 0; i < scan; ++i) {
    size_t score = 0;
    for (size_t c = 0; c < grid.CellCount(i); ++c) {
      const std::string_view cell = grid.Cell(i, c);
      if (!cell.empty() && known.count(NormalizeHeader(cell)) > 0) ++score;
    }
    if (score > best_score) {
      best = i;
      best_score = score;
    }
  }

  Table t;
  t.header_row = grid.SourceRow(best);
  for (size_t c = 0; c < grid.CellCount(best); ++c) t.header.push_back(Trim(grid.Cell(best, c)));
  grid.DropFront(best + 1);
  t.rows = std::move(grid);
  return t;
}

std::optional<size_t> ColumnMapping::Column(std::string_view key) const {
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) return columns[i];
  }
  return std::nullopt;
}

std::string ColumnMapping::HeaderOf(std::string_view key) const {
  const auto col = Column(key);
  if (col && *col < header.size()) return header[*col];
  return std::string(key);
}

Result<ColumnMapping> MapColumns(std::span<const std::string> header,
                                 std::span<const ColumnSpec> specs) {
  std::unordered_map<std::string, size_t> spec_of_name;
  for (size_t s = 0; s < specs.size(); ++s) {
    for (const auto* names : {&specs[s].names_zh, &specs[s].names_en}) {
      for (const auto& n : *names) spec_of_name.emplace(NormalizeHeader(n), s);
    }
  }

  ColumnMapping m;
  m.header.assign(header.begin(), header.end());
  for (const auto& s : specs) m.keys.push_back(s.key);
  m.columns.assign(specs.size(), std::nullopt);
  std::vector<std::vector<size_t>> duplicates(specs.size());

  for (size_t c = 0; c < header.size(); ++c) {
    const std::string norm = NormalizeHeader(header[c]);
    if (norm.empty()) continue;
    const auto it = spec_of_name.find(norm);
    if (it == spec_of_name.end()) {
      m.unknown.push_back({c, Trim(header[c])});
      continue;
    }
    const size_t s = it->second;
    if (!m.columns[s]) {
      m.columns[s] = c;
      continue;
    }
    // Same text as the column just before: a merged header cell filled across.
    if (c > 0 && Trim(header[c - 1]) == Trim(header[c])) {
      m.unknown.push_back({c, Trim(header[c])});
      continue;
    }
    duplicates[s].push_back(c);
  }

  std::vector<FieldError> fields;
  std::vector<std::string> missing_zh, missing_en;
  for (size_t s = 0; s < specs.size(); ++s) {
    const auto& spec = specs[s];
    const std::string zh = FirstOr(spec.names_zh, spec.key);
    const std::string en = FirstOr(spec.names_en, spec.key);
    if (spec.required && !m.columns[s]) {
      missing_zh.push_back(zh);
      missing_en.push_back(en);
      fields.push_back({spec.key, "missing_column", "缺少必填列“" + zh + "”",
                        "Required column \"" + en + "\" is missing"});
    }
    if (!duplicates[s].empty()) {
      std::string letters = ColumnLetters(*m.columns[s]);
      for (const size_t c : duplicates[s]) letters += "、" + ColumnLetters(c);
      std::string letters_en = ColumnLetters(*m.columns[s]);
      for (const size_t c : duplicates[s]) letters_en += ", " + ColumnLetters(c);
      fields.push_back({spec.key, "duplicate_column",
                        "列“" + zh + "”出现了多次（第 " + letters + " 列）",
                        "Column \"" + en + "\" appears more than once (columns " + letters_en + ")"});
    }
  }
  if (fields.empty()) return m;

  Error e;
  if (!missing_zh.empty()) {
    e = MakeError(ErrorCode::kInvalidArgument, "exchange.missing_columns",
                  "缺少必填列：" + JoinNames(missing_zh, "、"),
                  "Missing required columns: " + JoinNames(missing_en, ", "));
  } else {
    e = MakeError(ErrorCode::kInvalidArgument, "exchange.duplicate_column",
                  "表头中有重复的列，请删除多余的列", "The header repeats a column; remove the extra ones");
  }
  e.fields = std::move(fields);
  return e;
}

}  // namespace minsheng::exchange
