// SQL of the auth module: users, role assignments, sessions, API tokens.
#pragma once

#include "db/database.h"

namespace minsheng::auth::sql {

#define MS_USER_COLUMNS                                                                       \
  "u.id, u.username, u.display_name, u.org_id, o.code, o.name, o.path, u.phone, u.email, "   \
  "u.password_hash, u.password_changed_at, u.must_change_password, u.active, u.failed_logins, " \
  "u.locked_until, u.totp_secret, u.totp_enabled, u.totp_last_step, u.auth_version, u.version, " \
  "u.created_at, u.updated_at, o.level"

inline constexpr db::Sql kUserById{
    "auth.user_by_id",
    "SELECT " MS_USER_COLUMNS " FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = $1"};
inline constexpr db::Sql kUserByName{
    "auth.user_by_name",
    "SELECT " MS_USER_COLUMNS " FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.username = $1"};
inline constexpr db::Sql kUserCount{"auth.user_count", "SELECT COUNT(*) FROM users"};

// $1 scope root path, $2 exact; then optional filters.
inline constexpr db::Sql kUserList{
    "auth.user_list",
    "SELECT " MS_USER_COLUMNS " FROM users u JOIN orgs o ON o.id = u.org_id "
    "WHERE (o.path = CAST($1 AS TEXT) OR ($2 = 0 AND o.path LIKE CAST($1 AS TEXT) || '%')) "
    "AND (CAST($3 AS BIGINT) IS NULL OR u.org_id = $3) "
    "AND (CAST($4 AS TEXT) IS NULL OR lower(u.username) LIKE $4 ESCAPE '!' "
    "     OR lower(u.display_name) LIKE $4 ESCAPE '!') "
    "AND (CAST($5 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM user_roles r "
    "     WHERE r.user_id = u.id AND r.role = $5)) "
    "AND (CAST($6 AS BIGINT) IS NULL OR u.id > $6) "
    "ORDER BY u.id LIMIT $7"};

inline constexpr db::Sql kUserInsert{
    "auth.user_insert",
    "INSERT INTO users (username, display_name, org_id, phone, email, password_hash, "
    "password_changed_at, must_change_password, active, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $7, $7) RETURNING id"};
inline constexpr db::Sql kUserUpdateProfile{
    "auth.user_update_profile",
    "UPDATE users SET display_name = $2, phone = $3, email = $4, active = $5, org_id = $6, "
    "version = version + 1, auth_version = auth_version + 1, updated_at = $7 "
    "WHERE id = $1 AND version = $8"};
inline constexpr db::Sql kUserSetPassword{
    "auth.user_set_password",
    "UPDATE users SET password_hash = $2, password_changed_at = $3, must_change_password = $4, "
    "failed_logins = 0, locked_until = 0, auth_version = auth_version + 1, version = version + 1, "
    "updated_at = $3 WHERE id = $1"};
inline constexpr db::Sql kUserLoginFailed{
    "auth.user_login_failed",
    "UPDATE users SET failed_logins = $2, locked_until = $3 WHERE id = $1"};
inline constexpr db::Sql kUserLoginOk{
    "auth.user_login_ok",
    "UPDATE users SET failed_logins = 0, locked_until = 0, totp_last_step = $2 WHERE id = $1"};
inline constexpr db::Sql kUserUnlock{
    "auth.user_unlock",
    "UPDATE users SET failed_logins = 0, locked_until = 0, version = version + 1, updated_at = $2 "
    "WHERE id = $1"};
inline constexpr db::Sql kUserSetTotp{
    "auth.user_set_totp",
    "UPDATE users SET totp_secret = $2, totp_enabled = $3, totp_last_step = $4, "
    "auth_version = auth_version + 1, version = version + 1, updated_at = $5 WHERE id = $1"};
inline constexpr db::Sql kUserBumpVersion{
    "auth.user_bump_version",
    "UPDATE users SET version = version + 1, auth_version = auth_version + 1, updated_at = $2 "
    "WHERE id = $1"};

inline constexpr db::Sql kRolesOf{
    "auth.roles_of",
    "SELECT r.role, r.scope_org_id, o.name, o.path FROM user_roles r "
    "JOIN orgs o ON o.id = r.scope_org_id WHERE r.user_id = $1 ORDER BY r.role, r.scope_org_id"};
inline constexpr db::Sql kRolesDelete{"auth.roles_delete", "DELETE FROM user_roles WHERE user_id = $1"};
inline constexpr db::Sql kRoleInsert{
    "auth.role_insert", "INSERT INTO user_roles (user_id, role, scope_org_id) VALUES ($1, $2, $3)"};

inline constexpr db::Sql kSessionInsert{
    "auth.session_insert",
    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, "
    "source_addr, user_agent) VALUES ($1, $2, $3, $4, $4, $5, $6, $7) RETURNING id"};
inline constexpr db::Sql kSessionByHash{
    "auth.session_by_hash",
    "SELECT id, user_id, csrf_token, created_at, last_seen_at, expires_at FROM sessions "
    "WHERE token_hash = $1 AND revoked = 0"};
inline constexpr db::Sql kSessionTouch{
    "auth.session_touch", "UPDATE sessions SET last_seen_at = $2 WHERE id = $1"};
inline constexpr db::Sql kSessionRevoke{
    "auth.session_revoke", "UPDATE sessions SET revoked = 1 WHERE id = $1"};
inline constexpr db::Sql kSessionRevokeUser{
    "auth.session_revoke_user", "UPDATE sessions SET revoked = 1 WHERE user_id = $1 AND revoked = 0"};
inline constexpr db::Sql kSessionRevokeOthers{
    "auth.session_revoke_others",
    "UPDATE sessions SET revoked = 1 WHERE user_id = $1 AND id <> $2 AND revoked = 0"};

inline constexpr db::Sql kTokenInsert{
    "auth.token_insert",
    "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, expires_at) "
    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"};
inline constexpr db::Sql kTokenList{
    "auth.token_list",
    "SELECT id, name, prefix, created_at, last_used_at, expires_at FROM api_tokens "
    "WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id"};
inline constexpr db::Sql kTokenByHash{
    "auth.token_by_hash",
    "SELECT id, user_id, expires_at, last_used_at FROM api_tokens "
    "WHERE token_hash = $1 AND revoked_at IS NULL"};
inline constexpr db::Sql kTokenRevoke{
    "auth.token_revoke",
    "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL"};
inline constexpr db::Sql kTokenRevokeUser{
    "auth.token_revoke_user",
    "UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL"};
inline constexpr db::Sql kTokenTouch{
    "auth.token_touch", "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1"};

#undef MS_USER_COLUMNS

}  // namespace minsheng::auth::sql
