#include "auth/guard.h"

#include "core/crypto.h"

namespace minsheng::auth {

http::Handler Guard::Wrap(AuthedHandler handler, GuardOptions options) const {
  return [this, handler = std::move(handler), options](http::Request& req) -> http::Response {
    const std::string_view authz = req.Header("authorization");
    const bool bearer = authz.size() > 7 && (authz.starts_with("Bearer ") || authz.starts_with("bearer "));
    auto state = bearer ? auth_.AuthenticateToken(authz.substr(7), req.blocking_allowed)
                        : auth_.Authenticate(req.Cookie(kSessionCookie), req.blocking_allowed);
    if (!state.ok()) {
      if (state.error().code == "would_block") return http::Response::Defer();
      return http::Problem(state.error(), req);
    }
    const bool safe = req.method == http::Method::kGet || req.method == http::Method::kHead ||
                      req.method == http::Method::kOptions;
    if (!bearer && !safe && !ConstantTimeEquals(req.Header("x-csrf-token"), state->csrf_token)) {
      return http::Problem(MakeError(ErrorCode::kForbidden, "csrf_failed", "请求校验失败，请刷新页面后重试",
                                     "The request could not be verified; reload the page and try again"),
                           req);
    }
    if (!options.allow_pending) {
      if (state->must_change_password) {
        return http::Problem(MakeError(ErrorCode::kForbidden, "auth.password_change_required",
                                       "请先修改密码", "Change your password first"),
                             req);
      }
      if (state->totp_enrolment_required) {
        return http::Problem(MakeError(ErrorCode::kForbidden, "auth.totp_enrolment_required",
                                       "请先启用动态验证码", "Set up two-factor codes first"),
                             req);
      }
    }
    Context ctx{req, std::move(state).value(), {}};
    ctx.caller = Caller{ctx.state.principal.get(), req.request_id, req.remote_addr};
    return handler(ctx);
  };
}

std::string Guard::SessionCookie(std::string_view token) const {
  std::string c = std::string(kSessionCookie) + "=" + std::string(token) + "; Path=/; HttpOnly; SameSite=Strict";
  if (secure_cookies_) c += "; Secure";
  return c;
}

std::string Guard::ClearedCookie() const {
  std::string c = std::string(kSessionCookie) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict";
  if (secure_cookies_) c += "; Secure";
  return c;
}

}  // namespace minsheng::auth
