#include <boost/json.hpp>

#include "asset/routes.h"
#include "core/json_input.h"
#include "http/api.h"

namespace minsheng::asset {

namespace json = boost::json;
using auth::Context;
using http::Method;

namespace {

// A coordinate read from the raw body (JsonInput has no reader for numbers
// with fractions). *clear is set for an explicit null.
std::optional<double> Coordinate(const json::object& raw, JsonInput& in, std::string_view key, bool* clear) {
  in.Allow(key);
  const auto* v = raw.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_null()) {
    if (clear != nullptr) *clear = true;
    return std::nullopt;
  }
  if (!v->is_number()) {
    in.AddError(std::string(key), "type", "应为数字", "must be a number");
    return std::nullopt;
  }
  return v->to_number<double>();
}

DirectoryFilter ReadFilter(http::QueryReader& q) {
  DirectoryFilter f;
  f.q = q.Text("q");
  if (auto inactive = q.Text("include_inactive", 5)) f.include_inactive = *inactive == "true" || *inactive == "1";
  f.limit = q.Limit();
  f.after_id = q.Cursor();
  return f;
}

template <typename T>
std::string PageJson(const std::vector<T>& list, int limit, std::string (*to_json)(const T&)) {
  std::vector<std::string> items;
  items.reserve(list.size());
  for (const auto& x : list) items.push_back(to_json(x));
  std::optional<std::string> next;
  if (static_cast<int>(list.size()) == limit && !list.empty()) next = std::to_string(list.back().id);
  return http::ListJson(items, next);
}

// Reads a new entry: name for all kinds, department and phone for staff,
// coordinates for locations.
Result<DirectoryInput> ReadInput(const std::string& body, DirectoryKind kind) {
  MS_ASSIGN_OR_RETURN(JsonInput in, JsonInput::Parse(body));
  const json::object raw = json::parse(body).as_object();
  DirectoryInput d;
  auto name = in.String("name", {.required = true, .max_len = kind == DirectoryKind::kLocation ? 200u : 100u});
  if (kind == DirectoryKind::kStaff) {
    d.department_id = in.Int("department_id", {.min = 1});
    d.phone = in.String("phone", {.max_len = 30});
  }
  if (kind == DirectoryKind::kLocation) {
    d.latitude = Coordinate(raw, in, "latitude", nullptr);
    d.longitude = Coordinate(raw, in, "longitude", nullptr);
  }
  MS_TRY(in.Finish());
  d.name = *name;
  return d;
}

Result<DirectoryPatch> ReadPatch(const std::string& body, DirectoryKind kind) {
  MS_ASSIGN_OR_RETURN(JsonInput in, JsonInput::Parse(body));
  const json::object raw = json::parse(body).as_object();
  auto is_null = [&](std::string_view k) {
    const auto* v = raw.if_contains(k);
    return v != nullptr && v->is_null();
  };
  DirectoryPatch p;
  p.name = in.String("name", {.max_len = kind == DirectoryKind::kLocation ? 200u : 100u});
  p.active = in.Bool("active");
  if (kind == DirectoryKind::kStaff) {
    p.department_id = in.Int("department_id", {.min = 1});
    p.clear_department = is_null("department_id");
    p.phone = in.String("phone", {.max_len = 30});
    p.clear_phone = is_null("phone");
  }
  if (kind == DirectoryKind::kLocation) {
    bool clear_lat = false, clear_lon = false;
    p.latitude = Coordinate(raw, in, "latitude", &clear_lat);
    p.longitude = Coordinate(raw, in, "longitude", &clear_lon);
    p.clear_coordinates = clear_lat || clear_lon;
  }
  MS_TRY(in.Finish());
  return p;
}

// The three kinds share one set of handlers: GET and POST under the org,
// PATCH by id.
template <typename T>
struct KindRoutes {
  const char* path;  // "departments" → /api/v1/orgs/{id}/departments, /api/v1/departments/{id}
  DirectoryKind kind;
  Result<std::vector<T>> (DirectoryService::*list)(const auth::Principal&, int64_t, const DirectoryFilter&);
  Result<T> (DirectoryService::*create)(const auth::Caller&, int64_t, const DirectoryInput&);
  Result<T> (DirectoryService::*update)(const auth::Caller&, int64_t, const DirectoryPatch&);
  std::string (*to_json)(const T&);
};

template <typename T>
void AddKind(http::Router& router, const auth::Guard& guard, DirectoryService& dirs, const KindRoutes<T> k) {
  const std::string under_org = std::string("/api/v1/orgs/{id}/") + k.path;
  router.Add(Method::kGet, under_org, guard.Wrap([&dirs, k](Context& ctx) {
    auto id = http::PathId(ctx.req, "id");
    if (!id.ok()) return http::Problem(id.error(), ctx.req);
    http::QueryReader q(ctx.req);
    DirectoryFilter f = ReadFilter(q);
    if (auto done = q.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    return http::Reply(ctx.req, (dirs.*k.list)(ctx.who(), *id, f),
                       [&](const std::vector<T>& list) { return PageJson<T>(list, f.limit, k.to_json); });
  }));
  router.Add(Method::kPost, under_org, guard.Wrap([&dirs, k](Context& ctx) {
    auto id = http::PathId(ctx.req, "id");
    if (!id.ok()) return http::Problem(id.error(), ctx.req);
    auto in = ReadInput(ctx.req.body, k.kind);
    if (!in.ok()) return http::Problem(in.error(), ctx.req);
    return http::Reply(ctx.req, (dirs.*k.create)(ctx.caller, *id, *in), k.to_json, 201);
  }));
  router.Add(Method::kPatch, std::string("/api/v1/") + k.path + "/{id}", guard.Wrap([&dirs, k](Context& ctx) {
    auto id = http::PathId(ctx.req, "id");
    if (!id.ok()) return http::Problem(id.error(), ctx.req);
    auto p = ReadPatch(ctx.req.body, k.kind);
    if (!p.ok()) return http::Problem(p.error(), ctx.req);
    return http::Reply(ctx.req, (dirs.*k.update)(ctx.caller, *id, *p), k.to_json);
  }));
}

}  // namespace

void RegisterDirectoryRoutes(http::Router& router, const auth::Guard& guard, DirectoryService& dirs) {
  AddKind<Department>(router, guard, dirs,
                      {"departments", DirectoryKind::kDepartment, &DirectoryService::ListDepartments,
                       &DirectoryService::CreateDepartment, &DirectoryService::UpdateDepartment, DepartmentJson});
  AddKind<Staff>(router, guard, dirs,
                 {"staff", DirectoryKind::kStaff, &DirectoryService::ListStaff, &DirectoryService::CreateStaff,
                  &DirectoryService::UpdateStaff, StaffJson});
  AddKind<Location>(router, guard, dirs,
                    {"locations", DirectoryKind::kLocation, &DirectoryService::ListLocations,
                     &DirectoryService::CreateLocation, &DirectoryService::UpdateLocation, LocationJson});
}

}  // namespace minsheng::asset
