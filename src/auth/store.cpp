#include "auth/store.h"

#include "auth/access.h"
#include "auth/sql.h"
#include "core/text.h"
#include "core/time.h"

namespace minsheng::auth {
namespace {

User UserFromRow(const db::Row& r) {
  User u;
  u.id = r.Int(0);
  u.username = r.Text(1);
  u.display_name = r.Text(2);
  u.org_id = r.Int(3);
  u.org_code = r.Text(4);
  u.org_name = r.Text(5);
  u.org_path = r.Text(6);
  u.phone = r.OptText(7);
  u.email = r.OptText(8);
  u.password_hash = r.Text(9);
  u.password_changed_at = r.Int(10);
  u.must_change_password = r.Bool(11);
  u.active = r.Bool(12);
  u.failed_logins = static_cast<int>(r.Int(13));
  u.locked_until = r.Int(14);
  u.totp_secret = r.OptText(15);
  u.totp_enabled = r.Bool(16);
  u.totp_last_step = r.Int(17);
  u.auth_version = r.Int(18);
  u.version = r.Int(19);
  u.created_at = r.Int(20);
  u.updated_at = r.Int(21);
  u.org_level = r.Text(22);
  return u;
}

Result<void> LoadRoles(db::Connection& c, User& u) {
  u.roles.clear();
  return c.ForEach(sql::kRolesOf, {u.id}, [&](const db::Row& r) {
    if (auto role = ParseRole(r.Text(0))) {
      u.roles.push_back({*role, r.Int(1), r.Text(3), DefaultScope(*role), r.Text(2)});
    }
    return true;
  });
}

Result<User> OneUser(db::Connection& c, Result<db::Rows> rows) {
  if (!rows.ok()) return std::move(rows).error();
  if (rows->empty()) return NotFoundError("用户", "User");
  User u = UserFromRow((*rows)[0]);
  MS_TRY(LoadRoles(c, u));
  return u;
}


Error VersionConflict() {
  return MakeError(ErrorCode::kConflict, "version_conflict", "数据已被他人修改，请刷新后重试",
                   "The record was changed by someone else; reload and try again");
}

}  // namespace

Result<User> AuthStore::UserById(db::Connection& c, int64_t id) {
  return OneUser(c, c.Query(sql::kUserById, {id}));
}

Result<User> AuthStore::UserByName(db::Connection& c, std::string_view username) {
  return OneUser(c, c.Query(sql::kUserByName, {username}));
}

Result<int64_t> AuthStore::UserCount(db::Connection& c) { return c.QueryInt(sql::kUserCount); }

Result<std::vector<User>> AuthStore::ListUsers(db::Connection& c, std::string_view root_path,
                                               bool exact, const UserFilter& f) {
  std::optional<std::string> pattern;
  if (f.q) pattern = LikeContainsPattern(*f.q);
  std::vector<User> out;
  MS_TRY(c.ForEach(sql::kUserList, {root_path, exact, f.org_id, pattern, f.role, f.after_id, f.limit},
                   [&](const db::Row& r) {
                     out.push_back(UserFromRow(r));
                     return true;
                   }));
  for (auto& u : out) MS_TRY(LoadRoles(c, u));
  return out;
}

Result<int64_t> AuthStore::InsertUser(db::Connection& c, const NewUserRow& u) {
  return c.QueryInt(sql::kUserInsert, {u.username, u.display_name, u.org_id, u.phone, u.email,
                                       u.password_hash, Now().micros, u.must_change_password});
}

Result<void> AuthStore::UpdateProfile(db::Connection& c, const User& u, int64_t expected_version) {
  MS_ASSIGN_OR_RETURN(const int64_t n,
                      c.Exec(sql::kUserUpdateProfile, {u.id, u.display_name, u.phone, u.email, u.active,
                                                       u.org_id, Now().micros, expected_version}));
  if (n == 0) return VersionConflict();
  return Ok();
}

Result<void> AuthStore::SetPassword(db::Connection& c, int64_t id, std::string_view hash,
                                    bool must_change) {
  MS_TRY(c.Exec(sql::kUserSetPassword, {id, hash, Now().micros, must_change}));
  return Ok();
}

Result<void> AuthStore::RecordLoginFailure(db::Connection& c, int64_t id, int failed,
                                           int64_t locked_until) {
  MS_TRY(c.Exec(sql::kUserLoginFailed, {id, failed, locked_until}));
  return Ok();
}

Result<void> AuthStore::RecordLoginSuccess(db::Connection& c, int64_t id, int64_t totp_step) {
  MS_TRY(c.Exec(sql::kUserLoginOk, {id, totp_step}));
  return Ok();
}

Result<void> AuthStore::Unlock(db::Connection& c, int64_t id) {
  MS_TRY(c.Exec(sql::kUserUnlock, {id, Now().micros}));
  return Ok();
}

Result<void> AuthStore::SetTotp(db::Connection& c, int64_t id, const std::optional<std::string>& secret,
                                bool enabled, int64_t last_step) {
  MS_TRY(c.Exec(sql::kUserSetTotp, {id, secret, enabled, last_step, Now().micros}));
  return Ok();
}

Result<void> AuthStore::BumpVersion(db::Connection& c, int64_t id) {
  MS_TRY(c.Exec(sql::kUserBumpVersion, {id, Now().micros}));
  return Ok();
}

Result<void> AuthStore::ReplaceRoles(db::Connection& c, int64_t user_id,
                                     const std::vector<RoleRow>& roles) {
  MS_TRY(c.Exec(sql::kRolesDelete, {user_id}));
  for (const auto& r : roles) MS_TRY(c.Exec(sql::kRoleInsert, {user_id, RoleName(r.role), r.scope_org_id}));
  return Ok();
}

Result<int64_t> AuthStore::InsertSession(db::Connection& c, std::string_view token_hash, int64_t user_id,
                                         std::string_view csrf, int64_t expires_at,
                                         std::string_view source, std::string_view user_agent) {
  return c.QueryInt(sql::kSessionInsert,
                    {token_hash, user_id, csrf, Now().micros, expires_at, source, user_agent});
}

Result<std::optional<SessionRow>> AuthStore::SessionByHash(db::Connection& c, std::string_view hash) {
  MS_ASSIGN_OR_RETURN(auto rows, c.Query(sql::kSessionByHash, {hash}));
  if (rows.empty()) return std::optional<SessionRow>();
  const auto r = rows[0];
  return std::optional<SessionRow>(
      SessionRow{r.Int(0), r.Int(1), r.Text(2), r.Int(3), r.Int(4), r.Int(5)});
}

Result<void> AuthStore::TouchSession(db::Connection& c, int64_t id, int64_t at) {
  MS_TRY(c.Exec(sql::kSessionTouch, {id, at}));
  return Ok();
}

Result<void> AuthStore::RevokeSession(db::Connection& c, int64_t id) {
  MS_TRY(c.Exec(sql::kSessionRevoke, {id}));
  return Ok();
}

Result<void> AuthStore::RevokeUserSessions(db::Connection& c, int64_t user_id,
                                           std::optional<int64_t> except_session) {
  if (except_session) {
    MS_TRY(c.Exec(sql::kSessionRevokeOthers, {user_id, *except_session}));
  } else {
    MS_TRY(c.Exec(sql::kSessionRevokeUser, {user_id}));
  }
  return Ok();
}

Result<int64_t> AuthStore::InsertToken(db::Connection& c, int64_t user_id, std::string_view name,
                                       std::string_view hash, std::string_view prefix,
                                       std::optional<int64_t> expires_at) {
  return c.QueryInt(sql::kTokenInsert, {user_id, name, hash, prefix, Now().micros, expires_at});
}

Result<std::vector<TokenRow>> AuthStore::ListTokens(db::Connection& c, int64_t user_id) {
  std::vector<TokenRow> out;
  MS_TRY(c.ForEach(sql::kTokenList, {user_id}, [&](const db::Row& r) {
    out.push_back({r.Int(0), user_id, r.Text(1), r.Text(2), r.Int(3), r.OptInt(4), r.OptInt(5)});
    return true;
  }));
  return out;
}

Result<std::optional<TokenRow>> AuthStore::TokenByHash(db::Connection& c, std::string_view hash) {
  MS_ASSIGN_OR_RETURN(auto rows, c.Query(sql::kTokenByHash, {hash}));
  if (rows.empty()) return std::optional<TokenRow>();
  const auto r = rows[0];
  TokenRow t;
  t.id = r.Int(0);
  t.user_id = r.Int(1);
  t.expires_at = r.OptInt(2);
  t.last_used_at = r.OptInt(3);
  return std::optional<TokenRow>(t);
}

Result<void> AuthStore::RevokeToken(db::Connection& c, int64_t user_id, int64_t id) {
  MS_ASSIGN_OR_RETURN(const int64_t n, c.Exec(sql::kTokenRevoke, {id, user_id, Now().micros}));
  if (n == 0) return NotFoundError("令牌", "Token");
  return Ok();
}

Result<void> AuthStore::RevokeUserTokens(db::Connection& c, int64_t user_id) {
  MS_TRY(c.Exec(sql::kTokenRevokeUser, {user_id, Now().micros}));
  return Ok();
}

Result<void> AuthStore::TouchToken(db::Connection& c, int64_t id, int64_t at) {
  MS_TRY(c.Exec(sql::kTokenTouch, {id, at}));
  return Ok();
}

}  // namespace minsheng::auth
