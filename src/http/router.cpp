// Request accessors, Response constructors and the Router: pattern matching,
// 404/405 problems, HEAD on GET routes and the exception boundary.
// Thread-safety: see router.h (Router is read-only once serving).
#include "http/router.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cassert>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <exception>
#include <string>

#include "http/problem.h"

namespace minsheng::http {
namespace {

// Indexed by Method.
constexpr std::array<std::string_view, 8> kMethodNames = {"GET",   "HEAD",   "POST",    "PUT",
                                                          "PATCH", "DELETE", "OPTIONS", "OTHER"};

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits "/a/b/c" into {"a","b","c"}; "/" gives {""}.
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  for (;;) {
    size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool IsParam(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// The match's precedence: bit set for each exact segment, earlier segments
// weigh more, so "/a/b/{x}" beats "/a/{y}/c". Zero means no match; patterns
// are limited to 62 segments (asserted in Add).
uint64_t MatchRank(const std::vector<std::string>& pattern,
                   const std::vector<std::string_view>& path) {
  if (pattern.size() != path.size()) return 0;
  uint64_t rank = 1;
  for (size_t i = 0; i < pattern.size(); ++i) {
    bool param = IsParam(pattern[i]);
    if (param ? path[i].empty() : pattern[i] != path[i]) return 0;
    rank = (rank << 1) | (param ? 0U : 1U);
  }
  return rank;
}

bool MethodServes(Method route, Method request) {
  return route == request || (request == Method::kHead && route == Method::kGet);
}

bool IsApiPath(std::string_view path) { return path == "/api" || path.starts_with("/api/"); }

// Best route for method and path; *path_matched tells whether any route
// (of any method) has this path.
template <typename RouteT>
const RouteT* FindRoute(const std::vector<RouteT>& routes, Method method,
                        const std::vector<std::string_view>& path, bool* path_matched) {
  const RouteT* best = nullptr;
  uint64_t best_rank = 0;
  bool best_exact_method = false;
  *path_matched = false;
  for (const RouteT& route : routes) {
    uint64_t rank = MatchRank(route.segments, path);
    if (rank == 0) continue;
    *path_matched = true;
    if (!MethodServes(route.method, method)) continue;
    bool exact_method = route.method == method;  // an explicit HEAD route beats GET
    if (rank > best_rank || (rank == best_rank && exact_method && !best_exact_method)) {
      best = &route;
      best_rank = rank;
      best_exact_method = exact_method;
    }
  }
  return best;
}

}  // namespace

std::string_view MethodName(Method m) { return kMethodNames[static_cast<size_t>(m)]; }

Method ParseMethod(std::string_view name) {
  for (size_t i = 0; i + 1 < kMethodNames.size(); ++i) {
    if (kMethodNames[i] == name) return static_cast<Method>(i);
  }
  return Method::kOther;
}

std::string_view Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return {};
}

std::optional<std::string> Request::Query(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::string_view Request::Cookie(std::string_view name) const {
  std::string_view rest = Header("cookie");
  while (!rest.empty()) {
    size_t semi = rest.find(';');
    std::string_view pair = TrimSpaces(rest.substr(0, semi));
    rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos || TrimSpaces(pair.substr(0, eq)) != name) continue;
    std::string_view value = TrimSpaces(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    return value;
  }
  return {};
}

Locale Request::locale() const {
  // Accept-Language: "en-US,en;q=0.9" — the first entry with the highest q wins.
  std::string_view rest = Header("accept-language");
  std::string_view best_tag;
  double best_q = 0.0;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view entry = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    size_t semi = entry.find(';');
    std::string_view tag = TrimSpaces(entry.substr(0, semi));
    double q = 1.0;
    if (semi != std::string_view::npos) {
      std::string_view param = TrimSpaces(entry.substr(semi + 1));
      if (param.starts_with("q=") || param.starts_with("Q=")) {
        param.remove_prefix(2);
        if (std::from_chars(param.data(), param.data() + param.size(), q).ec != std::errc{})
          q = 0.0;
      }
    }
    if (!tag.empty() && q > best_q) {
      best_tag = tag;
      best_q = q;
    }
  }
  return best_tag.size() >= 2 && EqualsIgnoreCase(best_tag.substr(0, 2), "en") ? Locale::kEn
                                                                               : Locale::kZh;
}

std::string_view Request::Param(std::string_view name) const {
  auto it = path_params.find(name);
  return it == path_params.end() ? std::string_view{} : std::string_view{it->second};
}

Response Response::Json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response Response::Text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

Response Response::NoContent() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Response Response::Stream(int status, std::shared_ptr<BodyStream> stream, std::string content_type) {
  Response r;
  r.status = status;
  r.stream = std::move(stream);
  r.content_type = std::move(content_type);
  return r;
}

namespace {

constexpr size_t kFilePiece = 256 * 1024;

class FileBodyStream final : public BodyStream {
 public:
  FileBodyStream(int fd, uint64_t size, std::string path) : fd_(fd), size_(size), path_(std::move(path)) {}
  ~FileBodyStream() override { ::close(fd_); }
  FileBodyStream(const FileBodyStream&) = delete;
  FileBodyStream& operator=(const FileBodyStream&) = delete;

  std::optional<uint64_t> size() const override { return size_; }

  Result<bool> Next(std::string& out) override {
    out.resize(kFilePiece);
    for (;;) {
      const ssize_t n = ::read(fd_, out.data(), out.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        out.clear();
        return InternalError("read " + path_ + ": " + std::strerror(errno));
      }
      out.resize(static_cast<size_t>(n));
      return n > 0;
    }
  }

 private:
  int fd_;
  uint64_t size_;
  std::string path_;  // for errors only (it may be unlinked)
};

}  // namespace

Result<std::shared_ptr<BodyStream>> FileBody(const std::string& path, bool remove) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return InternalError("open " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    return InternalError("fstat " + path + ": " + why);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return InternalError(path + " is not a regular file");
  }
  if (remove) ::unlink(path.c_str());
  return std::shared_ptr<BodyStream>(
      std::make_shared<FileBodyStream>(fd, static_cast<uint64_t>(st.st_size), path));
}

Result<std::string> DrainBody(BodyStream& stream) {
  std::string all;
  std::string piece;
  for (;;) {
    MS_ASSIGN_OR_RETURN(const bool more, stream.Next(piece));
    if (!more) return all;
    all += piece;
  }
}

Response Response::Defer() {
  Response r;
  r.defer_to_blocking_pool = true;
  return r;
}

void Router::Add(Method method, std::string pattern, Handler handler, RouteOptions options) {
  std::vector<std::string> segments;
  for (std::string_view s : SplitPath(pattern)) segments.emplace_back(s);
  assert(segments.size() <= 62 && "route pattern has too many segments");
  routes_.push_back(
      Route{method, std::move(pattern), std::move(segments), std::move(handler), options});
}

void Router::SetFallback(Handler handler) { fallback_ = std::move(handler); }

const Router::Route* Router::Match(Request& request, bool* path_matched) const {
  std::vector<std::string_view> path = SplitPath(request.path);
  const Route* route = FindRoute(routes_, request.method, path, path_matched);
  if (route == nullptr) return nullptr;
  request.path_params.clear();
  for (size_t i = 0; i < path.size(); ++i) {
    const std::string& segment = route->segments[i];
    if (IsParam(segment)) {
      request.path_params.insert_or_assign(segment.substr(1, segment.size() - 2),
                                           std::string(path[i]));
    }
  }
  return route;
}

bool Router::IsNonBlocking(const Request& request) const {
  bool path_matched = false;
  const Route* route = FindRoute(routes_, request.method, SplitPath(request.path), &path_matched);
  return route != nullptr && route->options.non_blocking;
}

size_t Router::BodyLimit(Method method, std::string_view path) const {
  bool path_matched = false;
  const Route* route = FindRoute(routes_, method, SplitPath(path), &path_matched);
  return route != nullptr ? route->options.body_limit : 0;
}

size_t Router::MaxBodyLimit() const {
  size_t max = 0;
  for (const Route& route : routes_) max = std::max(max, route.options.body_limit);
  return max;
}

std::vector<RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const Route& route : routes_) out.push_back({route.method, route.pattern});
  return out;
}

Response Router::Handle(Request& request) const {
  Response response;
  try {
    bool path_matched = false;
    const Route* route = Match(request, &path_matched);
    if (route != nullptr) {
      response = route->handler(request);
    } else if (path_matched) {
      std::array<bool, kMethodNames.size()> allowed{};
      std::vector<std::string_view> path = SplitPath(request.path);
      for (const Route& r : routes_) {
        if (MatchRank(r.segments, path) == 0) continue;
        allowed[static_cast<size_t>(r.method)] = true;
        if (r.method == Method::kGet) allowed[static_cast<size_t>(Method::kHead)] = true;
      }
      std::string allow;
      for (size_t i = 0; i < allowed.size(); ++i) {
        if (!allowed[i]) continue;
        if (!allow.empty()) allow += ", ";
        allow += kMethodNames[i];
      }
      response = ProblemWithStatus(405, MethodNotAllowedError(), request);
      response.WithHeader("Allow", std::move(allow));
    } else if (fallback_ && !IsApiPath(request.path)) {
      response = fallback_(request);
    } else {
      response = Problem(RouteNotFoundError(), request);
    }
  } catch (const std::exception& e) {
    response = Problem(InternalError(std::string("unhandled exception in ") +
                                     std::string(MethodName(request.method)) + " " + request.path +
                                     ": " + e.what()),
                       request);
  } catch (...) {
    response = Problem(InternalError("unhandled non-standard exception in " +
                                     std::string(MethodName(request.method)) + " " + request.path),
                       request);
  }
  if (request.method == Method::kHead && response.stream) {
    // HEAD of a streamed download: the head the GET would have had, no body
    // (the handler has already done its checks and read its first page).
    if (const auto size = response.stream->size()) {
      response.WithHeader("Content-Length", std::to_string(*size));
    } else {
      response.WithHeader("Transfer-Encoding", "chunked");
    }
    response.stream.reset();
  } else if (request.method == Method::kHead && !response.body.empty()) {
    // The server sends this length without a body (RFC 9110 §9.3.2).
    response.WithHeader("Content-Length", std::to_string(response.body.size()));
    response.body.clear();
  }
  return response;
}

}  // namespace minsheng::http
