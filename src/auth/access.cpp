#include "auth/access.h"

#include <algorithm>
#include <array>

namespace minsheng::auth {
namespace {

struct RoleInfo {
  Role role;
  std::string_view name;
  ScopeKind scope;
  bool separated;
  std::vector<Action> actions;
};

// The role × action matrix. The three security roles (三员分立) are kept
// apart: the system admin runs the org tree, the security admin runs users
// and roles, the auditor reads the audit log; none reads business data.
const std::array<RoleInfo, kRoleCount>& Matrix() {
  using A = Action;
  static const std::array<RoleInfo, kRoleCount> kMatrix = {{
      {Role::kSystemAdmin, "system_admin", ScopeKind::kAll, true, {A::kOrgRead, A::kOrgWrite}},
      {Role::kSecurityAdmin, "security_admin", ScopeKind::kAll, true,
       {A::kOrgRead, A::kUserRead, A::kUserWrite}},
      {Role::kAuditor, "auditor", ScopeKind::kAll, true, {A::kOrgRead, A::kUserRead, A::kAuditRead}},
      {Role::kFinanceOfficer, "finance_officer", ScopeKind::kSubtree, false,
       {A::kOrgRead, A::kOrgWrite, A::kUserRead, A::kAssetRead, A::kAssessRead, A::kAssessAdmin,
        A::kAssessReview}},
      {Role::kAssetAdmin, "asset_admin", ScopeKind::kSubtree, false,
       {A::kOrgRead, A::kUserRead, A::kAssetRead, A::kAssetWrite, A::kAssessRead}},
      {Role::kDeptSupervisor, "dept_supervisor", ScopeKind::kSubtree, false,
       {A::kOrgRead, A::kUserRead, A::kAssetRead, A::kAssessRead, A::kAssessSubmit, A::kAssessReview}},
      {Role::kUnitClerk, "unit_clerk", ScopeKind::kUnit, false,
       {A::kOrgRead, A::kUserRead, A::kAssetRead, A::kAssetWrite, A::kAssessRead, A::kAssessSubmit}},
      {Role::kCustodian, "custodian", ScopeKind::kUnit, false, {A::kOrgRead, A::kAssetRead}},
      {Role::kSteward, "steward", ScopeKind::kUnit, false,
       {A::kOrgRead, A::kAssetRead, A::kAssessRead}},
      {Role::kExpert, "expert", ScopeKind::kSubtree, false, {A::kOrgRead, A::kAssessExpert}},
      {Role::kOversight, "oversight", ScopeKind::kSubtree, false,
       {A::kOrgRead, A::kUserRead, A::kAssetRead, A::kAssessRead}},
  }};
  return kMatrix;
}

const RoleInfo& InfoOf(Role r) { return Matrix()[static_cast<size_t>(r)]; }

bool PathWithin(std::string_view path, const RoleAssignment& a) {
  switch (a.scope) {
    case ScopeKind::kAll:
      return true;
    case ScopeKind::kSubtree:
      return !a.scope_path.empty() && path.starts_with(a.scope_path);
    case ScopeKind::kUnit:
      return !a.scope_path.empty() && path == a.scope_path;
  }
  return false;
}

}  // namespace

std::string_view RoleName(Role r) { return InfoOf(r).name; }

std::optional<Role> ParseRole(std::string_view name) {
  for (const auto& info : Matrix()) {
    if (info.name == name) return info.role;
  }
  return std::nullopt;
}

bool IsSeparatedRole(Role r) { return InfoOf(r).separated; }
bool IsStaffRole(Role /*r*/) { return true; }
ScopeKind DefaultScope(Role r) { return InfoOf(r).scope; }

std::string_view ScopeKindName(ScopeKind k) {
  switch (k) {
    case ScopeKind::kUnit:
      return "unit";
    case ScopeKind::kSubtree:
      return "subtree";
    case ScopeKind::kAll:
      return "all";
  }
  return "unit";
}

std::string_view ActionName(Action a) {
  static constexpr std::array<std::string_view, 12> kNames = {
      "org.read",      "org.write",     "user.read",     "user.write",
      "audit.read",    "asset.read",    "asset.write",   "assess.read",
      "assess.admin",  "assess.submit", "assess.review", "assess.expert"};
  return kNames[static_cast<size_t>(a)];
}

bool RoleGrants(Role role, Action action) {
  const auto& actions = InfoOf(role).actions;
  return std::find(actions.begin(), actions.end(), action) != actions.end();
}

std::vector<Action> ActionsOf(Role role) { return InfoOf(role).actions; }

bool Principal::HasRole(Role r) const {
  return std::any_of(roles.begin(), roles.end(), [r](const RoleAssignment& a) { return a.role == r; });
}

std::vector<std::string> PermissionNames(const Principal& p) {
  std::vector<std::string> out;
  for (const auto& a : p.roles) {
    for (const Action act : InfoOf(a.role).actions) {
      std::string name(ActionName(act));
      if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool Can(const Principal& p, Action action) {
  if (p.is_system) return true;
  return std::any_of(p.roles.begin(), p.roles.end(),
                     [&](const RoleAssignment& a) { return RoleGrants(a.role, action); });
}

bool CanOn(const Principal& p, Action action, std::string_view org_path) {
  if (p.is_system) return true;
  return std::any_of(p.roles.begin(), p.roles.end(), [&](const RoleAssignment& a) {
    return RoleGrants(a.role, action) && PathWithin(org_path, a);
  });
}

Result<void> Require(const Principal& p, Action action) {
  if (Can(p, action)) return Ok();
  return ForbiddenError();
}

Result<void> RequireOn(const Principal& p, Action action, std::string_view org_path,
                       std::string_view what_zh, std::string_view what_en) {
  if (!Can(p, action)) return ForbiddenError();
  if (CanOn(p, action, org_path)) return Ok();
  return NotFoundError(std::string(what_zh), std::string(what_en));
}

std::vector<ScopeRoot> ScopeRoots(const Principal& p, Action action) {
  std::vector<ScopeRoot> roots;
  if (p.is_system) return {{"/", false}};
  for (const auto& a : p.roles) {
    if (!RoleGrants(a.role, action)) continue;
    if (a.scope == ScopeKind::kAll) return {{"/", false}};
    roots.push_back({a.scope_path, a.scope == ScopeKind::kUnit});
  }
  // Drop roots covered by another subtree root.
  std::vector<ScopeRoot> minimal;
  for (const auto& r : roots) {
    const bool covered = std::any_of(roots.begin(), roots.end(), [&](const ScopeRoot& o) {
      if (&o == &r || o.exact) return false;
      if (o.path == r.path) return r.exact || &o < &r;  // keep one of equal subtree roots
      return r.path.starts_with(o.path);
    });
    if (!covered) minimal.push_back(r);
  }
  return minimal;
}

}  // namespace minsheng::auth
