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

TEST(AssetConfigTest, DepreciationStartKey) {
  Config c;
  EXPECT_EQ(c.asset.depreciation_start, "same_month");
  EXPECT_TRUE(SetConfigValue(c, "asset.depreciation_start", "next_month").ok());
  EXPECT_EQ(c.asset.depreciation_start, "next_month");
  auto bad = SetConfigValue(c, "asset.depreciation_start", "later");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().en.find("asset.depreciation_start"), std::string::npos);
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
