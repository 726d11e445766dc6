// Access: the one place where "may this principal do this action on this
// org's data?" is decided. Every service calls it before touching data.
//
// A principal is allowed when one of its role assignments grants the action
// and the target org lies in that assignment's scope (its own unit, the
// subtree under its scope org, or everything). Stateless and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "auth/model.h"
#include "core/result.h"

namespace minsheng::auth {

// True when role grants action (the role × action matrix).
bool RoleGrants(Role role, Action action);
std::vector<Action> ActionsOf(Role role);
// The distinct actions of all the principal's roles, as names ("org.read").
std::vector<std::string> PermissionNames(const Principal& p);

// Whether some assignment grants the action at all (ignoring scope).
bool Can(const Principal& p, Action action);
// Whether the action is granted on data owned by the org with this path.
bool CanOn(const Principal& p, Action action, std::string_view org_path);

// Forbidden (403) when the principal may not do the action anywhere;
// NotFound (404) when it may, but not on this org (so existence is not leaked).
Result<void> Require(const Principal& p, Action action);
Result<void> RequireOn(const Principal& p, Action action, std::string_view org_path,
                       std::string_view what_zh = "记录", std::string_view what_en = "Record");

// The org paths under which the action is granted, for list queries:
// empty vector means nothing; a vector with "/" means everything.
// Paths are minimal (none is inside another). Unit scopes come back with
// exact=true: only that org, not its subtree.
struct ScopeRoot {
  std::string path;
  bool exact = false;
};
std::vector<ScopeRoot> ScopeRoots(const Principal& p, Action action);

}  // namespace minsheng::auth
