// The small HTTP interface modules see: Request, Response, Router. Boost.Beast
// and Asio stay inside src/http/ (server.cpp); modules include only this.
//
// Router::Handle is a pure request → response function, so routing and
// handlers are tested without sockets.
//
// Thread-safety: build the Router before the server starts; afterwards it is
// read-only and Handle may run on many threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace minsheng::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };
std::string_view MethodName(Method m);
Method ParseMethod(std::string_view name);

enum class Locale { kZh, kEn };

struct Request {
  Method method = Method::kGet;
  std::string target;  // as received: "/api/v1/orgs?parent=3"
  std::string path;    // percent-decoded path: "/api/v1/orgs"
  std::vector<std::pair<std::string, std::string>> query;        // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;      // names lower-cased
  std::string body;
  std::string remote_addr;  // "127.0.0.1"
  std::string request_id;   // set by the server (or from a sane X-Request-Id)
  bool tls = false;
  // False while a non_blocking route runs on a network thread: code that
  // would block must return Response::Defer() instead.
  bool blocking_allowed = true;
  std::map<std::string, std::string, std::less<>> path_params;  // set by the router

  // Case-insensitive; empty when absent.
  std::string_view Header(std::string_view name) const;
  std::optional<std::string> Query(std::string_view name) const;
  std::string_view Cookie(std::string_view name) const;
  // zh-CN unless Accept-Language prefers English.
  Locale locale() const;
  std::string_view Param(std::string_view name) const;  // path parameter
};

// A response body produced piece by piece, for downloads too large to hold
// in memory (exports). The server calls Next on the blocking pool (it may
// read the database or a file), sends each piece as it comes and asks for
// the next once the client has taken it, so memory stays at one piece per
// connection whatever the length. size() known: sent with Content-Length;
// unknown: chunked (HTTP/1.1) or until the connection closes (HTTP/1.0).
// An error from Next after the head is sent cannot become a problem
// response: the server logs it and closes the connection without ending
// the body, so the client sees an incomplete download, never a short file
// that looks whole.
// Thread-safety: Next is called by one thread at a time, never concurrently.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  virtual std::optional<uint64_t> size() const { return std::nullopt; }
  // Replaces out with the next piece (which may be empty) and returns true,
  // or returns false when the body is complete (out empty).
  virtual Result<bool> Next(std::string& out) = 0;
};

// The body of a file, read in 256 KiB pieces; size() is the file's length
// when opened. remove: unlink the file as soon as it is open (a temporary
// file: the open descriptor keeps it readable, nothing is left behind even
// if the server dies mid-download). Internal error when it cannot be opened.
Result<std::shared_ptr<BodyStream>> FileBody(const std::string& path, bool remove);

// Reads a whole stream into a string (tests, small bodies).
Result<std::string> DrainBody(BodyStream& stream);

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, the body comes from here instead of `body` (which stays empty).
  std::shared_ptr<BodyStream> stream;
  // Set by a non-blocking route that found it needs the blocking pool: the
  // server re-runs the request there (see RouteOptions::non_blocking).
  bool defer_to_blocking_pool = false;

  static Response Json(int status, std::string body);
  static Response Text(int status, std::string body, std::string content_type);
  static Response NoContent();
  static Response Defer();
  static Response Stream(int status, std::shared_ptr<BodyStream> stream, std::string content_type);
  Response& WithHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// application/problem+json for an Error, in the request's locale. Maps
// ErrorCode to HTTP status (StatusFor) — the only place that mapping lives.
int StatusFor(ErrorCode code);
Response Problem(const Error& error, const Request& request);

using Handler = std::function<Response(Request&)>;

struct RouteOptions {
  // Runs on the network thread: the handler must not block (no database).
  // It may return Response::Defer() to be re-run on the blocking pool.
  bool non_blocking = false;
  // Largest request body this route accepts; 0 keeps the server's default
  // (ServerOptions::body_limit). File uploads raise it for their route only.
  size_t body_limit = 0;
};

struct RouteInfo {
  Method method;
  std::string pattern;  // "/api/v1/orgs/{id}"
};

class Router {
 public:
  // Pattern segments in braces are parameters: "/api/v1/orgs/{id}/history".
  void Add(Method method, std::string pattern, Handler handler, RouteOptions options = {});
  // Handles what no route matches (e.g. the console's static files).
  void SetFallback(Handler handler);

  // Routes, errors (404 / 405 problems) and exceptions (500 problem, logged).
  Response Handle(Request& request) const;
  // True when the matching route was registered non_blocking.
  bool IsNonBlocking(const Request& request) const;
  // The body limit of the route matching method and decoded path; 0 when the
  // route keeps the server's default (or no route matches).
  size_t BodyLimit(Method method, std::string_view path) const;
  // The largest body limit any route declares (0 when none raises it).
  size_t MaxBodyLimit() const;
  std::vector<RouteInfo> Routes() const;

 private:
  struct Route {
    Method method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    RouteOptions options;
  };
  const Route* Match(Request& request, bool* path_matched) const;

  std::vector<Route> routes_;
  Handler fallback_;
};

// Serves a built single-page app from root: real files with cache headers,
// index.html for other GET paths (history-mode fallback), 404 problem for
// missing /api/ paths. Files are read once and kept in memory.
Handler StaticFiles(std::string root);

}  // namespace minsheng::http
