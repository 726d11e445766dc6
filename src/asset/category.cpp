// The category table: file parsing and validation (pure), the snapshot
// cache, seeding from the embedded files, and the all-or-nothing import.
// Files are read by the shared ledger reader (src/exchange), so the official
// table may come as UTF-8 or GBK CSV, or as XLSX.
#include "asset/category.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <set>
#include <span>
#include <spdlog/spdlog.h>

#include "asset/category_sql.h"
#include "audit/audit.h"
#include "core/text.h"
#include "exchange/reader.h"

namespace minsheng {
// Generated from data/categories/*.csv by cmake/embed_text.cmake.
extern const char* const kDepreciationClassesCsv;
extern const char* const kCategoriesCsv;
extern const char* const kCategoryLegacyCsv;
}  // namespace minsheng

namespace minsheng::asset {

namespace json = boost::json;

std::string_view CardGroupName(CardGroup g) {
  switch (g) {
    case CardGroup::kBuilding:
      return "building";
    case CardGroup::kVehicle:
      return "vehicle";
    case CardGroup::kLand:
      return "land";
    case CardGroup::kEquipment:
      return "equipment";
    case CardGroup::kFurniture:
      return "furniture";
    case CardGroup::kCultural:
      return "cultural";
    case CardGroup::kBooks:
      return "books";
    case CardGroup::kPlants:
      return "plants";
    case CardGroup::kMaterials:
      return "materials";
  }
  return "equipment";
}

std::optional<CardGroup> ParseCardGroup(std::string_view s) {
  for (const CardGroup g : {CardGroup::kBuilding, CardGroup::kVehicle, CardGroup::kLand, CardGroup::kEquipment,
                            CardGroup::kFurniture, CardGroup::kCultural, CardGroup::kBooks, CardGroup::kPlants,
                            CardGroup::kMaterials}) {
    if (CardGroupName(g) == s) return g;
  }
  return std::nullopt;
}

namespace {

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool IsCategoryCode(std::string_view code) {
  return code.size() == 9 && code[0] == 'A' && AllDigits(code.substr(1));
}

bool IsLegacyCategoryCode(std::string_view code) { return code.size() == 7 && AllDigits(code); }

std::string_view ShippedClassesCsv() { return kDepreciationClassesCsv; }
std::string_view ShippedCategoriesCsv() { return kCategoriesCsv; }
std::string_view ShippedLegacyCsv() { return kCategoryLegacyCsv; }

namespace {

// The ext.structure texts that name a building class, longest first:
// "钢筋混凝土" must not be read as "钢".
struct StructureClass {
  const char* text;
  const char* cls;
};
constexpr StructureClass kStructureClasses[] = {
    {"钢筋混凝土结构", "building_concrete"}, {"钢筋混凝土", "building_concrete"},
    {"钢结构", "building_steel"},            {"砖混结构", "building_brick_concrete"},
    {"砖混", "building_brick_concrete"},     {"砖木结构", "building_brick_wood"},
    {"砖木", "building_brick_wood"},         {"简易房", "building_simple"},
    {"简易", "building_simple"},
};

}  // namespace

std::optional<std::string> BuildingClassForStructure(std::string_view structure) {
  const std::string s = Trim(structure);
  for (const auto& e : kStructureClasses) {
    if (s == e.text) return std::string(e.cls);
  }
  for (const char* cls : {"building_steel", "building_concrete", "building_brick_concrete", "building_brick_wood",
                          "building_simple"}) {
    if (s == cls) return std::string(cls);
  }
  return std::nullopt;
}

bool ClassFollowsStructure(std::string_view class_code) {
  return class_code == "building_steel" || class_code == "building_concrete" ||
         class_code == "building_brick_concrete" || class_code == "building_brick_wood";
}

std::string CategoryJson(const Category& c) {
  json::object j;
  j["code"] = c.code;
  j["name"] = c.name;
  j["parent_code"] = c.parent_code ? json::value(*c.parent_code) : json::value(nullptr);
  j["level"] = c.level;
  j["is_leaf"] = c.is_leaf;
  j["card_group"] = CardGroupName(c.group);
  j["depreciation_class"] = c.depreciation_class ? json::value(*c.depreciation_class) : json::value(nullptr);
  j["min_life_months"] = c.min_life_months;
  j["max_life_months"] = c.max_life_months ? json::value(*c.max_life_months) : json::value(nullptr);
  j["depreciable"] = c.depreciable;
  j["source"] = c.source;
  return json::serialize(j);
}

std::string DepreciationClassJson(const DepreciationClass& c) {
  json::object j;
  j["code"] = c.code;
  j["name"] = c.name;
  j["min_years"] = c.min_years;
  j["max_years"] = c.max_years ? json::value(*c.max_years) : json::value(nullptr);
  j["depreciable"] = c.depreciable;
  j["min_life_months"] = c.depreciable ? c.min_years * 12 : 0;
  j["max_life_months"] = c.max_years ? json::value(*c.max_years * 12) : json::value(nullptr);
  // How a building's structure picks its class (docs/categories.md): whether
  // a category of this class follows the card's ext.structure, and the
  // ext.structure texts that give a building this class.
  j["follows_structure"] = ClassFollowsStructure(c.code);
  json::array structures;
  for (const auto& e : kStructureClasses) {
    if (c.code == e.cls) structures.emplace_back(e.text);
  }
  j["structures"] = std::move(structures);
  return json::serialize(j);
}

// ---------------------------------------------------------------------------
// CSV reading and validation.

namespace {

constexpr size_t kMaxRows = 100000;
constexpr size_t kMaxNameLength = 100;

struct Record {
  int row = 0;  // record number in the file; the header is 1
  std::vector<std::string> fields;
};

int ParseRowNumber(std::string_view s) {
  int v = 0;
  if (std::from_chars(s.data(), s.data() + s.size(), v).ec != std::errc()) return 0;
  return v;
}

FieldError FileError(std::string code, std::string zh, std::string en) {
  return {"file", std::move(code), std::move(zh), std::move(en)};
}

FieldError RowError(int row, std::string_view column, std::string code, std::string zh, std::string en) {
  return {"rows[" + std::to_string(row) + "]." + std::string(column), std::move(code), std::move(zh),
          std::move(en)};
}

// Errors in row order (file-wide ones first), whichever check found them.
int ErrorRow(const FieldError& f) {
  if (!f.field.starts_with("rows[")) return 0;
  return ParseRowNumber(std::string_view(f.field).substr(5));
}

Error InvalidFile(std::vector<FieldError> errors) {
  std::stable_sort(errors.begin(), errors.end(),
                   [](const FieldError& a, const FieldError& b) { return ErrorRow(a) < ErrorRow(b); });
  Error e = MakeError(ErrorCode::kInvalidArgument, "category.invalid_file",
                      "分类表文件有误，未写入任何数据（见逐行错误）",
                      "The category file has errors; nothing was written (see the errors by row)");
  e.fields = std::move(errors);
  return e;
}

// A column of a data file: its English name and the Chinese header that is
// accepted too.
struct Column {
  const char* name;
  const char* zh;
  bool required;
};

// The records under a header, with each wanted column's position.
struct Sheet {
  std::vector<Record> rows;
  std::vector<int> col;  // per Column; -1 when absent

  std::string_view Get(const Record& r, size_t column) const {
    const int c = col[column];
    if (c < 0 || static_cast<size_t>(c) >= r.fields.size()) return {};
    return r.fields[static_cast<size_t>(c)];
  }
};

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Reads the file (CSV in UTF-8 or GBK, or XLSX) and its header. Problems go
// to errors; the rows come back even then so every row can still be checked.
Sheet OpenSheet(std::string_view bytes, std::span<const Column> columns, std::vector<FieldError>& errors) {
  Sheet sheet;
  sheet.col.assign(columns.size(), -1);
  exchange::ReadOptions options;
  options.max_rows = kMaxRows + 1;  // and the header
  options.max_columns = 64;
  auto grid = exchange::ReadGrid(bytes, options);
  if (!grid.ok()) {
    errors.push_back(FileError(grid.error().code, grid.error().zh, grid.error().en));
    return sheet;
  }
  if (grid->empty()) {
    errors.push_back(FileError("empty", "文件是空的", "the file is empty"));
    return sheet;
  }
  // Row 0 of the grid is the header (blank lines above it are skipped).
  for (size_t i = 0; i < grid->size(); ++i) {
    Record r;
    r.row = static_cast<int>(grid->SourceRow(i));
    r.fields.reserve(grid->CellCount(i));
    for (size_t c = 0; c < grid->CellCount(i); ++c) r.fields.push_back(Trim(grid->Cell(i, c)));
    sheet.rows.push_back(std::move(r));
  }
  const Record header = std::move(sheet.rows.front());
  sheet.rows.erase(sheet.rows.begin());
  for (size_t h = 0; h < header.fields.size(); ++h) {
    const std::string name = AsciiLower(header.fields[h]);
    for (size_t c = 0; c < columns.size(); ++c) {
      if (name != columns[c].name && name != columns[c].zh) continue;
      if (sheet.col[c] >= 0) {
        errors.push_back(RowError(header.row, columns[c].name, "duplicate", "表头中该列出现了两次",
                                  "this column appears twice in the header"));
      }
      sheet.col[c] = static_cast<int>(h);
    }
  }
  for (size_t c = 0; c < columns.size(); ++c) {
    if (columns[c].required && sheet.col[c] < 0) {
      errors.push_back(RowError(header.row, columns[c].name, "missing_column",
                                std::string("表头缺少必需的列 ") + columns[c].name + "（" + columns[c].zh + "）",
                                std::string("the header lacks the required column ") + columns[c].name));
    }
  }
  return sheet;
}

std::optional<int> ParseSmallInt(std::string_view s) {
  int v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<bool> ParseFlag(std::string_view s) {
  const std::string v = AsciiLower(s);
  if (v == "1" || v == "true" || v == "yes" || v == "是") return true;
  if (v == "0" || v == "false" || v == "no" || v == "否") return false;
  return std::nullopt;
}

void CheckName(int row, std::string_view name, std::vector<FieldError>& errors) {
  if (name.empty()) {
    errors.push_back(RowError(row, "name", "required", "名称不能为空", "the name is required"));
  } else if (HasControlChars(name, false)) {
    errors.push_back(RowError(row, "name", "control_chars", "名称含有控制字符", "the name has control characters"));
  } else if (CodePointCount(name) > kMaxNameLength) {
    errors.push_back(RowError(row, "name", "too_long", "名称过长（最多 100 字）", "the name is too long (at most 100)"));
  }
}

bool IsClassCode(std::string_view s) {
  return !s.empty() && s.size() <= 40 &&
         std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

std::string Quoted(std::string_view s) { return "“" + std::string(s) + "”"; }

}  // namespace

Result<std::vector<DepreciationClass>> ParseClassesCsv(std::string_view csv) {
  static constexpr Column kColumns[] = {{"code", "代码", true},
                                        {"name", "名称", true},
                                        {"min_years", "最低年限", true},
                                        {"max_years", "最高年限", false},
                                        {"depreciable", "计提折旧", true}};
  std::vector<FieldError> errors;
  const Sheet sheet = OpenSheet(csv, kColumns, errors);
  std::vector<DepreciationClass> out;
  std::unordered_map<std::string, int> seen;  // code → row
  for (const Record& r : sheet.rows) {
    DepreciationClass c;
    c.code = std::string(sheet.Get(r, 0));
    c.name = std::string(sheet.Get(r, 1));
    if (!IsClassCode(c.code)) {
      errors.push_back(RowError(r.row, "code", "invalid", "类别代码只能由小写字母、数字和下划线组成（最多 40 位）",
                                "class codes are lower-case letters, digits and _ (at most 40)"));
    } else if (auto [it, fresh] = seen.emplace(c.code, r.row); !fresh) {
      errors.push_back(RowError(r.row, "code", "duplicate", "与第 " + std::to_string(it->second) + " 行重复",
                                "same code as row " + std::to_string(it->second)));
    }
    CheckName(r.row, c.name, errors);
    const auto flag = ParseFlag(sheet.Get(r, 4));
    if (!flag) {
      errors.push_back(RowError(r.row, "depreciable", "invalid", "应为 1 或 0", "must be 1 or 0"));
    }
    c.depreciable = flag.value_or(true);
    const auto min = ParseSmallInt(sheet.Get(r, 2));
    if (!min || *min < 0 || *min > 100) {
      errors.push_back(
          RowError(r.row, "min_years", "invalid", "应为 0 到 100 的整数", "must be a whole number 0 to 100"));
    } else if (c.depreciable && *min < 1) {
      errors.push_back(RowError(r.row, "min_years", "out_of_range", "计提折旧的类别最低年限至少 1 年",
                                "a depreciated class needs a minimum of at least 1 year"));
    } else if (!c.depreciable && *min != 0) {
      errors.push_back(RowError(r.row, "min_years", "out_of_range", "不计提折旧的类别最低年限应为 0",
                                "a class that is not depreciated has a minimum of 0"));
    }
    c.min_years = min.value_or(0);
    if (const auto max_text = sheet.Get(r, 3); !max_text.empty()) {
      const auto max = ParseSmallInt(max_text);
      if (!max || *max < c.min_years || *max > 100 || !c.depreciable) {
        errors.push_back(RowError(r.row, "max_years", "invalid", "应为空，或不小于最低年限、不大于 100 的整数",
                                  "must be empty or a whole number from the minimum to 100"));
      } else {
        c.max_years = *max;
      }
    }
    out.push_back(std::move(c));
  }
  if (!errors.empty()) return InvalidFile(std::move(errors));
  return out;
}

Result<std::vector<Category>> ParseCategoriesCsv(std::string_view csv, const std::vector<DepreciationClass>& classes) {
  static constexpr Column kColumns[] = {{"code", "代码", true},
                                        {"name", "名称", true},
                                        {"parent_code", "上级代码", true},
                                        {"level", "层级", true},
                                        {"is_leaf", "是否末级", true},
                                        {"depreciation_class", "折旧类别", true},
                                        {"card_group", "卡片类型", true},
                                        {"source", "来源", false}};
  std::unordered_map<std::string, const DepreciationClass*> class_by_code;
  for (const auto& c : classes) class_by_code.emplace(c.code, &c);

  std::vector<FieldError> errors;
  const Sheet sheet = OpenSheet(csv, kColumns, errors);
  std::vector<Category> out;
  std::vector<int> rows;                               // file row of out[i]
  std::unordered_map<std::string, size_t> index;       // code → position in out
  for (const Record& r : sheet.rows) {
    Category c;
    c.code = std::string(sheet.Get(r, 0));
    c.name = std::string(sheet.Get(r, 1));
    const std::string_view parent = sheet.Get(r, 2);
    if (!IsCategoryCode(c.code)) {
      errors.push_back(RowError(r.row, "code", "invalid", "分类代码应为 A 加 8 位数字，如 A02010105",
                                "a category code is A and 8 digits, e.g. A02010105"));
    } else if (auto [it, fresh] = index.emplace(c.code, out.size()); !fresh) {
      errors.push_back(RowError(r.row, "code", "duplicate", "与第 " + std::to_string(rows[it->second]) + " 行重复",
                                "same code as row " + std::to_string(rows[it->second])));
    }
    CheckName(r.row, c.name, errors);
    if (!parent.empty()) {
      if (!IsCategoryCode(parent)) {
        errors.push_back(RowError(r.row, "parent_code", "invalid", "上级代码应为空或 A 加 8 位数字",
                                  "the parent code is empty or A and 8 digits"));
      } else {
        c.parent_code = std::string(parent);
      }
    }
    const auto level = ParseSmallInt(sheet.Get(r, 3));
    if (!level || *level < 1 || *level > 4) {
      errors.push_back(RowError(r.row, "level", "invalid", "层级应为 1（门类）到 4（小类）",
                                "the level is 1 (门类) to 4 (小类)"));
    }
    c.level = level.value_or(0);
    const auto leaf = ParseFlag(sheet.Get(r, 4));
    if (!leaf) errors.push_back(RowError(r.row, "is_leaf", "invalid", "应为 1 或 0", "must be 1 or 0"));
    c.is_leaf = leaf.value_or(false);
    const std::string_view cls = sheet.Get(r, 5);
    if (!cls.empty()) {
      const auto it = class_by_code.find(std::string(cls));
      if (it == class_by_code.end()) {
        errors.push_back(RowError(r.row, "depreciation_class", "not_found", "折旧类别 " + Quoted(cls) + " 不存在",
                                  "no depreciation class " + std::string(cls)));
      } else {
        c.depreciation_class = std::string(cls);
        c.depreciable = it->second->depreciable;
        c.min_life_months = it->second->depreciable ? it->second->min_years * 12 : 0;
        if (it->second->max_years) c.max_life_months = *it->second->max_years * 12;
      }
    } else {
      c.depreciable = false;
      if (leaf.value_or(false)) {
        errors.push_back(RowError(r.row, "depreciation_class", "required", "末级分类必须有折旧类别",
                                  "a leaf category needs a depreciation class"));
      }
    }
    const auto group = ParseCardGroup(sheet.Get(r, 6));
    if (!group) {
      errors.push_back(RowError(r.row, "card_group", "invalid",
                                "卡片类型应为 building, vehicle, land, equipment, furniture, cultural, books, "
                                "plants 或 materials",
                                "the card group is building, vehicle, land, equipment, furniture, cultural, books, "
                                "plants or materials"));
    }
    c.group = group.value_or(CardGroup::kEquipment);
    const std::string_view source = sheet.Get(r, 7);
    c.source = source.empty() ? "official" : std::string(source);
    if (c.source != "official" && c.source != "shipped") {
      errors.push_back(RowError(r.row, "source", "invalid", "来源应为 official 或 shipped",
                                "the source is official or shipped"));
    }
    rows.push_back(r.row);
    out.push_back(std::move(c));
  }

  // The tree: parents exist one level up, leaves are exactly the rows
  // without children.
  std::vector<bool> has_children(out.size(), false);
  for (size_t i = 0; i < out.size(); ++i) {
    const Category& c = out[i];
    if (c.level == 0) continue;  // already reported
    if (!c.parent_code) {
      if (c.level != 1) {
        errors.push_back(RowError(rows[i], "parent_code", "required", "只有门类（层级 1）可以没有上级代码",
                                  "only a 门类 (level 1) has no parent"));
      }
      continue;
    }
    const auto p = index.find(*c.parent_code);
    if (p == index.end()) {
      errors.push_back(RowError(rows[i], "parent_code", "not_found", "上级代码 " + *c.parent_code + " 不在文件中",
                                "the parent " + *c.parent_code + " is not in the file"));
      continue;
    }
    has_children[p->second] = true;
    if (p->second == i) {
      errors.push_back(
          RowError(rows[i], "parent_code", "self", "上级代码不能是自身", "a category cannot be its own parent"));
    } else if (out[p->second].level != 0 && out[p->second].level != c.level - 1) {
      errors.push_back(RowError(rows[i], "level", "invalid",
                                "层级应比上级（第 " + std::to_string(rows[p->second]) + " 行）大 1",
                                "the level must be one more than the parent's (row " +
                                    std::to_string(rows[p->second]) + ")"));
    }
  }
  for (size_t i = 0; i < out.size(); ++i) {
    if (index.find(out[i].code) == index.end() || index.at(out[i].code) != i) continue;  // bad or duplicate code
    if (out[i].is_leaf && has_children[i]) {
      errors.push_back(
          RowError(rows[i], "is_leaf", "invalid", "标为末级，但有下级分类", "marked as a leaf but has children"));
    } else if (!out[i].is_leaf && !has_children[i]) {
      errors.push_back(RowError(rows[i], "is_leaf", "invalid", "没有下级分类，应标为末级（1）",
                                "has no children, so it must be marked as a leaf (1)"));
    }
  }
  if (!errors.empty()) return InvalidFile(std::move(errors));
  return out;
}

Result<std::vector<LegacyCode>> ParseLegacyCsv(std::string_view csv, const std::vector<Category>& categories) {
  static constexpr Column kColumns[] = {{"legacy_code", "旧代码", true}, {"code", "代码", true}};
  std::set<std::string_view> known;
  for (const auto& c : categories) known.insert(c.code);
  std::vector<FieldError> errors;
  const Sheet sheet = OpenSheet(csv, kColumns, errors);
  std::vector<LegacyCode> out;
  std::unordered_map<std::string, int> seen;
  for (const Record& r : sheet.rows) {
    LegacyCode l{std::string(sheet.Get(r, 0)), std::string(sheet.Get(r, 1))};
    if (!IsLegacyCategoryCode(l.legacy_code)) {
      errors.push_back(RowError(r.row, "legacy_code", "invalid", "旧代码应为 7 位数字（GB/T 14885-2010）",
                                "a legacy code is 7 digits (GB/T 14885-2010)"));
    } else if (auto [it, fresh] = seen.emplace(l.legacy_code, r.row); !fresh) {
      errors.push_back(RowError(r.row, "legacy_code", "duplicate", "与第 " + std::to_string(it->second) + " 行重复",
                                "same code as row " + std::to_string(it->second)));
    }
    if (!known.contains(l.code)) {
      errors.push_back(RowError(r.row, "code", "not_found", "分类 " + Quoted(l.code) + " 不在分类表中",
                                "no category " + l.code + " in the table"));
    }
    out.push_back(std::move(l));
  }
  if (!errors.empty()) return InvalidFile(std::move(errors));
  return out;
}

// ---------------------------------------------------------------------------
// The service.

struct CategoryService::Snapshot {
  int64_t generation = 0;                  // cache_generations row when loaded
  std::vector<DepreciationClass> classes;  // by code
  std::vector<Category> categories;        // by code
  std::unordered_map<std::string, size_t> by_code;
  std::unordered_map<std::string, std::string> legacy;       // 2010 code → 2022 code
  std::unordered_map<std::string, std::vector<size_t>> children;  // parent code ("" for 门类) → rows, by code
};

namespace {

Result<std::vector<DepreciationClass>> LoadClasses(db::Connection& c) {
  std::vector<DepreciationClass> out;
  MS_TRY(c.ForEach(sql::kLoadClasses, {}, [&](const db::Row& r) {
    DepreciationClass d;
    d.code = r.Text(0);
    d.name = r.Text(1);
    d.min_years = static_cast<int>(r.Int(2));
    if (!r.IsNull(3)) d.max_years = static_cast<int>(r.Int(3));
    d.depreciable = r.Bool(4);
    out.push_back(std::move(d));
    return true;
  }));
  return out;
}

Result<void> InsertSeed(db::Connection& tx, const std::vector<DepreciationClass>& classes,
                        const std::vector<Category>& categories, const std::vector<LegacyCode>& legacy) {
  for (const auto& c : classes) {
    MS_TRY(tx.Exec(sql::kSeedClass, {c.code, c.name, c.min_years, c.max_years, c.depreciable}));
  }
  for (const auto& c : categories) {
    MS_TRY(tx.Exec(sql::kSeedCategory, {c.code, c.name, c.parent_code, c.level, c.is_leaf, c.depreciation_class,
                                        CardGroupName(c.group), c.source}));
  }
  for (const auto& l : legacy) MS_TRY(tx.Exec(sql::kSeedLegacy, {l.legacy_code, l.code}));
  return Ok();
}

std::string ImportAuditJson(int64_t categories, int64_t legacy, const std::vector<std::string>* added,
                            const std::vector<std::string>* removed) {
  constexpr size_t kMaxListed = 500;  // keeps the audit row bounded for a full official table
  json::object j{{"categories", categories}, {"legacy", legacy}};
  auto list = [&](const char* key, const std::vector<std::string>* codes) {
    if (!codes) return;
    json::array a;
    for (size_t i = 0; i < codes->size() && i < kMaxListed; ++i) a.push_back(json::string((*codes)[i]));
    j[key] = std::move(a);
    if (codes->size() > kMaxListed) j[std::string(key) + "_truncated"] = true;
  };
  list("added", added);
  list("removed", removed);
  return json::serialize(j);
}

bool MayImport(const auth::Principal& p) { return p.is_system || p.HasRole(auth::Role::kSystemAdmin); }

}  // namespace

Result<void> CategoryService::EnsureSeeded() {
  {
    // The usual case (already seeded) takes no write lock.
    MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
    MS_ASSIGN_OR_RETURN(const int64_t count, conn->QueryInt(sql::kCountCategories));
    if (count > 0) return Ok();
  }
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(const int64_t count, tx->QueryInt(sql::kCountCategories));
  if (count > 0) return Ok();
  // The shipped files are checked by unit tests; failing here is a build defect.
  auto classes = ParseClassesCsv(ShippedClassesCsv());
  if (!classes.ok()) return InternalError("shipped depreciation_classes.csv: " + classes.error().en);
  auto categories = ParseCategoriesCsv(ShippedCategoriesCsv(), *classes);
  if (!categories.ok()) return InternalError("shipped gbt14885_2022.csv: " + categories.error().en);
  auto legacy = ParseLegacyCsv(ShippedLegacyCsv(), *categories);
  if (!legacy.ok()) return InternalError("shipped gbt14885_2010_map.csv: " + legacy.error().en);
  MS_TRY(InsertSeed(*tx, *classes, *categories, *legacy));
  MS_TRY(tx->Exec(sql::kBumpGeneration));
  MS_TRY(tx.Commit());
  spdlog::info("seeded the category table: {} categories, {} depreciation classes, {} legacy codes",
               categories->size(), classes->size(), legacy->size());
  std::lock_guard lock(mutex_);
  snapshot_.reset();
  return Ok();
}

Result<std::shared_ptr<const CategoryService::Snapshot>> CategoryService::Load() {
  std::lock_guard lock(mutex_);
  // The clock of the process (tests move it); a clock that went back counts
  // as due.
  const UtcTime now = Now();
  const bool due = recheck_seconds_ <= 0 || now < checked_at_ ||
                   now.micros - checked_at_.micros >= int64_t{recheck_seconds_} * 1'000'000;
  if (snapshot_ && !due) return snapshot_;
  // Checked and loaded under the lock: the first readers wait for one load
  // instead of each running it.
  auto conn = db_.Read();
  // The generation is read before the rows, so a change committed meanwhile
  // is loaded again at the next check rather than missed.
  auto read = conn.ok() ? (*conn)->QueryInt(sql::kGeneration) : Result<int64_t>(conn.error());
  if (!read.ok()) {
    if (!snapshot_) return std::move(read).error();
    // The table we have beats none: keep it and try again next time.
    spdlog::warn("checking the category table's generation failed: {} {}", read.error().en, read.error().log_detail);
    return snapshot_;
  }
  const int64_t generation = *read;
  checked_at_ = now;
  db::Lease& lease = *conn;
  if (snapshot_ && snapshot_->generation == generation) return snapshot_;
  if (snapshot_) spdlog::info("the category table changed (generation {}); reloading it", generation);
  auto snap = std::make_shared<Snapshot>();
  snap->generation = generation;
  MS_ASSIGN_OR_RETURN(snap->classes, LoadClasses(*lease));
  std::unordered_map<std::string, const DepreciationClass*> class_by_code;
  for (const auto& c : snap->classes) class_by_code.emplace(c.code, &c);
  MS_TRY(lease->ForEach(sql::kLoadCategories, {}, [&](const db::Row& r) {
    Category c;
    c.code = r.Text(0);
    c.name = r.Text(1);
    c.parent_code = r.OptText(2);
    c.level = static_cast<int>(r.Int(3));
    c.is_leaf = r.Bool(4);
    c.depreciation_class = r.OptText(5);
    c.group = ParseCardGroup(r.Text(6)).value_or(CardGroup::kEquipment);
    c.source = r.Text(7);
    c.depreciable = false;
    if (c.depreciation_class) {
      if (const auto it = class_by_code.find(*c.depreciation_class); it != class_by_code.end()) {
        c.depreciable = it->second->depreciable;
        c.min_life_months = c.depreciable ? it->second->min_years * 12 : 0;
        if (it->second->max_years) c.max_life_months = *it->second->max_years * 12;
      }
    }
    snap->categories.push_back(std::move(c));
    return true;
  }));
  for (size_t i = 0; i < snap->categories.size(); ++i) {
    const Category& c = snap->categories[i];
    snap->by_code.emplace(c.code, i);
    snap->children[c.parent_code.value_or("")].push_back(i);
  }
  MS_TRY(lease->ForEach(sql::kLoadLegacy, {}, [&](const db::Row& r) {
    snap->legacy.emplace(r.Text(0), r.Text(1));
    return true;
  }));
  snapshot_ = std::move(snap);
  return snapshot_;
}

Result<Category> CategoryService::Get(std::string_view code) {
  MS_ASSIGN_OR_RETURN(auto snap, Load());
  std::string key(code);
  if (IsLegacyCategoryCode(key)) {
    const auto l = snap->legacy.find(key);
    if (l == snap->legacy.end()) return NotFoundError("资产分类", "Category");
    key = l->second;
  }
  const auto it = snap->by_code.find(key);
  if (it == snap->by_code.end()) return NotFoundError("资产分类", "Category");
  return snap->categories[it->second];
}

Result<std::vector<Category>> CategoryService::List(std::optional<std::string> parent, std::optional<std::string> q,
                                                    int limit) {
  MS_ASSIGN_OR_RETURN(auto snap, Load());
  const size_t max = limit > 0 ? static_cast<size_t>(limit) : 50;
  std::vector<Category> out;
  std::string parent_code;
  if (parent && !parent->empty()) {
    MS_ASSIGN_OR_RETURN(Category p, Get(*parent));
    parent_code = p.code;
  }
  if (!q || q->empty()) {
    const auto it = snap->children.find(parent_code);
    if (it == snap->children.end()) return out;
    for (size_t i = 0; i < it->second.size() && out.size() < max; ++i) out.push_back(snap->categories[it->second[i]]);
    return out;
  }
  // Text query: code prefix (case-insensitive) or name containing q, within
  // the parent's subtree when a parent is given. The table is a few thousand
  // rows, so a scan of the snapshot is fast enough.
  std::string code_prefix(*q);
  for (auto& ch : code_prefix) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  const std::string legacy_target = [&]() -> std::string {
    const auto l = snap->legacy.find(*q);
    return l == snap->legacy.end() ? std::string() : l->second;
  }();
  auto within_parent = [&](const Category& c) {
    if (parent_code.empty()) return true;
    for (const Category* x = &c; x->parent_code;) {
      if (*x->parent_code == parent_code) return true;
      const auto p = snap->by_code.find(*x->parent_code);
      if (p == snap->by_code.end()) return false;
      x = &snap->categories[p->second];
    }
    return false;
  };
  for (const Category& c : snap->categories) {
    if (out.size() >= max) break;
    const bool match = c.code.starts_with(code_prefix) || c.name.find(*q) != std::string::npos ||
                       (!legacy_target.empty() && c.code == legacy_target);
    if (match && within_parent(c)) out.push_back(c);
  }
  return out;
}

std::vector<DepreciationClass> CategoryService::Classes() {
  auto snap = Load();
  if (!snap.ok()) {
    spdlog::error("loading the depreciation classes failed: {} {}", snap.error().en, snap.error().log_detail);
    return {};
  }
  return (*snap)->classes;
}

Result<DepreciationClass> CategoryService::Class(std::string_view code) {
  MS_ASSIGN_OR_RETURN(auto snap, Load());
  for (const auto& c : snap->classes) {
    if (c.code == code) return c;
  }
  return NotFoundError("折旧类别", "Depreciation class");
}

Result<CategoryImportSummary> CategoryService::Import(const auth::Caller& caller, std::string_view csv_text) {
  if (!caller.principal || !MayImport(*caller.principal)) return ForbiddenError();
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(const auto classes, LoadClasses(*tx));
  // Every row is validated before anything is written.
  MS_ASSIGN_OR_RETURN(const auto incoming, ParseCategoriesCsv(csv_text, classes));
  std::set<std::string> next;
  for (const auto& c : incoming) next.insert(c.code);

  // Codes on cards must survive the import.
  std::vector<FieldError> in_use;
  MS_TRY(tx->ForEach(sql::kCodesInUse, {}, [&](const db::Row& r) {
    const std::string code = r.Text(0);
    if (!next.contains(code)) {
      const std::string n = std::to_string(r.Int(1));
      in_use.push_back({code, "in_use", n + " 张资产卡片使用分类 " + code + "，新分类表不能删除它",
                        n + " asset card(s) use " + code + "; the new table cannot drop it"});
    }
    return true;
  }));
  if (!in_use.empty()) {
    Error e = MakeError(ErrorCode::kConflict, "category.in_use", "新分类表缺少资产卡片正在使用的分类，未写入任何数据",
                        "The new table drops categories that asset cards use; nothing was written");
    e.fields = std::move(in_use);
    return e;
  }

  std::set<std::string> before;
  MS_TRY(tx->ForEach(sql::kLoadCategories, {}, [&](const db::Row& r) {
    before.insert(r.Text(0));
    return true;
  }));
  MS_ASSIGN_OR_RETURN(const int64_t legacy_before, tx->QueryInt(sql::kCountLegacy));
  std::vector<std::string> added;
  std::vector<std::string> removed;
  for (const auto& code : next) {
    if (!before.contains(code)) added.push_back(code);
  }
  for (const auto& code : before) {
    if (!next.contains(code)) removed.push_back(code);
  }

  for (const auto& c : incoming) {
    MS_TRY(tx->Exec(sql::kUpsertCategory, {c.code, c.name, c.parent_code, c.level, c.is_leaf, c.depreciation_class,
                                           CardGroupName(c.group), c.source}));
  }
  int64_t legacy_removed = 0;
  for (const auto& code : removed) {
    MS_ASSIGN_OR_RETURN(const int64_t n, tx->Exec(sql::kDeleteLegacyOf, {code}));
    legacy_removed += n;
    MS_TRY(tx->Exec(sql::kDeleteCategory, {code}));
  }
  const int64_t legacy_after = legacy_before - legacy_removed;

  MS_TRY(audit::Write(*tx, caller,
                      {"category.import", "category_table", "gbt14885", std::nullopt,
                       ImportAuditJson(static_cast<int64_t>(before.size()), legacy_before, nullptr, nullptr),
                       ImportAuditJson(static_cast<int64_t>(next.size()), legacy_after, &added, &removed)}));
  MS_TRY(tx->Exec(sql::kBumpGeneration));
  MS_TRY(tx.Commit());
  {
    std::lock_guard lock(mutex_);
    snapshot_.reset();
  }
  CategoryImportSummary s;
  s.categories = static_cast<int>(next.size());
  s.classes = static_cast<int>(classes.size());
  s.legacy = static_cast<int>(legacy_after);
  s.added = static_cast<int>(added.size());
  s.removed = static_cast<int>(removed.size());
  s.legacy_removed = static_cast<int>(legacy_removed);
  return s;
}

}  // namespace minsheng::asset
