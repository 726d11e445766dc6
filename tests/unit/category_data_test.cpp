// The shipped category files (data/categories/, embedded in the binary) and
// the CSV parsing and validation of category files.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "asset/category.h"
#include "asset/model.h"

namespace minsheng::asset {
namespace {

struct Shipped {
  std::vector<DepreciationClass> classes;
  std::vector<Category> categories;
  std::vector<LegacyCode> legacy;
  std::map<std::string, DepreciationClass> class_by_code;
  std::map<std::string, Category> by_code;
};

std::string Describe(const Error& e) {
  std::string out = e.code + ": " + e.en;
  for (const auto& f : e.fields) out += "\n  " + f.field + ": " + f.en;
  return out;
}

const Shipped& Load() {
  static const Shipped kShipped = [] {
    Shipped s;
    auto classes = ParseClassesCsv(ShippedClassesCsv());
    EXPECT_TRUE(classes.ok()) << Describe(classes.error());
    if (classes.ok()) s.classes = *classes;
    auto categories = ParseCategoriesCsv(ShippedCategoriesCsv(), s.classes);
    EXPECT_TRUE(categories.ok()) << Describe(categories.error());
    if (categories.ok()) s.categories = *categories;
    auto legacy = ParseLegacyCsv(ShippedLegacyCsv(), s.categories);
    EXPECT_TRUE(legacy.ok()) << Describe(legacy.error());
    if (legacy.ok()) s.legacy = *legacy;
    for (const auto& c : s.classes) s.class_by_code.emplace(c.code, c);
    for (const auto& c : s.categories) s.by_code.emplace(c.code, c);
    return s;
  }();
  return kShipped;
}

TEST(ShippedCategoriesTest, FilesParse) {
  const auto& s = Load();
  EXPECT_GE(s.classes.size(), 50u);
  EXPECT_GE(s.categories.size(), 250u);
  EXPECT_GE(s.legacy.size(), 25u);
}

TEST(ShippedCategoriesTest, SevenMenleiWithTheirNames) {
  const auto& s = Load();
  const std::map<std::string, std::string> want = {
      {"A01000000", "房屋和构筑物"}, {"A02000000", "设备"},     {"A03000000", "文物和陈列品"},
      {"A04000000", "图书和档案"},   {"A05000000", "家具和用具"}, {"A06000000", "特种动植物"},
      {"A07000000", "物资"}};
  std::map<std::string, std::string> roots;
  for (const auto& c : s.categories) {
    if (c.level == 1) roots.emplace(c.code, c.name);
  }
  EXPECT_EQ(roots, want);
}

TEST(ShippedCategoriesTest, CodesAreWellFormedAndFollowTheTree) {
  for (const auto& c : Load().categories) {
    EXPECT_TRUE(IsCategoryCode(c.code)) << c.code;
    EXPECT_EQ(c.source, "shipped") << c.code;  // the shipped table says it is replaceable
    // A + 门类 2 + 大类 2 + 中类 2 + 小类 2: the level is the number of
    // non-zero pairs and the parent is the code with the last one zeroed.
    int level = 4;
    while (level > 1 && c.code.substr(1 + 2 * static_cast<size_t>(level - 1), 2) == "00") --level;
    EXPECT_EQ(c.level, level) << c.code;
    if (level == 1) {
      EXPECT_FALSE(c.parent_code.has_value()) << c.code;
    } else {
      std::string parent = c.code;
      parent.replace(1 + 2 * static_cast<size_t>(level - 1), 2, "00");
      EXPECT_EQ(c.parent_code.value_or(""), parent) << c.code;
    }
  }
}

TEST(ShippedCategoriesTest, EveryLeafHasADepreciationClass) {
  const auto& s = Load();
  int leaves = 0;
  for (const auto& c : s.categories) {
    if (!c.is_leaf) continue;
    ++leaves;
    ASSERT_TRUE(c.depreciation_class.has_value()) << c.code;
    EXPECT_TRUE(s.class_by_code.contains(*c.depreciation_class)) << c.code;
  }
  EXPECT_GE(leaves, 200);
}

TEST(ShippedCategoriesTest, MinimumLivesMatchTheDomainTable) {
  const auto& s = Load();
  // DOMAIN.md / cn-rules.md §2.2 表1 (years).
  const std::map<std::string, int> want = {
      {"building_steel", 50}, {"building_concrete", 50}, {"building_brick_concrete", 30},
      {"building_brick_wood", 30}, {"building_simple", 8}, {"building_fixtures", 8}, {"structure", 8},
      {"computer", 6}, {"office", 6}, {"vehicle", 8}, {"machinery", 10}, {"electrical", 5},
      {"radar_radio_satellite", 10}, {"medical", 5}, {"police", 3}, {"special_power", 20},
      {"furniture", 15}, {"utensils", 5}};
  for (const auto& [code, years] : want) {
    ASSERT_TRUE(s.class_by_code.contains(code)) << code;
    EXPECT_EQ(s.class_by_code.at(code).min_years, years) << code;
    EXPECT_TRUE(s.class_by_code.at(code).depreciable) << code;
  }
  EXPECT_EQ(s.class_by_code.at("medical").max_years, 10);
  EXPECT_EQ(s.class_by_code.at("police").max_years, 10);
  EXPECT_EQ(s.class_by_code.at("special_mining").max_years, 15);
  EXPECT_FALSE(s.class_by_code.at("computer").max_years.has_value());
  for (const char* code : {"cultural_relics", "books_archives", "animals_plants", "land", "nominal_value"}) {
    ASSERT_TRUE(s.class_by_code.contains(code)) << code;
    EXPECT_FALSE(s.class_by_code.at(code).depreciable) << code;
    EXPECT_EQ(s.class_by_code.at(code).min_years, 0) << code;
  }
}

TEST(ShippedCategoriesTest, SampleCategoriesCarryTheirLives) {
  const auto& s = Load();
  struct Want {
    const char* code;
    const char* cls;
    int min_months;
    CardGroup group;
  };
  for (const Want& w : {Want{"A02010105", "computer", 72, CardGroup::kEquipment},   // 台式计算机
                        Want{"A02030501", "vehicle", 96, CardGroup::kVehicle},       // 轿车
                        Want{"A02030701", "vehicle", 96, CardGroup::kVehicle},       // 救护车
                        Want{"A05010304", "furniture", 180, CardGroup::kFurniture},  // 教学、实验椅凳
                        Want{"A01010100", "building_concrete", 600, CardGroup::kBuilding},  // 办公用房
                        Want{"A02320301", "medical", 60, CardGroup::kEquipment},     // B超
                        Want{"A04010100", "books_archives", 0, CardGroup::kBooks},
                        Want{"A01030100", "land", 0, CardGroup::kLand}}) {
    ASSERT_TRUE(s.by_code.contains(w.code)) << w.code;
    const Category& c = s.by_code.at(w.code);
    EXPECT_TRUE(c.is_leaf) << w.code;
    EXPECT_EQ(c.depreciation_class.value_or(""), w.cls) << w.code;
    EXPECT_EQ(c.min_life_months, w.min_months) << w.code;
    EXPECT_EQ(c.group, w.group) << w.code;
  }
  EXPECT_EQ(s.by_code.at("A02320301").max_life_months, 120);
  EXPECT_FALSE(s.by_code.at("A04010100").depreciable);
}

// What the demo county registers must have a leaf to sit on.
TEST(ShippedCategoriesTest, DemoCountyAssetsHaveLeaves) {
  const auto& s = Load();
  std::set<std::string> leaf_names;
  for (const auto& c : s.categories) {
    if (c.is_leaf) leaf_names.insert(c.name);
  }
  for (const char* name : {"台式计算机", "便携式计算机", "投影仪", "教学、实验用桌", "教学、实验椅凳", "黑板",
                           "B型超声诊断仪", "X射线摄影设备（DR）", "心电图机", "牙科综合治疗台", "离心泵", "阀门",
                           "水表", "室外健身器材", "办公用房", "教育用房", "轿车", "大型客车", "救护车",
                           "普通图书", "公共管理与公共服务用地"}) {
    EXPECT_TRUE(leaf_names.contains(name)) << name;
  }
}

TEST(ShippedCategoriesTest, EveryLegacyCodeMapsToAnExistingCode) {
  const auto& s = Load();
  std::set<std::string> seen;
  for (const auto& l : s.legacy) {
    EXPECT_TRUE(IsLegacyCategoryCode(l.legacy_code)) << l.legacy_code;
    EXPECT_TRUE(seen.insert(l.legacy_code).second) << l.legacy_code;
    EXPECT_TRUE(s.by_code.contains(l.code)) << l.legacy_code << " → " << l.code;
  }
  // Spot checks against cn-rules.md §3.2.
  std::map<std::string, std::string> map;
  for (const auto& l : s.legacy) map.emplace(l.legacy_code, l.code);
  EXPECT_EQ(map.at("2030000"), "A02030000");  // 车辆
  EXPECT_EQ(map.at("3220000"), "A02320000");  // 医疗设备
  EXPECT_EQ(s.by_code.at(map.at("3710000")).name, "体育设备");
}

TEST(CategoryCodeTest, Shapes) {
  EXPECT_TRUE(IsCategoryCode("A02010105"));
  EXPECT_FALSE(IsCategoryCode("a02010105"));
  EXPECT_FALSE(IsCategoryCode("A0201010"));
  EXPECT_FALSE(IsCategoryCode("A020101050"));
  EXPECT_FALSE(IsCategoryCode("B02010105"));
  EXPECT_FALSE(IsCategoryCode("A0201010x"));
  EXPECT_TRUE(IsLegacyCategoryCode("2010000"));
  EXPECT_FALSE(IsLegacyCategoryCode("201000"));
  EXPECT_FALSE(IsLegacyCategoryCode("A010000"));
}

TEST(CategoryCodeTest, BuildingStructureChoosesTheClass) {
  EXPECT_EQ(BuildingClassForStructure("钢结构"), "building_steel");
  EXPECT_EQ(BuildingClassForStructure("钢筋混凝土"), "building_concrete");
  EXPECT_EQ(BuildingClassForStructure(" 砖混结构 "), "building_brick_concrete");
  EXPECT_EQ(BuildingClassForStructure("砖木"), "building_brick_wood");
  EXPECT_EQ(BuildingClassForStructure("简易"), "building_simple");
  EXPECT_EQ(BuildingClassForStructure("building_steel"), "building_steel");
  EXPECT_FALSE(BuildingClassForStructure("其他").has_value());
}

TEST(CategoryCodeTest, PermanentBuildingClassesFollowTheStructure) {
  for (const char* cls : {"building_steel", "building_concrete", "building_brick_concrete", "building_brick_wood"})
    EXPECT_TRUE(ClassFollowsStructure(cls)) << cls;
  for (const char* cls : {"building_simple", "building_fixtures", "structure", "computer", "land", ""})
    EXPECT_FALSE(ClassFollowsStructure(cls)) << cls;
}

TEST(CategoryCodeTest, EveryCardStructureHasAShippedClass) {
  // The structures a card may name (BuildingStructures) and their minimum
  // lives in the shipped table; 其他 keeps the category's class.
  auto classes = ParseClassesCsv(ShippedClassesCsv());
  ASSERT_TRUE(classes.ok());
  const std::map<std::string, int> expected = {
      {"钢结构", 50}, {"钢筋混凝土", 50}, {"砖混", 30}, {"砖木", 30}, {"简易", 8}};
  for (const auto& s : BuildingStructures()) {
    const auto cls = BuildingClassForStructure(s);
    if (s == "其他") {
      EXPECT_FALSE(cls.has_value());
      continue;
    }
    ASSERT_TRUE(cls.has_value()) << s;
    const auto it = std::find_if(classes->begin(), classes->end(), [&](const auto& c) { return c.code == *cls; });
    ASSERT_NE(it, classes->end()) << *cls;
    EXPECT_EQ(it->min_years, expected.at(s)) << s;
  }
  // The shipped house categories (教育用房 …) carry a class that follows the structure.
  auto categories = ParseCategoriesCsv(ShippedCategoriesCsv(), *classes);
  ASSERT_TRUE(categories.ok());
  const auto school = std::find_if(categories->begin(), categories->end(),
                                   [](const auto& c) { return c.code == "A01010206"; });
  ASSERT_NE(school, categories->end());
  EXPECT_TRUE(ClassFollowsStructure(school->depreciation_class.value_or("")));
}

// ---- parsing and validation of a category file --------------------------

std::vector<DepreciationClass> TwoClasses() {
  return {{"computer", "计算机设备", 6, std::nullopt, true}, {"land", "土地", 0, std::nullopt, false}};
}

std::set<std::string> Fields(const Error& e) {
  std::set<std::string> out;
  for (const auto& f : e.fields) out.insert(f.field);
  return out;
}

TEST(CategoryCsvTest, ReadsQuotesBomCrlfChineseHeadersAndBlankLines) {
  const std::string csv =
      "\xEF\xBB\xBF代码,名称,上级代码,层级,是否末级,折旧类别,卡片类型\r\n"
      "A02000000,设备,,1,否,,equipment\r\n"
      "\r\n"
      "A02010000,\"信息化设备, \"\"新\"\"\",A02000000,2,是,computer,equipment\r\n"
      ",,,,,,\r\n";
  auto r = ParseCategoriesCsv(csv, TwoClasses());
  ASSERT_TRUE(r.ok()) << Describe(r.error());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[1].name, "信息化设备, \"新\"");
  EXPECT_EQ((*r)[1].source, "official");  // no source column: an official table
  EXPECT_EQ((*r)[1].min_life_months, 72);
  EXPECT_FALSE((*r)[0].is_leaf);
}

TEST(CategoryCsvTest, EveryBadRowIsReportedWithItsRowNumber) {
  const std::string csv =
      "code,name,parent_code,level,is_leaf,depreciation_class,card_group,source\n"
      "A02000000,设备,,1,0,,equipment,official\n"           // row 2: fine
      "A0201000,短代码,A02000000,2,1,computer,equipment,\n"   // row 3: code shape
      "A02020000,办公设备,A09000000,2,1,computer,equipment,\n"  // row 4: parent missing
      "A02030000,车辆,A02000000,2,1,nosuch,equipment,\n"       // row 5: class missing
      "A02040000,图书档案设备,A02000000,2,1,computer,gadget,\n"  // row 6: group
      "A02000000,重复,,1,1,computer,equipment,\n"              // row 7: duplicate of row 2
      "A02050000,,A02000000,2,1,,equipment,mine\n"             // row 8: name, class, source
      "A02060000,层级,A02000000,3,1,computer,equipment,\n"     // row 9: level vs parent
      "A02070000,标错末级,A02000000,2,0,,equipment,\n";         // row 10: not a leaf but no children
  auto r = ParseCategoriesCsv(csv, TwoClasses());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "category.invalid_file");
  EXPECT_EQ(r.error().kind, ErrorCode::kInvalidArgument);
  const std::set<std::string> want = {
      "rows[3].code",   "rows[4].parent_code",        "rows[5].depreciation_class",
      "rows[6].card_group", "rows[7].code",           "rows[8].name",
      "rows[8].depreciation_class", "rows[8].source", "rows[9].level",
      "rows[10].is_leaf"};
  EXPECT_EQ(Fields(r.error()), want) << Describe(r.error());
  // In row order.
  EXPECT_EQ(r.error().fields.front().field, "rows[3].code");
  EXPECT_EQ(r.error().fields.back().field, "rows[10].is_leaf");
}

TEST(CategoryCsvTest, LeafWithChildrenAndMissingColumnsAreRefused) {
  auto leaf = ParseCategoriesCsv(
      "code,name,parent_code,level,is_leaf,depreciation_class,card_group\n"
      "A02000000,设备,,1,1,computer,equipment\n"
      "A02010000,信息化设备,A02000000,2,1,computer,equipment\n",
      TwoClasses());
  ASSERT_FALSE(leaf.ok());
  EXPECT_EQ(Fields(leaf.error()), std::set<std::string>{"rows[2].is_leaf"});

  auto header = ParseCategoriesCsv("code,name\nA02000000,设备\n", TwoClasses());
  ASSERT_FALSE(header.ok());
  EXPECT_TRUE(Fields(header.error()).contains("rows[1].card_group"));

  EXPECT_EQ(Fields(ParseCategoriesCsv("", TwoClasses()).error()), std::set<std::string>{"file"});
  auto quote = ParseCategoriesCsv("code,name\n\"A02", TwoClasses());
  ASSERT_FALSE(quote.ok());
  ASSERT_EQ(quote.error().fields.size(), 1u);
  EXPECT_EQ(quote.error().fields[0].field, "file");
  EXPECT_EQ(quote.error().fields[0].code, "exchange.csv_unterminated_quote");
}

// An official table saved from Excel as CSV is often GBK.
TEST(CategoryCsvTest, GbkFilesAreRead) {
  const std::string gbk =
      "code,name,parent_code,level,is_leaf,depreciation_class,card_group\n"
      "A02000000,\xC9\xE8\xB1\xB8,,1,1,computer,equipment\n";  // 设备
  auto r = ParseCategoriesCsv(gbk, TwoClasses());
  ASSERT_TRUE(r.ok()) << Describe(r.error());
  EXPECT_EQ((*r)[0].name, "设备");
}

TEST(CategoryCsvTest, ClassAndLegacyFilesAreChecked) {
  auto classes = ParseClassesCsv(
      "code,name,min_years,max_years,depreciable\n"
      "computer,计算机,6,,1\n"
      "Bad-Code,x,6,,1\n"
      "zero,零,0,,1\n"
      "range,范围,10,5,1\n"
      "computer,重复,6,,1\n");
  ASSERT_FALSE(classes.ok());
  EXPECT_EQ(Fields(classes.error()),
            (std::set<std::string>{"rows[3].code", "rows[4].min_years", "rows[5].max_years", "rows[6].code"}));

  std::vector<Category> cats(1);
  cats[0].code = "A02000000";
  auto legacy = ParseLegacyCsv("legacy_code,code\n2000000,A02000000\n20000,A02000000\n3000000,A03000000\n", cats);
  ASSERT_FALSE(legacy.ok());
  EXPECT_EQ(Fields(legacy.error()), (std::set<std::string>{"rows[3].legacy_code", "rows[4].code"}));
}

TEST(CategoryJsonTest, CarriesEveryField) {
  const auto& s = Load();
  const std::string j = CategoryJson(s.by_code.at("A02010105"));
  for (const char* part : {"\"code\":\"A02010105\"", "\"parent_code\":\"A02010100\"", "\"level\":4",
                           "\"is_leaf\":true", "\"card_group\":\"equipment\"", "\"depreciation_class\":\"computer\"",
                           "\"min_life_months\":72", "\"max_life_months\":null", "\"depreciable\":true",
                           "\"source\":\"shipped\""}) {
    EXPECT_NE(j.find(part), std::string::npos) << part << " in " << j;
  }
  const std::string d = DepreciationClassJson(s.class_by_code.at("medical"));
  EXPECT_NE(d.find("\"max_life_months\":120"), std::string::npos) << d;
  EXPECT_NE(d.find("\"follows_structure\":false,\"structures\":[]"), std::string::npos) << d;
}

TEST(CategoryJsonTest, ClassesNameTheStructuresThatChooseThem) {
  // The console picks a building's class from these lists (AssetForm.vue).
  const auto& s = Load();
  const std::string brick = DepreciationClassJson(s.class_by_code.at("building_brick_concrete"));
  EXPECT_NE(brick.find("\"min_life_months\":360"), std::string::npos) << brick;
  EXPECT_NE(brick.find("\"follows_structure\":true,\"structures\":[\"砖混结构\",\"砖混\"]"), std::string::npos)
      << brick;
  const std::string simple = DepreciationClassJson(s.class_by_code.at("building_simple"));
  EXPECT_NE(simple.find("\"follows_structure\":false,\"structures\":[\"简易房\",\"简易\"]"), std::string::npos)
      << simple;
  // Every structure a card may name (but 其他) is listed by exactly its class.
  for (const auto& st : BuildingStructures()) {
    const std::string quoted = "\"" + st + "\"";
    int listed = 0;
    for (const auto& [code, cls] : s.class_by_code) {
      const std::string j = DepreciationClassJson(cls);
      const auto at = j.find("\"structures\":[");
      if (j.find(quoted, at) == std::string::npos) continue;
      ++listed;
      EXPECT_EQ(BuildingClassForStructure(st), code) << st;
    }
    EXPECT_EQ(listed, st == "其他" ? 0 : 1) << st;
  }
}

}  // namespace
}  // namespace minsheng::asset
