// `minsheng assess run | publish | finalize`: assessment runs at the terminal,
// acting locally as the CLI principal (audited as "cli"). The ranking goes
// to stdout; problems to stderr.
#include <cstdio>
#include <memory>
#include <string>

#include "app/app.h"
#include "assessment/run_service.h"
#include "cli/commands.h"

namespace minsheng::cli {
namespace {

std::string_view ColourZh(assessment::Colour c) {
  switch (c) {
    case assessment::Colour::kRed:
      return "红 red";
    case assessment::Colour::kYellow:
      return "黄 yellow";
    case assessment::Colour::kBlue:
      return "蓝 blue";
  }
  return "";
}

// Pads text to a display width (CJK counts 2).
std::string Pad(const std::string& s, size_t width) {
  size_t w = 0;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    w += len >= 3 ? 2 : 1;
    i += len;
  }
  return w >= width ? s : s + std::string(width - w, ' ');
}

void PrintRanking(const assessment::Ranking& r) {
  std::printf("%s  %s  %s  (%zu)\n", r.assessment.name.c_str(), r.assessment.period.ToString().c_str(),
              r.assessment.status.c_str(), r.rows.size());
  std::string group;
  for (const auto& row : r.rows) {
    if (row.group_key != group) {
      group = row.group_key;
      std::printf("\n[%s]\n%s\n", group.c_str(),
                  (Pad("排名", 6) + Pad("编码 code", 16) + Pad("名称 name", 32) + Pad("得分", 10) + Pad("等次", 6) +
                   "颜色")
                      .c_str());
    }
    char total[32];
    std::snprintf(total, sizeof total, "%.2f", row.rounded);
    const std::string line = Pad(std::to_string(row.rank), 6) + Pad(row.code, 16) + Pad(row.name, 32) +
                             Pad(total, 10) + Pad(std::string(assessment::GradeNameZh(row.grade)), 6) +
                             std::string(ColourZh(row.colour)) + (row.vetoed ? "  一票否决 veto" : "");
    std::printf("%s\n", line.c_str());
  }
}

}  // namespace

int AssessRun(const Config& config, const AssessArgs& args) {
  auto app = OpenOrReport(config);
  if (!app) return 1;
  const auth::Caller caller = CliCaller();
  auto period = ParsePeriod(args.period);
  if (!period.ok()) {
    PrintError(period.error());
    return 2;
  }
  auto existing = app->runs->Get(CliPrincipal(), args.period, args.template_code);
  if (!existing.ok()) {
    if (existing.error().kind != ErrorCode::kNotFound) {
      PrintError(existing.error());
      return 1;
    }
    assessment::NewAssessment in;
    in.period = args.period;
    in.template_code = args.template_code;
    if (!args.scope_code.empty()) {
      auto org = app->orgs->LookupByCode(args.scope_code);
      if (!org.ok()) {
        PrintError(org.error());
        return 1;
      }
      in.scope_org_id = org->id;
    }
    auto created = app->runs->Create(caller, in);
    if (!created.ok()) {
      PrintError(created.error());
      return 1;
    }
    std::fprintf(stderr, "已创建考核 / created: %s (%lld objects)\n", created->name.c_str(),
                 static_cast<long long>(created->object_count));
  }
  auto run = app->runs->Run(caller, args.period, args.template_code);
  if (!run.ok()) {
    PrintError(run.error());
    return 1;
  }
  std::fprintf(stderr, "已计算 / computed: %lld objects, %lld metrics from records, %.0f ms\n",
               static_cast<long long>(run->objects), static_cast<long long>(run->metrics_computed), run->millis);
  auto ranking = app->runs->Results(CliPrincipal(), args.period, args.template_code);
  if (!ranking.ok()) {
    PrintError(ranking.error());
    return 1;
  }
  PrintRanking(*ranking);
  return 0;
}

int AssessPublish(const Config& config, const AssessArgs& args) {
  auto app = OpenOrReport(config);
  if (!app) return 1;
  const auth::Caller caller = CliCaller();
  auto a = app->runs->Publish(caller, args.period, args.template_code);
  if (!a.ok()) {
    PrintError(a.error());
    return 1;
  }
  std::printf("已发布 / published: %s; 复核截止 / appeals until %s\n", a->name.c_str(),
              a->appeal_until ? FormatShanghai(*a->appeal_until).c_str() : "-");
  return 0;
}

int AssessFinalize(const Config& config, const AssessArgs& args) {
  auto app = OpenOrReport(config);
  if (!app) return 1;
  const auth::Caller caller = CliCaller();
  auto a = app->runs->Finalize(caller, args.period, args.template_code);
  if (!a.ok()) {
    PrintError(a.error());
    return 1;
  }
  std::printf("已定稿 / final: %s\n", a->name.c_str());
  return 0;
}

}  // namespace minsheng::cli
