// Loose ends of the asset register on both engines: a building's structure
// decides its depreciation class (register, edit, import rows), and the
// 6-digit serial of the asset number runs out with a clear error instead of
// a wrong number.
#include <string>

#include "asset_fixture.h"
#include "exchange/asset_import.h"

namespace minsheng::testing {
namespace {

using asset::Card;
using asset::CardInput;

// The permanent-building classes as shipped (DOMAIN.md: steel and reinforced
// concrete 50 years, brick 30, simple 8), and a school building category whose
// default class is reinforced concrete.
constexpr const char* kSeedBuildings =
    "INSERT INTO depreciation_classes (code, name, min_years, max_years, depreciable) VALUES "
    "('building_steel', '房屋（钢结构）', 50, NULL, 1), ('building_concrete', '房屋（钢筋混凝土结构）', 50, NULL, 1), "
    "('building_brick_concrete', '房屋（砖混结构）', 30, NULL, 1), "
    "('building_brick_wood', '房屋（砖木结构）', 30, NULL, 1), ('building_simple', '简易房', 8, NULL, 1);"
    "INSERT INTO categories (code, name, parent_code, level, is_leaf, depreciation_class, card_group, source) VALUES "
    "('A01010206', '教育用房', 'A01000000', 2, 1, 'building_concrete', 'building', 'shipped');";
constexpr const char* kSchool = "A01010206";

class AssetStructureTest : public AssetTest {
 protected:
  void SetUp() override {
    AssetTest::SetUp();
    if (HasFatalFailure()) return;
    auto tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    auto r = (*tx)->ExecScript(kSeedBuildings);
    ASSERT_TRUE(r.ok()) << r.error().log_detail;
    ASSERT_TRUE(tx->Commit().ok());
  }

  // A school building of 36,000,000 fen acquired 2024-03-15.
  CardInput Building(const char* structure, std::optional<int> life) const {
    CardInput in = ValidInput();
    in.name = "教学楼";
    in.category_code = kSchool;
    in.unit_of_measure = "栋";
    in.original_value = Fen{36'000'000};
    in.model.reset();
    in.brand.reset();
    in.serial_no.reset();
    in.life_months = life;
    in.ext = asset::CardExt{};
    in.ext->area_m2 = 2400;
    in.ext->structure = structure;
    return in;
  }

  exchange::AssetImportServices Services() { return {*db_, *assets_, *dirs_}; }
  Result<exchange::AssetImportResult> Import(const std::string& csv, bool dry_run = false) {
    exchange::AssetImportOptions o;
    o.org_id = school_a_.id;
    o.dry_run = dry_run;
    o.batch_id = "job-structure";
    return exchange::ImportAssets(Services(), clerk_a_caller_, csv, o);
  }
  int64_t Cards() { return CountRows("SELECT COUNT(*) FROM assets"); }
  int64_t NextSerial() {
    return CountRows("SELECT COALESCE(MAX(next_serial), 0) FROM asset_serials WHERE year = 2026");
  }
  void SetNextSerial(int64_t next) {
    auto tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    auto r = (*tx)->Exec({"test.set_serial",
                          "INSERT INTO asset_serials (org_id, year, next_serial) VALUES ($1, 2026, $2) "
                          "ON CONFLICT (org_id, year) DO UPDATE SET next_serial = excluded.next_serial"},
                         {school_a_.id, next});
    ASSERT_TRUE(r.ok()) << r.error().log_detail;
    ASSERT_TRUE(tx->Commit().ok());
  }
};

TEST_F(AssetStructureTest, TheStructureGivesTheDefaultLifeAndDepreciation) {
  // Brick-concrete: 30 years = 360 months; 36,000,000 / 360 = 100,000 fen a
  // month; March to December 2024 (当月 start) is 10 months.
  Card brick = MustRegister(Building("砖混", std::nullopt));
  EXPECT_EQ(brick.life_months, 360);
  auto v = assets_->ValueAt(brick, MakeDate(2024, 12, 31)).depreciation;
  EXPECT_EQ(v.months, 10);
  EXPECT_EQ(v.accumulated.value, 1'000'000);
  EXPECT_EQ(v.net.value, 35'000'000);
  EXPECT_TRUE(assets_->ValueAt(brick, MakeDate(2054, 2, 28)).depreciation.fully);   // 360th month
  EXPECT_FALSE(assets_->ValueAt(brick, MakeDate(2054, 1, 31)).depreciation.fully);  // 359th

  // Reinforced concrete: 50 years = 600 months, 60,000 fen a month.
  Card concrete = MustRegister(Building("钢筋混凝土", std::nullopt));
  EXPECT_EQ(concrete.life_months, 600);
  EXPECT_EQ(assets_->ValueAt(concrete, MakeDate(2024, 12, 31)).depreciation.accumulated.value, 600'000);

  // Simple: 8 years. No structure: the category's class (50 years).
  EXPECT_EQ(MustRegister(Building("简易", std::nullopt)).life_months, 96);
  CardInput plain = Building("砖混", std::nullopt);
  plain.ext->structure.reset();
  EXPECT_EQ(MustRegister(plain).life_months, 600);
  EXPECT_EQ(Rollups(), GroupByAssets());
}

TEST_F(AssetStructureTest, ALifeBelowTheStructuresMinimumIsRefusedAndNothingIsWritten) {
  const int64_t audits = AuditCount();
  auto r = assets_->Register(clerk_a_caller_, school_a_.id, Building("砖混", 300));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorCode::kInvalidArgument);
  ASSERT_EQ(r.error().fields.size(), 1u);
  const FieldError& f = r.error().fields[0];
  EXPECT_EQ(f.field, "life_months");
  EXPECT_EQ(f.code, "below_minimum");
  EXPECT_EQ(f.zh, "使用年限不得低于结构为「砖混」的房屋的最低年限 30 年");
  EXPECT_EQ(f.en, "must not be below the minimum of 30 years for a building of structure 砖混");
  // 360 months is enough for brick but not for steel.
  r = assets_->Register(clerk_a_caller_, school_a_.id, Building("钢结构", 360));
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.error().fields.size(), 1u);
  EXPECT_EQ(r.error().fields[0].en, "must not be below the minimum of 50 years for a building of structure 钢结构");
  EXPECT_EQ(Cards(), 0);
  EXPECT_EQ(AuditCount(), audits);
  EXPECT_EQ(NextSerial(), 0);
}

TEST_F(AssetStructureTest, EditingTheStructureChecksTheLifeAgain) {
  Card c = MustRegister(Building("砖混", 360));
  asset::CardPatch p;
  p.version = c.version;
  p.set.ext = c.ext;
  p.set.ext->structure = "钢筋混凝土";
  auto r = assets_->Edit(clerk_a_caller_, c.number, p);
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.error().fields.size(), 1u);
  EXPECT_EQ(r.error().fields[0].field, "life_months");
  EXPECT_EQ(r.error().fields[0].zh, "使用年限不得低于结构为「钢筋混凝土」的房屋的最低年限 50 年");
  auto unchanged = assets_->Get(Who(clerk_a_), c.number);
  ASSERT_TRUE(unchanged.ok());
  EXPECT_EQ(unchanged->ext.structure, "砖混");
  EXPECT_EQ(unchanged->life_months, 360);
  EXPECT_EQ(unchanged->version, c.version);

  p.set.life_months = 600;
  r = assets_->Edit(clerk_a_caller_, c.number, p);
  ASSERT_TRUE(r.ok()) << r.error().en;
  EXPECT_EQ(r->ext.structure, "钢筋混凝土");
  EXPECT_EQ(r->life_months, 600);
}

TEST_F(AssetStructureTest, ImportRowsFollowTheStructure) {
  const std::string header =
      "资产名称,资产分类代码,会计科目,取得方式,经费来源,取得日期,原值（元）,计量单位,存放地点,建筑结构,使用年限（月）\n";
  auto row = [](const char* name, const char* structure, const char* life) {
    return std::string(name) + "," + kSchool + ",1601,建设,财政拨款,2024-03-15,360000.00,栋,校园/北区," + structure +
           "," + life + "\n";
  };
  // Rows 3 and 4 (the header is row 1) are below their structure's minimum.
  auto r = Import(header + row("一号楼", "砖混", "360") + row("二号楼", "砖混", "300") +
                  row("三号楼", "钢筋混凝土", "360") + row("四号楼", "砖木", ""));
  ASSERT_TRUE(r.ok()) << r.error().en;
  EXPECT_EQ(r->imported, 0);
  ASSERT_EQ(r->error_count, 2);
  ASSERT_EQ(r->errors.size(), 2u);
  EXPECT_EQ(r->errors[0].row, 3);
  EXPECT_EQ(r->errors[0].column, "使用年限（月）");
  EXPECT_EQ(r->errors[0].code, "below_minimum");
  EXPECT_NE(r->errors[0].message_zh.find("「砖混」"), std::string::npos) << r->errors[0].message_zh;
  EXPECT_NE(r->errors[0].message_zh.find("30 年"), std::string::npos) << r->errors[0].message_zh;
  EXPECT_EQ(r->errors[1].row, 4);
  EXPECT_NE(r->errors[1].message_en.find("50 years for a building of structure 钢筋混凝土"), std::string::npos)
      << r->errors[1].message_en;
  EXPECT_EQ(Cards(), 0);

  r = Import(header + row("一号楼", "砖混", "360") + row("四号楼", "砖木", "") + row("五号楼", "钢结构", ""));
  ASSERT_TRUE(r.ok()) << r.error().en;
  ASSERT_EQ(r->imported, 3) << (r->errors.empty() ? "" : r->errors[0].message_en);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM assets WHERE life_months = 360"), 2);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM assets WHERE life_months = 600"), 1);
  EXPECT_EQ(Rollups(), GroupByAssets());
}

// ---- serial numbers -------------------------------------------------------

TEST_F(AssetStructureTest, TheLastSerialIsUsedAndTheNextCardIsRefused) {
  SetNextSerial(999'999);
  Card last = MustRegister(ValidInput());
  EXPECT_EQ(last.number, school_a_.code + "2026999999");
  EXPECT_EQ(NextSerial(), 1'000'000);
  const int64_t audits = AuditCount();

  auto r = assets_->Register(clerk_a_caller_, school_a_.id, ValidInput());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorCode::kConflict);
  EXPECT_EQ(r.error().code, "serials_exhausted");
  EXPECT_EQ(r.error().zh, "单位 " + school_a_.code +
                              " 2026 年的资产编号不够用：编号的流水号为 6 位，每个单位每年最多 999999 张卡片；"
                              "本次需要 1 个，只剩 0 个。未写入任何数据");
  EXPECT_EQ(r.error().en, "Unit " + school_a_.code +
                              " has run out of asset numbers for 2026: the serial has 6 digits, so a unit has at "
                              "most 999999 cards a year; this needs 1 and 0 are left. Nothing was written");
  EXPECT_EQ(Cards(), 1);
  EXPECT_EQ(AuditCount(), audits);
  EXPECT_EQ(NextSerial(), 1'000'000);  // the failed reservation was rolled back

  // Another unit still has its numbers.
  CardInput b = ValidInput();
  b.location_id = room_b_.id;
  b.custodian_id = staff_b_.id;
  b.department_id = dept_b_.id;
  EXPECT_EQ(MustRegister(b, school_b_.id).number, school_b_.code + "2026000001");
}

TEST_F(AssetStructureTest, AnImportNeedingMoreSerialsThanAreLeftWritesNothing) {
  SetNextSerial(999'998);  // two left: 999998 and 999999
  const std::string header = "资产名称,资产分类代码,会计科目,取得方式,经费来源,取得日期,原值（元）,计量单位,存放地点\n";
  auto row = [](int i) {
    return "课桌 " + std::to_string(i) + "," + kComputer + ",1601,购置,财政拨款,2024-09-01,100.00,张,新楼/101\n";
  };
  const int64_t locations = CountRows("SELECT COUNT(*) FROM locations");
  // A dry run already says so (it reserves nothing).
  auto r = Import(header + row(1) + row(2) + row(3), /*dry_run=*/true);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "serials_exhausted");
  EXPECT_NE(r.error().en.find("this needs 3 and 2 are left"), std::string::npos) << r.error().en;
  EXPECT_EQ(NextSerial(), 999'998);
  r = Import(header + row(1) + row(2), /*dry_run=*/true);
  ASSERT_TRUE(r.ok()) << r.error().en;
  EXPECT_EQ(r->error_count, 0);
  // Bad rows come first: the rows are still validated, and reported, when
  // the numbers would not be enough either.
  const std::string bad_row = "课桌 4," + std::string(kComputer) + ",1601,购置,财政拨款,2024-09-01,-1,张,新楼/101\n";
  for (const bool dry_run : {true, false}) {
    r = Import(header + row(1) + row(2) + bad_row, dry_run);
    ASSERT_TRUE(r.ok()) << r.error().en;
    ASSERT_EQ(r->error_count, 1);
    EXPECT_EQ(r->errors[0].row, 4);
    EXPECT_EQ(r->errors[0].code, "negative");
  }

  r = Import(header + row(1) + row(2) + row(3));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "serials_exhausted");
  EXPECT_NE(r.error().en.find("this needs 3 and 2 are left"), std::string::npos) << r.error().en;
  EXPECT_NE(r.error().zh.find("本次需要 3 个，只剩 2 个"), std::string::npos) << r.error().zh;
  EXPECT_EQ(Cards(), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM locations"), locations);  // 新楼/101 not added either
  EXPECT_EQ(NextSerial(), 999'998);

  // The bulk path itself refuses too (its caller rolls back).
  {
    auto tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    auto many = assets_->RegisterMany(**tx, clerk_a_caller_, school_a_.id, {ValidInput(), ValidInput(), ValidInput()});
    ASSERT_FALSE(many.ok());
    EXPECT_EQ(many.error().code, "serials_exhausted");
    EXPECT_NE(many.error().zh.find("本次需要 3 个，只剩 2 个"), std::string::npos) << many.error().zh;
  }
  EXPECT_EQ(Cards(), 0);
  EXPECT_EQ(NextSerial(), 999'998);

  r = Import(header + row(1) + row(2));
  ASSERT_TRUE(r.ok()) << r.error().en;
  EXPECT_EQ(r->imported, 2);
  EXPECT_EQ(r->first_number, school_a_.code + "2026999998");
  EXPECT_EQ(r->last_number, school_a_.code + "2026999999");
}

// The importer validates each row once into a card and writes those cards:
// RegisterPrepared checks the caller's right on the unit and that the cards
// were validated for it, and does not validate them again.
TEST_F(AssetStructureTest, PreparedCardsAreWrittenOnlyForTheUnitTheyWereValidatedFor) {
  {
    auto tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    auto ctx = assets_->LoadValidationContext(**tx, school_a_.id);
    ASSERT_TRUE(ctx.ok());
    std::vector<Card> cards(2);
    CardInput second = ValidInput();
    second.name = "第二台";
    EXPECT_TRUE(asset::AssetService::ValidateInput(ValidInput(), *ctx, &cards[0]).empty());
    EXPECT_TRUE(asset::AssetService::ValidateInput(second, *ctx, &cards[1]).empty());
    EXPECT_EQ(cards[1].name, "第二台");
    EXPECT_EQ(cards[1].org_id, school_a_.id);

    // School B's clerk may not write school A's cards, nor pass them off as school B's.
    const auth::Caller clerk_b = CallerOf(clerk_b_);
    auto r = assets_->RegisterPrepared(**tx, clerk_b, school_a_.id, cards);
    ASSERT_FALSE(r.ok());
    ASSERT_EQ(r.error().fields.size(), 1u);
    EXPECT_EQ(r.error().fields[0].code, "not_found");
    r = assets_->RegisterPrepared(**tx, clerk_b, school_b_.id, cards);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "asset.card_of_other_org");

    r = assets_->RegisterPrepared(**tx, clerk_a_caller_, school_a_.id, cards);
    ASSERT_TRUE(r.ok()) << r.error().en;
    EXPECT_EQ(r->count, 2);
    EXPECT_EQ(r->numbers, (std::vector<std::string>{school_a_.code + "2026000001", school_a_.code + "2026000002"}));
    EXPECT_EQ(cards[1].number, school_a_.code + "2026000002");
    EXPECT_EQ(r->total_value, cards[0].original_value + cards[1].original_value);
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(Cards(), 2);
  auto stored = assets_->Get(Who(clerk_a_), school_a_.code + "2026000002");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->name, "第二台");
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM asset_events"), 2);
  EXPECT_EQ(Rollups(), GroupByAssets());
}

}  // namespace
}  // namespace minsheng::testing
