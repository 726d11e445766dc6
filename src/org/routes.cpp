#include "org/routes.h"

#include <boost/json.hpp>
#include <map>

#include "core/json_input.h"
#include "http/api.h"

namespace minsheng::org {

namespace json = boost::json;
using auth::Context;
using http::Method;
using http::Response;

namespace {

// The visible orgs as a forest: each org with its visible children.
std::string TreeJson(const std::vector<Org>& orgs) {
  std::map<int64_t, json::object> nodes;
  for (const auto& o : orgs) {
    json::object n = json::parse(OrgJson(o)).as_object();
    n["children"] = json::array();
    nodes.emplace(o.id, std::move(n));
  }
  // Deepest first, so a child is complete before it is moved into its parent.
  std::vector<const Org*> order;
  for (const auto& o : orgs) order.push_back(&o);
  std::sort(order.begin(), order.end(), [](const Org* a, const Org* b) {
    return a->depth != b->depth ? a->depth > b->depth : a->id > b->id;
  });
  json::array roots;
  for (const Org* o : order) {
    auto node = std::move(nodes.at(o->id));
    auto parent = o->parent_id ? nodes.find(*o->parent_id) : nodes.end();
    if (parent != nodes.end()) {
      auto& children = parent->second["children"].as_array();
      children.insert(children.begin(), std::move(node));
    } else {
      roots.insert(roots.begin(), std::move(node));
    }
  }
  return json::serialize(json::object{{"items", std::move(roots)}});
}

std::string MovesJson(const std::vector<OrgMove>& moves) {
  std::vector<std::string> items;
  for (const auto& m : moves) {
    json::object j;
    j["from_parent_id"] = m.from_parent_id ? json::value(*m.from_parent_id) : json::value(nullptr);
    j["from_parent_name"] = m.from_parent_name;
    j["to_parent_id"] = m.to_parent_id ? json::value(*m.to_parent_id) : json::value(nullptr);
    j["to_parent_name"] = m.to_parent_name;
    j["reason"] = m.reason;
    j["moved_by_name"] = m.moved_by_name;
    j["moved_at"] = FormatUtc(m.moved_at);
    items.push_back(json::serialize(j));
  }
  return http::ListJson(items, std::nullopt);
}

}  // namespace

void RegisterOrgRoutes(http::Router& router, const auth::Guard& guard, OrgService& orgs) {
  router.Add(Method::kGet, "/api/v1/orgs", guard.Wrap([&orgs](Context& ctx) {
    http::QueryReader q(ctx.req);
    OrgFilter f;
    f.parent_id = q.Int("parent_id");
    f.q = q.Text("q");
    if (auto level = q.Text("level", 20)) {
      f.level = ParseLevel(*level);
      if (!f.level) q.errors.push_back({"level", "invalid", "层级无效", "unknown level"});
    }
    f.limit = q.Limit();
    f.after_id = q.Cursor();
    if (auto done = q.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    const int limit = f.limit;
    return http::Reply(ctx.req, orgs.List(ctx.who(), f), [limit](const std::vector<Org>& list) {
      std::vector<std::string> items;
      for (const auto& o : list) items.push_back(OrgJson(o));
      std::optional<std::string> next;
      if (static_cast<int>(list.size()) == limit) next = std::to_string(list.back().id);
      return http::ListJson(items, next);
    });
  }));

  router.Add(Method::kGet, "/api/v1/orgs/tree", guard.Wrap([&orgs](Context& ctx) {
    return http::Reply(ctx.req, orgs.Visible(ctx.who()), TreeJson);
  }));

  router.Add(Method::kPost, "/api/v1/orgs", guard.Wrap([&orgs](Context& ctx) {
    auto parsed = JsonInput::Parse(ctx.req.body);
    if (!parsed.ok()) return http::Problem(parsed.error(), ctx.req);
    JsonInput& in = *parsed;
    NewOrg o;
    o.parent_id = in.Int("parent_id", {.min = 1});
    auto code = in.String("code", {.required = true, .max_len = 32});
    auto name = in.String("name", {.required = true, .max_len = 100});
    auto level = in.String("level", {.required = true, .max_len = 20});
    o.region_level = in.String("region_level", {.max_len = 20});
    auto kind = in.String("org_kind", {.required = true, .max_len = 20});
    o.field = in.String("field", {.max_len = 30});
    if (level && !ParseLevel(*level)) in.AddError("level", "invalid", "层级无效", "unknown level");
    if (auto done = in.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    o.code = *code;
    o.name = *name;
    o.level = *ParseLevel(*level);
    o.org_kind = *kind;
    return http::Reply(ctx.req, orgs.Create(ctx.caller, o), OrgJson, 201);
  }));

  router.Add(Method::kGet, "/api/v1/orgs/{id}", guard.Wrap([&orgs](Context& ctx) {
    auto id = http::PathId(ctx.req, "id");
    if (!id.ok()) return http::Problem(id.error(), ctx.req);
    return http::Reply(ctx.req, orgs.Get(ctx.who(), *id), OrgJson);
  }));

  router.Add(Method::kPatch, "/api/v1/orgs/{id}", guard.Wrap([&orgs](Context& ctx) {
    auto id = http::PathId(ctx.req, "id");
    if (!id.ok()) return http::Problem(id.error(), ctx.req);
    auto parsed = JsonInput::Parse(ctx.req.body);
    if (!parsed.ok()) return http::Problem(parsed.error(), ctx.req);
    JsonInput& in = *parsed;
    OrgPatch p;
    auto version = in.Int("version", {.required = true, .min = 1});
    p.name = in.String("name", {.max_len = 100});
    p.org_kind = in.String("org_kind", {.max_len = 20});
    p.field = in.String("field", {.max_len = 30});
    p.active = in.Bool("active");
    if (auto done = in.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    p.version = *version;
    return http::Reply(ctx.req, orgs.Update(ctx.caller, *id, p), OrgJson);
  }));

  router.Add(Method::kPost, "/api/v1/orgs/{id}/move", guard.Wrap([&orgs](Context& ctx) {
    auto id = http::PathId(ctx.req, "id");
    if (!id.ok()) return http::Problem(id.error(), ctx.req);
    auto parsed = JsonInput::Parse(ctx.req.body);
    if (!parsed.ok()) return http::Problem(parsed.error(), ctx.req);
    auto parent = parsed->Int("parent_id", {.required = true, .min = 1});
    auto reason = parsed->String("reason", {.max_len = 500, .multiline = true});
    if (auto done = parsed->Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    return http::Reply(ctx.req, orgs.Move(ctx.caller, *id, *parent, reason.value_or("")), OrgJson);
  }));

  router.Add(Method::kGet, "/api/v1/orgs/{id}/history", guard.Wrap([&orgs](Context& ctx) {
    auto id = http::PathId(ctx.req, "id");
    if (!id.ok()) return http::Problem(id.error(), ctx.req);
    return http::Reply(ctx.req, orgs.History(ctx.who(), *id), MovesJson);
  }));
}

}  // namespace minsheng::org
