// UserService: the security admin's administration of accounts and roles.
#include <algorithm>
#include <boost/json.hpp>

#include "audit/audit.h"
#include "auth/access.h"
#include "auth/service.h"
#include "core/json_input.h"
#include "core/text.h"

namespace minsheng::auth {

namespace {

bool ValidUsername(std::string_view u) {
  if (u.size() < 3 || u.size() > 32) return false;
  if (!std::isalnum(static_cast<unsigned char>(u.front()))) return false;
  return std::all_of(u.begin(), u.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return std::islower(c) || std::isdigit(c) || ch == '.' || ch == '_' || ch == '-';
  });
}

void CheckContact(const std::optional<std::string>& phone, const std::optional<std::string>& email,
                  std::vector<FieldError>& errors) {
  if (phone) {
    const bool ok = phone->size() <= 20 && std::all_of(phone->begin(), phone->end(), [](char ch) {
      return std::isdigit(static_cast<unsigned char>(ch)) || ch == '+' || ch == '-' || ch == ' ';
    });
    if (!ok) errors.push_back({"phone", "invalid", "电话号码格式不正确", "not a phone number"});
  }
  if (email) {
    const auto at = email->find('@');
    if (email->size() > 100 || at == std::string::npos || at == 0 || at + 1 == email->size() ||
        HasControlChars(*email, false) || email->find(' ') != std::string::npos)
      errors.push_back({"email", "invalid", "电子邮箱格式不正确", "not an e-mail address"});
  }
}

Error SelfChange(std::string field) {
  return ValidationError({{std::move(field), "self", "不能修改自己的角色或停用自己",
                           "you cannot change your own roles or deactivate yourself"}});
}

}  // namespace

Result<std::vector<RoleRow>> UserService::CheckRoles(
    db::Connection& /*c*/, const Principal& who, int64_t user_org_id,
    const std::vector<std::pair<std::string, std::optional<int64_t>>>& roles,
    std::vector<FieldError>& errors) {
  std::vector<RoleRow> out;
  bool separated = false;
  for (size_t i = 0; i < roles.size(); ++i) {
    const std::string field = "roles[" + std::to_string(i) + "]";
    const auto role = ParseRole(roles[i].first);
    if (!role) {
      errors.push_back({field + ".role", "invalid", "角色无效", "unknown role"});
      continue;
    }
    separated = separated || IsSeparatedRole(*role);
    const int64_t scope_org = roles[i].second.value_or(user_org_id);
    if (DefaultScope(*role) == ScopeKind::kUnit && scope_org != user_org_id) {
      errors.push_back({field + ".scope_org_id", "invalid", "单位级角色的范围只能是用户所在单位",
                        "a unit-level role can only cover the user's own unit"});
      continue;
    }
    auto org = orgs_.Lookup(scope_org);
    if (!org.ok() || !CanOn(who, Action::kUserWrite, org->path)) {
      errors.push_back({field + ".scope_org_id", "not_found", "范围机构不存在或不在您的管理范围内",
                        "the scope organisation does not exist or is outside your scope"});
      continue;
    }
    const bool dup = std::any_of(out.begin(), out.end(), [&](const RoleRow& r) {
      return r.role == *role && r.scope_org_id == scope_org;
    });
    if (dup) {
      errors.push_back({field + ".role", "duplicate", "角色重复", "duplicate role"});
      continue;
    }
    out.push_back({*role, scope_org});
  }
  // 三员分立: a system, security or audit administrator holds that role only.
  if (separated && roles.size() > 1) {
    errors.push_back({"roles", "separation", "系统管理员、安全管理员、审计员三个角色互斥，且不能兼任其他角色",
                      "system admin, security admin and auditor are exclusive and cannot be combined "
                      "with any other role"});
  }
  return out;
}

Result<std::vector<User>> UserService::List(const Principal& who, const UserFilter& filter) {
  MS_TRY(Require(who, Action::kUserRead));
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  std::vector<User> out;
  for (const auto& root : ScopeRoots(who, Action::kUserRead)) {
    MS_ASSIGN_OR_RETURN(auto part, AuthStore::ListUsers(*conn, root.path, root.exact, filter));
    out.insert(out.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
  }
  std::sort(out.begin(), out.end(), [](const User& a, const User& b) { return a.id < b.id; });
  if (out.size() > static_cast<size_t>(filter.limit)) out.resize(static_cast<size_t>(filter.limit));
  return out;
}

Result<User> UserService::Get(const Principal& who, int64_t id) {
  MS_TRY(Require(who, Action::kUserRead));
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  MS_ASSIGN_OR_RETURN(User u, AuthStore::UserById(*conn, id));
  MS_TRY(RequireOn(who, Action::kUserRead, u.org_path, "用户", "User"));
  return u;
}

Result<User> UserService::LoadForWrite(db::Connection& c, const Principal& who, int64_t id) {
  MS_TRY(Require(who, Action::kUserWrite));
  MS_ASSIGN_OR_RETURN(User u, AuthStore::UserById(c, id));
  MS_TRY(RequireOn(who, Action::kUserWrite, u.org_path, "用户", "User"));
  return u;
}

Result<User> UserService::Create(const Caller& caller, const NewUser& in) {
  const Principal& who = *caller.principal;
  MS_TRY(Require(who, Action::kUserWrite));
  std::vector<FieldError> errors;
  const std::string username = Trim(in.username);
  if (!ValidUsername(username)) {
    errors.push_back({"username", "invalid", "用户名为 3–32 位小写字母、数字或 . _ -，以字母或数字开头",
                      "3–32 lower-case letters, digits or . _ -, starting with a letter or digit"});
  }
  CheckText("display_name", in.display_name, {.required = true, .max_len = 50}, errors);
  CheckContact(in.phone, in.email, errors);
  auto policy = auth_.CheckPasswordPolicy("password", in.password, username);
  errors.insert(errors.end(), policy.begin(), policy.end());
  auto org = orgs_.Lookup(in.org_id);
  if (!org.ok() || !CanOn(who, Action::kUserWrite, org->path)) {
    errors.push_back({"org_id", "not_found", "所属机构不存在或不在您的管理范围内",
                      "the organisation does not exist or is outside your scope"});
  }
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  MS_ASSIGN_OR_RETURN(auto roles, CheckRoles(*conn, who, in.org_id, in.roles, errors));
  if (!errors.empty()) return ValidationError(std::move(errors));

  MS_ASSIGN_OR_RETURN(const std::string hash, auth_.Hash(in.password));
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  auto id = AuthStore::InsertUser(*tx, {username, in.display_name, in.org_id, in.phone, in.email, hash,
                                        in.must_change_password});
  if (!id.ok()) {
    if (id.error().code == "duplicate") {
      return ValidationError({{"username", "duplicate", "用户名已存在", "this username is taken"}});
    }
    return std::move(id).error();
  }
  MS_TRY(AuthStore::ReplaceRoles(*tx, *id, roles));
  MS_ASSIGN_OR_RETURN(User created, AuthStore::UserById(*tx, *id));
  MS_TRY(audit::Write(*tx, caller, {"user.create", "user", std::to_string(created.id), created.org_id,
                                    std::nullopt, UserJson(created)}));
  MS_TRY(tx.Commit());
  return created;
}

Result<User> UserService::Update(const Caller& caller, int64_t id, const UserPatch& patch) {
  const Principal& who = *caller.principal;
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(User before, LoadForWrite(*tx, who, id));
  if (patch.active && !*patch.active && id == who.user_id) return SelfChange("active");
  User after = before;
  if (patch.display_name) after.display_name = *patch.display_name;
  if (patch.phone) after.phone = patch.phone->empty() ? std::nullopt : patch.phone;
  if (patch.email) after.email = patch.email->empty() ? std::nullopt : patch.email;
  if (patch.active) after.active = *patch.active;
  std::vector<FieldError> errors;
  CheckText("display_name", after.display_name, {.required = true, .max_len = 50}, errors);
  CheckContact(after.phone, after.email, errors);
  if (patch.org_id && *patch.org_id != before.org_id) {
    auto org = orgs_.Lookup(*patch.org_id);
    if (!org.ok() || !CanOn(who, Action::kUserWrite, org->path)) {
      errors.push_back({"org_id", "not_found", "所属机构不存在或不在您的管理范围内",
                        "the organisation does not exist or is outside your scope"});
    } else {
      after.org_id = *patch.org_id;
    }
  }
  if (!errors.empty()) return ValidationError(std::move(errors));
  MS_TRY(AuthStore::UpdateProfile(*tx, after, patch.version));
  if (after.org_id != before.org_id) {
    // Unit-level roles cover the user's own unit only, so they move with the user.
    std::vector<RoleRow> moved;
    for (const auto& r : before.roles) {
      moved.push_back({r.role, DefaultScope(r.role) == ScopeKind::kUnit ? after.org_id : r.scope_org_id});
    }
    MS_TRY(AuthStore::ReplaceRoles(*tx, id, moved));
  }
  if (!after.active) MS_TRY(AuthStore::RevokeUserSessions(*tx, id, std::nullopt));
  MS_ASSIGN_OR_RETURN(User stored, AuthStore::UserById(*tx, id));
  MS_TRY(audit::Write(*tx, caller, {"user.update", "user", std::to_string(id), stored.org_id,
                                    UserJson(before), UserJson(stored)}));
  MS_TRY(tx.Commit());
  auth_.Forget(id);
  return stored;
}

Result<User> UserService::SetRoles(const Caller& caller, int64_t id,
                                   const std::vector<std::pair<std::string, std::optional<int64_t>>>& roles) {
  const Principal& who = *caller.principal;
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(User before, LoadForWrite(*tx, who, id));
  if (id == who.user_id) return SelfChange("roles");
  std::vector<FieldError> errors;
  MS_ASSIGN_OR_RETURN(auto rows, CheckRoles(*tx, who, before.org_id, roles, errors));
  if (!errors.empty()) return ValidationError(std::move(errors));
  MS_TRY(AuthStore::ReplaceRoles(*tx, id, rows));
  MS_TRY(AuthStore::BumpVersion(*tx, id));
  MS_ASSIGN_OR_RETURN(User after, AuthStore::UserById(*tx, id));
  MS_TRY(audit::Write(*tx, caller, {"user.roles", "user", std::to_string(id), after.org_id,
                                    RolesJson(before.roles), RolesJson(after.roles)}));
  MS_TRY(tx.Commit());
  auth_.Forget(id);
  return after;
}

Result<void> UserService::ResetPassword(const Caller& caller, int64_t id, std::string_view password,
                                        bool must_change) {
  const Principal& who = *caller.principal;
  User u;
  {
    MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
    MS_ASSIGN_OR_RETURN(u, LoadForWrite(*conn, who, id));
  }
  auto errors = auth_.CheckPasswordPolicy("new_password", password, u.username);
  if (!errors.empty()) return ValidationError(std::move(errors));
  MS_ASSIGN_OR_RETURN(const std::string hash, auth_.Hash(password));
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_TRY(AuthStore::SetPassword(*tx, id, hash, must_change));
  // A reset usually means the account was exposed: end its sessions and tokens.
  MS_TRY(AuthStore::RevokeUserSessions(*tx, id, std::nullopt));
  MS_TRY(AuthStore::RevokeUserTokens(*tx, id));
  MS_TRY(audit::Write(*tx, caller, {"user.password_reset", "user", std::to_string(id), u.org_id,
                                    std::nullopt, must_change ? R"({"must_change_password":true})"
                                                              : R"({"must_change_password":false})"}));
  MS_TRY(tx.Commit());
  auth_.Forget(id);
  return Ok();
}

Result<void> UserService::Unlock(const Caller& caller, int64_t id) {
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(User u, LoadForWrite(*tx, *caller.principal, id));
  MS_TRY(AuthStore::Unlock(*tx, id));
  MS_TRY(audit::Write(*tx, caller, {"user.unlock", "user", std::to_string(id), u.org_id,
                                    R"({"failed_logins":)" + std::to_string(u.failed_logins) + "}",
                                    R"({"failed_logins":0})"}));
  MS_TRY(tx.Commit());
  auth_.Forget(id);
  return Ok();
}

Result<void> UserService::ResetTotp(const Caller& caller, int64_t id) {
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(User u, LoadForWrite(*tx, *caller.principal, id));
  MS_TRY(AuthStore::SetTotp(*tx, id, std::nullopt, false, 0));
  MS_TRY(audit::Write(*tx, caller, {"user.totp_reset", "user", std::to_string(id), u.org_id,
                                    u.totp_enabled ? R"({"totp_enabled":true})" : R"({"totp_enabled":false})",
                                    R"({"totp_enabled":false})"}));
  MS_TRY(tx.Commit());
  auth_.Forget(id);
  return Ok();
}

}  // namespace minsheng::auth
