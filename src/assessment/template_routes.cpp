// HTTP handlers of the indicator library and the templates. Bodies are the
// file format of docs/assessment-templates.md; the service checks access.
#include "assessment/template_routes.h"

#include "http/api.h"

namespace minsheng::assessment {

using HttpMethod = http::Method;

namespace {

// Template documents are larger than the usual form body.
constexpr size_t kTemplateBodyLimit = 1024 * 1024;

template <typename T>
std::string ItemsJson(const std::vector<T>& list, std::string (*to_json)(const T&)) {
  std::string out = "{\"items\":[";
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += to_json(list[i]);
  }
  out += "]}";
  return out;
}

std::string DocJson(const TemplateDoc& d) { return TemplateJson(d); }

// ?publish=true|false (also 1|0).
Result<bool> PublishFlag(http::QueryReader& q) {
  const auto v = q.Text("publish", 5);
  if (!v || *v == "false" || *v == "0") return false;
  if (*v == "true" || *v == "1") return true;
  return ValidationError({{"publish", "invalid", "应为 true 或 false", "must be true or false"}});
}

}  // namespace

void RegisterTemplateRoutes(http::Router& router, const auth::Guard& guard, TemplateService& templates) {
  router.Add(HttpMethod::kGet, "/api/v1/assess/indicators", guard.Wrap([&templates](auth::Context& ctx) {
    return http::Reply(ctx.req, templates.ListIndicators(ctx.who()),
                       [](const std::vector<StoredIndicator>& list) { return ItemsJson(list, StoredIndicatorJson); });
  }));

  router.Add(HttpMethod::kPut, "/api/v1/assess/indicators/{code}", guard.Wrap([&templates](auth::Context& ctx) {
    return http::Reply(ctx.req, templates.UpsertIndicator(ctx.caller, ctx.req.Param("code"), ctx.req.body),
                       StoredIndicatorJson);
  }));

  router.Add(HttpMethod::kGet, "/api/v1/assess/templates", guard.Wrap([&templates](auth::Context& ctx) {
    return http::Reply(ctx.req, templates.List(ctx.who()),
                       [](const std::vector<TemplateSummary>& list) { return ItemsJson(list, TemplateSummaryJson); });
  }));

  router.Add(
      HttpMethod::kPost, "/api/v1/assess/templates",
      guard.Wrap([&templates](auth::Context& ctx) {
        http::QueryReader q(ctx.req);
        auto publish = PublishFlag(q);
        if (!publish.ok()) return http::Problem(publish.error(), ctx.req);
        if (auto done = q.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
        return http::Reply(ctx.req, templates.Import(ctx.caller, ctx.req.body, {.publish = *publish}), DocJson, 201);
      }),
      {.body_limit = kTemplateBodyLimit});

  router.Add(HttpMethod::kGet, "/api/v1/assess/templates/{code}", guard.Wrap([&templates](auth::Context& ctx) {
    http::QueryReader q(ctx.req);
    const auto version = q.Int("version");
    if (auto done = q.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    std::optional<int> v;
    if (version) {
      if (*version < 1 || *version > 1'000'000) {
        return http::Problem(NotFoundError("考核模板", "Template"), ctx.req);
      }
      v = static_cast<int>(*version);
    }
    return http::Reply(ctx.req, templates.Get(ctx.who(), ctx.req.Param("code"), v), DocJson);
  }));

  router.Add(
      HttpMethod::kPut, "/api/v1/assess/templates/{code}/draft",
      guard.Wrap([&templates](auth::Context& ctx) {
        return http::Reply(ctx.req, templates.SaveDraft(ctx.caller, ctx.req.Param("code"), ctx.req.body), DocJson);
      }),
      {.body_limit = kTemplateBodyLimit});

  router.Add(HttpMethod::kPost, "/api/v1/assess/templates/{code}/publish", guard.Wrap([&templates](auth::Context& ctx) {
    return http::Reply(ctx.req, templates.Publish(ctx.caller, ctx.req.Param("code")), DocJson);
  }));

  router.Add(HttpMethod::kGet, "/api/v1/assess/templates/{code}/versions", guard.Wrap([&templates](auth::Context& ctx) {
    return http::Reply(ctx.req, templates.Versions(ctx.who(), ctx.req.Param("code")),
                       [](const std::vector<TemplateSummary>& list) { return ItemsJson(list, TemplateSummaryJson); });
  }));
}

}  // namespace minsheng::assessment
