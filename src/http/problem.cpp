// application/problem+json (RFC 9457) for an Error, and the one mapping from
// ErrorCode to HTTP status. Thread-safe: pure functions (spdlog is thread-safe).
#include "http/problem.h"

#include <spdlog/spdlog.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <string>

namespace minsheng::http {
namespace {

constexpr std::string_view kTypePrefix = "https://minsheng.dev/problems/";

const std::string& InLocale(Locale locale, const std::string& zh, const std::string& en) {
  if (locale == Locale::kEn) return en.empty() ? zh : en;
  return zh.empty() ? en : zh;
}

}  // namespace

int StatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kForbidden:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kTooLarge:
      return 413;
    case ErrorCode::kRateLimited:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

Response Problem(const Error& error, const Request& request) {
  return ProblemWithStatus(StatusFor(error.kind), error, request);
}

Response ProblemWithStatus(int status, const Error& error, const Request& request) {
  if (error.kind == ErrorCode::kInternal) {
    spdlog::error("internal error request_id={} code={}: {}", request.request_id, error.code,
                  error.log_detail);
  }
  Locale locale = request.locale();
  const std::string& message = InLocale(locale, error.zh, error.en);

  boost::json::object body;
  std::string type(kTypePrefix);
  type += error.code;
  body["type"] = type;
  body["title"] = message;
  body["status"] = status;
  body["code"] = error.code;
  body["detail"] = message;
  body["request_id"] = request.request_id;
  if (!error.fields.empty()) {
    boost::json::array errors;
    errors.reserve(error.fields.size());
    for (const FieldError& field : error.fields) {
      errors.push_back(boost::json::object{{"field", field.field},
                                           {"code", field.code},
                                           {"message", InLocale(locale, field.zh, field.en)}});
    }
    body["errors"] = std::move(errors);
  }
  return Response::Text(status, boost::json::serialize(body), "application/problem+json");
}

Error RouteNotFoundError() {
  return MakeError(ErrorCode::kNotFound, "route_not_found", "请求的接口不存在",
                   "No such API route");
}

Error MethodNotAllowedError() {
  return MakeError(ErrorCode::kInvalidArgument, "method_not_allowed", "该地址不支持此请求方法",
                   "This method is not allowed for this path");
}

}  // namespace minsheng::http
