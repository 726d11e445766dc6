// HTTP routes of the auth module: login/logout, the caller's own account
// (/me, password, TOTP, API tokens), roles, and user administration.
#pragma once

#include "auth/guard.h"
#include "auth/service.h"
#include "http/router.h"

namespace minsheng::auth {

void RegisterAuthRoutes(http::Router& router, const Guard& guard, AuthService& auth, UserService& users);

}  // namespace minsheng::auth
