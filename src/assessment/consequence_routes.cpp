#include "assessment/consequence_routes.h"

#include "assessment/input_json.h"
#include "assessment/input_routes.h"
#include "core/json_input.h"
#include "http/api.h"

namespace minsheng::assessment {

using auth::Context;
using http::Response;

namespace {

// The filters every list shares: period, template, object, status, limit, cursor.
template <typename Query>
void ReadCommon(http::QueryReader& q, Query& out) {
  if (auto p = q.Text("period", 10)) {
    if (!ParsePeriod(*p).ok()) {
      q.errors.push_back({"period", "invalid", "期间格式应为 2026、2026Q3 或 2026-11", "expected 2026, 2026Q3 or 2026-11"});
    }
    out.period = *p;
  }
  out.template_code = q.Text("template", 64);
  out.object_id = q.Int("object");
  out.limit = q.Limit();
  out.after_id = q.Cursor();
}

void CheckStatus(http::QueryReader& q, const std::optional<std::string>& status,
                 std::initializer_list<std::string_view> allowed, const char* zh, const char* en) {
  if (!status) return;
  for (auto a : allowed) {
    if (*status == a) return;
  }
  q.errors.push_back({"status", "invalid", zh, en});
}

std::string ActionPageJson(const ActionPage& page) {
  std::vector<std::string> items;
  items.reserve(page.items.size());
  for (const auto& a : page.items) items.push_back(ActionJson(a));
  return http::ListJson(items, page.next_cursor ? std::optional<std::string>(std::to_string(*page.next_cursor))
                                                : std::nullopt);
}

std::string TaskPageJson(const TaskPage& page) {
  std::vector<std::string> items;
  items.reserve(page.items.size());
  for (const auto& t : page.items) items.push_back(TaskJson(t, page.today));
  return http::ListJson(items, page.next_cursor ? std::optional<std::string>(std::to_string(*page.next_cursor))
                                                : std::nullopt);
}

std::string TaskListJson(const std::vector<RectificationTask>& tasks, Date today) {
  std::vector<std::string> items;
  items.reserve(tasks.size());
  for (const auto& t : tasks) items.push_back(TaskJson(t, today));
  return http::ListJson(items, std::nullopt);
}

constexpr StringRule kNote{.max_len = 2000, .multiline = true};

}  // namespace

void RegisterConsequenceRoutes(http::Router& router, const auth::Guard& guard, ConsequenceService& service) {
  router.Add(http::Method::kGet, "/api/v1/assess/actions", guard.Wrap([&service](Context& ctx) {
    http::QueryReader q(ctx.req);
    ActionQuery f;
    ReadCommon(q, f);
    f.status = q.Text("status", 20);
    CheckStatus(q, f.status, {"open", "done", "cancelled"}, "状态应为 open、done 或 cancelled",
                "must be open, done or cancelled");
    f.kind = q.Text("kind", 64);
    if (auto done = q.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    return http::Reply(ctx.req, service.ListActions(ctx.who(), f), ActionPageJson);
  }));

  router.Add(http::Method::kPost, "/api/v1/assess/actions/{id}/status", guard.Wrap([&service](Context& ctx) {
    auto id = http::PathId(ctx.req, "id");
    if (!id.ok()) return http::Problem(id.error(), ctx.req);
    auto parsed = JsonInput::Parse(ctx.req.body);
    if (!parsed.ok()) return http::Problem(parsed.error(), ctx.req);
    JsonInput& in = *parsed;
    auto status = in.String("status", {.required = true, .max_len = 20});
    auto note = in.String("note", kNote);
    if (auto done = in.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    return http::Reply(ctx.req, service.SetActionStatus(ctx.caller, *id, *status, note), ActionJson);
  }));

  router.Add(http::Method::kGet, "/api/v1/assess/tasks", guard.Wrap([&service](Context& ctx) {
    http::QueryReader q(ctx.req);
    TaskQuery f;
    ReadCommon(q, f);
    f.status = q.Text("status", 20);
    CheckStatus(q, f.status, {"open", "submitted", "verified", "rejected"},
                "状态应为 open、submitted、verified 或 rejected", "must be open, submitted, verified or rejected");
    if (auto o = q.Text("overdue", 10)) {
      if (*o == "true" || *o == "1") {
        f.overdue = true;
      } else if (*o == "false" || *o == "0") {
        f.overdue = false;
      } else {
        q.errors.push_back({"overdue", "invalid", "应为 true 或 false", "must be true or false"});
      }
    }
    if (auto done = q.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    return http::Reply(ctx.req, service.ListTasks(ctx.who(), f), TaskPageJson);
  }));

  router.Add(http::Method::kPost, "/api/v1/assess/tasks/remind", guard.Wrap([&service](Context& ctx) {
    const UtcTime now = Now();
    return http::Reply(ctx.req, service.Remind(ctx.caller, now), [&](const std::vector<RectificationTask>& tasks) {
      return TaskListJson(tasks, DateInShanghai(now));
    });
  }));

  router.Add(http::Method::kGet, "/api/v1/assess/tasks/{id}", guard.Wrap([&service](Context& ctx) {
    auto id = http::PathId(ctx.req, "id");
    if (!id.ok()) return http::Problem(id.error(), ctx.req);
    const Date today = TodayInShanghai();
    return http::Reply(ctx.req, service.GetTask(ctx.who(), *id),
                       [&](const RectificationTask& t) { return TaskJson(t, today); });
  }));

  router.Add(http::Method::kPost, "/api/v1/assess/tasks/{id}/submit", guard.Wrap([&service](Context& ctx) {
    auto id = http::PathId(ctx.req, "id");
    if (!id.ok()) return http::Problem(id.error(), ctx.req);
    auto parsed = JsonInput::Parse(ctx.req.body);
    if (!parsed.ok()) return http::Problem(parsed.error(), ctx.req);
    JsonInput& in = *parsed;
    TaskSubmission s;
    s.evidence_note = in.String("evidence_note", {.required = true, .min_len = 1, .max_len = 2000, .multiline = true})
                          .value_or("");
    s.version = in.Int("version", {.min = 1});
    if (auto done = in.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    const Date today = TodayInShanghai();
    return http::Reply(ctx.req, service.Submit(ctx.caller, *id, s),
                       [&](const RectificationTask& t) { return TaskJson(t, today); });
  }));

  for (const bool verify : {true, false}) {
    const std::string path = std::string("/api/v1/assess/tasks/{id}/") + (verify ? "verify" : "reject");
    router.Add(http::Method::kPost, path, guard.Wrap([&service, verify](Context& ctx) {
      auto id = http::PathId(ctx.req, "id");
      if (!id.ok()) return http::Problem(id.error(), ctx.req);
      TaskReview r;
      if (!ctx.req.body.empty()) {
        auto parsed = JsonInput::Parse(ctx.req.body);
        if (!parsed.ok()) return http::Problem(parsed.error(), ctx.req);
        JsonInput& in = *parsed;
        r.note = in.String(verify ? "note" : "reason", kNote);
        r.version = in.Int("version", {.min = 1});
        if (auto done = in.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
      }
      const Date today = TodayInShanghai();
      auto result = verify ? service.Verify(ctx.caller, *id, r) : service.Reject(ctx.caller, *id, r);
      return http::Reply(ctx.req, std::move(result), [&](const RectificationTask& t) { return TaskJson(t, today); });
    }));
  }

  // ---- evidence files: the upload format of input and appeal files
  // (input_routes.h), the body limit of the configured evidence size (plus
  // headroom, so the service answers with its own 413 at the limit).
  const http::RouteOptions upload{.non_blocking = false,
                                  .body_limit = static_cast<size_t>(service.settings().evidence_max_bytes) + 1024};
  router.Add(
      http::Method::kPost, "/api/v1/assess/tasks/{id}/files", guard.Wrap([&service](Context& ctx) {
        auto id = http::PathId(ctx.req, "id");
        if (!id.ok()) return http::Problem(id.error(), ctx.req);
        const Upload up = UploadOf(ctx.req);
        return http::Reply(ctx.req, service.AddTaskFile(ctx.caller, *id, up), TaskFileJson, 201);
      }),
      upload);
  router.Add(http::Method::kGet, "/api/v1/assess/tasks/{id}/files", guard.Wrap([&service](Context& ctx) {
    auto id = http::PathId(ctx.req, "id");
    if (!id.ok()) return http::Problem(id.error(), ctx.req);
    return http::Reply(ctx.req, service.TaskFiles(ctx.who(), *id),
                       [](const std::vector<EvidenceFile>& files) { return ItemsJson(files, TaskFileJson); });
  }));
  router.Add(http::Method::kGet, "/api/v1/assess/tasks/{id}/files/{file_id}", guard.Wrap([&service](Context& ctx) {
    auto id = http::PathId(ctx.req, "id");
    if (!id.ok()) return http::Problem(id.error(), ctx.req);
    auto file_id = http::PathId(ctx.req, "file_id");
    if (!file_id.ok()) return http::Problem(file_id.error(), ctx.req);
    auto f = service.TaskFile(ctx.who(), *id, *file_id);
    if (!f.ok()) return http::Problem(f.error(), ctx.req);
    return EvidenceDownload(*f);
  }));
}

}  // namespace minsheng::assessment
