#include "http/api.h"

#include <charconv>

#include "core/text.h"

namespace minsheng::http {
namespace {

std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::string ListJson(const std::vector<std::string>& items, std::optional<std::string> next_cursor) {
  std::string out = "{\"items\":[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += items[i];
  }
  out += "],\"next_cursor\":";
  out += next_cursor ? "\"" + *next_cursor + "\"" : "null";  // cursors need no escaping: [A-Za-z0-9:._]
  out += "}";
  return out;
}

Result<int64_t> PathId(const Request& req, std::string_view name) {
  const auto v = ParseInt(req.Param(name));
  if (!v || *v <= 0) return NotFoundError("记录", "Record");
  return *v;
}

std::optional<int64_t> QueryReader::Int(std::string_view name) {
  const auto v = req.Query(name);
  if (!v || v->empty()) return std::nullopt;
  const auto n = ParseInt(*v);
  if (!n) errors.push_back({std::string(name), "type", "应为整数", "must be an integer"});
  return n;
}

std::optional<std::string> QueryReader::Text(std::string_view name, size_t max_len) {
  auto v = req.Query(name);
  if (!v) return std::nullopt;
  std::string t = Trim(*v);
  if (t.empty()) return std::nullopt;
  if (!IsValidUtf8(t) || HasControlChars(t, false)) {
    errors.push_back({std::string(name), "invalid", "含有无效字符", "has invalid characters"});
    return std::nullopt;
  }
  if (CodePointCount(t) > max_len) {
    errors.push_back({std::string(name), "too_long", "过长", "is too long"});
    return std::nullopt;
  }
  return t;
}

int QueryReader::Limit() { return Limit(kDefaultLimit, kMaxLimit); }
int QueryReader::Limit(int default_limit, int max_limit) {
  const auto n = Int("limit");
  if (!n) return default_limit;
  if (*n < 1 || *n > max_limit) {
    const std::string max = std::to_string(max_limit);
    errors.push_back({"limit", "out_of_range", "应为 1 到 " + max, "must be 1 to " + max});
    return default_limit;
  }
  return static_cast<int>(*n);
}

std::optional<int64_t> QueryReader::Cursor() {
  const auto n = Int("cursor");
  if (n && *n < 0) errors.push_back({"cursor", "invalid", "无效的游标", "invalid cursor"});
  return n;
}

Result<void> QueryReader::Finish() {
  if (errors.empty()) return Ok();
  return ValidationError(std::move(errors));
}

}  // namespace minsheng::http
