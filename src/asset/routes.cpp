#include "asset/routes.h"

#include <boost/json.hpp>

#include "core/json_input.h"
#include "core/text.h"
#include "http/api.h"

namespace minsheng::asset {

namespace json = boost::json;
using auth::Context;
using http::Method;
using http::Response;

namespace {

// A number (with or without fraction) read from the raw body; JsonInput
// reads only integers. *is_null is set for an explicit null.
std::optional<double> Number(const json::object& raw, JsonInput& in, std::string_view key, bool* is_null = nullptr) {
  in.Allow(key);
  const auto* v = raw.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_null()) {
    if (is_null != nullptr) *is_null = true;
    return std::nullopt;
  }
  if (!v->is_number()) {
    in.AddError(in.FieldName(key), "type", "应为数字", "must be a number");
    return std::nullopt;
  }
  return v->to_number<double>();
}

std::optional<Date> DateField(JsonInput& in, std::string_view key) {
  auto text = in.String(key, {.max_len = 20});
  if (!text) return std::nullopt;
  auto d = ParseDate(*text);
  if (!d) in.AddError(in.FieldName(key), "invalid", "日期格式应为 YYYY-MM-DD", "expected a date, YYYY-MM-DD");
  return d;
}

// The typed extension object ("ext": {"plate": "…", "area_m2": 120.5}).
std::optional<CardExt> ReadExt(const json::object& raw, JsonInput& in) {
  in.Allow("ext");
  const auto* v = raw.if_contains("ext");
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_object()) {
    in.AddError("ext", "type", "应为对象", "must be an object");
    return std::nullopt;
  }
  JsonInput ext(v->as_object(), "ext");
  const json::object& o = v->as_object();
  CardExt e;
  e.area_m2 = Number(o, ext, "area_m2");
  e.structure = ext.String("structure", {.max_len = 200});
  e.certificate = ext.String("certificate", {.max_len = 200});
  e.plate = ext.String("plate", {.max_len = 200});
  e.vin = ext.String("vin", {.max_len = 200});
  e.engine_no = ext.String("engine_no", {.max_len = 200});
  e.displacement_l = Number(o, ext, "displacement_l");
  e.land_class = ext.String("land_class", {.max_len = 200});
  if (auto done = ext.Finish(); !done.ok()) in.AddErrors(done.error().fields);
  return e;
}

// The card fields of a POST or PATCH body. Lengths and rules are the
// service's (ValidateInput); here only types. Explicit nulls go to *cleared.
CardInput ReadCard(const json::object& raw, JsonInput& in, std::vector<std::string>* cleared) {
  CardInput c;
  constexpr StringRule kText{.max_len = 2000};
  c.name = in.String("name", kText);
  c.category_code = in.String("category_code", {.max_len = 20});
  c.subject_code = in.String("subject_code", kText);
  c.acquisition_method = in.String("acquisition_method", kText);
  c.funding_source = in.String("funding_source", kText);
  c.acquired_on = DateField(in, "acquired_on");
  c.booked_on = DateField(in, "booked_on");
  if (auto v = in.Int("original_value")) c.original_value = Fen{*v};
  c.quantity = in.Int("quantity");
  c.unit_of_measure = in.String("unit_of_measure", kText);
  c.usage_direction = in.String("usage_direction", kText);
  c.department_id = in.Int("department_id", {.min = 1});
  c.custodian_id = in.Int("custodian_id", {.min = 1});
  c.manager_id = in.Int("manager_id", {.min = 1});
  c.location_id = in.Int("location_id", {.min = 1});
  bool lat_null = false, lon_null = false;
  c.latitude = Number(raw, in, "latitude", &lat_null);
  c.longitude = Number(raw, in, "longitude", &lon_null);
  c.model = in.String("model", kText);
  c.spec = in.String("spec", kText);
  c.brand = in.String("brand", kText);
  c.serial_no = in.String("serial_no", kText);
  if (auto m = in.String("depreciation_method", {.max_len = 20})) {
    c.depreciation_method = ParseDepreciationMethod(*m);
    if (!c.depreciation_method)
      in.AddError("depreciation_method", "invalid", "折旧方法应为 straight_line / units_of_work / none",
                  "must be straight_line, units_of_work or none");
  }
  if (auto l = in.Int("life_months", {.min = -1'000'000, .max = 1'000'000})) c.life_months = static_cast<int>(*l);
  c.certificate_no = in.String("certificate_no", kText);
  c.project_ref = in.String("project_ref", kText);
  c.ext = ReadExt(raw, in);
  c.value_status = in.String("value_status", {.max_len = 20});
  if (auto s = in.String("state", {.max_len = 30})) {
    c.state = ParseState(*s);
    if (!c.state) in.AddError("state", "invalid", "状态无效", "unknown state");
  }
  if (cleared != nullptr) {
    for (const auto& kv : raw) {
      if (kv.value().is_null()) cleared->emplace_back(kv.key());
    }
  }
  return c;
}

json::value ParseObject(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  return ec ? json::value(nullptr) : v;
}

// The card page: the card, its QR payload and its value at a date.
// (The hot path of a QR scan: the card's JSON is extended in place rather
// than parsed and serialized again.)
std::string CardPageJson(const AssetService& assets, const Card& card, Date at) {
  std::string out = CardJson(card);
  out.pop_back();  // the closing brace of the card object
  const CardValueAt v = assets.ValueAt(card, at);
  out += ",\"qr_payload\":" + json::serialize(json::value(assets.QrPayload(card)));
  out += ",\"depreciation\":" +
         json::serialize(json::object{{"at", FormatDate(v.at)},
                                      {"method", DepreciationMethodName(card.depreciation_method)},
                                      {"months", v.depreciation.months},
                                      {"accumulated", v.depreciation.accumulated.value},
                                      {"accumulated_yuan", FormatYuan(v.depreciation.accumulated)},
                                      {"net", v.depreciation.net.value},
                                      {"net_yuan", FormatYuan(v.depreciation.net)},
                                      {"fully_depreciated", v.depreciation.fully}});
  out += "}";
  return out;
}

std::string HistoryJson(const std::vector<CardEvent>& events) {
  json::array items;
  for (const auto& e : events) {
    items.push_back(json::object{
        {"event", EventName(e.event)},
        {"state_before", e.state_before ? json::value(StateName(*e.state_before)) : json::value(nullptr)},
        {"state_after", StateName(e.state_after)},
        {"at", FormatUtc(e.at)},
        {"actor_user_id", e.actor_user_id ? json::value(*e.actor_user_id) : json::value(nullptr)},
        {"actor_name", e.actor_name},
        {"before", ParseObject(e.before_json)},
        {"after", ParseObject(e.after_json)},
        {"note", e.note ? json::value(*e.note) : json::value(nullptr)},
    });
  }
  return json::serialize(json::object{{"items", std::move(items)}});
}

std::string PageJson(const CardPage& page) {
  std::string out = "{\"items\":[";
  for (size_t i = 0; i < page.items.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += CardJson(page.items[i]);
  }
  out += "],\"next_cursor\":";
  out += page.next_cursor ? json::serialize(json::value(*page.next_cursor)) : "null";
  out += ",\"total\":" + std::to_string(page.total);
  out += page.total_capped ? ",\"total_capped\":true" : ",\"total_capped\":false";
  out += ",\"sort\":\"";
  out += SortKeyName(page.sort);
  out += page.descending ? "\",\"order\":\"desc\"}" : "\",\"order\":\"asc\"}";
  return out;
}

std::string StatsJson(const Stats& s, const std::vector<StatsDimension>& dims) {
  json::array group_by;
  for (auto d : dims) {
    group_by.emplace_back(d == StatsDimension::kCategory ? "category" : d == StatsDimension::kState ? "state" : "org");
  }
  json::array rows;
  for (const auto& r : s.rows) {
    json::object o;
    if (r.category_code) {
      o["category_code"] = *r.category_code;
      o["category_name"] = r.category_name.value_or("");
    }
    if (r.state) {
      o["state"] = StateName(*r.state);
      o["state_zh"] = StateNameZh(*r.state);
    }
    if (r.org_id) {
      o["org_id"] = *r.org_id;
      o["org_name"] = r.org_name.value_or("");
    }
    o["count"] = r.count;
    o["value"] = r.value.value;
    o["value_wan_yuan"] = FormatWanYuan(r.value);
    rows.push_back(std::move(o));
  }
  return json::serialize(json::object{{"org_id", s.org_id ? json::value(*s.org_id) : json::value(nullptr)},
                                      {"group_by", std::move(group_by)},
                                      {"rows", std::move(rows)},
                                      {"total_count", s.total_count},
                                      {"total_value", s.total_value.value},
                                      {"total_value_wan_yuan", FormatWanYuan(s.total_value)}});
}

// The `at` query parameter (default: today in Asia/Shanghai).
Date AtParam(http::QueryReader& q) {
  if (auto at = q.Text("at", 20)) {
    if (auto d = ParseDate(*at)) return *d;
    q.errors.push_back({"at", "invalid", "日期格式应为 YYYY-MM-DD", "expected a date, YYYY-MM-DD"});
  }
  return TodayInShanghai();
}

}  // namespace

Result<CardFilter> ReadCardFilter(const http::Request& req, const AssetService& assets) {
  http::QueryReader q(req);
  CardFilter f;
  f.org_id = q.Int("org");
  if (auto c = q.Text("category", 20)) {
    if (!std::all_of(c->begin(), c->end(), [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)); }))
      q.errors.push_back({"category", "invalid", "分类代码只能包含字母和数字", "letters and digits only"});
    f.category_prefix = *c;
  }
  if (auto s = q.Text("state", 30)) {
    f.state = ParseState(*s);
    if (!f.state) q.errors.push_back({"state", "invalid", "状态无效", "unknown state"});
  }
  f.custodian_id = q.Int("custodian_id");
  f.location = q.Text("location", 100);
  if (auto v = q.Int("min_value_fen")) f.min_value = Fen{*v};
  if (auto v = q.Int("max_value_fen")) f.max_value = Fen{*v};
  for (auto [name, field] : {std::pair{"acquired_from", &f.acquired_from}, std::pair{"acquired_to", &f.acquired_to}}) {
    if (auto t = q.Text(name, 20)) {
      *field = ParseDate(*t);
      if (!*field) q.errors.push_back({name, "invalid", "日期格式应为 YYYY-MM-DD", "expected a date, YYYY-MM-DD"});
    }
  }
  f.q = q.Text("q", 100);
  const auto sort = q.Text("sort", 20);
  if (sort) {
    auto k = ParseSortKey(*sort);
    if (!k) {
      q.errors.push_back({"sort", "invalid", "排序字段应为 number/name/acquired_on/original_value/registered",
                          "must be number, name, acquired_on, original_value or registered"});
    } else {
      f.sort = *k;
    }
  }
  // Indexed free text (3+ characters; 1–2 as well on SQLite, and on
  // PostgreSQL with the in-memory text index) without a chosen sort: the
  // newest registered matches first, the order the index reads cheapest (a
  // page costs about its own hits however common the text). Shorter text on
  // PostgreSQL without that index is a scan in any order and keeps the
  // number order.
  const auto order = q.Text("order", 10);
  if (!sort && f.q && assets.TextIndexed(*f.q)) {
    f.sort = SortKey::kRegistered;
    f.descending = true;
  }
  if (order) {
    if (*order != "asc" && *order != "desc") {
      q.errors.push_back({"order", "invalid", "应为 asc 或 desc", "must be asc or desc"});
    }
    f.descending = *order == "desc";
  }
  f.limit = q.Limit();
  f.cursor = q.Text("cursor", 2100);
  MS_TRY(q.Finish());
  return f;
}

namespace {

Result<std::vector<StatsDimension>> ReadGroupBy(http::QueryReader& q) {
  std::vector<StatsDimension> dims;
  const std::string text = q.Text("group_by", 40).value_or("category");
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string part = Trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    std::optional<StatsDimension> d;
    if (part == "category") d = StatsDimension::kCategory;
    if (part == "state") d = StatsDimension::kState;
    if (part == "org") d = StatsDimension::kOrg;
    if (!d || std::find(dims.begin(), dims.end(), *d) != dims.end()) {
      return ValidationError({{"group_by", "invalid", "分组应为 category、state、org 中的一到两项",
                               "one or two of category, state, org"}});
    }
    dims.push_back(*d);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (dims.size() > 2) {
    return ValidationError({{"group_by", "invalid", "分组应为 category、state、org 中的一到两项",
                             "one or two of category, state, org"}});
  }
  return dims;
}

// POST …/idle and …/back-in-use: an optional note and version.
Result<StateChange> ReadStateChange(const std::string& body) {
  StateChange c;
  if (body.empty()) return c;
  MS_ASSIGN_OR_RETURN(JsonInput in, JsonInput::Parse(body));
  c.note = in.String("note", {.max_len = 500, .multiline = true}).value_or("");
  c.version = in.Int("version", {.min = 1});
  MS_TRY(in.Finish());
  return c;
}

}  // namespace

void RegisterAssetRoutes(http::Router& router, const auth::Guard& guard, AssetService& assets) {
  router.Add(Method::kGet, "/api/v1/assets", guard.Wrap([&assets](Context& ctx) {
    auto f = ReadCardFilter(ctx.req, assets);
    if (!f.ok()) return http::Problem(f.error(), ctx.req);
    auto body = [](const std::shared_ptr<const std::string>& b) { return *b; };
    if (!ctx.req.blocking_allowed) {
      // One unit's page (cached, or a few index reads) on the network thread
      // when a reader is idle, like a lookup by number; every other list on
      // the pool.
      auto page = assets.TryListUnitBody(ctx.who(), *f, PageJson);
      if (page.ok() && !*page) return http::Response::Defer();
      return http::Reply(ctx.req, std::move(page), body);
    }
    return http::Reply(ctx.req, assets.ListBody(ctx.who(), *f, PageJson), body);
  }), {.non_blocking = true});

  router.Add(Method::kPost, "/api/v1/assets", guard.Wrap([&assets](Context& ctx) {
    auto parsed = JsonInput::Parse(ctx.req.body);
    if (!parsed.ok()) return http::Problem(parsed.error(), ctx.req);
    JsonInput& in = *parsed;
    const json::object raw = json::parse(ctx.req.body).as_object();
    auto org_id = in.Int("org_id", {.required = true, .min = 1});
    CardInput card = ReadCard(raw, in, nullptr);
    if (auto done = in.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    const Date today = TodayInShanghai();
    return http::Reply(ctx.req, assets.Register(ctx.caller, *org_id, card),
                       [&](const Card& c) { return CardPageJson(assets, c, today); }, 201);
  }));

  router.Add(Method::kGet, "/api/v1/assets/by-qr", guard.Wrap([&assets](Context& ctx) {
    http::QueryReader q(ctx.req);
    auto payload = q.Text("payload", 500);
    if (!payload) q.errors.push_back({"payload", "required", "必填", "is required"});
    const Date at = AtParam(q);
    if (auto done = q.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    return http::Reply(ctx.req, assets.GetByQr(ctx.who(), *payload),
                       [&](const Card& c) { return CardPageJson(assets, c, at); });
  }));

  // The most frequent read (a scanned QR code, a lookup by number) runs on
  // the network thread when the session is cached and the card is too
  // (PostgreSQL's card cache: no query) or a reader is idle (SQLite: one
  // indexed read) — cheaper than the hop to the blocking pool and back — and
  // is re-run on the pool otherwise.
  router.Add(Method::kGet, "/api/v1/assets/{number}", guard.Wrap([&assets](Context& ctx) {
    http::QueryReader q(ctx.req);
    const Date at = AtParam(q);
    if (auto done = q.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    auto json = [&](const Card& c) { return CardPageJson(assets, c, at); };
    if (!ctx.req.blocking_allowed) {
      auto card = assets.TryGet(ctx.who(), ctx.req.Param("number"));
      if (card.ok() && !card->has_value()) return http::Response::Defer();
      return http::Reply(ctx.req, std::move(card), [&](const std::optional<Card>& c) { return json(*c); });
    }
    return http::Reply(ctx.req, assets.Get(ctx.who(), ctx.req.Param("number")), json);
  }), {.non_blocking = true});

  router.Add(Method::kPatch, "/api/v1/assets/{number}", guard.Wrap([&assets](Context& ctx) {
    auto parsed = JsonInput::Parse(ctx.req.body);
    if (!parsed.ok()) return http::Problem(parsed.error(), ctx.req);
    JsonInput& in = *parsed;
    const json::object raw = json::parse(ctx.req.body).as_object();
    CardPatch patch;
    auto version = in.Int("version", {.required = true, .min = 1});
    patch.set = ReadCard(raw, in, &patch.clear);
    if (auto done = in.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    patch.version = *version;
    const Date today = TodayInShanghai();
    return http::Reply(ctx.req, assets.Edit(ctx.caller, ctx.req.Param("number"), patch),
                       [&](const Card& c) { return CardPageJson(assets, c, today); });
  }));

  router.Add(Method::kGet, "/api/v1/assets/{number}/history", guard.Wrap([&assets](Context& ctx) {
    return http::Reply(ctx.req, assets.History(ctx.who(), ctx.req.Param("number")), HistoryJson);
  }));

  router.Add(Method::kPost, "/api/v1/assets/{number}/assign", guard.Wrap([&assets](Context& ctx) {
    auto parsed = JsonInput::Parse(ctx.req.body);
    if (!parsed.ok()) return http::Problem(parsed.error(), ctx.req);
    JsonInput& in = *parsed;
    const json::object raw = json::parse(ctx.req.body).as_object();
    auto is_null = [&](std::string_view k) {
      const auto* v = raw.if_contains(k);
      return v != nullptr && v->is_null();
    };
    Assignment a;
    a.custodian_id = in.Int("custodian_id", {.min = 1});
    a.department_id = in.Int("department_id", {.min = 1});
    a.manager_id = in.Int("manager_id", {.min = 1});
    a.clear_custodian = is_null("custodian_id");
    a.clear_department = is_null("department_id");
    a.clear_manager = is_null("manager_id");
    a.note = in.String("note", {.max_len = 500, .multiline = true}).value_or("");
    a.version = in.Int("version", {.min = 1});
    if (auto done = in.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    const Date today = TodayInShanghai();
    return http::Reply(ctx.req, assets.Assign(ctx.caller, ctx.req.Param("number"), a),
                       [&](const Card& c) { return CardPageJson(assets, c, today); });
  }));

  router.Add(Method::kPost, "/api/v1/assets/{number}/relocate", guard.Wrap([&assets](Context& ctx) {
    auto parsed = JsonInput::Parse(ctx.req.body);
    if (!parsed.ok()) return http::Problem(parsed.error(), ctx.req);
    JsonInput& in = *parsed;
    const json::object raw = json::parse(ctx.req.body).as_object();
    Relocation r;
    auto location = in.Int("location_id", {.required = true, .min = 1});
    r.latitude = Number(raw, in, "latitude");
    r.longitude = Number(raw, in, "longitude");
    r.note = in.String("note", {.max_len = 500, .multiline = true}).value_or("");
    r.version = in.Int("version", {.min = 1});
    if (auto done = in.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    r.location_id = *location;
    const Date today = TodayInShanghai();
    return http::Reply(ctx.req, assets.Relocate(ctx.caller, ctx.req.Param("number"), r),
                       [&](const Card& c) { return CardPageJson(assets, c, today); });
  }));

  // The two state changes share one handler shape.
  using StateCall = Result<Card> (AssetService::*)(const auth::Caller&, std::string_view, const StateChange&);
  for (auto [path, call] : {std::pair<const char*, StateCall>{"/api/v1/assets/{number}/idle", &AssetService::MarkIdle},
                            std::pair<const char*, StateCall>{"/api/v1/assets/{number}/back-in-use",
                                                              &AssetService::BackInUse}}) {
    router.Add(Method::kPost, path, guard.Wrap([&assets, call](Context& ctx) {
      auto change = ReadStateChange(ctx.req.body);
      if (!change.ok()) return http::Problem(change.error(), ctx.req);
      const Date today = TodayInShanghai();
      return http::Reply(ctx.req, (assets.*call)(ctx.caller, ctx.req.Param("number"), *change),
                         [&](const Card& c) { return CardPageJson(assets, c, today); });
    }));
  }

  // The dashboard: rollups only, and the rendered answer is cached until a
  // write changes them (AssetService::StatisticsBody); a current cached
  // answer is sent from the network thread like a lookup by number.
  router.Add(Method::kGet, "/api/v1/stats/assets", guard.Wrap([&assets](Context& ctx) {
    http::QueryReader q(ctx.req);
    StatsQuery query;
    query.org_id = q.Int("org");
    auto dims = ReadGroupBy(q);
    if (auto done = q.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    if (!dims.ok()) return http::Problem(dims.error(), ctx.req);
    query.group_by = *dims;
    auto body = [](const std::shared_ptr<const std::string>& b) { return *b; };
    if (!ctx.req.blocking_allowed) {
      // A current cached answer on the network thread; else the pool computes it.
      auto cached = assets.TryStatisticsBody(ctx.who(), query);
      if (cached.ok() && !*cached) return http::Response::Defer();
      return http::Reply(ctx.req, std::move(cached), body);
    }
    return http::Reply(ctx.req,
                       assets.StatisticsBody(ctx.who(), query,
                                             [&](const Stats& s) { return StatsJson(s, query.group_by); }),
                       body);
  }), {.non_blocking = true});
}

}  // namespace minsheng::asset
