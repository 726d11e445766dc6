// Authentication and user administration.
//
// AuthService: login (argon2id, lockout, TOTP), sessions (idle and absolute
// timeouts, CSRF token), API tokens, the caller's own password and TOTP.
// Sessions and tokens are cached in memory for the hot path (every request
// authenticates); the cache is refreshed from the database every few
// seconds, and cleared at once for a user whose roles, password or state
// change on this instance.
//
// UserService: the security admin's user and role administration.
//
// Thread-safe: the caches are guarded by a mutex; everything else is the
// thread-safe Database.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/model.h"
#include "auth/store.h"
#include "core/config.h"
#include "core/result.h"
#include "db/database.h"
#include "org/service.h"

namespace minsheng::auth {

// What the console needs to know about the caller beyond the principal.
struct SessionState {
  std::shared_ptr<const Principal> principal;
  std::string csrf_token;  // empty for API tokens
  bool totp_enabled = false;
  bool totp_enrolment_required = false;
  bool must_change_password = false;
  // GET /me's body, built once per cached session (it is asked for often).
  std::shared_ptr<const std::string> me_json;
};

struct LoginRequest {
  std::string username;
  std::string password;
  std::optional<std::string> totp;
  std::string source_addr;
  std::string user_agent;
  std::string request_id;
};

struct LoginResult {
  std::string session_token;  // goes into the cookie; only its hash is stored
  SessionState state;
};

struct NewToken {
  int64_t id = 0;
  std::string name;
  std::string prefix;
  std::string token;  // shown once
};

struct TotpSetup {
  std::string secret;  // base32
  std::string otpauth_uri;
};

class AuthService {
 public:
  AuthService(db::Database& db, const SecurityConfig& config);

  // Unauthenticated "auth.invalid_credentials" / "auth.totp_required" /
  // "auth.totp_invalid", Forbidden "auth.locked". Failures are audited and
  // counted towards the lockout.
  Result<LoginResult> Login(const LoginRequest& request);
  Result<void> Logout(const Caller& caller);

  // The session behind a cookie token. Unauthenticated "unauthenticated" or
  // "session_expired". allow_blocking=false answers only from the cache and
  // returns Unavailable "would_block" when the database is needed.
  Result<SessionState> Authenticate(std::string_view session_token, bool allow_blocking = true);
  Result<SessionState> AuthenticateToken(std::string_view bearer, bool allow_blocking = true);

  Result<void> ChangePassword(const Caller& caller, std::string_view current, std::string_view next);
  Result<TotpSetup> SetupTotp(const Caller& caller);
  Result<void> ConfirmTotp(const Caller& caller, std::string_view code);
  Result<void> DisableTotp(const Caller& caller, std::string_view code);

  Result<NewToken> CreateToken(const Caller& caller, std::string_view name,
                               std::optional<int> expires_days);
  Result<std::vector<TokenRow>> ListTokens(const Principal& who);
  Result<void> RevokeToken(const Caller& caller, int64_t id);

  // Password rules from the configuration; field errors under `field`.
  std::vector<FieldError> CheckPasswordPolicy(std::string_view field, std::string_view password,
                                              std::string_view username) const;
  Result<std::string> Hash(std::string_view password) const;
  // Drops cached sessions/tokens of a user (after role, password, state changes).
  void Forget(int64_t user_id);
  // Whether TOTP is required for this user's roles under the configuration.
  bool TotpRequiredFor(const User& u) const;

  const SecurityConfig& config() const { return config_; }

 private:
  struct Cached {
    SessionState state;
    int64_t id = 0;  // session or token id
    int64_t user_id = 0;
    int64_t created_at = 0;
    int64_t expires_at = 0;  // absolute (0: none)
    int64_t loaded_at = 0;
    std::atomic<int64_t> last_seen{0};
    std::atomic<int64_t> last_persisted{0};
  };

  Result<SessionState> Resolve(std::string_view hash, bool is_token, bool allow_blocking);
  Result<std::shared_ptr<Cached>> Load(std::string_view hash, bool is_token);
  Result<SessionState> StateFor(db::Connection& c, int64_t user_id, std::string csrf, int64_t session_id,
                                bool via_token);
  Result<void> CountFailure(const User& u, const LoginRequest& r, std::string_view why);

  db::Database& db_;
  SecurityConfig config_;
  std::string dummy_hash_;  // verified for unknown users so timing does not tell

  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<Cached>> cache_;  // GUARDED_BY(mutex_), by token hash
};

struct NewUser {
  std::string username;
  std::string display_name;
  int64_t org_id = 0;
  std::string password;
  std::optional<std::string> phone;
  std::optional<std::string> email;
  bool must_change_password = true;
  std::vector<std::pair<std::string, std::optional<int64_t>>> roles;  // role name, scope org
};

struct UserPatch {
  int64_t version = 0;
  std::optional<std::string> display_name;
  std::optional<std::string> phone;
  std::optional<std::string> email;
  std::optional<bool> active;
  std::optional<int64_t> org_id;
};

class UserService {
 public:
  UserService(db::Database& db, AuthService& auth, org::OrgService& orgs)
      : db_(db), auth_(auth), orgs_(orgs) {}

  Result<std::vector<User>> List(const Principal& who, const UserFilter& filter);
  Result<User> Get(const Principal& who, int64_t id);
  Result<User> Create(const Caller& caller, const NewUser& input);
  Result<User> Update(const Caller& caller, int64_t id, const UserPatch& patch);
  Result<User> SetRoles(const Caller& caller, int64_t id,
                        const std::vector<std::pair<std::string, std::optional<int64_t>>>& roles);
  Result<void> ResetPassword(const Caller& caller, int64_t id, std::string_view password,
                             bool must_change);
  Result<void> Unlock(const Caller& caller, int64_t id);
  Result<void> ResetTotp(const Caller& caller, int64_t id);

 private:
  // Checks role names, scopes and the separation of duties; field errors
  // under "roles[i]".
  Result<std::vector<RoleRow>> CheckRoles(
      db::Connection& c, const Principal& who, int64_t user_org_id,
      const std::vector<std::pair<std::string, std::optional<int64_t>>>& roles,
      std::vector<FieldError>& errors);
  Result<User> LoadForWrite(db::Connection& c, const Principal& who, int64_t id);

  db::Database& db_;
  AuthService& auth_;
  org::OrgService& orgs_;
};

// JSON forms used by the API and the audit log (never with secrets).
std::string UserJson(const User& u);
std::string RolesJson(const std::vector<RoleAssignment>& roles);
// {"id","username",…,"permissions","csrf_token"}: the caller as GET /me shows it.
std::string MeJson(const SessionState& state);

}  // namespace minsheng::auth
