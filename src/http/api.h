// Helpers shared by every module's routes.cpp: turning Results into
// responses, reading ids, limits and cursors from requests, list envelopes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "http/router.h"

namespace minsheng::http {

inline constexpr int kDefaultLimit = 50;
inline constexpr int kMaxLimit = 200;

// {"items":[…],"next_cursor":…} from items already serialized as JSON.
std::string ListJson(const std::vector<std::string>& items, std::optional<std::string> next_cursor);

// The integer path parameter `name`; NotFound when it is not a positive integer.
Result<int64_t> PathId(const Request& req, std::string_view name);

// Query parameters: integer, text, limit and cursor. Bad values become field
// errors in `errors` (reported together by QueryErrors).
struct QueryReader {
  explicit QueryReader(const Request& r) : req(r) {}
  std::optional<int64_t> Int(std::string_view name);
  std::optional<std::string> Text(std::string_view name, size_t max_len = 100);
  int Limit();
  // The same with another default and maximum (1 ≤ limit ≤ max).
  int Limit(int default_limit, int max_limit);
  std::optional<int64_t> Cursor();  // opaque to clients; an id here
  Result<void> Finish();

  const Request& req;
  std::vector<FieldError> errors;
};

// 200 with the body, or the error as a problem.
template <typename T, typename F>
Response Reply(const Request& req, Result<T> result, F&& to_json, int status = 200) {
  if (!result.ok()) return Problem(result.error(), req);
  return Response::Json(status, to_json(result.value()));
}

inline Response ReplyEmpty(const Request& req, const Result<void>& result) {
  if (!result.ok()) return Problem(result.error(), req);
  return Response::NoContent();
}

}  // namespace minsheng::http
