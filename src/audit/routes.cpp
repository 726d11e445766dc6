#include "audit/routes.h"

#include <boost/json.hpp>

#include "http/api.h"

namespace minsheng::audit {

namespace json = boost::json;

namespace {

json::value JsonOrNull(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  return ec ? json::value(*text) : v;
}

std::string PageJson(const Page& page) {
  std::vector<std::string> items;
  for (const auto& r : page.items) {
    json::object j;
    j["id"] = r.id;
    j["at"] = FormatUtc(r.at);
    j["actor_user_id"] = r.actor_user_id ? json::value(*r.actor_user_id) : json::value(nullptr);
    j["actor_name"] = r.actor_name;
    j["action"] = r.action;
    j["object_type"] = r.object_type;
    j["object_id"] = r.object_id;
    j["org_id"] = r.org_id ? json::value(*r.org_id) : json::value(nullptr);
    j["before"] = JsonOrNull(r.before_json);
    j["after"] = JsonOrNull(r.after_json);
    j["request_id"] = r.request_id;
    j["source_addr"] = r.source_addr;
    items.push_back(json::serialize(j));
  }
  std::optional<std::string> next;
  if (page.next_before_id) next = std::to_string(*page.next_before_id);
  return http::ListJson(items, next);
}

std::optional<UtcTime> TimeParam(http::QueryReader& q, std::string_view name) {
  auto text = q.Text(name, 40);
  if (!text) return std::nullopt;
  auto t = ParseTime(*text);
  if (!t) q.errors.push_back({std::string(name), "invalid", "时间格式无效", "invalid time"});
  return t;
}

}  // namespace

void RegisterAuditRoutes(http::Router& router, const auth::Guard& guard, AuditService& audit) {
  router.Add(http::Method::kGet, "/api/v1/audit", guard.Wrap([&audit](auth::Context& ctx) {
    http::QueryReader q(ctx.req);
    Query query;
    query.actor_id = q.Int("actor_id");
    query.action = q.Text("action", 60);
    query.object_type = q.Text("object_type", 40);
    query.object_id = q.Text("object_id", 80);
    query.from = TimeParam(q, "from");
    query.to = TimeParam(q, "to");
    query.limit = q.Limit();
    query.before_id = q.Cursor();
    if (auto done = q.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    return http::Reply(ctx.req, audit.List(ctx.who(), query), PageJson);
  }));
}

}  // namespace minsheng::audit
