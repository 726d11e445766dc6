// StaticFiles: serves the built console (web/dist) with history-mode fallback.
// Each file is read once, on first request, into a cache shared by all
// threads (guarded by a mutex); a rebuilt console needs a server restart.
// Missing files are not cached, so probing random paths cannot grow memory.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <unordered_map>

#include "http/problem.h"
#include "http/router.h"

namespace minsheng::http {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kNoCache = "no-cache";

struct CachedFile {
  std::string body;
  std::string content_type;
  std::string etag;
};

std::string ContentTypeFor(const fs::path& file) {
  static const std::unordered_map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".ttf", "font/ttf"},
      {".txt", "text/plain; charset=utf-8"},
      {".yaml", "application/yaml"},
      {".webmanifest", "application/manifest+json"},
  };
  auto it = kTypes.find(file.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

// True when If-None-Match lists etag (weak comparison) or is "*".
bool NotModified(std::string_view if_none_match, std::string_view etag) {
  while (!if_none_match.empty()) {
    size_t comma = if_none_match.find(',');
    std::string_view tag = if_none_match.substr(0, comma);
    if_none_match =
        comma == std::string_view::npos ? std::string_view{} : if_none_match.substr(comma + 1);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == etag) return true;
  }
  return false;
}

class StaticSite {
 public:
  explicit StaticSite(std::string root) : root_(std::move(root)) {}

  Response Serve(const Request& request) {
    if (request.path == "/api" || request.path.starts_with("/api/")) {
      return Problem(RouteNotFoundError(), request);
    }
    if (request.method != Method::kGet && request.method != Method::kHead) {
      return ProblemWithStatus(405, MethodNotAllowedError(), request)
          .WithHeader("Allow", "GET, HEAD");
    }
    std::optional<fs::path> relative = Normalize(request.path);
    if (!relative) {
      return Problem(MakeError(ErrorCode::kInvalidArgument, "bad_path", "请求路径无效",
                               "Invalid request path"),
                     request);
    }
    std::shared_ptr<const CachedFile> index = Load("index.html");
    if (!index) {
      return Response::Text(503, "The web console is not built; run `make web`.\n",
                            "text/plain; charset=utf-8");
    }
    std::shared_ptr<const CachedFile> file = relative->empty() ? nullptr : Load(*relative);
    bool immutable = file && request.path.starts_with("/assets/");
    if (!file) file = index;

    Response response;
    response.content_type = file->content_type;
    response.WithHeader("ETag", file->etag)
        .WithHeader("Cache-Control", std::string(immutable ? kImmutable : kNoCache));
    if (NotModified(request.Header("if-none-match"), file->etag)) {
      response.status = 304;
      response.content_type.clear();
    } else {
      response.body = file->body;
    }
    return response;
  }

 private:
  // The request path relative to root, without "." and empty segments; empty
  // for "/"; nullopt when it tries to climb out with ".." or carries a NUL.
  static std::optional<fs::path> Normalize(std::string_view path) {
    fs::path out;
    while (!path.empty()) {
      size_t slash = path.find('/');
      std::string_view segment = path.substr(0, slash);
      path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
      if (segment == "..") return std::nullopt;
      if (segment.find('\0') != std::string_view::npos) return std::nullopt;
      if (segment.empty() || segment == ".") continue;
      out /= segment;
    }
    return out;
  }

  // The cached file, reading it on first use; nullptr when it is not a
  // regular file under root.
  std::shared_ptr<const CachedFile> Load(const fs::path& relative) {
    std::string key = relative.generic_string();
    {
      std::lock_guard lock(mutex_);
      auto it = cache_.find(key);
      if (it != cache_.end()) return it->second;
    }
    fs::path full = fs::path(root_) / relative;
    std::error_code ec;
    if (!fs::is_regular_file(full, ec)) return nullptr;
    auto size = fs::file_size(full, ec);
    auto mtime = fs::last_write_time(full, ec).time_since_epoch().count();
    std::ifstream in(full, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    if (ec || !in) {
      spdlog::warn("static file {} unreadable: {}", full.string(), ec.message());
      return nullptr;
    }
    auto file = std::make_shared<CachedFile>();
    file->body = std::move(content).str();
    file->content_type = ContentTypeFor(relative);
    file->etag = fmt::format("\"{:x}-{:x}\"", size, static_cast<uint64_t>(mtime));
    std::lock_guard lock(mutex_);
    return cache_.try_emplace(std::move(key), std::move(file)).first->second;
  }

  const std::string root_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const CachedFile>> cache_;  // GUARDED_BY(mutex_)
};

}  // namespace

Handler StaticFiles(std::string root) {
  auto site = std::make_shared<StaticSite>(std::move(root));
  return [site](Request& request) { return site->Serve(request); };
}

}  // namespace minsheng::http
