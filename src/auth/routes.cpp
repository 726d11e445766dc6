#include "auth/routes.h"

#include <boost/json.hpp>

#include "auth/access.h"
#include "core/json_input.h"
#include "http/api.h"

namespace minsheng::auth {

namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;

namespace {

struct RoleLabel {
  Role role;
  const char* zh;
  const char* en;
};

constexpr RoleLabel kRoleLabels[] = {
    {Role::kSystemAdmin, "系统管理员", "System administrator"},
    {Role::kSecurityAdmin, "安全管理员", "Security administrator"},
    {Role::kAuditor, "安全审计员", "Security auditor"},
    {Role::kFinanceOfficer, "财政部门人员", "Finance officer"},
    {Role::kAssetAdmin, "资产管理员（机关事务管理局）", "Asset administrator (offices administration)"},
    {Role::kDeptSupervisor, "主管部门人员", "Department supervisor"},
    {Role::kUnitClerk, "单位资产管理员", "Unit asset clerk"},
    {Role::kCustodian, "使用人", "Custodian"},
    {Role::kSteward, "资产/项目管家", "Steward"},
    {Role::kExpert, "评审专家", "Expert"},
    {Role::kOversight, "监督人员（只读）", "Oversight (read-only)"},
};

std::string RolesCatalogJson() {
  json::array items;
  for (const auto& l : kRoleLabels) {
    json::array perms;
    for (const Action a : ActionsOf(l.role)) perms.push_back(json::string(ActionName(a)));
    items.push_back(json::object{{"role", RoleName(l.role)},
                                 {"name_zh", l.zh},
                                 {"name_en", l.en},
                                 {"scope", ScopeKindName(DefaultScope(l.role))},
                                 {"separated", IsSeparatedRole(l.role)},
                                 {"permissions", std::move(perms)}});
  }
  return json::serialize(json::object{{"items", std::move(items)}});
}

// Reads [{role, scope_org_id?}, …] from an input's array field.
std::vector<std::pair<std::string, std::optional<int64_t>>> ReadRoles(JsonInput& in, bool required) {
  std::vector<std::pair<std::string, std::optional<int64_t>>> roles;
  const auto arr = in.Array("roles", required);
  if (!arr) return roles;
  if (arr->size() > 20) {
    in.AddError("roles", "too_long", "角色过多", "too many roles");
    return roles;
  }
  for (size_t i = 0; i < arr->size(); ++i) {
    const std::string prefix = "roles[" + std::to_string(i) + "]";
    if (!(*arr)[i].is_object()) {
      in.AddError(prefix, "type", "应为对象", "must be an object");
      continue;
    }
    JsonInput item((*arr)[i].as_object(), prefix);
    auto role = item.String("role", {.required = true, .max_len = 40});
    auto scope = item.Int("scope_org_id", {.min = 1});
    auto done = item.Finish();
    if (!done.ok()) {
      in.AddErrors(done.error().fields);
      continue;
    }
    roles.emplace_back(*role, scope);
  }
  return roles;
}

std::optional<std::string> NextCursor(const std::vector<User>& items, int limit) {
  if (static_cast<int>(items.size()) < limit) return std::nullopt;
  return std::to_string(items.back().id);
}

}  // namespace

void RegisterAuthRoutes(http::Router& router, const Guard& guard, AuthService& auth, UserService& users) {
  const GuardOptions pending{.allow_pending = true};

  router.Add(Method::kPost, "/api/v1/auth/login", [&auth, &guard](Request& req) -> Response {
    auto parsed = JsonInput::Parse(req.body);
    if (!parsed.ok()) return http::Problem(parsed.error(), req);
    JsonInput& in = *parsed;
    LoginRequest login;
    auto username = in.String("username", {.required = true, .max_len = 64});
    auto password = in.String("password", {.required = true, .max_len = 128, .trim = false});
    login.totp = in.String("totp", {.max_len = 10});
    if (auto done = in.Finish(); !done.ok()) return http::Problem(done.error(), req);
    login.username = *username;
    login.password = *password;
    login.source_addr = req.remote_addr;
    login.user_agent = std::string(req.Header("user-agent"));
    login.request_id = req.request_id;
    auto result = auth.Login(login);
    if (!result.ok()) return http::Problem(result.error(), req);
    const std::string body = json::serialize(json::object{
        {"csrf_token", result->state.csrf_token}, {"user", json::parse(MeJson(result->state))}});
    return Response::Json(200, body).WithHeader("Set-Cookie", guard.SessionCookie(result->session_token));
  });

  router.Add(Method::kPost, "/api/v1/auth/logout", guard.Wrap([&auth, &guard](Context& ctx) {
    auto r = auth.Logout(ctx.caller);
    if (!r.ok()) return http::Problem(r.error(), ctx.req);
    return Response::NoContent().WithHeader("Set-Cookie", guard.ClearedCookie());
  }, pending));

  router.Add(Method::kGet, "/api/v1/me",
             guard.Wrap([](Context& ctx) {
               return Response::Json(200, ctx.state.me_json ? *ctx.state.me_json : MeJson(ctx.state));
             }, pending),
             {.non_blocking = true});

  router.Add(Method::kPost, "/api/v1/me/password", guard.Wrap([&auth](Context& ctx) {
    auto parsed = JsonInput::Parse(ctx.req.body);
    if (!parsed.ok()) return http::Problem(parsed.error(), ctx.req);
    auto current = parsed->String("current_password", {.required = true, .max_len = 128, .trim = false});
    auto next = parsed->String("new_password", {.required = true, .max_len = 128, .trim = false});
    if (auto done = parsed->Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    return http::ReplyEmpty(ctx.req, auth.ChangePassword(ctx.caller, *current, *next));
  }, pending));

  router.Add(Method::kPost, "/api/v1/me/totp/setup", guard.Wrap([&auth](Context& ctx) {
    return http::Reply(ctx.req, auth.SetupTotp(ctx.caller), [](const TotpSetup& t) {
      return json::serialize(json::object{{"secret", t.secret}, {"otpauth_uri", t.otpauth_uri}});
    });
  }, pending));

  auto totp_code_route = [&](auto action) {
    return guard.Wrap([action](Context& ctx) {
      auto parsed = JsonInput::Parse(ctx.req.body);
      if (!parsed.ok()) return http::Problem(parsed.error(), ctx.req);
      auto code = parsed->String("code", {.required = true, .max_len = 10});
      if (auto done = parsed->Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
      return http::ReplyEmpty(ctx.req, action(ctx, *code));
    }, pending);
  };
  router.Add(Method::kPost, "/api/v1/me/totp/confirm", totp_code_route([&auth](Context& ctx, const std::string& c) {
    return auth.ConfirmTotp(ctx.caller, c);
  }));
  router.Add(Method::kPost, "/api/v1/me/totp/disable", totp_code_route([&auth](Context& ctx, const std::string& c) {
    return auth.DisableTotp(ctx.caller, c);
  }));

  router.Add(Method::kGet, "/api/v1/tokens", guard.Wrap([&auth](Context& ctx) {
    return http::Reply(ctx.req, auth.ListTokens(ctx.who()), [](const std::vector<TokenRow>& rows) {
      std::vector<std::string> items;
      for (const auto& t : rows) {
        json::object j{{"id", t.id}, {"name", t.name}, {"prefix", t.prefix},
                       {"created_at", FormatUtc(UtcTime{t.created_at})}};
        j["last_used_at"] = t.last_used_at ? json::value(FormatUtc(UtcTime{*t.last_used_at})) : json::value(nullptr);
        j["expires_at"] = t.expires_at ? json::value(FormatUtc(UtcTime{*t.expires_at})) : json::value(nullptr);
        items.push_back(json::serialize(j));
      }
      return http::ListJson(items, std::nullopt);
    });
  }));

  router.Add(Method::kPost, "/api/v1/tokens", guard.Wrap([&auth](Context& ctx) {
    auto parsed = JsonInput::Parse(ctx.req.body);
    if (!parsed.ok()) return http::Problem(parsed.error(), ctx.req);
    auto name = parsed->String("name", {.required = true, .max_len = 50});
    auto days = parsed->Int("expires_days", {.min = 1, .max = 3650});
    if (auto done = parsed->Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    std::optional<int> expires;
    if (days) expires = static_cast<int>(*days);
    return http::Reply(ctx.req, auth.CreateToken(ctx.caller, *name, expires), [](const NewToken& t) {
      return json::serialize(json::object{{"id", t.id}, {"name", t.name}, {"prefix", t.prefix}, {"token", t.token}});
    }, 201);
  }));

  router.Add(Method::kDelete, "/api/v1/tokens/{id}", guard.Wrap([&auth](Context& ctx) {
    auto id = http::PathId(ctx.req, "id");
    if (!id.ok()) return http::Problem(id.error(), ctx.req);
    return http::ReplyEmpty(ctx.req, auth.RevokeToken(ctx.caller, *id));
  }));

  router.Add(Method::kGet, "/api/v1/roles", guard.Wrap([](Context&) {
    static const std::string kCatalog = RolesCatalogJson();
    return Response::Json(200, kCatalog);
  }));

  // ---- user administration

  router.Add(Method::kGet, "/api/v1/users", guard.Wrap([&users](Context& ctx) {
    http::QueryReader q(ctx.req);
    UserFilter f;
    f.org_id = q.Int("org_id");
    f.q = q.Text("q");
    f.role = q.Text("role", 40);
    f.limit = q.Limit();
    f.after_id = q.Cursor();
    if (auto done = q.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    const int limit = f.limit;
    return http::Reply(ctx.req, users.List(ctx.who(), f), [limit](const std::vector<User>& list) {
      std::vector<std::string> items;
      for (const auto& u : list) items.push_back(UserJson(u));
      return http::ListJson(items, NextCursor(list, limit));
    });
  }));

  router.Add(Method::kPost, "/api/v1/users", guard.Wrap([&users](Context& ctx) {
    auto parsed = JsonInput::Parse(ctx.req.body);
    if (!parsed.ok()) return http::Problem(parsed.error(), ctx.req);
    JsonInput& in = *parsed;
    NewUser u;
    auto username = in.String("username", {.required = true, .max_len = 32});
    auto display = in.String("display_name", {.required = true, .max_len = 50});
    auto org_id = in.Int("org_id", {.required = true, .min = 1});
    auto password = in.String("password", {.required = true, .max_len = 128, .trim = false});
    u.phone = in.String("phone", {.max_len = 20});
    u.email = in.String("email", {.max_len = 100});
    u.must_change_password = in.Bool("must_change_password").value_or(true);
    u.roles = ReadRoles(in, false);
    if (auto done = in.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    u.username = *username;
    u.display_name = *display;
    u.org_id = *org_id;
    u.password = *password;
    return http::Reply(ctx.req, users.Create(ctx.caller, u), UserJson, 201);
  }));

  router.Add(Method::kGet, "/api/v1/users/{id}", guard.Wrap([&users](Context& ctx) {
    auto id = http::PathId(ctx.req, "id");
    if (!id.ok()) return http::Problem(id.error(), ctx.req);
    return http::Reply(ctx.req, users.Get(ctx.who(), *id), UserJson);
  }));

  router.Add(Method::kPatch, "/api/v1/users/{id}", guard.Wrap([&users](Context& ctx) {
    auto id = http::PathId(ctx.req, "id");
    if (!id.ok()) return http::Problem(id.error(), ctx.req);
    auto parsed = JsonInput::Parse(ctx.req.body);
    if (!parsed.ok()) return http::Problem(parsed.error(), ctx.req);
    JsonInput& in = *parsed;
    UserPatch p;
    auto version = in.Int("version", {.required = true, .min = 1});
    p.display_name = in.String("display_name", {.max_len = 50});
    if (in.Has("phone")) p.phone = in.String("phone", {.max_len = 20}).value_or("");
    else in.Allow("phone");
    if (in.Has("email")) p.email = in.String("email", {.max_len = 100}).value_or("");
    else in.Allow("email");
    p.active = in.Bool("active");
    p.org_id = in.Int("org_id", {.min = 1});
    if (auto done = in.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    p.version = *version;
    return http::Reply(ctx.req, users.Update(ctx.caller, *id, p), UserJson);
  }));

  router.Add(Method::kPut, "/api/v1/users/{id}/roles", guard.Wrap([&users](Context& ctx) {
    auto id = http::PathId(ctx.req, "id");
    if (!id.ok()) return http::Problem(id.error(), ctx.req);
    auto parsed = JsonInput::Parse(ctx.req.body);
    if (!parsed.ok()) return http::Problem(parsed.error(), ctx.req);
    auto roles = ReadRoles(*parsed, true);
    if (auto done = parsed->Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    return http::Reply(ctx.req, users.SetRoles(ctx.caller, *id, roles), UserJson);
  }));

  router.Add(Method::kPost, "/api/v1/users/{id}/password", guard.Wrap([&users](Context& ctx) {
    auto id = http::PathId(ctx.req, "id");
    if (!id.ok()) return http::Problem(id.error(), ctx.req);
    auto parsed = JsonInput::Parse(ctx.req.body);
    if (!parsed.ok()) return http::Problem(parsed.error(), ctx.req);
    auto password = parsed->String("new_password", {.required = true, .max_len = 128, .trim = false});
    const bool must_change = parsed->Bool("must_change_password").value_or(true);
    if (auto done = parsed->Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    return http::ReplyEmpty(ctx.req, users.ResetPassword(ctx.caller, *id, *password, must_change));
  }));

  auto user_action = [&](auto action) {
    return guard.Wrap([action](Context& ctx) {
      auto id = http::PathId(ctx.req, "id");
      if (!id.ok()) return http::Problem(id.error(), ctx.req);
      if (!ctx.req.body.empty()) {
        auto parsed = JsonInput::Parse(ctx.req.body);
        if (!parsed.ok()) return http::Problem(parsed.error(), ctx.req);
        if (auto done = parsed->Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
      }
      return http::ReplyEmpty(ctx.req, action(ctx, *id));
    });
  };
  router.Add(Method::kPost, "/api/v1/users/{id}/unlock",
             user_action([&users](Context& ctx, int64_t id) { return users.Unlock(ctx.caller, id); }));
  router.Add(Method::kPost, "/api/v1/users/{id}/totp/reset",
             user_action([&users](Context& ctx, int64_t id) { return users.ResetTotp(ctx.caller, id); }));
}

}  // namespace minsheng::auth
