// `minsheng template import FILE [--publish]` and `minsheng template list`:
// the template service (assessment/template_service.h) at the terminal,
// acting locally as the CLI principal (audited as "cli").
#include <cstdio>
#include <fstream>
#include <sstream>

#include "app/app.h"
#include "cli/commands.h"

namespace minsheng::cli {
namespace {

// Bad input (the file or its content) is exit status 2; anything else 1.
int Failed(const Error& e) {
  PrintError(e);
  return e.kind == ErrorCode::kInvalidArgument ? 2 : 1;
}

}  // namespace

int TemplateImport(const Config& config, const TemplateImportArgs& args) {
  std::ifstream in(args.file, std::ios::binary);
  if (!in) {
    return Failed(MakeError(ErrorCode::kInvalidArgument, "file_not_found", "无法打开文件 " + args.file,
                            "cannot open " + args.file));
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto app = OpenOrReport(config);
  if (!app) return 1;
  auto doc = app->templates->Import(CliCaller(), text.str(), {.publish = args.publish});
  if (!doc.ok()) return Failed(doc.error());
  const assessment::Template& t = doc->tmpl;
  std::printf("已导入模板 / template imported: %s 第 %d 版 / version %d (%s), %zu 个指标 / indicators, id %lld\n",
              t.code.c_str(), t.version, t.version, t.status.c_str(), doc->indicators.size(),
              static_cast<long long>(t.id));
  return 0;
}

int TemplateList(const Config& config) {
  auto app = OpenOrReport(config);
  if (!app) return 1;
  auto list = app->templates->List(CliPrincipal());
  if (!list.ok()) return Failed(list.error());
  std::printf("%-24s %7s %-10s %-6s %9s  %s\n", "code", "version", "status", "frozen", "published", "name");
  for (const auto& s : *list) {
    const std::string published = s.published_version ? std::to_string(*s.published_version) : "-";
    std::printf("%-24s %7d %-10s %-6s %9s  %s / %s\n", s.code.c_str(), s.version, s.status.c_str(),
                s.frozen ? "yes" : "no", published.c_str(), s.name_zh.c_str(), s.name_en.c_str());
  }
  return 0;
}

}  // namespace minsheng::cli
