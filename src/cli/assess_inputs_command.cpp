// `minsheng assess inputs import FILE [--reviewer USERNAME]`: manual values
// of one assessment from a JSON file (docs/assessment-inputs.md), all or
// nothing. The rows are entered as the CLI principal (audited as "cli"); with
// "accept": true in the file they are accepted as well, by the user named
// with --reviewer (who needs assess.review over every object). Exit 0 and a
// summary on success; exit 2 and one line per problem (rows[i].field) on
// stderr when anything is wrong — nothing is written then.
#include <boost/json.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "app/app.h"
#include "assessment/input_service.h"
#include "auth/store.h"
#include "cli/commands.h"
#include "core/json_input.h"

namespace minsheng::cli {
namespace {

namespace json = boost::json;

constexpr int kExitErrors = 2;

// The file as an ImportFile; every problem of every row as field errors.
Result<assessment::ImportFile> ParseImportFile(std::string_view text) {
  MS_ASSIGN_OR_RETURN(JsonInput in, JsonInput::Parse(text));
  assessment::ImportFile file;
  auto period = in.String("period", {.required = true, .max_len = 10});
  auto tmpl = in.String("template", {.required = true, .max_len = 64});
  file.accept = in.Bool("accept").value_or(false);
  auto rows = in.Array("inputs", true);
  if (rows) {
    if (rows->size() > 100'000) in.AddError("inputs", "too_many", "一次最多 100000 行", "at most 100000 rows");
    for (size_t i = 0; i < rows->size(); ++i) {
      const std::string prefix = "rows[" + std::to_string(i) + "]";
      const json::value& v = (*rows)[i];
      if (!v.is_object()) {
        in.AddError(prefix, "type", "应为对象", "must be an object");
        continue;
      }
      JsonInput row(v.as_object(), prefix);
      assessment::ImportRow r;
      r.object_code = row.String("object", {.required = true, .max_len = 64}).value_or("");
      r.indicator_code = row.String("indicator", {.required = true, .max_len = 64}).value_or("");
      if (auto role = row.String("role", {.max_len = 20})) {
        auto parsed = assessment::ParseInputRole(*role);
        if (!parsed) row.AddError(prefix + ".role", "invalid", "应为 self 或 supervisor", "must be self or supervisor");
        r.role = parsed.value_or(assessment::InputRole::kSelf);
      }
      row.Allow("value");
      if (const auto* value = v.as_object().if_contains("value"); value != nullptr && !value->is_null()) {
        if (value->is_number()) {
          r.value = value->to_number<double>();
        } else {
          row.AddError(prefix + ".value", "type", "应为数字", "must be a number");
        }
      }
      r.not_applicable = row.Bool("not_applicable").value_or(false);
      r.remark = row.String("remark", {.max_len = 2000, .multiline = true});
      if (auto done = row.Finish(); !done.ok()) in.AddErrors(done.error().fields);
      file.rows.push_back(std::move(r));
    }
  }
  MS_TRY(in.Finish());
  file.period = *period;
  file.template_code = *tmpl;
  return file;
}

void PrintFieldErrors(const Error& e) {
  std::fprintf(stderr, "%s / %s\n", e.zh.c_str(), e.en.c_str());
  for (const auto& f : e.fields) {
    std::fprintf(stderr, "  %s [%s]: %s / %s\n", f.field.c_str(), f.code.c_str(), f.zh.c_str(), f.en.c_str());
  }
}

}  // namespace

int AssessInputsImport(const Config& config, const AssessInputsArgs& args) {
  std::ifstream stream(args.file, std::ios::binary);
  if (!stream) {
    std::fprintf(stderr, "无法打开文件 %s / cannot open %s\n", args.file.c_str(), args.file.c_str());
    return kExitErrors;
  }
  std::ostringstream text;
  text << stream.rdbuf();
  auto file = ParseImportFile(text.str());
  if (!file.ok()) {
    PrintFieldErrors(file.error());
    return kExitErrors;
  }

  auto app = OpenOrReport(config);
  if (!app) return 1;
  std::optional<auth::Principal> reviewer;
  if (!args.reviewer.empty()) {
    auto conn = app->db->Read();
    if (!conn.ok()) {
      PrintError(conn.error());
      return 1;
    }
    auto user = auth::AuthStore::UserByName(**conn, args.reviewer);
    if (!user.ok() || !user->active) {
      std::fprintf(stderr, "没有用户 %s / no active user %s\n", args.reviewer.c_str(), args.reviewer.c_str());
      return kExitErrors;
    }
    reviewer.emplace();
    reviewer->user_id = user->id;
    reviewer->username = user->username;
    reviewer->display_name = user->display_name;
    reviewer->org_id = user->org_id;
    reviewer->roles = user->roles;
  }
  const auth::Caller caller = CliCaller();
  auto summary = app->inputs->Import(caller, *file, reviewer ? &*reviewer : nullptr);
  if (!summary.ok()) {
    if (summary.error().kind == ErrorCode::kInvalidArgument) {
      PrintFieldErrors(summary.error());
      return kExitErrors;
    }
    PrintError(summary.error());
    return summary.error().kind == ErrorCode::kConflict ? kExitErrors : 1;
  }
  std::printf("%s %s: %lld 条新增，%lld 条更新，%lld 条已审核通过 / %lld created, %lld updated, %lld accepted\n",
              file->period.c_str(), file->template_code.c_str(), static_cast<long long>(summary->created),
              static_cast<long long>(summary->updated), static_cast<long long>(summary->accepted),
              static_cast<long long>(summary->created), static_cast<long long>(summary->updated),
              static_cast<long long>(summary->accepted));
  return 0;
}

}  // namespace minsheng::cli
