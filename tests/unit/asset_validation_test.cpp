// AssetService::ValidateInput is pure: a hand-built context, no database.
#include <gtest/gtest.h>

#include <set>

#include "asset/service.h"
#include "core/config.h"

namespace minsheng::asset {
namespace {

Category Leaf(std::string code, CardGroup group, int min_months, std::optional<int> max_months, bool depreciable) {
  Category c;
  c.code = std::move(code);
  c.name = "测试分类";
  c.is_leaf = true;
  c.group = group;
  c.min_life_months = min_months;
  c.max_life_months = max_months;
  c.depreciable = depreciable;
  return c;
}

class ValidateInputTest : public ::testing::Test {
 protected:
  ValidateInputTest()
      : ctx_(7, MakeDate(2026, 11, 22), [this](std::string_view code) -> std::optional<Category> {
          ++lookups_;
          if (code == "A02010104") return Leaf("A02010104", CardGroup::kEquipment, 72, std::nullopt, true);
          if (code == "2010104") return Leaf("A02010104", CardGroup::kEquipment, 72, std::nullopt, true);  // legacy
          if (code == "A02320100") return Leaf("A02320100", CardGroup::kEquipment, 60, 120, true);
          if (code == "A02030100") return Leaf("A02030100", CardGroup::kVehicle, 96, std::nullopt, true);
          if (code == "A05010100") return Leaf("A05010100", CardGroup::kBooks, 0, std::nullopt, false);
          if (code == "A02000000") {
            auto c = Leaf("A02000000", CardGroup::kEquipment, 0, std::nullopt, true);
            c.is_leaf = false;
            return c;
          }
          return std::nullopt;
        }) {
    ctx_.departments = {11};
    ctx_.staff = {21, 22};
    ctx_.locations = {31};
  }

  CardInput Valid() const {
    CardInput in;
    in.name = "台式计算机";
    in.category_code = "A02010104";
    in.subject_code = "1601";
    in.acquisition_method = "调剂/调拨";
    in.funding_source = "非财政";
    in.acquired_on = MakeDate(2025, 1, 1);
    in.original_value = Fen{100};
    in.unit_of_measure = "台";
    in.location_id = 31;
    in.custodian_id = 21;
    in.manager_id = 22;
    in.department_id = 11;
    return in;
  }

  std::set<std::string> Errors(const CardInput& in) {
    std::set<std::string> out;
    for (const auto& e : AssetService::ValidateInput(in, ctx_)) out.insert(e.field + "/" + e.code);
    return out;
  }

  int lookups_ = 0;
  ValidationContext ctx_;
};

TEST_F(ValidateInputTest, AValidInputHasNoErrors) {
  EXPECT_TRUE(Errors(Valid()).empty());
  CardInput legacy = Valid();
  legacy.category_code = "2010104";
  EXPECT_TRUE(Errors(legacy).empty());
}

TEST_F(ValidateInputTest, EachRule) {
  using S = std::set<std::string>;
  auto with = [&](auto change) {
    CardInput in = Valid();
    change(in);
    return Errors(in);
  };
  EXPECT_EQ(with([](CardInput& in) { in.category_code = "A02000000"; }), S{"category_code/not_leaf"});
  EXPECT_EQ(with([](CardInput& in) { in.category_code = "A09"; }), S{"category_code/not_found"});
  EXPECT_EQ(with([](CardInput& in) { in.original_value = Fen{-1}; }), S{"original_value/negative"});
  EXPECT_EQ(with([](CardInput& in) { in.quantity = 0; }), S{"quantity/out_of_range"});
  EXPECT_EQ(with([](CardInput& in) { in.booked_on = MakeDate(2024, 12, 31); }), S{"booked_on/before_acquired"});
  EXPECT_EQ(with([](CardInput& in) { in.acquired_on = MakeDate(2026, 11, 23); }), S{"acquired_on/in_future"});
  EXPECT_EQ(with([](CardInput& in) { in.life_months = 60; }), S{"life_months/below_minimum"});
  EXPECT_EQ(with([](CardInput& in) {
              in.category_code = "A02320100";
              in.life_months = 121;
            }),
            S{"life_months/above_maximum"});
  EXPECT_EQ(with([](CardInput& in) {
              in.category_code = "A05010100";
              in.depreciation_method = DepreciationMethod::kStraightLine;
            }),
            S{"depreciation_method/not_depreciable"});
  EXPECT_EQ(with([](CardInput& in) { in.custodian_id = 99; }), S{"custodian_id/not_found"});
  EXPECT_EQ(with([](CardInput& in) { in.manager_id = 99; }), S{"manager_id/not_found"});
  EXPECT_EQ(with([](CardInput& in) { in.department_id = 99; }), S{"department_id/not_found"});
  EXPECT_EQ(with([](CardInput& in) { in.location_id = 99; }), S{"location_id/not_found"});
  EXPECT_EQ(with([](CardInput& in) { in.location_id.reset(); }), S{"location_id/required"});
  EXPECT_EQ(with([](CardInput& in) { in.acquisition_method = "购买"; }), S{"acquisition_method/invalid"});
  EXPECT_EQ(with([](CardInput& in) { in.funding_source = "财政"; }), S{"funding_source/invalid"});
  EXPECT_EQ(with([](CardInput& in) { in.name = std::string(101, 'n'); }), S{"name/too_long"});
  EXPECT_EQ(with([](CardInput& in) { in.name = std::string("\xff\xfe"); }), S{"name/invalid"});
  EXPECT_EQ(with([](CardInput& in) {
              in.ext = CardExt{};
              in.ext->area_m2 = 10.0;
            }),
            S{"ext.area_m2/not_applicable"});
  EXPECT_EQ(with([](CardInput& in) {
              in.category_code = "A02030100";
              in.ext = CardExt{};
              in.ext->vin = "short";
            }),
            S{"ext.vin/invalid"});
  // Missing required fields are all reported at once.
  EXPECT_EQ(Errors(CardInput{}), (S{"name/required", "category_code/required", "subject_code/required",
                                    "acquisition_method/required", "funding_source/required",
                                    "acquired_on/required", "original_value/required", "unit_of_measure/required",
                                    "location_id/required"}));
}

TEST_F(ValidateInputTest, CategoriesAreLookedUpOncePerCode) {
  for (int i = 0; i < 100; ++i) (void)AssetService::ValidateInput(Valid(), ctx_);
  EXPECT_EQ(lookups_, 1);
}

// Buildings: the structure (ext.structure) decides the minimum life when the
// category's class follows it. Lives as in DOMAIN.md: steel and reinforced
// concrete 50 years, brick-concrete and brick-wood 30, simple 8.
class BuildingLifeTest : public ::testing::Test {
 protected:
  static Category Building(std::string code, std::string cls, int min_months) {
    Category c = Leaf(std::move(code), CardGroup::kBuilding, min_months, std::nullopt, true);
    c.depreciation_class = std::move(cls);
    return c;
  }

  BuildingLifeTest()
      : ctx_(
            7, MakeDate(2026, 11, 22),
            [](std::string_view code) -> std::optional<Category> {
              if (code == "A01010206") return Building("A01010206", "building_concrete", 600);  // 教育用房
              if (code == "A01010400") return Building("A01010400", "building_simple", 96);     // 简易房
              if (code == "A01020500") return Building("A01020500", "structure", 96);           // 井 (构筑物)
              return std::nullopt;
            },
            [this](std::string_view code) -> std::optional<DepreciationClass> {
              ++class_lookups_;
              if (code == "building_steel") return DepreciationClass{"building_steel", "钢结构", 50, {}, true};
              if (code == "building_concrete") return DepreciationClass{"building_concrete", "钢混", 50, {}, true};
              if (code == "building_brick_concrete") return DepreciationClass{"building_brick_concrete", "砖混", 30, {}, true};
              if (code == "building_brick_wood") return DepreciationClass{"building_brick_wood", "砖木", 30, {}, true};
              if (code == "building_simple") return DepreciationClass{"building_simple", "简易房", 8, {}, true};
              return std::nullopt;
            }) {
    ctx_.locations = {31};
  }

  static CardInput School(std::optional<std::string> structure, std::optional<int> life,
                          std::string category = "A01010206") {
    CardInput in;
    in.name = "教学楼";
    in.category_code = std::move(category);
    in.subject_code = "1601";
    in.acquisition_method = "建设";
    in.funding_source = "财政拨款";
    in.acquired_on = MakeDate(2020, 9, 1);
    in.original_value = Fen{360'000'000};
    in.unit_of_measure = "栋";
    in.location_id = 31;
    in.life_months = life;
    if (structure) {
      CardExt ext;
      ext.structure = std::move(structure);
      in.ext = ext;
    }
    return in;
  }

  std::vector<FieldError> Errors(const CardInput& in) { return AssetService::ValidateInput(in, ctx_); }

  int class_lookups_ = 0;
  ValidationContext ctx_;
};

TEST_F(BuildingLifeTest, BrickBuildingsMayHaveThirtyYears) {
  // The category's class alone (50 years) would refuse 360 months.
  EXPECT_TRUE(Errors(School("砖混", 360)).empty());
  EXPECT_TRUE(Errors(School("砖木", 360)).empty());
  EXPECT_TRUE(Errors(School("钢结构", 600)).empty());
  EXPECT_TRUE(Errors(School("简易", 96)).empty());
  EXPECT_TRUE(Errors(School("砖混", std::nullopt)).empty());  // the default is the structure's minimum
}

TEST_F(BuildingLifeTest, BelowTheStructuresMinimumNamesTheStructure) {
  struct Case {
    const char* structure;
    int life;
    const char* zh_years;
    const char* en_years;
  };
  for (const Case& c : {Case{"砖混", 359, "30 年", "30 years"}, Case{"砖木", 300, "30 年", "30 years"},
                        Case{"钢筋混凝土", 360, "50 年", "50 years"}, Case{"钢结构", 599, "50 年", "50 years"},
                        Case{"简易", 95, "8 年", "8 years"}}) {
    const auto errors = Errors(School(c.structure, c.life));
    ASSERT_EQ(errors.size(), 1u) << c.structure;
    EXPECT_EQ(errors[0].field, "life_months");
    EXPECT_EQ(errors[0].code, "below_minimum");
    EXPECT_EQ(errors[0].zh, std::string("使用年限不得低于结构为「") + c.structure + "」的房屋的最低年限 " + c.zh_years);
    EXPECT_EQ(errors[0].en, std::string("must not be below the minimum of ") + c.en_years +
                                " for a building of structure " + c.structure);
  }
}

TEST_F(BuildingLifeTest, WithoutAStructureClassTheCategoryDecides) {
  // No structure, 其他, or an unknown one (itself an ext.structure error).
  for (const auto& structure : {std::optional<std::string>(), std::optional<std::string>("其他")}) {
    const auto errors = Errors(School(structure, 360));
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].code, "below_minimum");
    EXPECT_EQ(errors[0].zh, "使用年限不得低于该类资产的最低年限 50 年");
    EXPECT_EQ(errors[0].en, "must not be below the minimum of 50 years for this category");
  }
  std::set<std::string> codes;
  for (const auto& e : Errors(School("茅草", 360))) codes.insert(e.field + "/" + e.code);
  EXPECT_EQ(codes, (std::set<std::string>{"ext.structure/invalid", "life_months/below_minimum"}));
}

TEST_F(BuildingLifeTest, ClassesThatSayWhatTheThingIsKeepTheirMinimum) {
  // A well (构筑物) and a simple building keep 8 years even when made of concrete.
  EXPECT_TRUE(Errors(School("钢筋混凝土", 96, "A01020500")).empty());
  EXPECT_TRUE(Errors(School("钢结构", 96, "A01010400")).empty());
  const auto errors = Errors(School("砖混", 95, "A01020500"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].zh, "使用年限不得低于该类资产的最低年限 8 年");
}

TEST_F(BuildingLifeTest, ClassesAreLookedUpOncePerCode) {
  for (int i = 0; i < 5; ++i) {
    Errors(School("砖混", 360));
    Errors(School("钢结构", 600));
  }
  EXPECT_EQ(class_lookups_, 2);
}

TEST_F(BuildingLifeTest, AContextWithoutClassesUsesTheCategory) {
  ValidationContext bare(7, MakeDate(2026, 11, 22), [](std::string_view code) -> std::optional<Category> {
    if (code == "A01010206") return Building("A01010206", "building_concrete", 600);
    return std::nullopt;
  });
  bare.locations = {31};
  const auto errors = AssetService::ValidateInput(School("砖混", 360), bare);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, "below_minimum");
}

TEST(AssetConfigTest, DepreciationStartKey) {
  Config c;
  EXPECT_EQ(c.asset.depreciation_start, "same_month");
  EXPECT_TRUE(SetConfigValue(c, "asset.depreciation_start", "next_month").ok());
  EXPECT_EQ(c.asset.depreciation_start, "next_month");
  auto bad = SetConfigValue(c, "asset.depreciation_start", "later");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().en.find("asset.depreciation_start"), std::string::npos);
}

TEST(AssetConfigTest, CategoryRecheckKey) {
  Config c;
  EXPECT_EQ(c.asset.category_recheck_seconds, 5);
  EXPECT_TRUE(SetConfigValue(c, "asset.category_recheck_seconds", "0").ok());
  EXPECT_EQ(c.asset.category_recheck_seconds, 0);
  EXPECT_TRUE(SetConfigValue(c, "asset.category_recheck_seconds", "3600").ok());
  EXPECT_EQ(c.asset.category_recheck_seconds, 3600);
  for (const char* bad : {"-1", "3601", "5s", ""}) {
    auto r = SetConfigValue(c, "asset.category_recheck_seconds", bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().en.find("asset.category_recheck_seconds"), std::string::npos);
  }
  EXPECT_EQ(c.asset.category_recheck_seconds, 3600);
}

TEST(AssetConfigTest, ImportKeys) {
  Config c;
  EXPECT_DOUBLE_EQ(c.asset.import_rebuild_ratio, 1.0);
  EXPECT_EQ(c.asset.import_pg_gin_pending_mb, 64);
  EXPECT_EQ(c.asset.import_pg_maintenance_mb, 256);
  EXPECT_TRUE(SetConfigValue(c, "asset.import_rebuild_ratio", "0").ok());
  EXPECT_DOUBLE_EQ(c.asset.import_rebuild_ratio, 0);
  EXPECT_TRUE(SetConfigValue(c, "asset.import_rebuild_ratio", "2.5").ok());
  EXPECT_DOUBLE_EQ(c.asset.import_rebuild_ratio, 2.5);
  EXPECT_TRUE(SetConfigValue(c, "asset.import_pg_maintenance_mb", "1024").ok());
  EXPECT_EQ(c.asset.import_pg_maintenance_mb, 1024);
  for (const auto& [key, bad] : std::vector<std::pair<const char*, const char*>>{
           {"asset.import_rebuild_ratio", "-0.1"},
           {"asset.import_rebuild_ratio", "half"},
           {"asset.import_pg_gin_pending_mb", "0"},
           {"asset.import_pg_gin_pending_mb", "2048"},
           {"asset.import_pg_maintenance_mb", "0"}}) {
    auto r = SetConfigValue(c, key, bad);
    ASSERT_FALSE(r.ok()) << key << "=" << bad;
    EXPECT_NE(r.error().en.find(key), std::string::npos);
  }
  EXPECT_DOUBLE_EQ(c.asset.import_rebuild_ratio, 2.5);
}

TEST(AssetVocabularyTest, SortKeysRoundTrip) {
  for (auto k : {SortKey::kNumber, SortKey::kName, SortKey::kAcquiredOn, SortKey::kOriginalValue}) {
    EXPECT_EQ(ParseSortKey(SortKeyName(k)), k);
  }
  EXPECT_FALSE(ParseSortKey("price").has_value());
  EXPECT_EQ(AcquisitionMethods().size(), 7u);
  EXPECT_EQ(FundingSources().size(), 2u);
}

}  // namespace
}  // namespace minsheng::asset
