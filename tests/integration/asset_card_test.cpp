// Asset cards through AssetService on the test engine: registration and its
// validation, numbers, the life cycle, events, audit rows, rollups and the
// bulk path.
#include <set>

#include "asset/store.h"
#include "asset_fixture.h"

namespace minsheng::testing {
namespace {

using asset::Card;
using asset::CardInput;
using asset::State;

class AssetCardTest : public AssetTest {
 protected:
  // The field codes of a failed registration of `in` ("field/code").
  std::set<std::string> Errors(const CardInput& in) {
    auto r = assets_->Register(clerk_a_caller_, school_a_.id, in);
    EXPECT_FALSE(r.ok());
    std::set<std::string> out;
    if (r.ok()) return out;
    EXPECT_EQ(r.error().code, "validation_failed");
    for (const auto& f : r.error().fields) {
      EXPECT_FALSE(f.zh.empty());
      EXPECT_FALSE(f.en.empty());
      out.insert(f.field + "/" + f.code);
    }
    return out;
  }
};

TEST_F(AssetCardTest, RegisterGivesANumberQrEventAuditAndRollup) {
  const int64_t audits = AuditCount();
  Card c = MustRegister(ValidInput());
  EXPECT_EQ(c.number, "T-SCHOOL-A2026000001");
  // unit code + year + 6-digit serial
  const std::string prefix = "T-SCHOOL-A" + std::to_string(TodayInShanghai().year());
  ASSERT_EQ(c.number.size(), prefix.size() + 6) << c.number;
  EXPECT_EQ(c.number.substr(0, prefix.size()), prefix);
  EXPECT_EQ(c.number.find_first_not_of("0123456789", prefix.size()), std::string::npos) << c.number;
  EXPECT_EQ(assets_->QrPayload(c), "https://zc.example.gov.cn/a/T-SCHOOL-A2026000001");
  EXPECT_EQ(c.state, State::kInUse);
  EXPECT_EQ(c.version, 1);
  EXPECT_EQ(c.org_name, school_a_.name);
  EXPECT_EQ(c.category_name, "台式计算机");
  EXPECT_EQ(c.custodian_name, "张三");
  EXPECT_EQ(c.department_name, "教务处");
  EXPECT_EQ(c.location_name, "教学楼/3层/302");
  EXPECT_EQ(c.life_months, 72);  // the category minimum by default
  EXPECT_EQ(c.depreciation_method, asset::DepreciationMethod::kStraightLine);
  EXPECT_EQ(AuditCount(), audits + 1);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM asset_events WHERE event = 'register'"), 1);
  EXPECT_EQ(Rollups(), GroupByAssets());
  EXPECT_EQ(Rollups().size(), 1u);

  Card second = MustRegister(ValidInput());
  EXPECT_EQ(second.number, "T-SCHOOL-A2026000002");
  CardInput in_b = ValidInput();
  in_b.location_id = room_b_.id;
  in_b.custodian_id.reset();
  in_b.department_id.reset();
  Card other = MustRegister(in_b, school_b_.id);
  EXPECT_EQ(other.number, "T-SCHOOL-B2026000001");  // each unit counts on its own
}

TEST_F(AssetCardTest, NumbersAreUniqueAndImmutable) {
  std::set<std::string> numbers;
  for (int i = 0; i < 20; ++i) numbers.insert(MustRegister(ValidInput()).number);
  EXPECT_EQ(numbers.size(), 20u);
  // PATCH has no number field; the number after an edit is the same.
  asset::CardPatch p;
  p.version = 1;
  p.set.name = "改名后的计算机";
  auto edited = assets_->Edit(clerk_a_caller_, *numbers.begin(), p);
  ASSERT_TRUE(edited.ok()) << edited.error().en;
  EXPECT_EQ(edited->number, *numbers.begin());
  // The database refuses a duplicate number outright.
  auto tx = db_->Write();
  auto dup = (*tx)->Exec({"test.dup_number", "UPDATE assets SET number = $1 WHERE number = $2"},
                         {*numbers.begin(), *std::next(numbers.begin())});
  EXPECT_FALSE(dup.ok());
}

TEST_F(AssetCardTest, EveryValidationRuleHasABadInput) {
  auto with = [&](auto change) {
    CardInput in = ValidInput();
    change(in);
    return Errors(in);
  };
  using S = std::set<std::string>;
  EXPECT_EQ(with([](CardInput& in) { in.name.reset(); }), S{"name/required"});
  EXPECT_EQ(with([](CardInput& in) { in.name = std::string(101, 'x'); }), S{"name/too_long"});
  EXPECT_EQ(with([](CardInput& in) { in.name = "坏\x01名"; }), S{"name/control_chars"});
  EXPECT_EQ(with([](CardInput& in) { in.category_code = "A09999999"; }), S{"category_code/not_found"});
  EXPECT_EQ(with([](CardInput& in) { in.category_code = kEquipment; }), S{"category_code/not_leaf"});
  EXPECT_EQ(with([](CardInput& in) { in.category_code.reset(); }), S{"category_code/required"});
  EXPECT_EQ(with([](CardInput& in) { in.original_value = Fen{-1}; }), S{"original_value/negative"});
  EXPECT_EQ(with([](CardInput& in) { in.original_value.reset(); }), S{"original_value/required"});
  EXPECT_EQ(with([](CardInput& in) { in.quantity = 0; }), S{"quantity/out_of_range"});
  EXPECT_EQ(with([](CardInput& in) { in.booked_on = MakeDate(2024, 3, 1); }), S{"booked_on/before_acquired"});
  EXPECT_EQ(with([](CardInput& in) {
              in.acquired_on = MakeDate(2026, 11, 23);
              in.booked_on = MakeDate(2026, 11, 23);
            }),
            (S{"acquired_on/in_future", "booked_on/in_future"}));
  EXPECT_EQ(with([](CardInput& in) { in.booked_on = MakeDate(2026, 12, 1); }), S{"booked_on/in_future"});
  EXPECT_EQ(with([](CardInput& in) { in.acquired_on.reset(); }), S{"acquired_on/required"});
  EXPECT_EQ(with([](CardInput& in) { in.life_months = 71; }), S{"life_months/below_minimum"});
  EXPECT_EQ(with([](CardInput& in) { in.life_months = 0; }), S{"life_months/required"});
  EXPECT_EQ(with([](CardInput& in) {
              in.category_code = kMedical;
              in.life_months = 121;
            }),
            S{"life_months/above_maximum"});
  EXPECT_EQ(with([](CardInput& in) { in.life_months = 5000; }), S{"life_months/out_of_range"});
  EXPECT_EQ(with([](CardInput& in) {
              in.category_code = kBooks;
              in.depreciation_method = asset::DepreciationMethod::kStraightLine;
            }),
            S{"depreciation_method/not_depreciable"});
  EXPECT_EQ(with([&](CardInput& in) { in.custodian_id = staff_b_.id; }), S{"custodian_id/not_found"});
  EXPECT_EQ(with([&](CardInput& in) { in.manager_id = staff_b_.id; }), S{"manager_id/not_found"});
  EXPECT_EQ(with([&](CardInput& in) { in.department_id = dept_b_.id; }), S{"department_id/not_found"});
  EXPECT_EQ(with([&](CardInput& in) { in.location_id = room_b_.id; }), S{"location_id/not_found"});
  EXPECT_EQ(with([&](CardInput& in) { in.location_id = 999999; }), S{"location_id/not_found"});
  EXPECT_EQ(with([](CardInput& in) { in.location_id.reset(); }), S{"location_id/required"});
  EXPECT_EQ(with([](CardInput& in) { in.acquisition_method = "偷来的"; }), S{"acquisition_method/invalid"});
  EXPECT_EQ(with([](CardInput& in) { in.funding_source = "自筹"; }), S{"funding_source/invalid"});
  EXPECT_EQ(with([](CardInput& in) { in.subject_code = "16a1"; }), S{"subject_code/invalid"});
  EXPECT_EQ(with([](CardInput& in) { in.unit_of_measure = std::string(11, 'u'); }), S{"unit_of_measure/too_long"});
  EXPECT_EQ(with([](CardInput& in) { in.model = std::string(101, 'm'); }), S{"model/too_long"});
  EXPECT_EQ(with([](CardInput& in) { in.latitude = 30.0; }), S{"longitude/required"});
  EXPECT_EQ(with([](CardInput& in) {
              in.latitude = 91.0;
              in.longitude = 120.0;
            }),
            S{"latitude/out_of_range"});
  EXPECT_EQ(with([](CardInput& in) { in.value_status = "guess"; }), S{"value_status/invalid"});
  EXPECT_EQ(with([](CardInput& in) { in.state = State::kDisposed; }), S{"state/invalid"});
  // Extension fields: typed per card group.
  EXPECT_EQ(with([](CardInput& in) {
              in.ext = asset::CardExt{};
              in.ext->plate = "粤B12345";
            }),
            S{"ext.plate/not_applicable"});
  EXPECT_EQ(with([](CardInput& in) {
              in.category_code = kVehicle;
              in.life_months = 96;
              in.ext = asset::CardExt{};
              in.ext->vin = "LSVAB4BR0XN12345I";
              in.ext->displacement_l = -1.0;
            }),
            (S{"ext.vin/invalid", "ext.displacement_l/out_of_range"}));
  EXPECT_EQ(with([](CardInput& in) {
              in.category_code = kBuilding;
              in.ext = asset::CardExt{};
              in.ext->area_m2 = 0.0;
              in.ext->structure = "茅草";
            }),
            (S{"ext.area_m2/out_of_range", "ext.structure/invalid"}));
  EXPECT_EQ(with([](CardInput& in) {
              in.category_code = kLand;
              in.ext = asset::CardExt{};
              in.ext->land_class = std::string(31, 'x');
            }),
            S{"ext.land_class/too_long"});
  // Nothing of the refused inputs was written.
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM assets"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM asset_events"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM asset_rollups"), 0);
}

TEST_F(AssetCardTest, EdgeValuesThatAreAllowed) {
  CardInput in = ValidInput();
  in.original_value = Fen{0};
  in.acquired_on = MakeDate(2026, 11, 22);  // today in Shanghai
  in.booked_on = in.acquired_on;
  MustRegister(in);
  in = ValidInput();
  in.category_code = kBooks;  // not depreciated: life 0, method none by default
  Card books = MustRegister(in);
  EXPECT_EQ(books.life_months, 0);
  EXPECT_EQ(books.depreciation_method, asset::DepreciationMethod::kNone);
  in = ValidInput();
  in.category_code = kVehicle;
  in.life_months = 96;
  in.ext = asset::CardExt{};
  in.ext->plate = "粤B12345";
  in.ext->vin = "LSVAB4BR0XN123456";
  in.ext->engine_no = "EA888-001";
  in.ext->displacement_l = 1.984;
  Card car = MustRegister(in);
  ASSERT_TRUE(car.ext.vin.has_value());
  EXPECT_EQ(*car.ext.vin, "LSVAB4BR0XN123456");
  EXPECT_DOUBLE_EQ(*car.ext.displacement_l, 1.984);
  in = ValidInput();
  in.category_code = kBuilding;
  in.life_months = 600;
  in.ext = asset::CardExt{};
  in.ext->area_m2 = 1234.56;
  in.ext->structure = "钢筋混凝土";
  in.ext->certificate = "粤(2020)房产证第123号";
  Card building = MustRegister(in);
  EXPECT_DOUBLE_EQ(*building.ext.area_m2, 1234.56);
  in = ValidInput();
  in.category_code = kMedical;
  in.life_months = 120;  // the top of the 5–10 year range
  MustRegister(in);
}

TEST_F(AssetCardTest, OrgsOutsideTheCallersScopeOrRegionsCannotOwnCards) {
  auto r = assets_->Register(clerk_a_caller_, school_b_.id, ValidInput());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().fields.at(0).field, "org_id");
  auto region = assets_->Register(cli_, county_.id, ValidInput());
  ASSERT_FALSE(region.ok());
  EXPECT_EQ(region.error().fields.at(0).code, "not_a_unit");
  // A custodian may read but not write.
  auto cust = assets_->Register(CallerOf(custodian_a_), school_a_.id, ValidInput());
  ASSERT_FALSE(cust.ok());
  EXPECT_EQ(cust.error().kind, ErrorCode::kForbidden);
}

TEST_F(AssetCardTest, LifeCycleThroughTheServiceWithEventsAndAudit) {
  Card c = MustRegister(ValidInput());
  const int64_t audits = AuditCount();

  // Assign: a hand-over record with before, after and note.
  asset::Assignment a;
  a.custodian_id = staff_a2_.id;
  a.department_id = dept_a2_.id;
  a.manager_id = staff_a1_.id;
  a.note = "调岗交接";
  auto assigned = assets_->Assign(clerk_a_caller_, c.number, a);
  ASSERT_TRUE(assigned.ok()) << assigned.error().en;
  EXPECT_EQ(assigned->custodian_name, "李四");
  EXPECT_EQ(assigned->department_name, "总务处");
  EXPECT_EQ(assigned->manager_name, "张三");
  EXPECT_EQ(assigned->version, 2);

  // Another unit's staff cannot receive it.
  asset::Assignment bad;
  bad.custodian_id = staff_b_.id;
  auto refused = assets_->Assign(clerk_a_caller_, c.number, bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().fields.at(0).field, "custodian_id");

  asset::Relocation r;
  r.location_id = room_a2_.id;
  r.note = "搬到机房";
  auto moved = assets_->Relocate(clerk_a_caller_, c.number, r);
  ASSERT_TRUE(moved.ok()) << moved.error().en;
  EXPECT_EQ(moved->location_name, "实验楼/1层/机房");

  auto idle = assets_->MarkIdle(clerk_a_caller_, c.number, {"暂时不用", std::nullopt});
  ASSERT_TRUE(idle.ok());
  EXPECT_EQ(idle->state, State::kIdle);
  EXPECT_EQ(Rollups(), GroupByAssets());

  // Refused transitions: 409 invalid_transition, nothing written.
  const int64_t audits_before_refusal = AuditCount();
  auto twice = assets_->MarkIdle(clerk_a_caller_, c.number, {});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().kind, ErrorCode::kConflict);
  EXPECT_EQ(twice.error().code, "invalid_transition");
  EXPECT_EQ(AuditCount(), audits_before_refusal);

  auto back = assets_->BackInUse(clerk_a_caller_, c.number, {"重新启用", std::nullopt});
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->state, State::kInUse);
  auto again = assets_->BackInUse(clerk_a_caller_, c.number, {});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "invalid_transition");

  // Four changes: four audit rows, and the timeline in order.
  EXPECT_EQ(AuditCount(), audits + 4);
  auto history = assets_->History(Who(clerk_a_), c.number);
  ASSERT_TRUE(history.ok());
  std::vector<std::string> events;
  for (const auto& e : *history) events.emplace_back(asset::EventName(e.event));
  EXPECT_EQ(events, (std::vector<std::string>{"register", "assign", "relocate", "mark_idle", "back_in_use"}));
  const auto& hand_over = (*history)[1];
  EXPECT_EQ(hand_over.note, "调岗交接");
  ASSERT_TRUE(hand_over.before_json && hand_over.after_json);
  EXPECT_NE(hand_over.before_json->find("张三"), std::string::npos);
  EXPECT_NE(hand_over.after_json->find("李四"), std::string::npos);
  EXPECT_EQ(hand_over.state_before, State::kInUse);
  EXPECT_EQ(hand_over.actor_name, "用户 clerk_a");
  EXPECT_EQ((*history)[3].state_after, State::kIdle);
  EXPECT_EQ(Rollups(), GroupByAssets());
}

TEST_F(AssetCardTest, EditIsAPatchWithAnOptimisticVersion) {
  Card c = MustRegister(ValidInput());
  asset::CardPatch p;
  p.version = 1;
  p.set.name = "教师用计算机";
  p.set.original_value = Fen{700000};
  p.clear = {"model"};
  auto edited = assets_->Edit(clerk_a_caller_, c.number, p);
  ASSERT_TRUE(edited.ok()) << edited.error().en;
  EXPECT_EQ(edited->name, "教师用计算机");
  EXPECT_EQ(edited->original_value.value, 700000);
  EXPECT_FALSE(edited->model.has_value());
  EXPECT_EQ(edited->brand, "戴尔");  // untouched
  EXPECT_EQ(edited->version, 2);
  EXPECT_EQ(Rollups(), GroupByAssets());

  auto stale = assets_->Edit(clerk_a_caller_, c.number, p);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, "version_conflict");

  asset::CardPatch wrong;
  wrong.version = 2;
  wrong.set.custodian_id = staff_a2_.id;
  wrong.set.location_id = room_a2_.id;
  auto refused = assets_->Edit(clerk_a_caller_, c.number, wrong);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().fields.size(), 2u);
  EXPECT_EQ(refused.error().fields[0].code, "not_editable");

  asset::CardPatch invalid;
  invalid.version = 2;
  invalid.set.life_months = 12;
  auto bad = assets_->Edit(clerk_a_caller_, c.number, invalid);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().fields.at(0).code, "below_minimum");

  // A category change moves the card between rollup buckets.
  asset::CardPatch recat;
  recat.version = 2;
  recat.set.category_code = kMedical;
  auto moved = assets_->Edit(clerk_a_caller_, c.number, recat);
  ASSERT_TRUE(moved.ok()) << moved.error().en;
  EXPECT_EQ(moved->category_code, kMedical);
  EXPECT_EQ(Rollups(), GroupByAssets());
  auto history = assets_->History(Who(clerk_a_), c.number);
  ASSERT_EQ(history->size(), 3u);
  EXPECT_NE(history->at(1).after_json->find("教师用计算机"), std::string::npos);
  EXPECT_EQ(history->at(1).after_json->find("戴尔"), std::string::npos);  // only what changed
}

TEST_F(AssetCardTest, RollupsEqualAGroupByAfterMixedWrites) {
  std::vector<Card> cards;
  for (int i = 0; i < 6; ++i) {
    CardInput in = ValidInput();
    in.original_value = Fen{100000 + i * 1234};
    if (i % 2) in.category_code = kMedical;
    cards.push_back(MustRegister(in));
  }
  CardInput b;
  b = ValidInput();
  b.location_id = room_b_.id;
  b.custodian_id.reset();
  b.department_id.reset();
  MustRegister(b, school_b_.id);
  ASSERT_TRUE(assets_->MarkIdle(clerk_a_caller_, cards[0].number, {}).ok());
  ASSERT_TRUE(assets_->MarkIdle(clerk_a_caller_, cards[1].number, {}).ok());
  ASSERT_TRUE(assets_->BackInUse(clerk_a_caller_, cards[1].number, {}).ok());
  asset::CardPatch p;
  p.version = 1;
  p.set.original_value = Fen{1};
  p.set.category_code = kBooks;
  p.set.life_months = 0;
  p.set.depreciation_method = asset::DepreciationMethod::kNone;
  ASSERT_TRUE(assets_->Edit(clerk_a_caller_, cards[2].number, p).ok());
  std::vector<CardInput> batch(5, ValidInput());
  {
    auto tx = db_->Write();
    ASSERT_TRUE(assets_->RegisterMany(tx->conn(), clerk_a_caller_, school_a_.id, batch).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(Rollups(), GroupByAssets());
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM assets"), 12);
}

TEST_F(AssetCardTest, RegisterManyWritesAllInOneGo) {
  std::vector<CardInput> rows;
  for (int i = 0; i < 250; ++i) {
    CardInput in = ValidInput();
    in.name = "课桌椅 " + std::to_string(i);
    in.original_value = Fen{int64_t{10000} + i};
    if (i % 3 == 0) in.category_code = kMedical;
    rows.push_back(in);
  }
  MustRegister(ValidInput());  // serial 1 is taken already
  const int64_t audits = AuditCount();
  asset::BatchOptions opts;
  opts.batch_id = "job-42";
  asset::BatchResult result;
  {
    auto tx = db_->Write();
    auto r = assets_->RegisterMany(tx->conn(), clerk_a_caller_, school_a_.id, rows, opts);
    ASSERT_TRUE(r.ok()) << r.error().en;
    result = *r;
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(result.count, 250);
  ASSERT_EQ(result.numbers.size(), 250u);
  EXPECT_EQ(result.numbers.front(), "T-SCHOOL-A2026000002");
  EXPECT_EQ(result.numbers.back(), "T-SCHOOL-A2026000251");
  int64_t total = 0;
  for (const auto& in : rows) total += in.original_value->value;
  EXPECT_EQ(result.total_value.value, total);
  EXPECT_EQ(AuditCount(), audits + 1);  // one audit row for the batch
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM asset_events WHERE event = 'register'"), 251);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM asset_events WHERE note = 'batch job-42'"), 250);
  EXPECT_EQ(Rollups(), GroupByAssets());
  auto card = assets_->Get(Who(clerk_a_), "T-SCHOOL-A2026000100");
  ASSERT_TRUE(card.ok());
  EXPECT_EQ(card->name, "课桌椅 98");
  EXPECT_EQ(card->custodian_name, "张三");
}

TEST_F(AssetCardTest, RegisterManyIsAllOrNothing) {
  std::vector<CardInput> rows(30, ValidInput());
  rows[7].original_value = Fen{-5};
  rows[21].location_id = room_b_.id;
  {
    auto tx = db_->Write();
    auto r = assets_->RegisterMany(tx->conn(), clerk_a_caller_, school_a_.id, rows);
    ASSERT_FALSE(r.ok());
    std::set<std::string> fields;
    for (const auto& f : r.error().fields) fields.insert(f.field);
    EXPECT_EQ(fields, (std::set<std::string>{"rows[7].original_value", "rows[21].location_id"}));
  }
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM assets"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM asset_serials"), 0);

  // A valid batch the caller does not commit leaves nothing either.
  rows[7] = ValidInput();
  rows[21] = ValidInput();
  {
    auto tx = db_->Write();
    ASSERT_TRUE(assets_->RegisterMany(tx->conn(), clerk_a_caller_, school_a_.id, rows).ok());
  }  // rolled back
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM assets"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM asset_events"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM asset_rollups"), 0);
  EXPECT_EQ(MustRegister(ValidInput()).number, "T-SCHOOL-A2026000001");
}

TEST_F(AssetCardTest, DirectoriesResolvedInTheImportTransactionAreUsable) {
  std::vector<CardInput> rows(3, ValidInput());
  auto tx = db_->Write();
  asset::DirectoryNames names;
  names.staff = {"赵六", "张三", " 赵六 "};
  names.locations = {"图书馆/1层/阅览室"};
  auto resolved = dirs_->ResolveOrCreate(tx->conn(), clerk_a_caller_, school_a_.id, names);
  ASSERT_TRUE(resolved.ok()) << resolved.error().en;
  EXPECT_EQ(resolved->added_staff, std::vector<std::string>{"赵六"});
  EXPECT_EQ(resolved->added_locations, std::vector<std::string>{"图书馆/1层/阅览室"});
  const auto zhao = asset::ResolvedDirectory::Find(resolved->staff, "赵六");
  const auto zhang = asset::ResolvedDirectory::Find(resolved->staff, "张三");
  const auto room = asset::ResolvedDirectory::Find(resolved->locations, "图书馆/1层/阅览室");
  ASSERT_TRUE(zhao && zhang && room);
  EXPECT_EQ(*zhang, staff_a1_.id);
  rows[0].custodian_id = *zhao;
  rows[1].location_id = *room;
  auto ctx = assets_->LoadValidationContext(tx->conn(), school_a_.id);
  ASSERT_TRUE(ctx.ok());
  for (const auto& row : rows) EXPECT_TRUE(asset::AssetService::ValidateInput(row, *ctx).empty());
  ASSERT_TRUE(assets_->RegisterMany(tx->conn(), clerk_a_caller_, school_a_.id, rows).ok());
  ASSERT_TRUE(tx->Commit().ok());
  auto card = assets_->Get(Who(clerk_a_), "T-SCHOOL-A2026000001");
  ASSERT_TRUE(card.ok());
  EXPECT_EQ(card->custodian_name, "赵六");
}

TEST_F(AssetCardTest, QrPayloadOrBareNumberFindTheCard) {
  Card c = MustRegister(ValidInput());
  for (const std::string& payload : std::vector<std::string>{assets_->QrPayload(c), c.number,
                                                              "https://other.example/a/" + c.number + "?s=1",
                                                              " " + c.number + " "}) {
    auto r = assets_->GetByQr(Who(clerk_a_), payload);
    ASSERT_TRUE(r.ok()) << payload;
    EXPECT_EQ(r->number, c.number);
  }
  for (const std::string& payload :
       std::vector<std::string>{"https://x.example/b/" + c.number, "", "T-SCHOOL-A2026999999"}) {
    auto r = assets_->GetByQr(Who(clerk_a_), payload);
    ASSERT_FALSE(r.ok()) << payload;
    EXPECT_EQ(r.error().kind, ErrorCode::kNotFound);
  }
}

// The network-thread path of GET /assets/{number}: an idle SQLite reader
// lends itself without waiting; with none idle (or on PostgreSQL) the caller
// is told to go the blocking way. Scope holds the same as for Get.
TEST_F(AssetCardTest, TryGetUsesOnlyAnIdleReaderAndKeepsScope) {
  Card c = MustRegister(ValidInput());
  auto got = assets_->TryGet(Who(clerk_a_), c.number);
  ASSERT_TRUE(got.ok()) << got.error().en;
  if (db_->engine() == db::Engine::kPostgres) {
    EXPECT_FALSE(got->has_value());
    return;
  }
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->id, c.id);
  auto other = assets_->TryGet(Who(clerk_b_), c.number);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().kind, ErrorCode::kNotFound);

  std::vector<db::Lease> lent;
  while (auto lease = db_->TryRead()) lent.push_back(std::move(*lease));
  ASSERT_FALSE(lent.empty());
  auto none = assets_->TryGet(Who(clerk_a_), c.number);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  lent.pop_back();  // one reader back
  auto again = assets_->TryGet(Who(clerk_a_), c.number);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->has_value());
}

TEST_F(AssetCardTest, NetBookValueAtAnyDate) {
  CardInput in = ValidInput();
  in.original_value = Fen{720000};  // 72 months → 10,000 fen a month
  in.acquired_on = MakeDate(2024, 1, 10);
  in.booked_on = in.acquired_on;
  Card c = MustRegister(in);
  auto v = assets_->ValueAt(c, MakeDate(2024, 12, 31));
  EXPECT_EQ(v.depreciation.months, 12);  // same month start: Jan … Dec
  EXPECT_EQ(v.depreciation.accumulated.value, 120000);
  EXPECT_EQ(v.depreciation.net.value, 600000);
  EXPECT_TRUE(assets_->ValueAt(c, MakeDate(2031, 1, 1)).depreciation.fully);
  asset::AssetSettings next;
  next.depreciation_start = asset::DepreciationStart::kNextMonth;
  asset::AssetService other(*db_, *categories_, *orgs_, next);
  EXPECT_EQ(other.ValueAt(c, MakeDate(2024, 12, 31)).depreciation.months, 11);
}

}  // namespace
}  // namespace minsheng::testing
