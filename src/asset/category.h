// 资产分类 categories: GB/T 14885-2022 codes ("A" + 8 digits), each leaf mapped
// to a depreciation class with its minimum life (政府会计准则第3号 应用指南
// 表1), plus the legacy GB/T 14885-2010 7-digit codes mapped to 2022 codes.
// The shipped table (data/categories/) holds the levels we can confirm and is
// marked replaceable: `minsheng categories import FILE` loads the official one.
//
// Thread-safe: CategoryService caches the table (a few thousand rows) in
// memory behind a mutex and reloads it after an import.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/model.h"
#include "core/result.h"
#include "db/database.h"

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

struct CategoryImportSummary {
  int categories = 0;
  int classes = 0;
  int legacy = 0;
};

class CategoryService {
 public:
  explicit CategoryService(db::Database& db) : db_(db) {}

  // Loads the shipped table into an empty categories table (idempotent).
  Result<void> EnsureSeeded();
  // NotFound when no such code. Accepts legacy 7-digit codes too.
  Result<Category> Get(std::string_view code);
  // Children of a parent (empty parent: the 门类), or matches of a text query.
  Result<std::vector<Category>> List(std::optional<std::string> parent, std::optional<std::string> q,
                                     int limit);
  std::vector<DepreciationClass> Classes();
  // Replaces the table from a CSV file (format in docs/categories.md), all or
  // nothing; cards referring to a code that would disappear make it fail.
  Result<CategoryImportSummary> Import(const auth::Caller& caller, std::string_view csv_text);

 private:
  struct Snapshot;
  Result<std::shared_ptr<const Snapshot>> Load();

  db::Database& db_;
  std::mutex mutex_;
  std::shared_ptr<const Snapshot> snapshot_;  // GUARDED_BY(mutex_)
};

}  // namespace minsheng::asset
