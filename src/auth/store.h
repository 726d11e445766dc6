// AuthStore: persistence of users, role assignments, sessions and API tokens.
// SQL lives here and in sql.h only. Calls run on the connection the service
// supplies. Stateless; thread-safe.
#pragma once

#include <optional>
#include <vector>

#include "auth/model.h"
#include "core/result.h"
#include "db/database.h"

namespace minsheng::auth {

struct UserFilter {
  std::optional<int64_t> org_id;
  std::optional<std::string> q;
  std::optional<std::string> role;
  std::optional<int64_t> after_id;
  int limit = 50;
};

struct NewUserRow {
  std::string username;
  std::string display_name;
  int64_t org_id = 0;
  std::optional<std::string> phone;
  std::optional<std::string> email;
  std::string password_hash;
  bool must_change_password = false;
};

struct SessionRow {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string csrf_token;
  int64_t created_at = 0;
  int64_t last_seen_at = 0;
  int64_t expires_at = 0;
};

struct TokenRow {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string name;
  std::string prefix;
  int64_t created_at = 0;
  std::optional<int64_t> last_used_at;
  std::optional<int64_t> expires_at;
};

struct RoleRow {
  Role role;
  int64_t scope_org_id;
};

class AuthStore {
 public:
  // NotFound when absent. Both load the user's role assignments too.
  static Result<User> UserById(db::Connection& c, int64_t id);
  static Result<User> UserByName(db::Connection& c, std::string_view username);
  static Result<int64_t> UserCount(db::Connection& c);
  static Result<std::vector<User>> ListUsers(db::Connection& c, std::string_view root_path,
                                             bool exact, const UserFilter& f);
  // Conflict "duplicate" (fields[0].field "users_username") when taken.
  static Result<int64_t> InsertUser(db::Connection& c, const NewUserRow& u);
  // Conflict "version_conflict" when version differs.
  static Result<void> UpdateProfile(db::Connection& c, const User& u, int64_t expected_version);
  static Result<void> SetPassword(db::Connection& c, int64_t id, std::string_view hash,
                                  bool must_change);
  static Result<void> RecordLoginFailure(db::Connection& c, int64_t id, int failed, int64_t locked_until);
  static Result<void> RecordLoginSuccess(db::Connection& c, int64_t id, int64_t totp_step);
  static Result<void> Unlock(db::Connection& c, int64_t id);
  static Result<void> SetTotp(db::Connection& c, int64_t id, const std::optional<std::string>& secret,
                              bool enabled, int64_t last_step);
  static Result<void> BumpVersion(db::Connection& c, int64_t id);
  static Result<void> ReplaceRoles(db::Connection& c, int64_t user_id, const std::vector<RoleRow>& roles);

  static Result<int64_t> InsertSession(db::Connection& c, std::string_view token_hash, int64_t user_id,
                                       std::string_view csrf, int64_t expires_at,
                                       std::string_view source, std::string_view user_agent);
  static Result<std::optional<SessionRow>> SessionByHash(db::Connection& c, std::string_view hash);
  static Result<void> TouchSession(db::Connection& c, int64_t id, int64_t at);
  static Result<void> RevokeSession(db::Connection& c, int64_t id);
  static Result<void> RevokeUserSessions(db::Connection& c, int64_t user_id,
                                         std::optional<int64_t> except_session);

  static Result<int64_t> InsertToken(db::Connection& c, int64_t user_id, std::string_view name,
                                     std::string_view hash, std::string_view prefix,
                                     std::optional<int64_t> expires_at);
  static Result<std::vector<TokenRow>> ListTokens(db::Connection& c, int64_t user_id);
  static Result<std::optional<TokenRow>> TokenByHash(db::Connection& c, std::string_view hash);
  // NotFound when the user has no such live token.
  static Result<void> RevokeToken(db::Connection& c, int64_t user_id, int64_t id);
  static Result<void> RevokeUserTokens(db::Connection& c, int64_t user_id);
  static Result<void> TouchToken(db::Connection& c, int64_t id, int64_t at);
};

}  // namespace minsheng::auth
