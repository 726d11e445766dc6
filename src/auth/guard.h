// Guard: the authentication step in front of every protected route. It
// resolves the session cookie or bearer token, checks the CSRF token on
// cookie-authenticated writes, holds back users who must first change their
// password or enrol TOTP, and hands the handler a Context. Authorization of
// the action itself stays in the services (auth::Access).
// Thread-safe.
#pragma once

#include <functional>

#include "auth/service.h"
#include "http/router.h"

namespace minsheng::auth {

inline constexpr const char* kSessionCookie = "ms_session";

struct Context {
  http::Request& req;
  SessionState state;
  Caller caller;

  const Principal& who() const { return *state.principal; }
};

using AuthedHandler = std::function<http::Response(Context&)>;

struct GuardOptions {
  // Reachable while a password change or TOTP enrolment is still pending
  // (/me, /me/password, /me/totp/*, /auth/logout).
  bool allow_pending = false;
};

class Guard {
 public:
  Guard(AuthService& auth, bool secure_cookies) : auth_(auth), secure_cookies_(secure_cookies) {}

  http::Handler Wrap(AuthedHandler handler, GuardOptions options = {}) const;
  // Set-Cookie values for a new session and for logging out.
  std::string SessionCookie(std::string_view token) const;
  std::string ClearedCookie() const;

 private:
  AuthService& auth_;
  bool secure_cookies_;
};

}  // namespace minsheng::auth
