#include "assessment/input_routes.h"

#include <boost/json.hpp>
#include <boost/url/pct_string_view.hpp>

#include "assessment/input_json.h"
#include "core/json_input.h"
#include "core/text.h"
#include "exchange/routes.h"
#include "http/api.h"

namespace minsheng::assessment {

namespace json = boost::json;
using auth::Context;
using HttpMethod = http::Method;
using http::Response;

namespace {

constexpr const char* kBase = "/api/v1/assessments/{period}/{template}";

std::string Path(const char* rest) { return std::string(kBase) + rest; }

std::string_view PeriodOf(const http::Request& req) { return req.Param("period"); }
std::string_view TemplateOf(const http::Request& req) { return req.Param("template"); }

// A number (with or without fraction) of the body; JsonInput reads integers
// only. *is_null is set for an explicit null.
std::optional<double> Number(const json::object& raw, JsonInput& in, std::string_view key, bool required = false) {
  in.Allow(key);
  const auto* v = raw.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (required) in.AddError(in.FieldName(key), "required", "必填", "is required");
    return std::nullopt;
  }
  if (!v->is_number()) {
    in.AddError(in.FieldName(key), "type", "应为数字", "must be a number");
    return std::nullopt;
  }
  return v->to_number<double>();
}

// Parses the body as an object and hands both views to fn.
template <typename F>
Response WithBody(Context& ctx, F&& fn) {
  auto parsed = JsonInput::Parse(ctx.req.body);
  if (!parsed.ok()) return http::Problem(parsed.error(), ctx.req);
  const json::object raw = json::parse(ctx.req.body).as_object();
  return fn(*parsed, raw);
}

std::optional<Decision> DecisionField(JsonInput& in) {
  auto text = in.String("decision", {.required = true, .max_len = 10});
  if (!text) return std::nullopt;
  auto d = ParseDecision(*text);
  if (!d) in.AddError("decision", "invalid", "应为 accept（通过）或 reject（退回）", "must be accept or reject");
  return d;
}

// X-Filename is percent-encoded by the console; a name that does not decode
// to sane UTF-8 is dropped (it is only shown).
std::string FileNameHeader(const http::Request& req) {
  const std::string_view raw = req.Header("x-filename");
  if (raw.empty()) return {};
  auto pct = boost::urls::make_pct_string_view(raw);
  std::string name = pct ? Trim(pct->decode()) : Trim(raw);
  if (!IsValidUtf8(name) || HasControlChars(name, false) || CodePointCount(name) > 255) return {};
  return name;
}

}  // namespace

Upload UploadOf(http::Request& req) {
  return {std::string(req.Header("content-type")), FileNameHeader(req), std::move(req.body)};
}

Response EvidenceDownload(const EvidenceFile& f) {
  return Response::Text(200, f.data, f.content_type)
      .WithHeader("Content-Disposition", exchange::AttachmentDisposition(f.file_name))
      .WithHeader("X-Content-SHA256", f.sha256)
      .WithHeader("X-Content-Type-Options", "nosniff")
      .WithHeader("Cache-Control", "private, no-store");
}

namespace {

std::string FilesJson(const std::vector<EvidenceFile>& files) { return ItemsJson(files, FileJson); }

}  // namespace

void RegisterInputRoutes(http::Router& router, const auth::Guard& guard, InputService& inputs) {
  // Uploads may be as large as the configured evidence limit (plus headroom,
  // so the service answers with its own clear 413 at the limit).
  const http::RouteOptions upload{.non_blocking = false,
                                  .body_limit = static_cast<size_t>(inputs.settings().evidence_max_bytes) + 1024};

  // ---- manual values
  router.Add(HttpMethod::kGet, Path("/inputs"), guard.Wrap([&inputs](Context& ctx) {
    http::QueryReader q(ctx.req);
    InputFilter f;
    f.object_id = q.Int("object_id");
    f.indicator_code = q.Text("indicator", 64);
    if (auto s = q.Text("status", 20)) {
      f.status = ParseInputStatus(*s);
      if (!f.status)
        q.errors.push_back({"status", "invalid", "应为 submitted、accepted 或 rejected",
                            "must be submitted, accepted or rejected"});
    }
    if (auto done = q.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    return http::Reply(ctx.req, inputs.ListInputs(ctx.who(), PeriodOf(ctx.req), TemplateOf(ctx.req), f),
                       [](const auto& v) { return ItemsJson(v, InputPairJson); });
  }));

  router.Add(HttpMethod::kPut, Path("/inputs"), guard.Wrap([&inputs](Context& ctx) {
    return WithBody(ctx, [&](JsonInput& in, const json::object& raw) {
      InputPut put;
      auto object = in.Int("object_id", {.required = true, .min = 1});
      auto indicator = in.String("indicator", {.required = true, .max_len = 64});
      std::optional<InputRole> role;
      if (auto r = in.String("role", {.required = true, .max_len = 20})) {
        role = ParseInputRole(*r);
        if (!role) in.AddError("role", "invalid", "应为 self（单位自评）或 supervisor（主管部门）", "must be self or supervisor");
      }
      put.value = Number(raw, in, "value");
      put.not_applicable = in.Bool("not_applicable").value_or(false);
      put.remark = in.String("remark", {.max_len = 2000, .multiline = true});
      put.version = in.Int("version", {.min = 1});
      if (auto done = in.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
      put.object_id = *object;
      put.indicator_code = *indicator;
      put.role = *role;
      return http::Reply(ctx.req, inputs.PutInput(ctx.caller, PeriodOf(ctx.req), TemplateOf(ctx.req), put),
                         InputJson);
    });
  }));

  router.Add(HttpMethod::kPost, Path("/inputs/{id}/review"), guard.Wrap([&inputs](Context& ctx) {
    auto id = http::PathId(ctx.req, "id");
    if (!id.ok()) return http::Problem(id.error(), ctx.req);
    return WithBody(ctx, [&](JsonInput& in, const json::object&) {
      InputReview r;
      auto decision = DecisionField(in);
      r.reason = in.String("reason", {.max_len = 2000, .multiline = true});
      auto version = in.Int("version", {.required = true, .min = 1});
      if (auto done = in.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
      r.decision = *decision;
      r.version = *version;
      return http::Reply(ctx.req, inputs.Review(ctx.caller, PeriodOf(ctx.req), TemplateOf(ctx.req), *id, r),
                         InputJson);
    });
  }));

  // ---- evidence
  router.Add(
      HttpMethod::kPost, Path("/inputs/{id}/files"), guard.Wrap([&inputs](Context& ctx) {
        auto id = http::PathId(ctx.req, "id");
        if (!id.ok()) return http::Problem(id.error(), ctx.req);
        const Upload up = UploadOf(ctx.req);
        return http::Reply(ctx.req, inputs.AddInputFile(ctx.caller, PeriodOf(ctx.req), TemplateOf(ctx.req), *id, up),
                           FileJson, 201);
      }),
      upload);
  router.Add(HttpMethod::kGet, Path("/inputs/{id}/files"), guard.Wrap([&inputs](Context& ctx) {
    auto id = http::PathId(ctx.req, "id");
    if (!id.ok()) return http::Problem(id.error(), ctx.req);
    return http::Reply(ctx.req, inputs.InputFiles(ctx.who(), PeriodOf(ctx.req), TemplateOf(ctx.req), *id),
                       FilesJson);
  }));
  router.Add(
      HttpMethod::kPost, Path("/appeals/{id}/files"), guard.Wrap([&inputs](Context& ctx) {
        auto id = http::PathId(ctx.req, "id");
        if (!id.ok()) return http::Problem(id.error(), ctx.req);
        const Upload up = UploadOf(ctx.req);
        return http::Reply(ctx.req,
                           inputs.AddAppealFile(ctx.caller, PeriodOf(ctx.req), TemplateOf(ctx.req), *id, up),
                           FileJson, 201);
      }),
      upload);
  router.Add(HttpMethod::kGet, Path("/appeals/{id}/files"), guard.Wrap([&inputs](Context& ctx) {
    auto id = http::PathId(ctx.req, "id");
    if (!id.ok()) return http::Problem(id.error(), ctx.req);
    return http::Reply(ctx.req, inputs.AppealFiles(ctx.who(), PeriodOf(ctx.req), TemplateOf(ctx.req), *id),
                       FilesJson);
  }));
  router.Add(HttpMethod::kGet, Path("/files/{id}"), guard.Wrap([&inputs](Context& ctx) {
    auto id = http::PathId(ctx.req, "id");
    if (!id.ok()) return http::Problem(id.error(), ctx.req);
    auto f = inputs.Download(ctx.who(), PeriodOf(ctx.req), TemplateOf(ctx.req), *id);
    if (!f.ok()) return http::Problem(f.error(), ctx.req);
    return EvidenceDownload(*f);
  }));

  // ---- self-checks
  router.Add(HttpMethod::kGet, Path("/submissions"), guard.Wrap([&inputs](Context& ctx) {
    return http::Reply(ctx.req, inputs.SelfChecks(ctx.who(), PeriodOf(ctx.req), TemplateOf(ctx.req)),
                       [](const auto& v) { return ItemsJson(v, SelfCheckJson); });
  }));
  router.Add(HttpMethod::kPost, Path("/submissions"), guard.Wrap([&inputs](Context& ctx) {
    return WithBody(ctx, [&](JsonInput& in, const json::object&) {
      auto object = in.Int("object_id", {.required = true, .min = 1});
      auto remarks = in.String("remarks", {.max_len = 4000, .multiline = true});
      if (auto done = in.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
      return http::Reply(
          ctx.req, inputs.SubmitSelfCheck(ctx.caller, PeriodOf(ctx.req), TemplateOf(ctx.req), *object, remarks),
          SelfCheckJson, 201);
    });
  }));

  router.Add(HttpMethod::kPut, Path("/submissions/draft"), guard.Wrap([&inputs](Context& ctx) {
    return WithBody(ctx, [&](JsonInput& in, const json::object&) {
      SelfCheckDraft draft;
      auto object = in.Int("object_id", {.required = true, .min = 1});
      draft.remarks = in.String("remarks", {.max_len = 4000, .multiline = true});
      if (auto arr = in.Array("items")) {
        if (arr->size() > 500) in.AddError("items", "too_many", "草稿最多 500 项", "at most 500 items in a draft");
        for (size_t i = 0; i < arr->size() && i < 500; ++i) {
          const std::string prefix = "items[" + std::to_string(i) + "]";
          if (!(*arr)[i].is_object()) {
            in.AddError(prefix, "type", "应为对象", "must be an object");
            continue;
          }
          const json::object& raw_item = (*arr)[i].as_object();
          JsonInput item(raw_item, prefix);
          DraftItem d;
          auto indicator = item.String("indicator", {.required = true, .max_len = 64});
          d.value = Number(raw_item, item, "value");
          d.not_applicable = item.Bool("not_applicable").value_or(false);
          d.remark = item.String("remark", {.max_len = 2000, .multiline = true});
          d.version = item.Int("version", {.min = 1});
          if (auto done = item.Finish(); !done.ok()) {
            in.AddErrors(done.error().fields);
            continue;
          }
          d.indicator_code = *indicator;
          draft.items.push_back(std::move(d));
        }
      }
      if (auto done = in.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
      draft.object_id = *object;
      return http::Reply(ctx.req,
                         inputs.SaveSelfCheckDraft(ctx.caller, PeriodOf(ctx.req), TemplateOf(ctx.req), draft),
                         SelfCheckJson);
    });
  }));

  // ---- experts
  router.Add(HttpMethod::kGet, Path("/experts"), guard.Wrap([&inputs](Context& ctx) {
    return http::Reply(ctx.req, inputs.Assignments(ctx.who(), PeriodOf(ctx.req), TemplateOf(ctx.req)),
                       [](const auto& v) { return ItemsJson(v, AssignmentJson); });
  }));
  router.Add(HttpMethod::kPost, Path("/experts"), guard.Wrap([&inputs](Context& ctx) {
    return WithBody(ctx, [&](JsonInput& in, const json::object&) {
      auto expert = in.Int("expert_user_id", {.required = true, .min = 1});
      std::vector<int64_t> objects;
      if (auto arr = in.Array("object_ids", true)) {
        for (size_t i = 0; i < arr->size(); ++i) {
          const auto& v = (*arr)[i];
          if (!v.is_int64() || v.as_int64() < 1) {
            in.AddError("object_ids[" + std::to_string(i) + "]", "type", "应为正整数", "must be a positive integer");
          } else {
            objects.push_back(v.as_int64());
          }
        }
        if (arr->size() > 1000) in.AddError("object_ids", "too_many", "一次最多 1000 个", "at most 1000 at a time");
      }
      if (auto done = in.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
      return http::Reply(
          ctx.req, inputs.AssignExpert(ctx.caller, PeriodOf(ctx.req), TemplateOf(ctx.req), *expert, objects),
          [](const auto& v) { return ItemsJson(v, AssignmentJson); }, 201);
    });
  }));
  router.Add(HttpMethod::kGet, Path("/expert/assignments"), guard.Wrap([&inputs](Context& ctx) {
    return http::Reply(ctx.req, inputs.MyAssignments(ctx.who(), PeriodOf(ctx.req), TemplateOf(ctx.req)),
                       [](const auto& v) { return ItemsJson(v, ExpertTaskJson); });
  }));
  router.Add(HttpMethod::kPut, Path("/expert/scores"), guard.Wrap([&inputs](Context& ctx) {
    return WithBody(ctx, [&](JsonInput& in, const json::object& raw) {
      ExpertScorePut put;
      auto object = in.Int("object_id", {.required = true, .min = 1});
      auto indicator = in.String("indicator", {.required = true, .max_len = 64});
      auto share = Number(raw, in, "share", true);
      put.comment = in.String("comment", {.max_len = 2000, .multiline = true});
      if (auto done = in.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
      put.object_id = *object;
      put.indicator_code = *indicator;
      put.share = *share;
      return http::Reply(ctx.req, inputs.PutExpertScore(ctx.caller, PeriodOf(ctx.req), TemplateOf(ctx.req), put),
                         ExpertScoreJson);
    });
  }));
  router.Add(HttpMethod::kGet, Path("/experts/progress"), guard.Wrap([&inputs](Context& ctx) {
    return http::Reply(ctx.req, inputs.Progress(ctx.who(), PeriodOf(ctx.req), TemplateOf(ctx.req)), ProgressJson);
  }));

  // ---- appeals
  router.Add(HttpMethod::kGet, Path("/appeals"), guard.Wrap([&inputs](Context& ctx) {
    http::QueryReader q(ctx.req);
    auto object = q.Int("object_id");
    auto status = q.Text("status", 20);
    if (status && *status != "open" && *status != "accepted" && *status != "rejected")
      q.errors.push_back({"status", "invalid", "应为 open、accepted 或 rejected", "must be open, accepted or rejected"});
    if (auto done = q.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    return http::Reply(ctx.req,
                       inputs.ListAppeals(ctx.who(), PeriodOf(ctx.req), TemplateOf(ctx.req), object, status),
                       [](const auto& v) { return ItemsJson(v, AppealJson); });
  }));
  router.Add(HttpMethod::kPost, Path("/appeals"), guard.Wrap([&inputs](Context& ctx) {
    return WithBody(ctx, [&](JsonInput& in, const json::object& raw) {
      NewAppeal a;
      auto object = in.Int("object_id", {.required = true, .min = 1});
      auto indicator = in.String("indicator", {.required = true, .max_len = 64});
      a.reason = in.String("reason", {.max_len = 2000, .multiline = true}).value_or("");
      a.requested_value = Number(raw, in, "requested_value");
      if (auto done = in.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
      a.object_id = *object;
      a.indicator_code = *indicator;
      return http::Reply(ctx.req, inputs.FileAppeal(ctx.caller, PeriodOf(ctx.req), TemplateOf(ctx.req), a),
                         AppealJson, 201);
    });
  }));
  router.Add(HttpMethod::kPost, Path("/appeals/{id}/decide"), guard.Wrap([&inputs](Context& ctx) {
    auto id = http::PathId(ctx.req, "id");
    if (!id.ok()) return http::Problem(id.error(), ctx.req);
    return WithBody(ctx, [&](JsonInput& in, const json::object& raw) {
      AppealDecision d;
      auto decision = DecisionField(in);
      d.reason = in.String("reason", {.max_len = 2000, .multiline = true});
      d.value = Number(raw, in, "value");
      d.not_applicable = in.Bool("not_applicable").value_or(false);
      if (auto done = in.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
      d.decision = *decision;
      return http::Reply(ctx.req,
                         inputs.DecideAppeal(ctx.caller, PeriodOf(ctx.req), TemplateOf(ctx.req), *id, d),
                         AppealJson);
    });
  }));
}

}  // namespace minsheng::assessment
