// SQL of the category table (资产分类): depreciation_classes, categories,
// category_legacy (migration 0002_assets.sql), and the table's row in
// cache_generations (0007_cache_generations.sql).
#pragma once

#include "db/database.h"

namespace minsheng::asset::sql {

inline constexpr db::Sql kCountCategories{"category.count", "SELECT COUNT(*) FROM categories"};
inline constexpr db::Sql kCountLegacy{"category.count_legacy", "SELECT COUNT(*) FROM category_legacy"};

inline constexpr db::Sql kLoadClasses{
    "category.load_classes",
    "SELECT code, name, min_years, max_years, depreciable FROM depreciation_classes ORDER BY code"};
inline constexpr db::Sql kLoadCategories{
    "category.load",
    "SELECT code, name, parent_code, level, is_leaf, depreciation_class, card_group, source "
    "FROM categories ORDER BY code"};
inline constexpr db::Sql kLoadLegacy{"category.load_legacy",
                                     "SELECT legacy_code, code FROM category_legacy ORDER BY legacy_code"};

// Seeding writes only what is missing, so two processes opening a fresh
// PostgreSQL database at once both succeed.
inline constexpr db::Sql kSeedClass{
    "category.seed_class",
    "INSERT INTO depreciation_classes (code, name, min_years, max_years, depreciable) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO NOTHING"};
inline constexpr db::Sql kSeedCategory{
    "category.seed",
    "INSERT INTO categories (code, name, parent_code, level, is_leaf, depreciation_class, card_group, source) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (code) DO NOTHING"};
inline constexpr db::Sql kSeedLegacy{
    "category.seed_legacy",
    "INSERT INTO category_legacy (legacy_code, code) VALUES ($1, $2) ON CONFLICT (legacy_code) DO NOTHING"};

// Import: codes still on cards, then upsert the new rows and drop the rest.
inline constexpr db::Sql kCodesInUse{
    "category.codes_in_use", "SELECT category_code, COUNT(*) FROM assets GROUP BY category_code"};
inline constexpr db::Sql kUpsertCategory{
    "category.upsert",
    "INSERT INTO categories (code, name, parent_code, level, is_leaf, depreciation_class, card_group, source) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (code) DO UPDATE SET name = excluded.name, "
    "parent_code = excluded.parent_code, level = excluded.level, is_leaf = excluded.is_leaf, "
    "depreciation_class = excluded.depreciation_class, card_group = excluded.card_group, "
    "source = excluded.source"};
inline constexpr db::Sql kDeleteLegacyOf{"category.delete_legacy_of",
                                         "DELETE FROM category_legacy WHERE code = $1"};
inline constexpr db::Sql kDeleteCategory{"category.delete", "DELETE FROM categories WHERE code = $1"};

// The generation of the table: one primary-key read (0 if the row is missing),
// and the bump written in the same transaction as every change of the table.
inline constexpr db::Sql kGeneration{
    "category.generation",
    "SELECT COALESCE(MAX(generation), 0) FROM cache_generations WHERE name = 'categories'"};
inline constexpr db::Sql kBumpGeneration{
    "category.bump_generation",
    "INSERT INTO cache_generations (name, generation) VALUES ('categories', 1) "
    "ON CONFLICT (name) DO UPDATE SET generation = cache_generations.generation + 1"};

}  // namespace minsheng::asset::sql
