#include "metric/routes.h"

#include <boost/json.hpp>

#include "http/api.h"

namespace minsheng::metric {

namespace json = boost::json;
using auth::Context;
using http::Method;

namespace {

json::value Num(const std::optional<double>& v) { return v ? json::value(*v) : json::value(nullptr); }

std::string RegistryJson(const std::vector<const Metric*>& metrics) {
  json::array items;
  for (const Metric* m : metrics) {
    items.push_back(json::object{{"key", m->key},
                                 {"name_zh", m->name_zh},
                                 {"name_en", m->name_en},
                                 {"unit", m->unit},
                                 {"description_zh", m->description_zh},
                                 {"description_en", m->description_en},
                                 {"object_class", m->object_class}});
  }
  return json::serialize(json::object{{"items", std::move(items)}});
}

std::string RecordsJson(const RecordPage& page) {
  std::vector<std::string> items;
  items.reserve(page.items.size());
  for (const auto& r : page.items) {
    items.push_back(json::serialize(json::object{{"kind", r.kind},
                                                 {"id", r.id},
                                                 {"label", r.label},
                                                 {"note", r.note},
                                                 {"note_zh", r.note_zh},
                                                 {"counted", r.counted}}));
  }
  return http::ListJson(items, page.next_cursor ? std::optional(std::to_string(*page.next_cursor)) : std::nullopt);
}

std::string ValuesJson(const std::string& period, const ValuePage& page) {
  std::vector<std::string> items;
  items.reserve(page.items.size());
  for (const auto& s : page.items) {
    items.push_back(json::serialize(json::object{{"period", period},
                                                 {"metric_key", s.v.metric_key},
                                                 {"object_id", s.v.object_id},
                                                 {"object_code", s.org_code},
                                                 {"object_name", s.org_name},
                                                 {"value", Num(s.v.value)},
                                                 {"applicable", s.v.value.has_value()},
                                                 {"numerator", s.v.numerator},
                                                 {"denominator", s.v.denominator},
                                                 {"computed_at", FormatUtc(s.v.computed_at)}}));
  }
  return http::ListJson(items, page.next_cursor);
}

// The required `period` query parameter.
std::optional<Period> PeriodParam(http::QueryReader& q) {
  auto text = q.Text("period", 10);
  if (!text) {
    q.errors.push_back({"period", "required", "必填", "is required"});
    return std::nullopt;
  }
  auto p = ParsePeriod(*text);
  if (!p.ok()) {
    q.errors.insert(q.errors.end(), p.error().fields.begin(), p.error().fields.end());
    return std::nullopt;
  }
  return *p;
}

}  // namespace

void RegisterMetricRoutes(http::Router& router, const auth::Guard& guard, MetricService& metrics) {
  router.Add(Method::kGet, "/api/v1/metrics", guard.Wrap([&metrics](Context& ctx) {
    return http::Reply(ctx.req, metrics.List(ctx.who()), RegistryJson);
  }));

  router.Add(Method::kGet, "/api/v1/metrics/values", guard.Wrap([&metrics](Context& ctx) {
    http::QueryReader q(ctx.req);
    const auto period = PeriodParam(q);
    const auto key = q.Text("key", 100);
    const auto object = q.Int("object");
    const auto cursor = q.Text("cursor", 200);
    const int limit = q.Limit(kValuesDefaultLimit, kValuesMaxLimit);
    if (auto done = q.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    const std::string name = period->ToString();
    return http::Reply(ctx.req, metrics.ValuesInScope(ctx.who(), *period, key, object, cursor, limit),
                       [&](const ValuePage& page) { return ValuesJson(name, page); });
  }));

  router.Add(Method::kGet, "/api/v1/metrics/{key}/records", guard.Wrap([&metrics](Context& ctx) {
    http::QueryReader q(ctx.req);
    const auto period = PeriodParam(q);
    const size_t errors_before = q.errors.size();
    const auto object = q.Int("object");
    if (!object && q.errors.size() == errors_before) q.errors.push_back({"object", "required", "必填", "is required"});
    const auto cursor = q.Cursor();
    const int limit = q.Limit();
    if (auto done = q.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    return http::Reply(ctx.req,
                       metrics.Records(ctx.who(), ctx.req.Param("key"), *period, *object, cursor, limit),
                       RecordsJson);
  }));
}

}  // namespace minsheng::metric
