// HTTP handlers of the category table: read-only for every signed-in user
// (the table is national reference data, the same for everyone).
#include "asset/category.h"
#include "auth/guard.h"
#include "http/api.h"

namespace minsheng::asset {

using http::Method;
using http::Response;

namespace {

std::string ItemsJson(const std::vector<std::string>& items) {
  std::string out = "{\"items\":[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += items[i];
  }
  out += "]}";
  return out;
}

}  // namespace

void RegisterCategoryRoutes(http::Router& router, const auth::Guard& guard, CategoryService& categories) {
  router.Add(Method::kGet, "/api/v1/categories", guard.Wrap([&categories](auth::Context& ctx) {
    http::QueryReader q(ctx.req);
    auto parent = q.Text("parent", 20);
    auto text = q.Text("q", 100);
    const int limit = q.Limit();
    if (auto done = q.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    return http::Reply(ctx.req, categories.List(parent, text, limit), [](const std::vector<Category>& list) {
      std::vector<std::string> items;
      items.reserve(list.size());
      for (const auto& c : list) items.push_back(CategoryJson(c));
      return ItemsJson(items);
    });
  }));

  router.Add(Method::kGet, "/api/v1/categories/{code}", guard.Wrap([&categories](auth::Context& ctx) {
    return http::Reply(ctx.req, categories.Get(ctx.req.Param("code")), CategoryJson);
  }));

  router.Add(Method::kGet, "/api/v1/depreciation-classes", guard.Wrap([&categories](auth::Context& ctx) {
    const auto classes = categories.Classes();
    // A seeded database always has classes; none means it could not be read.
    if (classes.empty()) {
      return http::Problem(MakeError(ErrorCode::kUnavailable, "db.unavailable", "暂时无法读取数据，请稍后重试",
                                     "The data cannot be read right now; try again later"),
                           ctx.req);
    }
    std::vector<std::string> items;
    items.reserve(classes.size());
    for (const auto& c : classes) items.push_back(DepreciationClassJson(c));
    return Response::Json(200, ItemsJson(items));
  }));
}

}  // namespace minsheng::asset
