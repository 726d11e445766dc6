// Result<T> and Error: how user-caused failures travel (STYLE.md, "errors are
// return values"). Exceptions are for the truly exceptional and are caught at
// the request boundary.
//
// Error carries a stable machine code ("auth.locked"), the ErrorCode that maps
// to an HTTP status (in exactly one place: http/problem.cpp), the zh-CN and en
// messages shown to the client, per-field details, and a separate log-only
// detail (SQL, ids) that is never sent to the client.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace minsheng {

// The kinds of failure. Mapped to HTTP status by http::StatusFor() only.
enum class ErrorCode {
  kInvalidArgument,   // 400 (422-like validation problems are 400 with field details)
  kNotFound,          // 404
  kConflict,          // 409
  kUnauthenticated,   // 401
  kForbidden,         // 403
  kTooLarge,          // 413
  kRateLimited,       // 429
  kUnavailable,       // 503
  kInternal,          // 500
};

// One problem with one input field.
struct FieldError {
  std::string field;  // JSON path-ish: "username", "roles[1].scope_org_id"
  std::string code;   // stable: "required", "too_long", "duplicate", ...
  std::string zh;
  std::string en;
};

struct Error {
  ErrorCode kind = ErrorCode::kInternal;
  std::string code;  // stable, e.g. "validation_failed", "auth.locked"
  std::string zh;
  std::string en;
  std::vector<FieldError> fields;
  std::string log_detail;  // never shown to clients

  Error& WithLog(std::string detail) & {
    log_detail = std::move(detail);
    return *this;
  }
  Error&& WithLog(std::string detail) && {
    log_detail = std::move(detail);
    return std::move(*this);
  }
};

// Convenience constructors for the common kinds.
Error MakeError(ErrorCode kind, std::string code, std::string zh, std::string en);
Error InternalError(std::string log_detail);
Error NotFoundError(std::string what_zh, std::string what_en);
Error ForbiddenError();
Error ValidationError(std::vector<FieldError> fields);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}     // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok() && "Result::value() on an error");
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok() && "Result::value() on an error");
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok() && "Result::value() on an error");
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const& {
    assert(!ok() && "Result::error() on a value");
    return std::get<1>(v_);
  }
  Error&& error() && {
    assert(!ok() && "Result::error() on a value");
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const& {
    assert(!ok() && "Result::error() on success");
    return *error_;
  }
  Error&& error() && {
    assert(!ok() && "Result::error() on success");
    return std::move(*error_);
  }

 private:
  std::optional<Error> error_;
};

inline Result<void> Ok() { return {}; }

}  // namespace minsheng

// Propagate an error from an expression returning Result<...>.
#define MS_CONCAT_INNER(a, b) a##b
#define MS_CONCAT(a, b) MS_CONCAT_INNER(a, b)

#define MS_TRY(expr)                                          \
  do {                                                        \
    auto&& ms_try_result_ = (expr);                           \
    if (!ms_try_result_.ok()) return std::move(ms_try_result_).error(); \
  } while (false)

// MS_ASSIGN_OR_RETURN(auto x, Compute()); declares x from the value.
#define MS_ASSIGN_OR_RETURN(decl, expr) \
  MS_ASSIGN_OR_RETURN_IMPL(MS_CONCAT(ms_result_, __LINE__), decl, expr)
#define MS_ASSIGN_OR_RETURN_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return std::move(tmp).error();   \
  decl = std::move(tmp).value()
