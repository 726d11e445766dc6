// The category table on the test engine: seeding, lookups (legacy codes
// too), and the all-or-nothing import.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>

#include "app/app.h"
#include "asset/category.h"
#include "engine_fixture.h"

namespace minsheng::testing {
namespace {

using asset::Category;
using asset::CategoryService;

class CategoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenTestDatabase();
    if (!db_) return;
    categories_ = std::make_unique<CategoryService>(*db_);
    auto seeded = categories_->EnsureSeeded();
    ASSERT_TRUE(seeded.ok()) << seeded.error().en << " " << seeded.error().log_detail;
  }

  // Statement names identify prepared statements: one name per text.
  int64_t Count(const db::Sql& sql) {
    auto conn = db_->Read();
    EXPECT_TRUE(conn.ok());
    auto n = (*conn)->QueryInt(sql);
    EXPECT_TRUE(n.ok()) << n.error().log_detail;
    return n.ok() ? *n : -1;
  }
  int64_t Categories() { return Count({"test.count_categories", "SELECT COUNT(*) FROM categories"}); }
  int64_t Classes() { return Count({"test.count_classes", "SELECT COUNT(*) FROM depreciation_classes"}); }
  int64_t Legacy() { return Count({"test.count_legacy", "SELECT COUNT(*) FROM category_legacy"}); }
  int64_t ImportAudits() {
    return Count({"test.count_imports", "SELECT COUNT(*) FROM audit_log WHERE action = 'category.import'"});
  }

  // The shipped table, minus rows whose code starts with one of `drop`, plus
  // `extra` lines, marked official.
  static std::string ShippedWithout(std::initializer_list<const char*> drop, const std::string& extra = "") {
    std::istringstream in{std::string(asset::ShippedCategoriesCsv())};
    std::string line;
    std::string out;
    while (std::getline(in, line)) {
      bool skip = false;
      for (const char* d : drop) skip = skip || line.starts_with(d);
      if (skip) continue;
      if (line.ends_with(",shipped")) line = line.substr(0, line.size() - 8) + ",official";
      out += line + "\n";
    }
    return out + extra;
  }

  // A unit, a location and one card in `category` (the card service is not
  // needed to prove the import looks at cards).
  void InsertCard(const std::string& category) {
    auto tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    auto org = (*tx)->QueryInt({"test.org",
                                "INSERT INTO orgs (code, name, level, org_kind, path, depth, created_at, updated_at) "
                                "VALUES ('T-CAT', '测试学校', 'unit', 'institution', '/', 0, 0, 0) RETURNING id"});
    ASSERT_TRUE(org.ok()) << org.error().log_detail;
    auto location = (*tx)->QueryInt(
        {"test.location",
         "INSERT INTO locations (org_id, name, created_at) VALUES ($1, '教学楼/3层/302', 0) RETURNING id"},
        {*org});
    ASSERT_TRUE(location.ok()) << location.error().log_detail;
    auto card = (*tx)->Exec(
        {"test.card",
         "INSERT INTO assets (org_id, number, name, category_code, subject_code, acquisition_method, funding_source, "
         "acquired_on, booked_on, original_value, quantity, unit_of_measure, location_id, depreciation_method, "
         "life_months, state, created_at, updated_at) VALUES ($1, 'T-CAT-2026-00001', '救护车', $2, '1601', '购置', "
         "'财政拨款', 20000, 20000, 35000000, 1, '辆', $3, 'straight_line', 96, 'in_use', 0, 0)"},
        {*org, category, *location});
    ASSERT_TRUE(card.ok()) << card.error().log_detail;
    ASSERT_TRUE(tx->Commit().ok());
  }

  std::set<std::string> Fields(const Error& e) {
    std::set<std::string> out;
    for (const auto& f : e.fields) out.insert(f.field);
    return out;
  }

  std::unique_ptr<db::Database> db_;
  std::unique_ptr<CategoryService> categories_;
  auth::Caller cli_{&CliPrincipal(), "req-cli", "local"};
};

TEST_F(CategoryTest, SeedingFillsAnEmptyDatabaseOnce) {
  const int64_t n = Categories();
  EXPECT_GE(n, 250);
  EXPECT_GE(Legacy(), 25);
  EXPECT_GE(Classes(), 50);
  ASSERT_TRUE(categories_->EnsureSeeded().ok());
  CategoryService other(*db_);  // another process opening the same database
  ASSERT_TRUE(other.EnsureSeeded().ok());
  EXPECT_EQ(Categories(), n);
  EXPECT_EQ(static_cast<int64_t>(categories_->Classes().size()), Classes());
}

TEST_F(CategoryTest, GetResolvesCodesAndLegacyCodes) {
  auto pc = categories_->Get("A02010105");
  ASSERT_TRUE(pc.ok());
  EXPECT_EQ(pc->name, "台式计算机");
  EXPECT_TRUE(pc->is_leaf);
  EXPECT_EQ(pc->depreciation_class, "computer");
  EXPECT_EQ(pc->min_life_months, 72);
  EXPECT_EQ(pc->source, "shipped");

  auto legacy = categories_->Get("2030000");  // GB/T 14885-2010 车辆
  ASSERT_TRUE(legacy.ok());
  EXPECT_EQ(legacy->code, "A02030000");
  EXPECT_EQ(legacy->group, asset::CardGroup::kVehicle);

  EXPECT_EQ(categories_->Get("9990000").error().kind, ErrorCode::kNotFound);
  EXPECT_EQ(categories_->Get("A99999999").error().kind, ErrorCode::kNotFound);
  EXPECT_EQ(categories_->Get("").error().kind, ErrorCode::kNotFound);
}

TEST_F(CategoryTest, ListsChildrenAndSearches) {
  auto roots = categories_->List(std::nullopt, std::nullopt, 50);
  ASSERT_TRUE(roots.ok());
  ASSERT_EQ(roots->size(), 7u);
  EXPECT_EQ(roots->front().code, "A01000000");
  EXPECT_EQ(roots->back().code, "A07000000");

  auto computers = categories_->List(std::string("A02010100"), std::nullopt, 50);
  ASSERT_TRUE(computers.ok());
  ASSERT_FALSE(computers->empty());
  for (const auto& c : *computers) EXPECT_EQ(c.parent_code, "A02010100");

  auto by_name = categories_->List(std::nullopt, std::string("超声"), 50);
  ASSERT_TRUE(by_name.ok());
  std::set<std::string> codes;
  for (const auto& c : *by_name) codes.insert(c.code);
  EXPECT_TRUE(codes.contains("A02320301"));

  auto by_code = categories_->List(std::string("A05000000"), std::string("a0501"), 3);
  ASSERT_TRUE(by_code.ok());
  EXPECT_EQ(by_code->size(), 3u);  // the limit
  for (const auto& c : *by_code) EXPECT_TRUE(c.code.starts_with("A0501")) << c.code;

  auto elsewhere = categories_->List(std::string("A03000000"), std::string("计算机"), 50);
  ASSERT_TRUE(elsewhere.ok());
  EXPECT_TRUE(elsewhere->empty());
  EXPECT_EQ(categories_->List(std::string("A09000000"), std::nullopt, 50).error().kind, ErrorCode::kNotFound);
}

TEST_F(CategoryTest, ImportReplacesTheTable) {
  const std::string file = ShippedWithout({"A07"}, "A07000000,物资,,1,1,inventory,materials,official\n");
  auto r = categories_->Import(cli_, file);
  ASSERT_TRUE(r.ok()) << r.error().en;
  EXPECT_EQ(r->removed, 4);  // the four 物资 大类; A07000000 itself became a leaf
  EXPECT_EQ(r->added, 0);
  EXPECT_EQ(r->categories, Categories());
  EXPECT_EQ(ImportAudits(), 1);

  EXPECT_EQ(categories_->Get("A07010000").error().kind, ErrorCode::kNotFound);  // the cache was reloaded
  auto materials = categories_->Get("A07000000");
  ASSERT_TRUE(materials.ok());
  EXPECT_TRUE(materials->is_leaf);
  EXPECT_EQ(materials->source, "official");
  EXPECT_EQ(categories_->Get("A02010105")->source, "official");

  // Adding a code: a new 小类 under 计算机.
  auto added = categories_->Import(
      cli_, ShippedWithout({"A07"}, "A07000000,物资,,1,1,inventory,materials,official\n"
                                    "A02010110,移动工作站,A02010100,4,1,computer,equipment,official\n"));
  ASSERT_TRUE(added.ok()) << added.error().en;
  EXPECT_EQ(added->added, 1);
  EXPECT_EQ(added->removed, 0);
  EXPECT_EQ(categories_->Get("A02010110")->name, "移动工作站");
}

TEST_F(CategoryTest, BadFileWritesNothingAndReportsRows) {
  const int64_t before = Categories();
  // Row 2 onwards is the shipped table; two bad rows at the end.
  std::string file = ShippedWithout({});
  const int rows = static_cast<int>(std::count(file.begin(), file.end(), '\n'));
  file += "A0299,坏代码,A02000000,2,1,computer,equipment,official\n";
  file += "A02990000,无折旧类别,A02000000,2,1,,equipment,official\n";
  auto r = categories_->Import(cli_, file);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "category.invalid_file");
  EXPECT_EQ(Fields(r.error()), (std::set<std::string>{"rows[" + std::to_string(rows + 1) + "].code",
                                                      "rows[" + std::to_string(rows + 2) + "].depreciation_class"}));
  EXPECT_EQ(Categories(), before);
  EXPECT_EQ(ImportAudits(), 0);
  EXPECT_EQ(categories_->Get("A02010105")->source, "shipped");
}

TEST_F(CategoryTest, ImportRefusedWhenACardUsesADroppedCode) {
  InsertCard("A02030701");  // 救护车
  const int64_t before = Categories();
  auto r = categories_->Import(cli_, ShippedWithout({"A020307"}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorCode::kConflict);
  EXPECT_EQ(r.error().code, "category.in_use");
  EXPECT_EQ(Fields(r.error()), std::set<std::string>{"A02030701"});
  EXPECT_EQ(Categories(), before);
  EXPECT_EQ(ImportAudits(), 0);
  EXPECT_TRUE(categories_->Get("A02030701").ok());

  // Keeping the code in use (but dropping its siblings) is fine.
  auto ok = categories_->Import(
      cli_, ShippedWithout({"A020307"}, "A02030700,专用车辆,A02030000,3,0,,vehicle,official\n"
                                        "A02030701,救护车,A02030700,4,1,vehicle,vehicle,official\n"));
  ASSERT_TRUE(ok.ok()) << ok.error().en;
  EXPECT_TRUE(categories_->Get("A02030701").ok());
  EXPECT_EQ(categories_->Get("A02030702").error().kind, ErrorCode::kNotFound);
}

TEST_F(CategoryTest, ImportDropsLegacyCodesOfDroppedCategories) {
  const int64_t legacy = Legacy();
  // Without 文物和陈列品 the legacy 4010000 / 4020000 have nothing to map to.
  auto r = categories_->Import(cli_, ShippedWithout({"A03"}));
  ASSERT_TRUE(r.ok()) << r.error().en;
  EXPECT_EQ(r->legacy_removed, 2);
  EXPECT_EQ(r->legacy, legacy - 2);
  EXPECT_EQ(Legacy(), legacy - 2);
  EXPECT_EQ(categories_->Get("4010000").error().kind, ErrorCode::kNotFound);
  EXPECT_TRUE(categories_->Get("2030000").ok());
}

TEST_F(CategoryTest, OnlyTheSystemOrASystemAdminImports) {
  auth::Principal clerk;
  clerk.user_id = 42;
  clerk.username = "clerk";
  clerk.roles.push_back({auth::Role::kUnitClerk, 1, "/1/", auth::ScopeKind::kUnit, "单位"});
  auto r = categories_->Import({&clerk, "req", "127.0.0.1"}, ShippedWithout({}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorCode::kForbidden);
  EXPECT_EQ(ImportAudits(), 0);
}

}  // namespace
}  // namespace minsheng::testing
