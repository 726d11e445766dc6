#include "auth/service.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "audit/audit.h"
#include "auth/access.h"
#include "auth/totp.h"
#include "core/crypto.h"
#include "core/json_input.h"
#include "core/text.h"
#include "core/time.h"

namespace minsheng::auth {

namespace json = boost::json;

namespace {

// A cached session or token is re-read from the database this often, so a
// change made by another instance takes effect within a few seconds.
constexpr int64_t kCacheRefreshMicros = 5'000'000;
// last_seen / last_used are written back at most this often.
constexpr int64_t kTouchEveryMicros = 60'000'000;
constexpr int64_t kMicrosPerMinute = 60'000'000;

Error InvalidCredentials() {
  return MakeError(ErrorCode::kUnauthenticated, "auth.invalid_credentials", "用户名或密码错误",
                   "Wrong username or password");
}

Error Unauthenticated() {
  return MakeError(ErrorCode::kUnauthenticated, "unauthenticated", "请先登录", "Please log in");
}

Error SessionExpired() {
  return MakeError(ErrorCode::kUnauthenticated, "session_expired", "会话已过期，请重新登录",
                   "Your session has expired; please log in again");
}

Error WouldBlock() {
  return MakeError(ErrorCode::kUnavailable, "would_block", "", "");
}

Error Locked(int64_t until) {
  const int64_t minutes = std::max<int64_t>(1, (until - Now().micros + kMicrosPerMinute - 1) / kMicrosPerMinute);
  return MakeError(ErrorCode::kForbidden, "auth.locked",
                   "登录失败次数过多，账户已锁定，请 " + std::to_string(minutes) + " 分钟后再试或联系安全管理员",
                   "Too many failed logins: the account is locked; try again in " +
                       std::to_string(minutes) + " minutes or ask the security administrator");
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

json::value Opt(const std::optional<std::string>& v) { return v ? json::value(*v) : json::value(nullptr); }

}  // namespace

static json::array RolesArray(const std::vector<RoleAssignment>& roles) {
  json::array a;
  for (const auto& r : roles) {
    a.push_back(json::object{{"role", RoleName(r.role)},
                             {"scope_org_id", r.scope_org_id},
                             {"scope_org_name", r.scope_org_name},
                             {"scope", ScopeKindName(r.scope)}});
  }
  return a;
}

std::string RolesJson(const std::vector<RoleAssignment>& roles) {
  return json::serialize(json::object{{"roles", RolesArray(roles)}});
}

std::string UserJson(const User& u) {
  json::object j;
  j["id"] = u.id;
  j["username"] = u.username;
  j["display_name"] = u.display_name;
  j["org"] = json::object{{"id", u.org_id}, {"code", u.org_code}, {"name", u.org_name}};
  j["phone"] = Opt(u.phone);
  j["email"] = Opt(u.email);
  j["active"] = u.active;
  const bool locked = u.locked_until > Now().micros;
  j["locked"] = locked;
  j["locked_until"] = locked ? json::value(FormatUtc(UtcTime{u.locked_until})) : json::value(nullptr);
  j["totp_enabled"] = u.totp_enabled;
  j["must_change_password"] = u.must_change_password;
  j["roles"] = RolesArray(u.roles);
  j["version"] = u.version;
  j["created_at"] = FormatUtc(UtcTime{u.created_at});
  j["updated_at"] = FormatUtc(UtcTime{u.updated_at});
  return json::serialize(j);
}

// ---------------------------------------------------------------- AuthService

AuthService::AuthService(db::Database& db, const SecurityConfig& config) : db_(db), config_(config) {
  InitCrypto();
  dummy_hash_ = HashPassword("minsheng-dummy-password", config_.argon2_ops, config_.argon2_mem_kib)
                    .value();
}

Result<std::string> AuthService::Hash(std::string_view password) const {
  return HashPassword(password, config_.argon2_ops, config_.argon2_mem_kib);
}

bool AuthService::TotpRequiredFor(const User& u) const {
  return config_.totp_required_for_staff &&
         std::any_of(u.roles.begin(), u.roles.end(), [](const RoleAssignment& r) { return IsStaffRole(r.role); });
}

std::vector<FieldError> AuthService::CheckPasswordPolicy(std::string_view field, std::string_view pw,
                                                         std::string_view username) const {
  std::vector<FieldError> errors;
  const std::string f(field);
  const auto min = static_cast<size_t>(config_.password_min_length);
  if (!IsValidUtf8(pw) || HasControlChars(pw, false)) {
    errors.push_back({f, "invalid", "密码含有无效字符", "the password has invalid characters"});
    return errors;
  }
  const size_t n = CodePointCount(pw);
  if (n < min) {
    errors.push_back({f, "policy", "密码至少 " + std::to_string(min) + " 位",
                      "the password needs at least " + std::to_string(min) + " characters"});
  } else if (n > 128) {
    errors.push_back({f, "too_long", "密码最多 128 位", "the password may have at most 128 characters"});
  }
  if (config_.password_require_classes) {
    bool lower = false, upper = false, digit = false, other = false;
    for (const char ch : pw) {
      const auto c = static_cast<unsigned char>(ch);
      if (std::islower(c)) lower = true;
      else if (std::isupper(c)) upper = true;
      else if (std::isdigit(c)) digit = true;
      else other = true;
    }
    if (int{lower} + int{upper} + int{digit} + int{other} < 3) {
      errors.push_back({f, "policy", "密码需包含大写字母、小写字母、数字、符号中的至少三类",
                        "use at least three of: lower-case, upper-case, digits, symbols"});
    }
  }
  if (!username.empty() && Lower(pw).find(Lower(username)) != std::string::npos) {
    errors.push_back({f, "policy", "密码不能包含用户名", "the password must not contain the username"});
  }
  return errors;
}

Result<void> AuthService::CountFailure(const User& stale, const LoginRequest& r, std::string_view why) {
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(User u, AuthStore::UserById(*tx, stale.id));
  const int64_t now = Now().micros;
  // A lock that has run out starts a fresh count.
  int failed = (u.locked_until != 0 && u.locked_until <= now) ? 1 : u.failed_logins + 1;
  int64_t locked_until = 0;
  if (failed >= config_.lockout_threshold) locked_until = now + config_.lockout_minutes * kMicrosPerMinute;
  MS_TRY(AuthStore::RecordLoginFailure(*tx, u.id, failed, locked_until));
  Principal anon;
  anon.username = r.username;
  anon.is_system = true;
  const Caller caller{&anon, r.request_id, r.source_addr};
  json::object after{{"failed_logins", failed}, {"reason", why}};
  if (locked_until != 0) after["locked_until"] = FormatUtc(UtcTime{locked_until});
  MS_TRY(audit::Write(*tx, caller, {locked_until != 0 ? "auth.locked" : "auth.login_failed", "user",
                                    std::to_string(u.id), u.org_id, std::nullopt,
                                    json::serialize(after)}));
  MS_TRY(tx.Commit());
  Forget(u.id);
  if (locked_until != 0) return Locked(locked_until);
  return Ok();
}

Result<LoginResult> AuthService::Login(const LoginRequest& r) {
  const std::string username = Lower(Trim(r.username));
  User user;
  {
    MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
    auto found = AuthStore::UserByName(*conn, username);
    if (!found.ok()) {
      if (found.error().kind != ErrorCode::kNotFound) return std::move(found).error();
      (void)VerifyPassword(dummy_hash_, r.password);  // same cost as a real check
      Principal anon;
      anon.username = username;
      anon.is_system = true;
      MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
      MS_TRY(audit::Write(*tx, {&anon, r.request_id, r.source_addr},
                          {"auth.login_failed", "user", username, std::nullopt, std::nullopt,
                           R"({"reason":"unknown_user"})"}));
      MS_TRY(tx.Commit());
      return InvalidCredentials();
    }
    user = std::move(found).value();
  }
  const int64_t now = Now().micros;
  if (user.locked_until > now) {
    Principal anon;
    anon.username = username;
    anon.is_system = true;
    MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
    MS_TRY(audit::Write(*tx, {&anon, r.request_id, r.source_addr},
                        {"auth.login_failed", "user", std::to_string(user.id), user.org_id, std::nullopt,
                         R"({"reason":"locked"})"}));
    MS_TRY(tx.Commit());
    return Locked(user.locked_until);
  }
  if (!VerifyPassword(user.password_hash, r.password) || !user.active) {
    MS_TRY(CountFailure(user, r, user.active ? "password" : "inactive"));
    return InvalidCredentials();
  }
  int64_t step = user.totp_last_step;
  if (user.totp_enabled) {
    if (!r.totp || r.totp->empty()) {
      return MakeError(ErrorCode::kUnauthenticated, "auth.totp_required", "请输入动态验证码",
                       "Enter the code from your authenticator app");
    }
    const auto matched = VerifyTotp(user.totp_secret.value_or(""), *r.totp, Now().Seconds(),
                                    user.totp_last_step);
    if (!matched) {
      MS_TRY(CountFailure(user, r, "totp"));
      return MakeError(ErrorCode::kUnauthenticated, "auth.totp_invalid", "动态验证码错误或已使用",
                       "The code is wrong or was already used");
    }
    step = *matched;
  }

  LoginResult out;
  out.session_token = RandomToken(32);
  const std::string csrf = RandomToken(24);
  const int64_t expires = now + int64_t{config_.session_absolute_hours} * 60 * kMicrosPerMinute;
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_TRY(AuthStore::RecordLoginSuccess(*tx, user.id, step));
  MS_ASSIGN_OR_RETURN(const int64_t session_id,
                      AuthStore::InsertSession(*tx, Sha256Hex(out.session_token), user.id, csrf, expires,
                                               r.source_addr, r.user_agent.substr(0, 300)));
  MS_ASSIGN_OR_RETURN(out.state, StateFor(*tx, user.id, csrf, session_id, false));
  MS_TRY(audit::Write(*tx, {out.state.principal.get(), r.request_id, r.source_addr},
                      {"auth.login", "session", std::to_string(session_id), user.org_id, std::nullopt,
                       std::nullopt}));
  MS_TRY(tx.Commit());
  auto cached = std::make_shared<Cached>();
  cached->state = out.state;
  cached->id = session_id;
  cached->user_id = user.id;
  cached->created_at = now;
  cached->expires_at = expires;
  cached->loaded_at = now;
  cached->last_seen = now;
  cached->last_persisted = now;
  std::lock_guard lock(mutex_);
  cache_[Sha256Hex(out.session_token)] = std::move(cached);
  return out;
}

Result<void> AuthService::Logout(const Caller& caller) {
  const Principal& p = *caller.principal;
  if (p.session_id == 0) return Ok();
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_TRY(AuthStore::RevokeSession(*tx, p.session_id));
  MS_TRY(audit::Write(*tx, caller, {"auth.logout", "session", std::to_string(p.session_id), p.org_id,
                                    std::nullopt, std::nullopt}));
  MS_TRY(tx.Commit());
  std::lock_guard lock(mutex_);
  std::erase_if(cache_, [&](const auto& kv) { return kv.second->id == p.session_id && !kv.second->state.principal->via_token; });
  return Ok();
}

Result<SessionState> AuthService::StateFor(db::Connection& c, int64_t user_id, std::string csrf,
                                           int64_t session_id, bool via_token) {
  auto found = AuthStore::UserById(c, user_id);
  if (!found.ok()) return Unauthenticated();
  const User& u = *found;
  if (!u.active) return Unauthenticated();
  auto p = std::make_shared<Principal>();
  p->user_id = u.id;
  p->username = u.username;
  p->display_name = u.display_name;
  p->org_id = u.org_id;
  p->org_code = u.org_code;
  p->org_name = u.org_name;
  p->org_level = u.org_level;
  p->roles = u.roles;
  p->session_id = via_token ? 0 : session_id;
  p->via_token = via_token;
  SessionState s;
  s.principal = std::move(p);
  s.csrf_token = std::move(csrf);
  s.totp_enabled = u.totp_enabled;
  s.totp_enrolment_required = !via_token && TotpRequiredFor(u) && !u.totp_enabled;
  s.must_change_password = !via_token && u.must_change_password;
  s.me_json = std::make_shared<const std::string>(MeJson(s));
  return s;
}

Result<std::shared_ptr<AuthService::Cached>> AuthService::Load(std::string_view hash, bool is_token) {
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  auto cached = std::make_shared<Cached>();
  if (is_token) {
    MS_ASSIGN_OR_RETURN(auto row, AuthStore::TokenByHash(*conn, hash));
    if (!row) return Unauthenticated();
    MS_ASSIGN_OR_RETURN(cached->state, StateFor(*conn, row->user_id, "", 0, true));
    cached->id = row->id;
    cached->user_id = row->user_id;
    cached->expires_at = row->expires_at.value_or(0);
    cached->last_seen = row->last_used_at.value_or(0);
    cached->last_persisted = row->last_used_at.value_or(0);
  } else {
    MS_ASSIGN_OR_RETURN(auto row, AuthStore::SessionByHash(*conn, hash));
    if (!row) return Unauthenticated();
    MS_ASSIGN_OR_RETURN(cached->state, StateFor(*conn, row->user_id, row->csrf_token, row->id, false));
    cached->id = row->id;
    cached->user_id = row->user_id;
    cached->created_at = row->created_at;
    cached->expires_at = row->expires_at;
    cached->last_seen = row->last_seen_at;
    cached->last_persisted = row->last_seen_at;
  }
  cached->loaded_at = Now().micros;
  return cached;
}

Result<SessionState> AuthService::Resolve(std::string_view hash, bool is_token, bool allow_blocking) {
  const int64_t now = Now().micros;
  std::shared_ptr<Cached> c;
  {
    std::lock_guard lock(mutex_);
    if (auto it = cache_.find(std::string(hash)); it != cache_.end()) c = it->second;
  }
  if (!c || now - c->loaded_at > kCacheRefreshMicros) {
    if (!allow_blocking) return WouldBlock();
    auto loaded = Load(hash, is_token);
    if (!loaded.ok()) {
      std::lock_guard lock(mutex_);
      cache_.erase(std::string(hash));
      return std::move(loaded).error();
    }
    auto fresh = std::move(loaded).value();
    // Keep the newer in-memory last_seen across a refresh.
    if (c && c->last_seen.load() > fresh->last_seen.load()) fresh->last_seen = c->last_seen.load();
    c = std::move(fresh);
    std::lock_guard lock(mutex_);
    cache_[std::string(hash)] = c;
  }
  if (c->expires_at != 0 && now >= c->expires_at) return SessionExpired();
  if (!is_token && now - c->last_seen.load() > int64_t{config_.session_idle_minutes} * kMicrosPerMinute) {
    return SessionExpired();
  }
  if (now - c->last_persisted.load() > kTouchEveryMicros) {
    if (!allow_blocking) return WouldBlock();
    MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
    if (is_token) {
      MS_TRY(AuthStore::TouchToken(*tx, c->id, now));
    } else {
      MS_TRY(AuthStore::TouchSession(*tx, c->id, now));
    }
    MS_TRY(tx.Commit());
    c->last_persisted = now;
  }
  c->last_seen = now;
  return c->state;
}

Result<SessionState> AuthService::Authenticate(std::string_view token, bool allow_blocking) {
  if (token.empty() || token.size() > 200) return Unauthenticated();
  return Resolve(Sha256Hex(token), false, allow_blocking);
}

Result<SessionState> AuthService::AuthenticateToken(std::string_view bearer, bool allow_blocking) {
  if (!bearer.starts_with("ms_") || bearer.size() > 200) return Unauthenticated();
  return Resolve(Sha256Hex(bearer), true, allow_blocking);
}

void AuthService::Forget(int64_t user_id) {
  std::lock_guard lock(mutex_);
  std::erase_if(cache_, [&](const auto& kv) { return kv.second->user_id == user_id; });
}

Result<void> AuthService::ChangePassword(const Caller& caller, std::string_view current,
                                         std::string_view next) {
  const Principal& p = *caller.principal;
  User u;
  {
    MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
    MS_ASSIGN_OR_RETURN(u, AuthStore::UserById(*conn, p.user_id));
  }
  std::vector<FieldError> errors;
  if (!VerifyPassword(u.password_hash, current)) {
    errors.push_back({"current_password", "invalid", "当前密码不正确", "the current password is wrong"});
  }
  auto policy = CheckPasswordPolicy("new_password", next, u.username);
  errors.insert(errors.end(), policy.begin(), policy.end());
  if (errors.empty() && current == next) {
    errors.push_back({"new_password", "policy", "新密码不能与当前密码相同",
                      "the new password must differ from the current one"});
  }
  if (!errors.empty()) return ValidationError(std::move(errors));
  MS_ASSIGN_OR_RETURN(const std::string hash, Hash(next));
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_TRY(AuthStore::SetPassword(*tx, u.id, hash, false));
  // Other sessions end: whoever knew the old password is logged out.
  MS_TRY(AuthStore::RevokeUserSessions(*tx, u.id, p.session_id ? std::optional<int64_t>(p.session_id)
                                                                 : std::nullopt));
  MS_TRY(audit::Write(*tx, caller, {"user.password_change", "user", std::to_string(u.id), u.org_id,
                                    std::nullopt, std::nullopt}));
  MS_TRY(tx.Commit());
  Forget(u.id);
  return Ok();
}

Result<TotpSetup> AuthService::SetupTotp(const Caller& caller) {
  const Principal& p = *caller.principal;
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(User u, AuthStore::UserById(*tx, p.user_id));
  if (u.totp_enabled) {
    return MakeError(ErrorCode::kConflict, "auth.totp_already_enabled", "已启用动态验证码",
                     "Two-factor codes are already enabled");
  }
  TotpSetup out;
  out.secret = Base32Encode(RandomBytes(20));
  out.otpauth_uri = OtpauthUri(u.username, out.secret);
  MS_TRY(AuthStore::SetTotp(*tx, u.id, out.secret, false, 0));
  MS_TRY(audit::Write(*tx, caller, {"user.totp_setup", "user", std::to_string(u.id), u.org_id,
                                    std::nullopt, std::nullopt}));
  MS_TRY(tx.Commit());
  return out;
}

Result<void> AuthService::ConfirmTotp(const Caller& caller, std::string_view code) {
  const Principal& p = *caller.principal;
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(User u, AuthStore::UserById(*tx, p.user_id));
  if (u.totp_enabled || !u.totp_secret) {
    return MakeError(ErrorCode::kConflict, "auth.totp_not_pending", "请先生成动态验证码密钥",
                     "Start the set-up first");
  }
  const auto step = VerifyTotp(*u.totp_secret, code, Now().Seconds(), u.totp_last_step);
  if (!step) {
    return ValidationError({{"code", "invalid", "验证码错误", "the code is wrong"}});
  }
  MS_TRY(AuthStore::SetTotp(*tx, u.id, u.totp_secret, true, *step));
  MS_TRY(audit::Write(*tx, caller, {"user.totp_enable", "user", std::to_string(u.id), u.org_id,
                                    R"({"totp_enabled":false})", R"({"totp_enabled":true})"}));
  MS_TRY(tx.Commit());
  Forget(u.id);
  return Ok();
}

Result<void> AuthService::DisableTotp(const Caller& caller, std::string_view code) {
  const Principal& p = *caller.principal;
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(User u, AuthStore::UserById(*tx, p.user_id));
  if (!u.totp_enabled) {
    return MakeError(ErrorCode::kConflict, "auth.totp_not_enabled", "尚未启用动态验证码",
                     "Two-factor codes are not enabled");
  }
  if (TotpRequiredFor(u)) {
    return MakeError(ErrorCode::kForbidden, "auth.totp_required_by_policy",
                     "安全策略要求您使用动态验证码", "The security policy requires two-factor codes for you");
  }
  if (!VerifyTotp(u.totp_secret.value_or(""), code, Now().Seconds(), u.totp_last_step)) {
    return ValidationError({{"code", "invalid", "验证码错误", "the code is wrong"}});
  }
  MS_TRY(AuthStore::SetTotp(*tx, u.id, std::nullopt, false, 0));
  MS_TRY(audit::Write(*tx, caller, {"user.totp_disable", "user", std::to_string(u.id), u.org_id,
                                    R"({"totp_enabled":true})", R"({"totp_enabled":false})"}));
  MS_TRY(tx.Commit());
  Forget(u.id);
  return Ok();
}

Result<NewToken> AuthService::CreateToken(const Caller& caller, std::string_view name,
                                          std::optional<int> expires_days) {
  const Principal& p = *caller.principal;
  NewToken t;
  t.name = std::string(name);
  t.token = "ms_" + RandomToken(32);
  t.prefix = t.token.substr(0, 10);
  std::optional<int64_t> expires;
  if (expires_days) expires = Now().PlusSeconds(int64_t{*expires_days} * 86400).micros;
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(t.id, AuthStore::InsertToken(*tx, p.user_id, name, Sha256Hex(t.token), t.prefix, expires));
  MS_TRY(audit::Write(*tx, caller, {"token.create", "token", std::to_string(t.id), p.org_id, std::nullopt,
                                    json::serialize(json::object{{"name", t.name}, {"prefix", t.prefix}})}));
  MS_TRY(tx.Commit());
  return t;
}

Result<std::vector<TokenRow>> AuthService::ListTokens(const Principal& who) {
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  return AuthStore::ListTokens(*conn, who.user_id);
}

Result<void> AuthService::RevokeToken(const Caller& caller, int64_t id) {
  const Principal& p = *caller.principal;
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(auto tokens, AuthStore::ListTokens(*tx, p.user_id));
  const auto it = std::find_if(tokens.begin(), tokens.end(), [id](const TokenRow& t) { return t.id == id; });
  if (it == tokens.end()) return NotFoundError("令牌", "Token");
  MS_TRY(AuthStore::RevokeToken(*tx, p.user_id, id));
  MS_TRY(audit::Write(*tx, caller, {"token.revoke", "token", std::to_string(id), p.org_id,
                                    json::serialize(json::object{{"name", it->name}, {"prefix", it->prefix}}),
                                    std::nullopt}));
  MS_TRY(tx.Commit());
  Forget(p.user_id);
  return Ok();
}

}  // namespace minsheng::auth

namespace minsheng::auth {

std::string MeJson(const SessionState& s) {
  const Principal& p = *s.principal;
  json::object j;
  j["id"] = p.user_id;
  j["username"] = p.username;
  j["display_name"] = p.display_name;
  j["org"] = json::object{{"id", p.org_id}, {"code", p.org_code}, {"name", p.org_name}, {"level", p.org_level}};
  j["roles"] = RolesArray(p.roles);
  json::array perms;
  for (const auto& name : PermissionNames(p)) perms.push_back(json::string(name));
  j["permissions"] = std::move(perms);
  j["totp_enabled"] = s.totp_enabled;
  j["totp_enrolment_required"] = s.totp_enrolment_required;
  j["must_change_password"] = s.must_change_password;
  j["csrf_token"] = s.csrf_token;
  return json::serialize(j);
}

}  // namespace minsheng::auth
