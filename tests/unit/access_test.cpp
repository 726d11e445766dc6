#include "auth/access.h"

#include <gtest/gtest.h>

namespace minsheng::auth {
namespace {

Principal With(Role role, std::string scope_path) {
  Principal p;
  p.user_id = 7;
  p.roles.push_back({role, 1, std::move(scope_path), DefaultScope(role), ""});
  return p;
}

TEST(AccessTest, RoleNamesRoundTrip) {
  for (int i = 0; i < kRoleCount; ++i) {
    const auto r = static_cast<Role>(i);
    EXPECT_EQ(ParseRole(RoleName(r)), r);
  }
  EXPECT_EQ(ParseRole("root"), std::nullopt);
}

TEST(AccessTest, SeparatedRolesReadNoBusinessData) {
  for (const Role r : {Role::kSystemAdmin, Role::kSecurityAdmin, Role::kAuditor}) {
    EXPECT_TRUE(IsSeparatedRole(r));
    EXPECT_FALSE(RoleGrants(r, Action::kAssetRead)) << RoleName(r);
    EXPECT_FALSE(RoleGrants(r, Action::kAssessRead)) << RoleName(r);
  }
  EXPECT_TRUE(RoleGrants(Role::kAuditor, Action::kAuditRead));
  EXPECT_FALSE(RoleGrants(Role::kSystemAdmin, Action::kAuditRead));
  EXPECT_FALSE(RoleGrants(Role::kSecurityAdmin, Action::kAuditRead));
  EXPECT_FALSE(RoleGrants(Role::kAuditor, Action::kUserWrite));
  EXPECT_TRUE(RoleGrants(Role::kSecurityAdmin, Action::kUserWrite));
  EXPECT_FALSE(RoleGrants(Role::kSystemAdmin, Action::kUserWrite));
}

TEST(AccessTest, OversightNeverWrites) {
  for (const Action a : ActionsOf(Role::kOversight)) {
    EXPECT_TRUE(ActionName(a).ends_with(".read")) << ActionName(a);
  }
}

TEST(AccessTest, UnitScopeIsExactlyTheUnit) {
  const Principal clerk = With(Role::kUnitClerk, "/1/2/9/");
  EXPECT_TRUE(CanOn(clerk, Action::kAssetWrite, "/1/2/9/"));
  EXPECT_FALSE(CanOn(clerk, Action::kAssetWrite, "/1/2/9/40/"));  // a sub-unit is not its own
  EXPECT_FALSE(CanOn(clerk, Action::kAssetWrite, "/1/2/10/"));
  EXPECT_FALSE(CanOn(clerk, Action::kAssetWrite, "/1/2/"));
}

TEST(AccessTest, SubtreeScopeCoversDescendantsOnly) {
  const Principal sup = With(Role::kDeptSupervisor, "/1/2/5/");
  EXPECT_TRUE(CanOn(sup, Action::kOrgRead, "/1/2/5/"));
  EXPECT_TRUE(CanOn(sup, Action::kOrgRead, "/1/2/5/77/"));
  EXPECT_FALSE(CanOn(sup, Action::kOrgRead, "/1/2/"));
  EXPECT_FALSE(CanOn(sup, Action::kOrgRead, "/1/2/50/"));  // prefix of digits is not a subtree
}

TEST(AccessTest, RequireDistinguishesForbiddenFromNotFound) {
  const Principal clerk = With(Role::kUnitClerk, "/1/2/9/");
  EXPECT_EQ(Require(clerk, Action::kAuditRead).error().kind, ErrorCode::kForbidden);
  EXPECT_EQ(RequireOn(clerk, Action::kAuditRead, "/1/2/9/").error().kind, ErrorCode::kForbidden);
  EXPECT_EQ(RequireOn(clerk, Action::kOrgRead, "/1/3/").error().kind, ErrorCode::kNotFound);
  EXPECT_TRUE(RequireOn(clerk, Action::kOrgRead, "/1/2/9/").ok());
}

TEST(AccessTest, ScopeRootsAreMinimal) {
  Principal p;
  p.roles.push_back({Role::kDeptSupervisor, 5, "/1/2/5/", ScopeKind::kSubtree, ""});
  p.roles.push_back({Role::kSteward, 9, "/1/2/5/9/", ScopeKind::kUnit, ""});
  p.roles.push_back({Role::kExpert, 3, "/1/3/", ScopeKind::kSubtree, ""});
  auto roots = ScopeRoots(p, Action::kOrgRead);
  ASSERT_EQ(roots.size(), 2u);
  EXPECT_EQ(roots[0].path, "/1/2/5/");
  EXPECT_FALSE(roots[0].exact);
  EXPECT_EQ(roots[1].path, "/1/3/");
  EXPECT_TRUE(ScopeRoots(p, Action::kAuditRead).empty());
  const Principal admin = With(Role::kSystemAdmin, "/1/");
  ASSERT_EQ(ScopeRoots(admin, Action::kOrgWrite).size(), 1u);
  EXPECT_EQ(ScopeRoots(admin, Action::kOrgWrite)[0].path, "/");
}

TEST(AccessTest, PermissionNamesAreSortedAndUnique) {
  Principal p;
  p.roles.push_back({Role::kUnitClerk, 9, "/9/", ScopeKind::kUnit, ""});
  p.roles.push_back({Role::kCustodian, 9, "/9/", ScopeKind::kUnit, ""});
  const auto names = PermissionNames(p);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "asset.write"), names.end());
}

}  // namespace
}  // namespace minsheng::auth
