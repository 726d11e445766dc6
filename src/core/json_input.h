// JsonInput reads a request body as a JSON object field by field, collecting
// field-level errors instead of stopping at the first one. Unknown fields are
// an error (Finish reports them), so a typo never silently drops data.
//
//   MS_ASSIGN_OR_RETURN(auto in, JsonInput::Parse(req.body));
//   auto name = in.String("name", {.required = true, .max_len = 100});
//   MS_TRY(in.Finish());   // ValidationError listing every bad field
//
// Not thread-safe; one per request.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace minsheng {

struct StringRule {
  bool required = false;
  size_t min_len = 0;      // code points, after trimming
  size_t max_len = 200;    // code points
  bool multiline = false;  // allow \n \t
  bool trim = true;
};

struct IntRule {
  bool required = false;
  int64_t min = INT64_MIN;
  int64_t max = INT64_MAX;
};

class JsonInput {
 public:
  // Malformed JSON, invalid UTF-8 or a non-object body → 400 with code
  // "malformed_json" / "body_not_object".
  static Result<JsonInput> Parse(std::string_view body);
  // Wraps an object already parsed (e.g. an element of an array).
  JsonInput(boost::json::object obj, std::string prefix);

  bool Has(std::string_view key) const;
  std::optional<std::string> String(std::string_view key, StringRule rule = {});
  std::optional<int64_t> Int(std::string_view key, IntRule rule = {});
  std::optional<bool> Bool(std::string_view key, bool required = false);
  // Returns the array (or nullopt) and marks the key as read.
  std::optional<boost::json::array> Array(std::string_view key, bool required = false);
  // Marks a key as known without reading it (optional, ignored).
  void Allow(std::string_view key);

  void AddError(std::string field, std::string code, std::string zh, std::string en);
  void AddErrors(std::vector<FieldError> errors);
  bool HasErrors() const { return !errors_.empty(); }
  // Reports unknown keys and every collected error.
  Result<void> Finish();

  std::string FieldName(std::string_view key) const;

 private:
  const boost::json::value* Get(std::string_view key);

  boost::json::object obj_;
  std::string prefix_;
  std::set<std::string, std::less<>> seen_;
  std::vector<FieldError> errors_;
};

// Checks one already-extracted string against a rule; appends errors.
void CheckText(std::string_view field, const std::string& value, const StringRule& rule,
               std::vector<FieldError>& errors);

}  // namespace minsheng
