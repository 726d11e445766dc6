#include "assessment/run_routes.h"

#include <boost/json.hpp>

#include "assessment/template.h"
#include "core/json_input.h"
#include "exchange/routes.h"
#include "exchange/writer.h"
#include "http/api.h"

namespace minsheng::assessment {

namespace json = boost::json;
using auth::Context;
using http::Response;

namespace {

json::value OptNum(const std::optional<double>& v) { return v ? json::value(*v) : json::value(nullptr); }
json::value OptTime(const std::optional<UtcTime>& t) { return t ? json::value(FormatUtc(*t)) : json::value(nullptr); }
json::value OptInt(const std::optional<int64_t>& v) { return v ? json::value(*v) : json::value(nullptr); }

json::object AssessmentObject(const Assessment& a) {
  return json::object{{"id", a.id},
                      {"period", a.period.ToString()},
                      {"template_id", a.template_id},
                      {"template_code", a.template_code},
                      {"template_version", a.template_version},
                      {"scope_org_id", a.scope_org_id},
                      {"scope_name", a.scope_name},
                      {"name", a.name},
                      {"status", a.status},
                      {"self_check_due", OptTime(a.self_check_due)},
                      {"appeal_until", OptTime(a.appeal_until)},
                      {"computed_at", OptTime(a.computed_at)},
                      {"published_at", OptTime(a.published_at)},
                      {"finalized_at", OptTime(a.finalized_at)},
                      {"created_at", FormatUtc(a.created_at)},
                      {"version", a.version},
                      {"object_count", a.object_count},
                      {"result_count", a.result_count}};
}

json::object RowObject(const RankingRow& r) {
  return json::object{{"object_id", r.object_id},
                      {"code", r.code},
                      {"name", r.name},
                      {"group", r.group_key},
                      {"total", r.total},
                      {"rounded", r.rounded},
                      {"grade", GradeName(r.grade)},
                      {"grade_zh", GradeNameZh(r.grade)},
                      {"colour", ColourName(r.colour)},
                      {"vetoed", r.vetoed},
                      {"rank", r.rank},
                      {"group_size", r.group_size},
                      {"previous_total", OptNum(r.previous_total)},
                      {"change", OptNum(r.change)},
                      {"detail", r.detail}};
}

json::object ExplainObject(const ExplainNode& n) {
  json::object o{{"code", n.code},         {"name_zh", n.name_zh}, {"name_en", n.name_en},
                 {"level", n.level},       {"points", n.points},   {"max", n.max},
                 {"score", n.score},       {"share", OptNum(n.share)}, {"applicable", n.applicable}};
  if (n.indicator_code) {
    o["indicator_code"] = *n.indicator_code;
    boost::system::error_code ec;
    json::value method = json::parse(n.method_json, ec);
    o["method"] = ec ? json::value(nullptr) : std::move(method);
    o["value"] = OptNum(n.value);
    o["source"] = n.source;
    o["ref"] = n.ref;
    o["tier"] = n.tier;
    o["veto"] = n.veto;
    json::array flags;
    for (const auto& f : n.flags) flags.emplace_back(f);
    o["flags"] = std::move(flags);
    if (n.metric_key) {
      json::array records;
      for (const auto& r : n.records) {
        records.push_back(json::object{
            {"kind", r.kind}, {"id", r.id}, {"label", r.label}, {"note", r.note}, {"counted", r.counted}});
      }
      o["metric"] = json::object{{"key", *n.metric_key},
                                 {"numerator", OptNum(n.numerator)},
                                 {"denominator", OptNum(n.denominator)},
                                 {"records_url", n.records_url},
                                 {"records", std::move(records)},
                                 {"records_next_cursor", OptInt(n.records_next_cursor)}};
    }
    if (!n.manual.empty()) {
      json::array inputs;
      for (const auto& m : n.manual) {
        json::array files;
        for (const auto& [id, name] : m.files) files.push_back(json::object{{"id", id}, {"file_name", name}});
        inputs.push_back(json::object{{"input_id", m.input_id},
                                      {"role", m.role},
                                      {"value", OptNum(m.value)},
                                      {"not_applicable", m.not_applicable},
                                      {"remark", m.remark},
                                      {"status", m.status},
                                      {"submitted_by", OptInt(m.submitted_by)},
                                      {"submitted_at", OptTime(m.submitted_at)},
                                      {"reviewed_by", OptInt(m.reviewed_by)},
                                      {"reviewer", m.reviewer},
                                      {"reviewed_at", OptTime(m.reviewed_at)},
                                      {"evidence", std::move(files)},
                                      {"used", m.used}});
      }
      o["inputs"] = std::move(inputs);
    }
    if (!n.experts.empty()) {
      json::array experts;
      for (const auto& e : n.experts) {
        experts.push_back(json::object{{"expert_user_id", e.expert_user_id},
                                       {"name", e.name},
                                       {"share", e.share},
                                       {"comment", e.comment},
                                       {"dropped", e.dropped}});
      }
      o["experts"] = json::object{{"aggregation", n.aggregation}, {"scores", std::move(experts)}};
    }
    if (n.source == "override") o["appeal_id"] = OptInt(n.appeal_id);
  } else {
    json::array children;
    for (const auto& c : n.children) children.push_back(ExplainObject(c));
    o["children"] = std::move(children);
  }
  return o;
}

std::string ExplanationJson(const Explanation& e) {
  json::array nodes;
  for (const auto& n : e.nodes) nodes.push_back(ExplainObject(n));
  return json::serialize(json::object{{"assessment", AssessmentObject(e.assessment)},
                                      {"result", RowObject(e.result)},
                                      {"total_points", e.total_points},
                                      {"nodes", std::move(nodes)},
                                      {"note_zh", e.note_zh},
                                      {"note_en", e.note_en}});
}

std::string WhatIfJson(const WhatIfResult& w) {
  json::array rows;
  for (const auto& r : w.rows) {
    json::value current = nullptr;
    if (r.current) current = RowObject(*r.current);
    rows.push_back(json::object{{"object_id", r.object_id},
                                {"code", r.code},
                                {"name", r.name},
                                {"group", r.group_key},
                                {"current", std::move(current)},
                                {"draft",
                                 json::object{{"total", r.total},
                                              {"rounded", r.rounded},
                                              {"grade", GradeName(r.grade)},
                                              {"grade_zh", GradeNameZh(r.grade)},
                                              {"colour", ColourName(r.colour)},
                                              {"rank", r.rank},
                                              {"group_size", r.group_size}}},
                                {"total_change", OptNum(r.total_change)},
                                {"rank_change", r.rank_change ? json::value(*r.rank_change) : json::value(nullptr)}});
  }
  return json::serialize(json::object{{"assessment", AssessmentObject(w.assessment)},
                                      {"draft_code", w.draft_code},
                                      {"draft_version", w.draft_version},
                                      {"items", std::move(rows)}});
}

// ?group=&colour=&grade=
Result<ResultsFilter> ReadFilter(const http::Request& req) {
  http::QueryReader q(req);
  ResultsFilter f;
  f.group = q.Text("group", 100);
  if (auto c = q.Text("colour", 20)) {
    f.colour = ParseColour(*c);
    if (!f.colour) q.errors.push_back({"colour", "invalid", "颜色应为 red / yellow / blue", "must be red, yellow or blue"});
  }
  if (auto g = q.Text("grade", 20)) {
    f.grade = ParseGrade(*g);
    if (!f.grade)
      q.errors.push_back({"grade", "invalid", "等次应为 excellent / good / fair / poor", "must be excellent, good, fair or poor"});
  }
  MS_TRY(q.Finish());
  return f;
}

std::string_view ColourZh(Colour c) {
  switch (c) {
    case Colour::kRed:
      return "红";
    case Colour::kYellow:
      return "黄";
    case Colour::kBlue:
      return "蓝";
  }
  return "";
}

Result<std::string> RankingXlsx(const Ranking& r) {
  using exchange::CellType;
  std::vector<exchange::OutputColumn> columns{
      {"排名 Rank", CellType::kInteger},   {"单位编码 Code", CellType::kText}, {"单位名称 Name", CellType::kText, 30},
      {"分组 Group", CellType::kText},      {"得分 Total", CellType::kNumber},  {"等次 Grade", CellType::kText},
      {"颜色 Colour", CellType::kText},     {"上期得分 Previous", CellType::kNumber},
      {"变化 Change", CellType::kNumber},   {"组内数 Group size", CellType::kInteger}};
  std::string out;
  MS_ASSIGN_OR_RETURN(auto w, exchange::OpenTableWriter(exchange::FileFormat::kXlsx,
                                                        exchange::OutputTarget::String(&out), columns, "排名"));
  auto fixed2 = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return std::string(buf);
  };
  for (const auto& row : r.rows) {
    std::vector<std::string> cells{std::to_string(row.rank),
                                   row.code,
                                   row.name,
                                   row.group_key,
                                   fixed2(row.rounded),
                                   std::string(GradeNameZh(row.grade)),
                                   std::string(ColourZh(row.colour)),
                                   row.previous_total ? fixed2(RoundHalfUp2(*row.previous_total)) : "",
                                   row.change ? fixed2(*row.change) : "",
                                   std::to_string(row.group_size)};
    MS_TRY(w->AddRow(cells));
  }
  MS_TRY(w->Finish());
  return out;
}

// POST /api/v1/assessments
Result<NewAssessment> ReadNew(std::string_view body) {
  MS_ASSIGN_OR_RETURN(JsonInput in, JsonInput::Parse(body));
  NewAssessment n;
  n.period = in.String("period", {.required = true, .max_len = 10}).value_or("");
  n.template_code = in.String("template_code", {.required = true, .max_len = 64}).value_or("");
  n.scope_org_id = in.Int("scope_org_id", {.min = 1});
  n.name = in.String("name", {.max_len = 200});
  if (auto due = in.String("self_check_due", {.max_len = 40})) {
    n.self_check_due = ParseTime(*due);
    if (!n.self_check_due)
      in.AddError("self_check_due", "invalid", "时间格式应为 RFC 3339 或 YYYY-MM-DD", "expected RFC 3339 or YYYY-MM-DD");
  }
  MS_TRY(in.Finish());
  return n;
}

Result<WhatIfDraft> ReadDraft(std::string_view body) {
  MS_ASSIGN_OR_RETURN(JsonInput in, JsonInput::Parse(body));
  WhatIfDraft d;
  if (auto v = in.Int("version", {.min = 1, .max = 1'000'000})) d.version = static_cast<int>(*v);
  in.Allow("template");
  MS_TRY(in.Finish());
  const json::value raw = json::parse(body);
  if (const auto* t = raw.as_object().if_contains("template"); t != nullptr && !t->is_null()) {
    if (!t->is_object())
      return ValidationError({{"template", "type", "应为模板对象", "must be a template object"}});
    d.document = json::serialize(*t);
  }
  return d;
}

}  // namespace

std::string AssessmentJson(const Assessment& a) { return json::serialize(AssessmentObject(a)); }

std::string RankingJson(const Ranking& r) {
  json::array rows;
  for (const auto& row : r.rows) rows.push_back(RowObject(row));
  return json::serialize(json::object{{"assessment", AssessmentObject(r.assessment)}, {"items", std::move(rows)}});
}

void RegisterRunRoutes(http::Router& router, const auth::Guard& guard, RunService& runs) {
  using http::Method;
  router.Add(Method::kGet, "/api/v1/assessments", guard.Wrap([&runs](Context& ctx) {
    http::QueryReader q(ctx.req);
    auto period = q.Text("period", 10);
    auto code = q.Text("template", 64);
    auto status = q.Text("status", 20);
    if (auto done = q.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    return http::Reply(ctx.req, runs.List(ctx.who(), period, code, status), [](const std::vector<Assessment>& list) {
      std::vector<std::string> items;
      for (const auto& a : list) items.push_back(AssessmentJson(a));
      return http::ListJson(items, std::nullopt);
    });
  }));

  router.Add(Method::kPost, "/api/v1/assessments", guard.Wrap([&runs](Context& ctx) {
    auto input = ReadNew(ctx.req.body);
    if (!input.ok()) return http::Problem(input.error(), ctx.req);
    return http::Reply(ctx.req, runs.Create(ctx.caller, *input), AssessmentJson, 201);
  }));

  const std::string base = "/api/v1/assessments/{period}/{template}";
  router.Add(Method::kGet, base, guard.Wrap([&runs](Context& ctx) {
    return http::Reply(ctx.req, runs.Get(ctx.who(), ctx.req.Param("period"), ctx.req.Param("template")),
                       AssessmentJson);
  }));

  router.Add(Method::kPost, base + "/run", guard.Wrap([&runs](Context& ctx) {
    return http::Reply(ctx.req, runs.Run(ctx.caller, ctx.req.Param("period"), ctx.req.Param("template")),
                       [](const RunSummary& s) {
                         json::object o = AssessmentObject(s.assessment);
                         o["objects"] = s.objects;
                         o["metrics_computed"] = s.metrics_computed;
                         o["millis"] = s.millis;
                         return json::serialize(o);
                       });
  }));

  router.Add(Method::kGet, base + "/results", guard.Wrap([&runs](Context& ctx) {
    auto filter = ReadFilter(ctx.req);
    if (!filter.ok()) return http::Problem(filter.error(), ctx.req);
    return http::Reply(ctx.req, runs.Results(ctx.who(), ctx.req.Param("period"), ctx.req.Param("template"), *filter),
                       RankingJson);
  }));

  router.Add(Method::kGet, base + "/results.xlsx", guard.Wrap([&runs](Context& ctx) {
    auto filter = ReadFilter(ctx.req);
    if (!filter.ok()) return http::Problem(filter.error(), ctx.req);
    const std::string period(ctx.req.Param("period"));
    const std::string code(ctx.req.Param("template"));
    auto ranking = runs.Results(ctx.who(), period, code, *filter);
    if (!ranking.ok()) return http::Problem(ranking.error(), ctx.req);
    auto file = RankingXlsx(*ranking);
    if (!file.ok()) return http::Problem(file.error(), ctx.req);
    return Response::Text(200, std::move(file).value(), std::string(exchange::ContentType(exchange::FileFormat::kXlsx)))
        .WithHeader("Content-Disposition",
                    exchange::AttachmentDisposition("考核排名-" + ranking->assessment.period.ToString() + "-" + code +
                                                    ".xlsx"))
        .WithHeader("Cache-Control", "no-store");
  }));

  router.Add(Method::kGet, base + "/explain", guard.Wrap([&runs](Context& ctx) {
    http::QueryReader q(ctx.req);
    auto object = q.Text("object", 64);
    if (!object) q.errors.push_back({"object", "required", "必填：单位 id 或编码", "required: org id or code"});
    auto indicator = q.Text("indicator", 64);
    if (auto done = q.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    return http::Reply(
        ctx.req, runs.Explain(ctx.who(), ctx.req.Param("period"), ctx.req.Param("template"), *object, indicator),
        ExplanationJson);
  }));

  router.Add(Method::kPost, base + "/publish", guard.Wrap([&runs](Context& ctx) {
    return http::Reply(ctx.req, runs.Publish(ctx.caller, ctx.req.Param("period"), ctx.req.Param("template")),
                       AssessmentJson);
  }));

  router.Add(Method::kPost, base + "/finalize", guard.Wrap([&runs](Context& ctx) {
    return http::Reply(ctx.req, runs.Finalize(ctx.caller, ctx.req.Param("period"), ctx.req.Param("template")),
                       AssessmentJson);
  }));

  router.Add(Method::kGet, base + "/bulletin", guard.Wrap([&runs](Context& ctx) {
    return http::Reply(ctx.req, runs.Bulletin(ctx.who(), ctx.req.Param("period"), ctx.req.Param("template")),
                       [](const std::string& body) { return body; });
  }));

  router.Add(Method::kPost, base + "/whatif", guard.Wrap([&runs](Context& ctx) {
    auto draft = ReadDraft(ctx.req.body);
    if (!draft.ok()) return http::Problem(draft.error(), ctx.req);
    return http::Reply(ctx.req, runs.WhatIf(ctx.who(), ctx.req.Param("period"), ctx.req.Param("template"), *draft),
                       WhatIfJson);
  }));
}

}  // namespace minsheng::assessment
