// `minsheng import assets` and `minsheng export assets`: the console's import
// and export (exchange/asset_import.h, asset_export.h) at the terminal, acting
// locally as the CLI principal (audited as "cli"). Progress goes to stderr,
// results to stdout.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include "app/app.h"
#include "asset/lifecycle.h"
#include "cli/commands.h"
#include "core/crypto.h"
#include "exchange/asset_export.h"
#include "exchange/asset_import.h"
#include "exchange/progress_bar.h"

namespace minsheng::cli {
namespace {

constexpr size_t kErrorsShown = 20;

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeError(ErrorCode::kNotFound, "exchange.file_not_found", "无法打开文件 " + path, "cannot open " + path);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// "第 12 行 「原值」 值 "abc"：…" — one line per error, both languages.
void PrintRowErrors(const std::vector<exchange::RowError>& errors, int64_t error_count) {
  const size_t shown = std::min(errors.size(), kErrorsShown);
  for (size_t i = 0; i < shown; ++i) {
    const auto& e = errors[i];
    std::string line = e.row > 0 ? "  第 " + std::to_string(e.row) + " 行 / row " + std::to_string(e.row) : "  文件 / file";
    if (!e.column.empty()) line += " [" + e.column + "]";
    if (!e.value.empty()) line += " \"" + e.value + "\"";
    line += ": " + e.message_zh + " / " + e.message_en + "\n";
    std::fputs(line.c_str(), stderr);
  }
  if (error_count > static_cast<int64_t>(shown)) {
    std::fprintf(stderr, "  … 共 %lld 处错误，用 --report 文件.xlsx 得到完整报告 / %lld problems in all; "
                 "--report FILE.xlsx writes them all\n",
                 static_cast<long long>(error_count), static_cast<long long>(error_count));
  }
}

// Nothing was written: the report goes to --report, or the first errors to stderr.
int ReportFailure(const std::vector<exchange::RowError>& errors, int64_t error_count, const std::string& report) {
  std::fprintf(stderr, "导入失败，未写入任何数据：%lld 处错误 / import failed, nothing written: %lld problems\n",
               static_cast<long long>(error_count), static_cast<long long>(error_count));
  if (report.empty()) {
    PrintRowErrors(errors, error_count);
    return 1;
  }
  auto written = exchange::WriteErrorReport(errors, exchange::FormatForPath(report), exchange::OutputTarget::File(report));
  if (!written.ok()) {
    PrintError(written.error());
    PrintRowErrors(errors, error_count);
    return 1;
  }
  std::fprintf(stderr, "错误报告 / error report: %s\n", report.c_str());
  return 1;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : "、") + n;
  return out;
}

}  // namespace

int ImportAssets(const Config& config, const ImportArgs& args) {
  auto bytes = ReadFile(args.file);
  if (!bytes.ok()) {
    PrintError(bytes.error());
    return 1;
  }
  auto app = OpenOrReport(config);
  if (!app) return 1;
  auto org = app->orgs->LookupByCode(args.org_code);
  if (!org.ok()) {
    PrintError(org.error());
    return 1;
  }

  const auth::Caller caller = CliCaller();
  exchange::AssetImportOptions options;
  options.org_id = org->id;
  options.dry_run = args.dry_run;
  options.batch_id = "cli-" + RandomToken(8);
  if (args.bulk) options.rebuild_indexes = exchange::AssetImportOptions::Rebuild::kAlways;
  // One bar per phase: reading (rows so far), validating, writing.
  std::unique_ptr<exchange::ProgressBar> bar;
  std::optional<exchange::ImportPhase> phase;
  options.on_progress = [&](exchange::ImportPhase p, int64_t done, int64_t total) {
    if (phase != p) {
      if (bar) bar->Finish();
      phase = p;
      const char* label = p == exchange::ImportPhase::kReading      ? "读取 / reading"
                          : p == exchange::ImportPhase::kValidating ? "校验 / validating"
                                                                    : "写入 / writing";
      std::fprintf(stderr, "%s\n", label);
      bar = std::make_unique<exchange::ProgressBar>("rows");
    }
    bar->SetTotal(total);
    bar->Update(done);
  };

  const auto start = std::chrono::steady_clock::now();
  auto result = exchange::ImportAssets({*app->db, *app->assets, *app->directories}, caller, *bytes, options);
  if (bar) bar->Finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (!result.ok()) {
    const auto errors = exchange::ReportOfFileError(result.error());
    return ReportFailure(errors, static_cast<int64_t>(errors.size()), args.report);
  }
  if (!result->ok()) return ReportFailure(result->errors, result->error_count, args.report);

  const auto& r = *result;
  const double rate = seconds > 0 ? static_cast<double>(r.rows) / seconds : 0;
  if (r.dry_run) {
    std::printf("校验通过，未写入 / all %lld rows valid, nothing written (dry run)\n", static_cast<long long>(r.rows));
  } else {
    std::printf("已导入 %lld 条资产到 %s / imported %lld assets into %s (%s … %s)\n",
                static_cast<long long>(r.imported), org->name.c_str(), static_cast<long long>(r.imported),
                org->code.c_str(), r.first_number.c_str(), r.last_number.c_str());
  }
  const char* verb = r.dry_run ? "将新增 / would add" : "新增 / added";
  std::printf("%s: %zu 个科室 departments%s%s, %zu 名人员 staff%s%s, %zu 个地点 locations%s%s\n", verb,
              r.added.departments.size(), r.added.departments.empty() ? "" : " ",
              JoinNames(r.added.departments).c_str(), r.added.staff.size(), r.added.staff.empty() ? "" : " ",
              JoinNames(r.added.staff).c_str(), r.added.locations.size(), r.added.locations.empty() ? "" : " ",
              JoinNames(r.added.locations).c_str());
  for (const auto& u : r.unknown_columns) {
    std::printf("忽略未知列 / ignored unknown column: %s\n", u.name.c_str());
  }
  std::printf("%s rows in %.2f s, %s rows/s%s\n", exchange::GroupThousands(r.rows).c_str(), seconds,
              exchange::GroupThousands(static_cast<int64_t>(rate)).c_str(),
              r.rebuilt_indexes ? " (索引已重建 / indexes rebuilt)" : "");
  return 0;
}

int ExportAssets(const Config& config, const ExportArgs& args) {
  const auto format = exchange::ParseFileFormat(args.format);
  if (!format) {
    PrintError(MakeError(ErrorCode::kInvalidArgument, "exchange.bad_format", "--format 应为 xlsx 或 csv",
                         "--format must be xlsx or csv"));
    return 2;
  }
  asset::CardFilter filter;
  if (!args.state.empty()) {
    filter.state = asset::ParseState(args.state);
    if (!filter.state) {
      PrintError(MakeError(ErrorCode::kInvalidArgument, "asset.bad_state", "状态无效: " + args.state,
                           "unknown state: " + args.state));
      return 2;
    }
  }
  if (!args.category.empty()) filter.category_prefix = args.category;
  if (!args.q.empty()) filter.q = args.q;
  auto app = OpenOrReport(config);
  if (!app) return 1;
  if (!args.org_code.empty()) {
    auto org = app->orgs->LookupByCode(args.org_code);
    if (!org.ok()) {
      PrintError(org.error());
      return 1;
    }
    filter.org_id = org->id;
  }
  exchange::ProgressBar bar("rows");
  exchange::AssetExportOptions options;
  options.on_progress = [&bar](int64_t done, int64_t total) {
    bar.SetTotal(total);
    bar.Update(done);
  };
  auto rows = exchange::ExportAssets(*app->assets, CliPrincipal(), filter, *format,
                                     exchange::OutputTarget::File(args.out), options);
  bar.Finish();
  if (!rows.ok()) {
    PrintError(rows.error());
    return 1;
  }
  std::printf("已导出 %lld 条资产到 %s / exported %lld assets to %s\n", static_cast<long long>(*rows),
              args.out.c_str(), static_cast<long long>(*rows), args.out.c_str());
  return 0;
}

}  // namespace minsheng::cli
