#include "core/json_input.h"

#include <boost/json/parse.hpp>

#include "core/text.h"

namespace minsheng {

namespace json = boost::json;

Result<JsonInput> JsonInput::Parse(std::string_view body) {
  if (!IsValidUtf8(body)) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid_utf8", "请求内容不是有效的 UTF-8 文本",
                     "The request body is not valid UTF-8");
  }
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 32;
  json::value v = json::parse(body, ec, {}, opts);
  if (ec) {
    return MakeError(ErrorCode::kInvalidArgument, "malformed_json", "请求内容不是有效的 JSON",
                     "The request body is not valid JSON")
        .WithLog(ec.message());
  }
  if (!v.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "body_not_object", "请求内容应为 JSON 对象",
                     "The request body must be a JSON object");
  }
  return JsonInput(std::move(v.as_object()), "");
}

JsonInput::JsonInput(json::object obj, std::string prefix)
    : obj_(std::move(obj)), prefix_(std::move(prefix)) {}

std::string JsonInput::FieldName(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
}

bool JsonInput::Has(std::string_view key) const {
  const auto* v = obj_.if_contains(key);
  return v != nullptr && !v->is_null();
}

const json::value* JsonInput::Get(std::string_view key) {
  seen_.emplace(key);
  const auto* v = obj_.if_contains(key);
  if (v != nullptr && v->is_null()) return nullptr;
  return v;
}

void JsonInput::Allow(std::string_view key) { seen_.emplace(key); }

void JsonInput::AddError(std::string field, std::string code, std::string zh, std::string en) {
  errors_.push_back({std::move(field), std::move(code), std::move(zh), std::move(en)});
}

void JsonInput::AddErrors(std::vector<FieldError> errors) {
  for (auto& e : errors) errors_.push_back(std::move(e));
}

void CheckText(std::string_view field, const std::string& s, const StringRule& rule,
               std::vector<FieldError>& errors) {
  const std::string f(field);
  if (HasControlChars(s, rule.multiline)) {
    errors.push_back({f, "control_chars", "不能包含控制字符", "must not contain control characters"});
    return;
  }
  const size_t n = CodePointCount(s);
  if (rule.required && n == 0) {
    errors.push_back({f, "required", "必填", "is required"});
  } else if (n > 0 && n < rule.min_len) {
    errors.push_back({f, "too_short", "至少 " + std::to_string(rule.min_len) + " 个字符",
                      "must be at least " + std::to_string(rule.min_len) + " characters"});
  } else if (n > rule.max_len) {
    errors.push_back({f, "too_long", "最多 " + std::to_string(rule.max_len) + " 个字符",
                      "must be at most " + std::to_string(rule.max_len) + " characters"});
  }
}

std::optional<std::string> JsonInput::String(std::string_view key, StringRule rule) {
  const auto* v = Get(key);
  if (v == nullptr) {
    if (rule.required) AddError(FieldName(key), "required", "必填", "is required");
    return std::nullopt;
  }
  if (!v->is_string()) {
    AddError(FieldName(key), "type", "应为文本", "must be a string");
    return std::nullopt;
  }
  std::string s(v->as_string());
  if (rule.trim) s = Trim(s);
  const size_t before = errors_.size();
  CheckText(FieldName(key), s, rule, errors_);
  if (errors_.size() != before) return std::nullopt;
  if (s.empty() && !rule.required) return std::nullopt;
  return s;
}

std::optional<int64_t> JsonInput::Int(std::string_view key, IntRule rule) {
  const auto* v = Get(key);
  if (v == nullptr) {
    if (rule.required) AddError(FieldName(key), "required", "必填", "is required");
    return std::nullopt;
  }
  int64_t out;
  if (v->is_int64()) {
    out = v->as_int64();
  } else if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    out = static_cast<int64_t>(v->as_uint64());
  } else {
    AddError(FieldName(key), "type", "应为整数", "must be an integer");
    return std::nullopt;
  }
  if (out < rule.min || out > rule.max) {
    AddError(FieldName(key), "out_of_range", "超出允许范围", "is out of range");
    return std::nullopt;
  }
  return out;
}

std::optional<bool> JsonInput::Bool(std::string_view key, bool required) {
  const auto* v = Get(key);
  if (v == nullptr) {
    if (required) AddError(FieldName(key), "required", "必填", "is required");
    return std::nullopt;
  }
  if (!v->is_bool()) {
    AddError(FieldName(key), "type", "应为 true 或 false", "must be true or false");
    return std::nullopt;
  }
  return v->as_bool();
}

std::optional<json::array> JsonInput::Array(std::string_view key, bool required) {
  const auto* v = Get(key);
  if (v == nullptr) {
    if (required) AddError(FieldName(key), "required", "必填", "is required");
    return std::nullopt;
  }
  if (!v->is_array()) {
    AddError(FieldName(key), "type", "应为数组", "must be an array");
    return std::nullopt;
  }
  return v->as_array();
}

Result<void> JsonInput::Finish() {
  for (const auto& kv : obj_) {
    if (!seen_.contains(std::string_view(kv.key()))) {
      AddError(FieldName(kv.key()), "unknown_field", "不认识的字段", "unknown field");
    }
  }
  if (errors_.empty()) return Ok();
  return ValidationError(std::move(errors_));
}

}  // namespace minsheng
