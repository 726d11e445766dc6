#include "asset_fixture.h"

#include <algorithm>
#include <map>
#include <mutex>

namespace minsheng::testing {

namespace {

// Depreciation classes and categories of the tests.
constexpr const char* kSeed =
    "INSERT INTO depreciation_classes (code, name, min_years, max_years, depreciable) VALUES "
    "('t_computer', '计算机设备', 6, NULL, 1), ('t_vehicle', '车辆', 8, NULL, 1), "
    "('t_medical', '医疗设备', 5, 10, 1), ('t_building', '房屋', 50, NULL, 1), "
    "('t_none', '不计提折旧', 0, NULL, 0);"
    "INSERT INTO categories (code, name, parent_code, level, is_leaf, depreciation_class, card_group, source) VALUES "
    "('A02000000', '设备', NULL, 1, 0, NULL, 'equipment', 'shipped'),"
    "('A02010000', '信息化设备', 'A02000000', 2, 0, NULL, 'equipment', 'shipped'),"
    "('A02010104', '台式计算机', 'A02010000', 3, 1, 't_computer', 'equipment', 'shipped'),"
    "('A02030100', '乘用车', 'A02000000', 2, 1, 't_vehicle', 'vehicle', 'shipped'),"
    "('A02320100', '医用电子仪器', 'A02000000', 2, 1, 't_medical', 'equipment', 'shipped'),"
    "('A01000000', '房屋和构筑物', NULL, 1, 0, NULL, 'building', 'shipped'),"
    "('A01010100', '办公用房', 'A01000000', 2, 1, 't_building', 'building', 'shipped'),"
    "('A01030100', '土地', 'A01000000', 2, 1, 't_none', 'land', 'shipped'),"
    "('A05010100', '图书', NULL, 1, 1, 't_none', 'books', 'shipped');";

template <typename T>
T Must(Result<T> r, const char* what) {
  EXPECT_TRUE(r.ok()) << what << ": " << (r.ok() ? "" : r.error().en + " " + r.error().log_detail);
  return r.ok() ? std::move(r).value() : T{};
}

}  // namespace

void AssetTest::SetUp() {
  PlatformTest::SetUp();
  if (HasFatalFailure()) return;
  {
    auto tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    auto r = (*tx)->ExecScript(kSeed);
    ASSERT_TRUE(r.ok()) << r.error().log_detail;
    ASSERT_TRUE(tx->Commit().ok());
  }
  // 2026-11-22 12:00 in Shanghai.
  SetClockForTesting(*ParseTime("2026-11-22T04:00:00Z"));
  categories_ = std::make_unique<asset::CategoryService>(*db_);
  dirs_ = std::make_unique<asset::DirectoryService>(*db_, *orgs_);
  asset::AssetSettings settings;
  settings.public_base_url = "https://zc.example.gov.cn/";
  assets_ = std::make_unique<asset::AssetService>(*db_, *categories_, *orgs_, settings);

  clerk_a_ = MakeUser("clerk_a", auth::Role::kUnitClerk, school_a_.id);
  clerk_b_ = MakeUser("clerk_b", auth::Role::kUnitClerk, school_b_.id);
  supervisor_ = MakeUser("edu_sup", auth::Role::kDeptSupervisor, edu_.id);
  health_sup_ = MakeUser("health_sup", auth::Role::kDeptSupervisor, health_.id);
  custodian_a_ = MakeUser("cust_a", auth::Role::kCustodian, school_a_.id);
  clerk_a_caller_ = CallerOf(clerk_a_);

  asset::DirectoryInput in;
  in.name = "教务处";
  dept_a_ = Must(dirs_->CreateDepartment(cli_, school_a_.id, in), "dept a");
  in.name = "总务处";
  dept_a2_ = Must(dirs_->CreateDepartment(cli_, school_a_.id, in), "dept a2");
  in.name = "张三";
  in.department_id = dept_a_.id;
  staff_a1_ = Must(dirs_->CreateStaff(cli_, school_a_.id, in), "staff a1");
  in.name = "李四";
  in.department_id.reset();
  staff_a2_ = Must(dirs_->CreateStaff(cli_, school_a_.id, in), "staff a2");
  in.name = "教学楼/3层/302";
  room_a1_ = Must(dirs_->CreateLocation(cli_, school_a_.id, in), "room a1");
  in.name = "实验楼/1层/机房";
  room_a2_ = Must(dirs_->CreateLocation(cli_, school_a_.id, in), "room a2");
  in.name = "王五";
  staff_b_ = Must(dirs_->CreateStaff(cli_, school_b_.id, in), "staff b");
  in.name = "办公楼/2层/201";
  room_b_ = Must(dirs_->CreateLocation(cli_, school_b_.id, in), "room b");
  in.name = "教务处";
  dept_b_ = Must(dirs_->CreateDepartment(cli_, school_b_.id, in), "dept b");
}

asset::CardInput AssetTest::ValidInput() const {
  asset::CardInput in;
  in.name = "台式计算机";
  in.category_code = kComputer;
  in.subject_code = "1601";
  in.acquisition_method = "购置";
  in.funding_source = "财政拨款";
  in.acquired_on = MakeDate(2024, 3, 15);
  in.booked_on = MakeDate(2024, 3, 20);
  in.original_value = Fen{650000};
  in.quantity = 1;
  in.unit_of_measure = "台";
  in.location_id = room_a1_.id;
  in.custodian_id = staff_a1_.id;
  in.department_id = dept_a_.id;
  in.model = "OptiPlex 7090";
  in.brand = "戴尔";
  in.serial_no = "SN-7090-0001";
  return in;
}

asset::Card AssetTest::MustRegister(const asset::CardInput& in, int64_t org_id) {
  const bool school_a = org_id == 0 || org_id == school_a_.id;
  auto r = assets_->Register(school_a ? clerk_a_caller_ : cli_, school_a ? school_a_.id : org_id, in);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().code + " " + r.error().en + " " +
                                            (r.error().fields.empty() ? "" : r.error().fields[0].field + ": " +
                                                                                  r.error().fields[0].en) +
                                            " " + r.error().log_detail);
  return r.ok() ? std::move(r).value() : asset::Card{};
}

int64_t AssetTest::CountRows(const std::string& sql) {
  // Statement names must be unique per text and outlive the connections.
  static std::mutex mutex;
  static std::map<std::string, std::string> names;  // text → name; nodes are stable
  const std::pair<const std::string, std::string>* entry = nullptr;
  {
    std::lock_guard lock(mutex);
    auto [it, inserted] = names.try_emplace(sql, "test.count_rows." + std::to_string(names.size()));
    entry = &*it;
  }
  auto conn = db_->Read();
  auto n = (*conn)->QueryInt({entry->second.c_str(), entry->first.c_str()});
  EXPECT_TRUE(n.ok()) << sql << ": " << (n.ok() ? "" : n.error().log_detail);
  return n.ok() ? *n : -1;
}

namespace {

std::vector<std::string> Lines(db::Database& db, const char* name, const char* sql) {
  std::vector<std::string> out;
  auto conn = db.Read();
  auto r = (*conn)->ForEach({name, sql}, {}, [&](const db::Row& row) {
    out.push_back(std::to_string(row.Int(0)) + "|" + row.Text(1) + "|" + row.Text(2) + "|" +
                  std::to_string(row.Int(3)) + "|" + std::to_string(row.Int(4)));
    return true;
  });
  EXPECT_TRUE(r.ok()) << r.error().log_detail;
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::vector<std::string> AssetTest::Rollups() {
  return Lines(*db_, "test.rollups",
               "SELECT org_id, category_code, state, count, value FROM asset_rollups WHERE count <> 0");
}

std::vector<std::string> AssetTest::GroupByAssets() {
  return Lines(*db_, "test.group_by",
               "SELECT org_id, category_code, state, COUNT(*), SUM(original_value) FROM assets "
               "GROUP BY org_id, category_code, state");
}

}  // namespace minsheng::testing
