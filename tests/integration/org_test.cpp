// The org tree service on the test engine.
#include "org/store.h"
#include "platform_fixture.h"

namespace minsheng::testing {
namespace {

using auth::Role;

class OrgTest : public PlatformTest {};

TEST_F(OrgTest, PathsAndDepthsFollowTheTree) {
  EXPECT_EQ(county_.path, "/" + std::to_string(county_.id) + "/");
  EXPECT_EQ(school_a_.path, edu_.path + std::to_string(school_a_.id) + "/");
  EXPECT_EQ(school_a_.depth, 2);
  EXPECT_EQ(school_a_.parent_id, edu_.id);
}

TEST_F(OrgTest, CreateIsAuditedWithTheNewState) {
  const int64_t before = AuditCount();
  const auto unit = MakeOrg(health_.id, "T-NEW", org::Level::kUnit);
  EXPECT_EQ(AuditCount(), before + 1);
  auto auditor = MakeUser("aud", Role::kAuditor, county_.id);
  audit::Query q;
  q.object_type = "org";
  q.object_id = std::to_string(unit.id);
  auto page = audit_->List(*auditor.principal, q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].action, "org.create");
  EXPECT_EQ(page->items[0].actor_name, "cli");
  EXPECT_EQ(page->items[0].request_id, "req-cli");
  EXPECT_FALSE(page->items[0].before_json.has_value());
  EXPECT_NE(page->items[0].after_json->find("T-NEW"), std::string::npos);
}

TEST_F(OrgTest, DuplicateCodeIsAFieldErrorAndWritesNothing) {
  const int64_t audits = AuditCount();
  org::NewOrg o{edu_.id, "T-SCHOOL-A", "重复", org::Level::kUnit, std::nullopt, "institution", std::nullopt};
  auto r = orgs_->Create(cli_, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "validation_failed");
  ASSERT_EQ(r.error().fields.size(), 1u);
  EXPECT_EQ(r.error().fields[0].field, "code");
  EXPECT_EQ(r.error().fields[0].code, "duplicate");
  EXPECT_EQ(AuditCount(), audits);
}

TEST_F(OrgTest, ValidationReportsEveryField) {
  org::NewOrg o{school_a_.id, "bad code!", "", org::Level::kDepartment, "county", "ngo", "space"};
  auto r = orgs_->Create(cli_, o);
  ASSERT_FALSE(r.ok());
  std::set<std::string> fields;
  for (const auto& f : r.error().fields) fields.insert(f.field);
  EXPECT_EQ(fields, (std::set<std::string>{"code", "name", "region_level", "org_kind", "field", "parent_id"}));
}

TEST_F(OrgTest, ScopesLimitWhatEachRoleSees) {
  auto clerk = MakeUser("clerk", Role::kUnitClerk, school_a_.id);
  auto sup = MakeUser("sup", Role::kDeptSupervisor, edu_.id);
  auto list = orgs_->List(*clerk.principal, {});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, school_a_.id);
  EXPECT_EQ(orgs_->Get(*clerk.principal, school_b_.id).error().kind, ErrorCode::kNotFound);
  EXPECT_EQ(orgs_->Get(*clerk.principal, edu_.id).error().kind, ErrorCode::kNotFound);
  auto sup_list = orgs_->List(*sup.principal, {});
  ASSERT_TRUE(sup_list.ok());
  EXPECT_EQ(sup_list->size(), 3u);  // edu and its two schools
  EXPECT_EQ(orgs_->Get(*sup.principal, clinic_.id).error().kind, ErrorCode::kNotFound);
}

TEST_F(OrgTest, OnlyOrgWritersCreateAndOnlyInTheirScope) {
  auto clerk = MakeUser("clerk", Role::kUnitClerk, school_a_.id);
  org::NewOrg o{school_a_.id, "T-SUB", "下属", org::Level::kUnit, std::nullopt, "institution", std::nullopt};
  EXPECT_EQ(orgs_->Create(CallerOf(clerk), o).error().kind, ErrorCode::kForbidden);
  auto fin = MakeUser("fin", Role::kFinanceOfficer, edu_.id);  // scope: the education subtree
  EXPECT_TRUE(orgs_->Create(CallerOf(fin), o).ok());
  org::NewOrg outside{health_.id, "T-OUT", "外部", org::Level::kUnit, std::nullopt, "institution", std::nullopt};
  auto r = orgs_->Create(CallerOf(fin), outside);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().fields.at(0).field, "parent_id");
}

TEST_F(OrgTest, StaleVersionIsAConflict) {
  org::OrgPatch p;
  p.version = school_a_.version;
  p.name = "新名称";
  auto updated = orgs_->Update(cli_, school_a_.id, p);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->name, "新名称");
  EXPECT_EQ(updated->version, school_a_.version + 1);
  p.name = "再改";
  auto stale = orgs_->Update(cli_, school_a_.id, p);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, "version_conflict");
}

TEST_F(OrgTest, MoveRewritesTheSubtreeAndKeepsHistory) {
  const auto sub = MakeOrg(school_a_.id, "T-SUB", org::Level::kUnit);
  auto moved = orgs_->Move(cli_, school_a_.id, health_.id, "划转卫健系统");
  ASSERT_TRUE(moved.ok()) << moved.error().en;
  EXPECT_EQ(moved->path, health_.path + std::to_string(school_a_.id) + "/");
  auto sub_after = orgs_->Lookup(sub.id);
  ASSERT_TRUE(sub_after.ok());
  EXPECT_EQ(sub_after->path, moved->path + std::to_string(sub.id) + "/");
  EXPECT_EQ(sub_after->depth, 3);
  auto history = orgs_->History(CliPrincipal(), school_a_.id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].from_parent_id, edu_.id);
  EXPECT_EQ((*history)[0].to_parent_id, health_.id);
  EXPECT_EQ((*history)[0].reason, "划转卫健系统");
  // A supervisor of the old department no longer sees it.
  auto sup = MakeUser("sup", Role::kDeptSupervisor, edu_.id);
  EXPECT_EQ(orgs_->Get(*sup.principal, school_a_.id).error().kind, ErrorCode::kNotFound);
}

TEST_F(OrgTest, MoveUnderOwnDescendantIsRefused) {
  auto r = orgs_->Move(cli_, edu_.id, school_a_.id, "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().fields.at(0).field, "parent_id");
  auto unchanged = orgs_->Lookup(edu_.id);
  EXPECT_EQ(unchanged->path, edu_.path);
}

TEST_F(OrgTest, SearchEscapesWildcards) {
  org::OrgFilter f;
  f.q = "%";
  auto r = orgs_->List(CliPrincipal(), f);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  f.q = "school-a";  // case-insensitive on codes
  r = orgs_->List(CliPrincipal(), f);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
}

}  // namespace
}  // namespace minsheng::testing
