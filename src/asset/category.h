// 资产分类 categories: GB/T 14885-2022 codes ("A" + 8 digits), each leaf mapped
// to a depreciation class with its minimum life (政府会计准则第3号 应用指南
// 表1), plus the legacy GB/T 14885-2010 7-digit codes mapped to 2022 codes.
// The shipped table (data/categories/) holds the levels we can confirm and is
// marked replaceable: `minsheng categories import FILE` loads the official one.
//
// Thread-safe: CategoryService caches the table (a few thousand rows) in
// memory behind a mutex. It reloads it after its own import at once, and
// after another process's (the command line's) once it next checks the
// table's generation (cache_generations, bumped in the importing
// transaction): at most every recheck_seconds (Config asset.category_recheck_seconds).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/model.h"
#include "core/result.h"
#include "core/time.h"
#include "db/database.h"

namespace minsheng::http {
class Router;
}
namespace minsheng::auth {
class Guard;
}

namespace minsheng::asset {

struct DepreciationClass {
  std::string code;  // "computer"
  std::string name;  // "计算机设备"
  int min_years = 0;
  std::optional<int> max_years;
  bool depreciable = true;
};

// Card groups decide which typed extension fields a card has.
enum class CardGroup { kBuilding, kVehicle, kLand, kEquipment, kFurniture, kCultural, kBooks, kPlants, kMaterials };
std::string_view CardGroupName(CardGroup g);
std::optional<CardGroup> ParseCardGroup(std::string_view s);

struct Category {
  std::string code;
  std::string name;
  std::optional<std::string> parent_code;
  int level = 1;
  bool is_leaf = false;
  std::optional<std::string> depreciation_class;
  CardGroup group = CardGroup::kEquipment;
  std::string source;  // shipped | official

  // Resolved from the class: 0 when not depreciated.
  int min_life_months = 0;
  std::optional<int> max_life_months;
  bool depreciable = true;
};

// One row of the legacy mapping: a GB/T 14885-2010 code and its 2022 code.
struct LegacyCode {
  std::string legacy_code;  // "2010000"
  std::string code;         // "A02010000"
};

struct CategoryImportSummary {
  int categories = 0;
  int classes = 0;
  int legacy = 0;
  // Compared with the table before the import.
  int added = 0;
  int removed = 0;
  int legacy_removed = 0;  // legacy codes whose 2022 code the import dropped
};

// "A" + 8 digits (GB/T 14885-2022) / 7 digits (GB/T 14885-2010).
bool IsCategoryCode(std::string_view code);
bool IsLegacyCategoryCode(std::string_view code);

// The shipped data files (data/categories/*.csv), embedded at build time.
std::string_view ShippedClassesCsv();
std::string_view ShippedCategoriesCsv();
std::string_view ShippedLegacyCsv();

// Parse and validate the data files (CSV in UTF-8 or GBK, or XLSX; a header
// row; columns in docs/categories.md). Pure and thread-safe. Every row is checked before
// anything is returned; a bad file gives one error (code
// "category.invalid_file") whose fields name each problem as
// "rows[N].column", N being the record's row number in the file with the
// header as row 1 (what a spreadsheet shows). Categories come back in file
// order with their class's lives resolved.
Result<std::vector<DepreciationClass>> ParseClassesCsv(std::string_view csv);
Result<std::vector<Category>> ParseCategoriesCsv(std::string_view csv,
                                                 const std::vector<DepreciationClass>& classes);
Result<std::vector<LegacyCode>> ParseLegacyCsv(std::string_view csv, const std::vector<Category>& categories);

// The depreciation class of a building of this structure (钢结构, 钢筋混凝土结构,
// 砖混结构, 砖木结构, 简易房, or the English class code); empty when unknown.
// Building categories carry building_concrete as their default class; a card
// that knows its structure should use this one instead.
std::optional<std::string> BuildingClassForStructure(std::string_view structure);
// Whether a category of this class takes its class from the card's structure
// instead: the classes of permanent buildings (building_steel,
// building_concrete, building_brick_concrete, building_brick_wood). Classes
// that already say what the thing is (building_simple 简易房, building_fixtures
// 房屋附属设施, structure 构筑物) keep their own minimum whatever the structure.
bool ClassFollowsStructure(std::string_view class_code);

// The JSON objects the API returns (docs/openapi.yaml: Category, DepreciationClass).
std::string CategoryJson(const Category& c);
std::string DepreciationClassJson(const DepreciationClass& c);

class CategoryService {
 public:
  // recheck_seconds: how long a cached table is used before its generation
  // is read again (0: before every use; one primary-key read each time).
  static constexpr int kDefaultRecheckSeconds = 5;
  explicit CategoryService(db::Database& db, int recheck_seconds = kDefaultRecheckSeconds)
      : db_(db), recheck_seconds_(recheck_seconds) {}

  // Loads the shipped table into an empty categories table (idempotent).
  Result<void> EnsureSeeded();
  // NotFound when no such code. Accepts legacy 7-digit codes too.
  Result<Category> Get(std::string_view code);
  // Children of a parent (empty parent: the 门类), or matches of a text query.
  Result<std::vector<Category>> List(std::optional<std::string> parent, std::optional<std::string> q,
                                     int limit);
  // Empty (and logged) when the database cannot be read.
  std::vector<DepreciationClass> Classes();
  // NotFound when no such class.
  Result<DepreciationClass> Class(std::string_view code);
  // Replaces the table from a CSV file (format in docs/categories.md), all or
  // nothing; cards referring to a code that would disappear make it fail.
  // Only the command line (system principal) or a system administrator may
  // import (Forbidden otherwise); a bad file is "category.invalid_file" with
  // per-row fields; dropped codes still on cards are Conflict
  // "category.in_use" naming each code. Audited as "category.import". The
  // depreciation classes are not replaced. The table's generation is bumped
  // in the same transaction, so other processes (a running server) reload
  // their cached table within their recheck interval.
  Result<CategoryImportSummary> Import(const auth::Caller& caller, std::string_view csv_text);

 private:
  struct Snapshot;
  Result<std::shared_ptr<const Snapshot>> Load();

  db::Database& db_;
  const int recheck_seconds_;
  std::mutex mutex_;
  std::shared_ptr<const Snapshot> snapshot_;  // GUARDED_BY(mutex_)
  UtcTime checked_at_;                        // GUARDED_BY(mutex_): last generation read
};

// GET /api/v1/categories, /api/v1/categories/{code}, /api/v1/depreciation-classes:
// any signed-in user may read them.
void RegisterCategoryRoutes(http::Router& router, const auth::Guard& guard, CategoryService& categories);

}  // namespace minsheng::asset
