#include "exchange/routes.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <future>
#include <memory>
#include <system_error>

#include "asset/routes.h"
#include "auth/access.h"
#include "core/crypto.h"
#include "core/date.h"
#include "core/text.h"
#include "exchange/asset_export.h"
#include "exchange/asset_import.h"
#include "exchange/reader.h"
#include "exchange/writer.h"
#include "http/api.h"

namespace minsheng::exchange {

namespace json = boost::json;
using auth::Context;
using http::Method;
using http::Response;

namespace {

constexpr std::string_view kXlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// X-Filename is percent-encoded by the console; a header that does not
// decode to sane UTF-8 is dropped (the name is only shown and logged).
std::string DecodeFileName(std::string_view raw) {
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '%' && i + 2 < raw.size() && HexValue(raw[i + 1]) >= 0 && HexValue(raw[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(raw[i + 1]) * 16 + HexValue(raw[i + 2])));
      i += 2;
    } else {
      out.push_back(raw[i]);
    }
  }
  out = Trim(out);
  if (!IsValidUtf8(out) || HasControlChars(out, false) || CodePointCount(out) > 255) return {};
  return out;
}

std::string_view Pick(const http::Request& req, std::string_view zh, std::string_view en) {
  return req.locale() == http::Locale::kEn && !en.empty() ? en : zh;
}

// The format a query parameter names; xlsx when absent.
std::optional<FileFormat> FormatParam(http::QueryReader& q) {
  const auto text = q.Text("format", 10);
  if (!text) return FileFormat::kXlsx;
  auto f = ParseFileFormat(*text);
  if (!f) q.errors.push_back({"format", "invalid", "格式应为 xlsx 或 csv", "must be xlsx or csv"});
  return f;
}

Response FileResponse(std::string body, FileFormat format, std::string_view filename) {
  return Response::Text(200, std::move(body), std::string(ContentType(format)))
      .WithHeader("Content-Disposition", AttachmentDisposition(filename))
      .WithHeader("Cache-Control", "no-store");
}

Response StreamResponse(std::shared_ptr<http::BodyStream> body, FileFormat format, std::string_view filename) {
  return Response::Stream(200, std::move(body), std::string(ContentType(format)))
      .WithHeader("Content-Disposition", AttachmentDisposition(filename))
      .WithHeader("Cache-Control", "no-store");
}

// Declared by Content-Type (parameters such as charset ignored).
Result<FileFormat> UploadFormat(std::string_view content_type) {
  std::string type(content_type.substr(0, content_type.find(';')));
  type = Trim(type);
  for (auto& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (type == "text/csv" || type == "application/csv") return FileFormat::kCsv;
  if (type == kXlsxType) return FileFormat::kXlsx;
  return MakeError(ErrorCode::kInvalidArgument, "exchange.unsupported_content_type",
                   "请上传 CSV（Content-Type: text/csv）或 XLSX 文件",
                   "Upload a CSV (Content-Type: text/csv) or an XLSX file (Content-Type: " + std::string(kXlsxType) +
                       ")");
}

// The checks an upload can fail before it becomes a job.
Result<FileFormat> CheckUpload(const http::Request& req) {
  MS_ASSIGN_OR_RETURN(const FileFormat declared, UploadFormat(req.Header("content-type")));
  if (req.body.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "exchange.empty_file", "上传的文件是空的", "The uploaded file is empty");
  }
  MS_ASSIGN_OR_RETURN(const InputFormat actual, SniffFormat(std::string_view(req.body).substr(0, 512)));
  const bool matches = (declared == FileFormat::kXlsx) == (actual == InputFormat::kXlsx);
  if (!matches) {
    return MakeError(ErrorCode::kInvalidArgument, "exchange.content_type_mismatch",
                     declared == FileFormat::kXlsx ? "声明为 XLSX，但文件内容不是 XLSX" : "声明为 CSV，但文件内容是 XLSX",
                     declared == FileFormat::kXlsx ? "Declared as XLSX, but the content is not an XLSX file"
                                                   : "Declared as CSV, but the content is an XLSX file");
  }
  return declared;
}

// asset.write on the unit and a unit that may own assets, answered before the
// job starts. The job's import checks again (the scope may change meanwhile).
Result<void> CheckImportTarget(const ExchangeServices& s, const auth::Principal& who, int64_t org_id) {
  MS_TRY(auth::Require(who, auth::Action::kAssetWrite));
  auto o = s.orgs.Lookup(org_id);
  if (!o.ok()) {
    if (o.error().kind == ErrorCode::kNotFound) return NotFoundError("单位", "Unit");
    return std::move(o).error();
  }
  MS_TRY(auth::RequireOn(who, auth::Action::kAssetWrite, o->path, "单位", "Unit"));
  MS_ASSIGN_OR_RETURN(auto conn, s.db.Read());
  MS_TRY(s.assets.LoadValidationContext(*conn, org_id));  // regions and inactive orgs: 400 on org_id
  return Ok();
}

// Writes the report in both formats next to each other and lists them on the job.
Result<void> WriteReports(const std::vector<RowError>& errors, JobProgress& progress) {
  std::error_code ec;
  const auto dir = std::filesystem::temp_directory_path(ec);
  if (ec) return InternalError("no temporary directory: " + ec.message());
  const std::string stem = (dir / ("minsheng-import-report-" + RandomToken(12))).string();
  for (const FileFormat f : {FileFormat::kXlsx, FileFormat::kCsv}) {
    const std::string path = stem + (f == FileFormat::kXlsx ? ".xlsx" : ".csv");
    progress.AddReportFile(path);  // listed first, so expiry removes even a partial file
    MS_TRY(WriteErrorReport(errors, f, OutputTarget::File(path)));
  }
  return Ok();
}

struct ImportRequest {
  std::shared_ptr<const auth::Principal> principal;
  std::string request_id;
  std::string source_addr;
  std::string body;
  std::string file_name;
  int64_t org_id = 0;
  bool dry_run = false;
};

// The job: ImportAssets with progress, then the result, the report (when
// anything is wrong) and the job's final state.
Result<void> RunImport(const ExchangeServices& s, const ImportRequest& r, const std::string& job_id,
                       JobProgress& progress) {
  const auth::Caller caller{r.principal.get(), r.request_id, r.source_addr};
  AssetImportOptions options;
  options.org_id = r.org_id;
  options.dry_run = r.dry_run;
  options.batch_id = job_id;
  std::optional<ImportPhase> shown;
  options.on_progress = [&](ImportPhase phase, int64_t done, int64_t total) {
    if (shown != phase) {
      shown = phase;
      switch (phase) {
        case ImportPhase::kReading: progress.SetMessage("正在读取文件", "Reading the file"); break;
        case ImportPhase::kValidating: progress.SetMessage("正在校验", "Validating"); break;
        case ImportPhase::kWriting: progress.SetMessage("正在写入", "Writing"); break;
      }
    }
    progress.SetTotal(total);
    progress.SetDone(done);
  };
  const AssetImportServices services{s.db, s.assets, s.directories};
  auto imported = ImportAssets(services, caller, r.body, options);
  if (!imported.ok()) {
    // The file as a whole (unreadable, header, columns) or the caller.
    AssetImportResult failed;
    failed.dry_run = r.dry_run;
    failed.errors = ReportOfFileError(imported.error());
    failed.error_count = static_cast<int64_t>(failed.errors.size());
    progress.SetResultJson(AssetImportResultJson(failed));
    MS_TRY(WriteReports(failed.errors, progress));
    spdlog::info("import job {}: user {} org {} file \"{}\" failed: {} {}", job_id, r.principal->username, r.org_id,
                 r.file_name, imported.error().code, imported.error().log_detail);
    return std::move(imported).error();
  }
  const AssetImportResult& result = *imported;
  progress.SetResultJson(AssetImportResultJson(result));
  spdlog::info("import job {}: user {} org {} file \"{}\": {} rows, {} imported, {} errors{}", job_id,
               r.principal->username, r.org_id, r.file_name, result.rows, result.imported, result.error_count,
               r.dry_run ? " (dry run)" : "");
  if (!result.ok()) {
    MS_TRY(WriteReports(result.errors, progress));
    const std::string n = std::to_string(result.error_count);
    return MakeError(ErrorCode::kInvalidArgument, "exchange.rows_invalid",
                     "有 " + n + " 处错误，未导入任何数据；请按错误报告改正后重新上传",
                     n + " problems found; nothing was imported. Fix them as the report says and upload again");
  }
  const std::string n = std::to_string(r.dry_run ? result.rows : result.imported);
  if (r.dry_run) {
    progress.SetMessage("校验通过，可导入 " + n + " 条", "All rows valid; " + n + " can be imported");
  } else {
    progress.SetMessage("已导入 " + n + " 条", n + " imported");
  }
  return Ok();
}

std::string JobJson(const JobSnapshot& j, const http::Request& req) {
  json::object o;
  o["id"] = j.id;
  o["kind"] = j.kind;
  o["state"] = JobStateName(j.state);
  o["total"] = j.total;
  o["done"] = j.done;
  o["message"] = Pick(req, j.message, j.message_en);
  if (!j.error_code.empty()) o["error_code"] = j.error_code;
  json::value result = nullptr;
  if (!j.result_json.empty()) {
    boost::system::error_code ec;
    result = json::parse(j.result_json, ec);
    if (ec) result = nullptr;
  }
  o["result"] = std::move(result);
  if (j.report_files.empty()) {
    o["report"] = nullptr;
  } else {
    const std::string base = "/api/v1/jobs/" + j.id + "/report";
    o["report"] = json::object{{"xlsx", base + ".xlsx"}, {"csv", base + ".csv"}};
  }
  o["created_at"] = FormatUtc(j.created_at);
  o["started_at"] = j.started_at == UtcTime{} ? json::value(nullptr) : json::value(FormatUtc(j.started_at));
  o["finished_at"] = j.finished_at == UtcTime{} ? json::value(nullptr) : json::value(FormatUtc(j.finished_at));
  return json::serialize(o);
}

// A CSV export as an HTTP body: the BOM, header and first page go out at
// once, then one page (kExportPageSize cards) per piece, read on
// the blocking pool only when the client has taken the previous one.
class CsvExportBody final : public http::BodyStream {
 public:
  // Reads the first page: a bad filter or scope fails here, before the head.
  static Result<std::shared_ptr<CsvExportBody>> Open(asset::AssetService& assets,
                                                     std::shared_ptr<const auth::Principal> who,
                                                     const asset::CardFilter& filter) {
    std::shared_ptr<CsvExportBody> body(new CsvExportBody(std::move(who)));
    MS_ASSIGN_OR_RETURN(body->reader_, AssetExportReader::Open(assets, *body->who_, filter));
    MS_ASSIGN_OR_RETURN(body->writer_, OpenTableWriter(FileFormat::kCsv, OutputTarget::String(&body->buffer_),
                                                       AssetExportColumns()));
    return body;
  }

  Result<bool> Next(std::string& out) override {
    out.clear();
    if (done_) return false;
    MS_ASSIGN_OR_RETURN(const bool more, reader_->WritePage(*writer_));
    if (!more) {
      MS_TRY(writer_->Finish());
      done_ = true;
    }
    out.swap(buffer_);  // buffer_ keeps the old piece's capacity for the next
    buffer_.clear();
    return true;
  }

  const AssetExportReader& reader() const { return *reader_; }

 private:
  explicit CsvExportBody(std::shared_ptr<const auth::Principal> who) : who_(std::move(who)) {}

  std::shared_ptr<const auth::Principal> who_;  // the reader refers to it
  std::unique_ptr<AssetExportReader> reader_;
  std::string buffer_;  // the writer appends here
  std::unique_ptr<TableWriter> writer_;
  bool done_ = false;
};

// A private scratch directory (0700) removed with whatever is left in it.
class ScratchDir {
 public:
  ScratchDir() = default;
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() {
    if (path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  Result<void> Create() {
    std::error_code ec;
    const auto tmp = std::filesystem::temp_directory_path(ec);
    if (ec) return InternalError("no temporary directory: " + ec.message());
    std::string templ = (tmp / "minsheng-export-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) return InternalError("mkdtemp " + templ + ": " + std::strerror(errno));
    path_ = std::move(templ);
    return Ok();
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// An XLSX export as an HTTP body: the workbook is written page by page
// (libxlsxwriter's constant_memory mode) to a file in a private scratch
// directory — a zip's central directory comes last and libxlsxwriter writes
// only files — then sent from that file, unlinked once open. Memory stays
// flat; the disk holds the file for the length of the download only.
Result<std::shared_ptr<http::BodyStream>> XlsxExportBody(asset::AssetService& assets, const auth::Principal& who,
                                                         const asset::CardFilter& filter, int64_t* rows) {
  ScratchDir dir;
  MS_TRY(dir.Create());
  const std::string path = dir.path() + "/export.xlsx";
  MS_ASSIGN_OR_RETURN(*rows, ExportAssets(assets, who, filter, FileFormat::kXlsx, OutputTarget::File(path)));
  return http::FileBody(path, true);
}

}  // namespace

std::string AttachmentDisposition(std::string_view filename) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string ascii;
  std::string encoded;
  for (const char ch : filename) {
    const auto c = static_cast<unsigned char>(ch);
    // RFC 5987 attr-char: ALPHA / DIGIT / "!#$&+-.^_`|~"
    const bool attr = std::isalnum(c) != 0 || std::string_view("!#$&+-.^_`|~").find(ch) != std::string_view::npos;
    if (attr && c < 0x80) {
      encoded.push_back(ch);
    } else {
      encoded.push_back('%');
      encoded.push_back(kHex[c >> 4]);
      encoded.push_back(kHex[c & 0x0F]);
    }
    if (c >= 0x20 && c < 0x7F && ch != '"' && ch != '\\') ascii.push_back(ch);
  }
  // The fallback keeps the extension even when the name was all Chinese.
  const size_t dot = ascii.rfind('.');
  if (ascii.empty() || dot == 0) ascii = "download" + (dot == std::string::npos ? std::string() : ascii.substr(dot));
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

void RegisterExchangeRoutes(http::Router& router, const auth::Guard& guard, const ExchangeServices& services) {
  const ExchangeServices s = services;

  router.Add(Method::kGet, "/api/v1/imports/assets/template", guard.Wrap([](Context& ctx) {
    http::QueryReader q(ctx.req);
    const auto format = FormatParam(q);
    if (auto done = q.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    std::string body;
    if (auto w = WriteAssetImportTemplate(*format, OutputTarget::String(&body)); !w.ok()) {
      return http::Problem(w.error(), ctx.req);
    }
    return FileResponse(std::move(body), *format,
                        *format == FileFormat::kXlsx ? "资产导入模板.xlsx" : "资产导入模板.csv");
  }));

  router.Add(
      Method::kPost, "/api/v1/imports/assets", guard.Wrap([s](Context& ctx) {
        http::QueryReader q(ctx.req);
        const auto org_id = q.Int("org_id");
        if (!org_id && q.errors.empty()) q.errors.push_back({"org_id", "required", "必填", "is required"});
        if (org_id && *org_id < 1) q.errors.push_back({"org_id", "out_of_range", "应为正整数", "must be positive"});
        bool dry_run = false;
        if (auto d = q.Text("dry_run", 10)) {
          if (*d == "true" || *d == "1") {
            dry_run = true;
          } else if (*d != "false" && *d != "0") {
            q.errors.push_back({"dry_run", "invalid", "应为 true 或 false", "must be true or false"});
          }
        }
        if (auto done = q.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
        if (auto target = CheckImportTarget(s, ctx.who(), *org_id); !target.ok()) {
          return http::Problem(target.error(), ctx.req);
        }
        if (auto format = CheckUpload(ctx.req); !format.ok()) return http::Problem(format.error(), ctx.req);

        auto request = std::make_shared<ImportRequest>();
        request->principal = ctx.state.principal;
        request->request_id = ctx.caller.request_id;
        request->source_addr = ctx.caller.source_addr;
        request->body = std::move(ctx.req.body);
        request->file_name = DecodeFileName(ctx.req.Header("x-filename"));
        request->org_id = *org_id;
        request->dry_run = dry_run;
        // The job records its own id on the cards it registers; it learns the
        // id once Start has returned it.
        auto id_promise = std::make_shared<std::promise<std::string>>();
        std::shared_future<std::string> id_future = id_promise->get_future().share();
        auto started =
            s.jobs.Start("asset_import", ctx.who().user_id, [s, request, id_future](JobProgress& progress) {
              return RunImport(s, *request, id_future.get(), progress);
            });
        if (!started.ok()) return http::Problem(started.error(), ctx.req);
        id_promise->set_value(*started);
        return Response::Json(202, json::serialize(json::object{{"job_id", *started}}))
            .WithHeader("Location", "/api/v1/jobs/" + *started);
      }),
      http::RouteOptions{.non_blocking = false, .body_limit = kImportBodyLimit});

  router.Add(Method::kGet, "/api/v1/jobs/{id}", guard.Wrap([s](Context& ctx) {
    return http::Reply(ctx.req, s.jobs.Get(ctx.req.Param("id"), ctx.who().user_id),
                       [&](const JobSnapshot& j) { return JobJson(j, ctx.req); });
  }));

  for (const FileFormat format : {FileFormat::kXlsx, FileFormat::kCsv}) {
    const std::string ext = format == FileFormat::kXlsx ? ".xlsx" : ".csv";
    router.Add(Method::kGet, "/api/v1/jobs/{id}/report" + ext, guard.Wrap([s, format, ext](Context& ctx) {
      auto job = s.jobs.Get(ctx.req.Param("id"), ctx.who().user_id);
      if (!job.ok()) return http::Problem(job.error(), ctx.req);
      for (const auto& path : job->report_files) {
        if (!path.ends_with(ext)) continue;
        // Sent from the file (the open descriptor keeps it readable even if
        // the job expires meanwhile and removes it).
        auto body = http::FileBody(path, false);
        if (!body.ok()) return http::Problem(body.error(), ctx.req);
        return StreamResponse(std::move(body).value(), format, "导入错误报告-" + job->id.substr(0, 8) + ext);
      }
      return http::Problem(NotFoundError("错误报告", "Error report"), ctx.req);
    }));
  }

  router.Add(Method::kGet, "/api/v1/exports/assets", guard.Wrap([s](Context& ctx) {
    http::QueryReader q(ctx.req);
    const auto format = FormatParam(q);
    if (auto done = q.Finish(); !done.ok()) return http::Problem(done.error(), ctx.req);
    auto filter = asset::ReadCardFilter(ctx.req, s.assets);
    if (!filter.ok()) return http::Problem(filter.error(), ctx.req);
    // Streamed, never whole in memory: CSV as it is read, XLSX from a
    // temporary file. Either way the first page is read here, on the
    // blocking pool, so a bad filter is a problem response, not a broken download.
    const std::string name = AssetExportFileName(*format, TodayInShanghai());
    if (*format == FileFormat::kCsv) {
      auto body = CsvExportBody::Open(s.assets, ctx.state.principal, *filter);
      if (!body.ok()) return http::Problem(body.error(), ctx.req);
      const AssetExportReader& reader = (*body)->reader();
      auto response = StreamResponse(std::move(body).value(), *format, name);
      // The count the list gave when the export started; rows written
      // meanwhile may change it, and a capped count is no count.
      if (!reader.total_capped()) response.WithHeader("X-Total-Count", std::to_string(reader.total()));
      return response;
    }
    int64_t rows = 0;
    auto body = XlsxExportBody(s.assets, ctx.who(), *filter, &rows);
    if (!body.ok()) return http::Problem(body.error(), ctx.req);
    return StreamResponse(std::move(body).value(), *format, name).WithHeader("X-Total-Count", std::to_string(rows));
  }));
}

}  // namespace minsheng::exchange
