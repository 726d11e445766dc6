// A unit's own directories (departments, staff, locations) and the
// importer's ResolveOrCreate, on the test engine.
#include "asset_fixture.h"

namespace minsheng::testing {
namespace {

class AssetDirectoryTest : public AssetTest {};

TEST_F(AssetDirectoryTest, ListCreateRenameDeactivateWithAudit) {
  const auth::Caller clerk = CallerOf(clerk_a_);
  const int64_t audits = AuditCount();
  asset::DirectoryInput in;
  in.name = "校长办公室";
  auto d = dirs_->CreateDepartment(clerk, school_a_.id, in);
  ASSERT_TRUE(d.ok()) << d.error().en;
  EXPECT_EQ(AuditCount(), audits + 1);

  asset::DirectoryPatch p;
  p.name = "校办";
  auto renamed = dirs_->UpdateDepartment(clerk, d->id, p);
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(renamed->name, "校办");
  p = {};
  p.active = false;
  ASSERT_TRUE(dirs_->UpdateDepartment(clerk, d->id, p).ok());
  EXPECT_EQ(AuditCount(), audits + 3);

  auto active = dirs_->ListDepartments(Who(clerk_a_), school_a_.id, {});
  ASSERT_TRUE(active.ok());
  EXPECT_EQ(active->size(), 2u);  // 教务处, 总务处; the inactive one is hidden
  asset::DirectoryFilter all;
  all.include_inactive = true;
  EXPECT_EQ(dirs_->ListDepartments(Who(clerk_a_), school_a_.id, all)->size(), 3u);
  asset::DirectoryFilter named;
  named.q = "教务";
  EXPECT_EQ(dirs_->ListDepartments(Who(clerk_a_), school_a_.id, named)->size(), 1u);

  // A deactivated department cannot be picked for staff or cards.
  asset::DirectoryInput s;
  s.name = "钱七";
  s.department_id = d->id;
  auto refused = dirs_->CreateStaff(clerk, school_a_.id, s);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().fields.at(0).field, "department_id");
  asset::CardInput card = ValidInput();
  card.department_id = d->id;
  auto r = assets_->Register(clerk, school_a_.id, card);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().fields.at(0).field, "department_id");
}

TEST_F(AssetDirectoryTest, NamesAreUniqueInAUnitOnly) {
  asset::DirectoryInput in;
  in.name = "教务处";
  auto dup = dirs_->CreateDepartment(cli_, school_a_.id, in);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().fields.at(0).field, "name");
  EXPECT_EQ(dup.error().fields.at(0).code, "duplicate");
  in.name = "张三";
  EXPECT_TRUE(dirs_->CreateStaff(cli_, school_b_.id, in).ok());  // another unit may have its own 张三
  asset::DirectoryPatch p;
  p.name = "李四";
  auto rename = dirs_->UpdateStaff(cli_, staff_a1_.id, p);
  ASSERT_FALSE(rename.ok());
  EXPECT_EQ(rename.error().fields.at(0).code, "duplicate");
}

TEST_F(AssetDirectoryTest, ValidationOfEachKind) {
  asset::DirectoryInput in;
  in.name = "";
  EXPECT_EQ(dirs_->CreateDepartment(cli_, school_a_.id, in).error().fields.at(0).code, "required");
  in.name = std::string(101, 'x');
  EXPECT_EQ(dirs_->CreateStaff(cli_, school_a_.id, in).error().fields.at(0).code, "too_long");
  in.name = "赵六";
  in.phone = "call me";
  EXPECT_EQ(dirs_->CreateStaff(cli_, school_a_.id, in).error().fields.at(0).field, "phone");
  in.phone.reset();
  in.department_id = dept_b_.id;  // another unit's department
  EXPECT_EQ(dirs_->CreateStaff(cli_, school_a_.id, in).error().fields.at(0).field, "department_id");
  asset::DirectoryInput loc;
  loc.name = "操场";
  loc.latitude = 23.1;
  EXPECT_EQ(dirs_->CreateLocation(cli_, school_a_.id, loc).error().fields.at(0).field, "longitude");
  loc.longitude = 190.0;
  EXPECT_EQ(dirs_->CreateLocation(cli_, school_a_.id, loc).error().fields.at(0).code, "out_of_range");
  loc.longitude = 113.3;
  auto ok = dirs_->CreateLocation(cli_, school_a_.id, loc);
  ASSERT_TRUE(ok.ok());
  EXPECT_DOUBLE_EQ(*ok->latitude, 23.1);
  asset::DirectoryPatch clear;
  clear.clear_coordinates = true;
  auto cleared = dirs_->UpdateLocation(cli_, ok->id, clear);
  ASSERT_TRUE(cleared.ok());
  EXPECT_FALSE(cleared->latitude.has_value());
}

TEST_F(AssetDirectoryTest, ScopedByTheUnit) {
  // Another unit's clerk: the org and its entries do not exist for them.
  EXPECT_EQ(dirs_->ListStaff(Who(clerk_b_), school_a_.id, {}).error().kind, ErrorCode::kNotFound);
  asset::DirectoryInput in;
  in.name = "外人";
  EXPECT_EQ(dirs_->CreateStaff(CallerOf(clerk_b_), school_a_.id, in).error().kind, ErrorCode::kNotFound);
  asset::DirectoryPatch p;
  p.name = "改名";
  EXPECT_EQ(dirs_->UpdateLocation(CallerOf(clerk_b_), room_a1_.id, p).error().kind, ErrorCode::kNotFound);
  // The supervisor reads the subtree but may not change it; a custodian reads its own unit.
  EXPECT_TRUE(dirs_->ListLocations(Who(supervisor_), school_a_.id, {}).ok());
  EXPECT_EQ(dirs_->CreateLocation(CallerOf(supervisor_), school_a_.id, in).error().kind, ErrorCode::kForbidden);
  auto staff = dirs_->ListStaff(Who(custodian_a_), school_a_.id, {});
  ASSERT_TRUE(staff.ok());
  ASSERT_EQ(staff->size(), 2u);
  EXPECT_EQ(staff->at(0).department_name, "教务处");
  EXPECT_EQ(dirs_->CreateStaff(CallerOf(custodian_a_), school_a_.id, in).error().kind, ErrorCode::kForbidden);
}

TEST_F(AssetDirectoryTest, ResolveOrCreateMatchesCreatesAndReactivates) {
  asset::DirectoryPatch off;
  off.active = false;
  ASSERT_TRUE(dirs_->UpdateDepartment(cli_, dept_a2_.id, off).ok());
  const int64_t audits = AuditCount();
  asset::DirectoryNames names;
  names.departments = {"教务处", "总务处", "后勤处", "后勤处", ""};
  names.staff = {"张三", "孙八"};
  names.locations = {"教学楼/3层/302"};
  {
    auto tx = db_->Write();
    auto r = dirs_->ResolveOrCreate(tx->conn(), clerk_a_caller_, school_a_.id, names);
    ASSERT_TRUE(r.ok()) << r.error().en;
    EXPECT_EQ(r->added_departments, (std::vector<std::string>{"后勤处", "总务处"}));  // created, reactivated
    EXPECT_EQ(r->added_staff, std::vector<std::string>{"孙八"});
    EXPECT_TRUE(r->added_locations.empty());
    EXPECT_EQ(asset::ResolvedDirectory::Find(r->departments, "教务处"), dept_a_.id);
    EXPECT_EQ(asset::ResolvedDirectory::Find(r->departments, "总务处"), dept_a2_.id);
    EXPECT_EQ(asset::ResolvedDirectory::Find(r->locations, "教学楼/3层/302"), room_a1_.id);
    EXPECT_FALSE(asset::ResolvedDirectory::Find(r->staff, "不存在").has_value());
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(AuditCount(), audits + 1);
  EXPECT_EQ(dirs_->ListDepartments(Who(clerk_a_), school_a_.id, {})->size(), 3u);

  // Inside a transaction that rolls back, nothing stays.
  names = {};
  names.staff = {"周九"};
  {
    auto tx = db_->Write();
    auto r = dirs_->ResolveOrCreate(tx->conn(), clerk_a_caller_, school_a_.id, names);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->added_staff.size(), 1u);
  }
  EXPECT_EQ(dirs_->ListStaff(Who(clerk_a_), school_a_.id, {})->size(), 3u);

  // Bad names are field errors naming the position; another unit is out of reach.
  names.staff = {"好名字", std::string(101, 'x')};
  {
    auto tx = db_->Write();
    auto r = dirs_->ResolveOrCreate(tx->conn(), clerk_a_caller_, school_a_.id, names);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().fields.at(0).field, "staff[1]");
    auto other = dirs_->ResolveOrCreate(tx->conn(), clerk_a_caller_, school_b_.id, {});
    EXPECT_EQ(other.error().kind, ErrorCode::kNotFound);
  }
}

}  // namespace
}  // namespace minsheng::testing
