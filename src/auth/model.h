// Roles, permissions and the authenticated principal.
//
// Permissions are role × action; each role assignment also carries a data
// scope (own unit, a subtree, or everything) anchored at an org. Checks happen
// in one place: auth::Access (access.h), called by every service.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace minsheng::auth {

// Stable names are used in the API, the database and the console.
enum class Role {
  kSystemAdmin,     // system_admin     系统管理员 (三员之一)
  kSecurityAdmin,   // security_admin   安全管理员 (三员之一)
  kAuditor,         // auditor          安全审计员 (三员之一)
  kFinanceOfficer,  // finance_officer  财政部门
  kAssetAdmin,      // asset_admin      机关事务管理局 资产管理员
  kDeptSupervisor,  // dept_supervisor  主管部门
  kUnitClerk,       // unit_clerk       单位资产管理员
  kCustodian,       // custodian        使用人
  kSteward,         // steward          资产/项目管家
  kExpert,          // expert           专家
  kOversight,       // oversight        人大/监督 (只读)
};
inline constexpr int kRoleCount = 11;

std::string_view RoleName(Role r);
std::optional<Role> ParseRole(std::string_view name);
// The three separated security roles: a user may hold at most one of them,
// and none of them together with a business role.
bool IsSeparatedRole(Role r);
// Staff roles are every role (all are staff; residents have no account).
bool IsStaffRole(Role r);

enum class ScopeKind { kUnit, kSubtree, kAll };
std::string_view ScopeKindName(ScopeKind k);
// The scope a role's assignment gets.
ScopeKind DefaultScope(Role r);

// Actions. Add new ones at the end; the matrix is in access.cpp.
enum class Action {
  kOrgRead,
  kOrgWrite,
  kUserRead,
  kUserWrite,    // create, edit, roles, reset password, unlock
  kAuditRead,
  kAssetRead,    // used by the asset register (issue 3)
  kAssetWrite,
  kAssessRead,    // detailed scores in scope; published rankings
  kAssessAdmin,   // templates, assessments, runs, publish, consequences
  kAssessSubmit,  // manual inputs, self-checks, appeals, rectification evidence
  kAssessReview,  // accept / reject inputs, decide appeals, verify rectification
  kAssessExpert,  // score assigned objects as a panel expert
};
std::string_view ActionName(Action a);  // "org.read", ...

struct RoleAssignment {
  Role role;
  int64_t scope_org_id = 0;
  std::string scope_path;  // materialized path of the scope org: "/1/4/"
  ScopeKind scope = ScopeKind::kUnit;
  std::string scope_org_name;
};

// A staff account (residents have none). The secret fields never leave the
// auth module: UserJson leaves them out.
struct User {
  int64_t id = 0;
  std::string username;
  std::string display_name;
  int64_t org_id = 0;
  std::string org_code;
  std::string org_name;
  std::string org_path;
  std::string org_level;
  std::optional<std::string> phone;
  std::optional<std::string> email;
  std::string password_hash;
  int64_t password_changed_at = 0;
  bool must_change_password = false;
  bool active = true;
  int failed_logins = 0;
  int64_t locked_until = 0;  // micros; 0 = not locked
  std::optional<std::string> totp_secret;
  bool totp_enabled = false;
  int64_t totp_last_step = 0;
  int64_t auth_version = 1;
  int64_t version = 1;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::vector<RoleAssignment> roles;
};

// Who is calling. Built by the auth service from a session or API token.
struct Principal {
  int64_t user_id = 0;
  std::string username;
  std::string display_name;
  int64_t org_id = 0;
  std::string org_code;
  std::string org_name;
  std::string org_level;
  std::vector<RoleAssignment> roles;
  int64_t session_id = 0;     // 0 for API tokens and the CLI
  bool via_token = false;
  bool is_system = false;     // the CLI acting locally (minsheng user create ...)

  bool HasRole(Role r) const;
};

// Per-request facts services record in the audit log.
struct Caller {
  const Principal* principal = nullptr;
  std::string request_id;
  std::string source_addr;
};

}  // namespace minsheng::auth
