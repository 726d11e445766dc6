#include "core/json_input.h"

#include <gtest/gtest.h>

namespace minsheng {
namespace {

const FieldError* Find(const Error& e, std::string_view field) {
  for (const auto& f : e.fields)
    if (f.field == field) return &f;
  return nullptr;
}

TEST(JsonInputTest, RejectsMalformedAndNonObjectBodies) {
  EXPECT_EQ(JsonInput::Parse("{").error().code, "malformed_json");
  EXPECT_EQ(JsonInput::Parse("[1]").error().code, "body_not_object");
  EXPECT_EQ(JsonInput::Parse("\"x\"").error().code, "body_not_object");
  EXPECT_EQ(JsonInput::Parse("{\"a\":\"\xFF\"}").error().code, "invalid_utf8");
  EXPECT_EQ(JsonInput::Parse("").error().code, "malformed_json");
}

TEST(JsonInputTest, CollectsEveryFieldError) {
  auto in = JsonInput::Parse(R"({"name": 5, "count": "x", "extra": 1, "long": "abcdef"})");
  ASSERT_TRUE(in.ok());
  (void)in->String("name", {.required = true});
  (void)in->Int("count");
  (void)in->String("long", {.max_len = 5});
  (void)in->String("missing", {.required = true});
  auto done = in->Finish();
  ASSERT_FALSE(done.ok());
  const Error& e = done.error();
  EXPECT_EQ(e.code, "validation_failed");
  ASSERT_EQ(e.fields.size(), 5u);
  EXPECT_EQ(Find(e, "name")->code, "type");
  EXPECT_EQ(Find(e, "count")->code, "type");
  EXPECT_EQ(Find(e, "long")->code, "too_long");
  EXPECT_EQ(Find(e, "missing")->code, "required");
  EXPECT_EQ(Find(e, "extra")->code, "unknown_field");
}

TEST(JsonInputTest, TrimsAndCountsCodePoints) {
  auto in = JsonInput::Parse(R"({"name": "  𠀀😀民生  ", "empty": "   "})");
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->String("name", {.max_len = 4}), "𠀀😀民生");
  EXPECT_EQ(in->String("empty"), std::nullopt);  // blank optional text is absent
  EXPECT_TRUE(in->Finish().ok());
}

TEST(JsonInputTest, IntegerRangesAndNull) {
  auto in = JsonInput::Parse(R"({"a": 0, "b": 1.5, "c": null, "d": 18446744073709551615})");
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->Int("a", {.min = 1}), std::nullopt);
  EXPECT_EQ(in->Int("b"), std::nullopt);
  EXPECT_EQ(in->Int("c", {.required = true}), std::nullopt);
  EXPECT_EQ(in->Int("d"), std::nullopt);
  auto done = in->Finish();
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(Find(done.error(), "a")->code, "out_of_range");
  EXPECT_EQ(Find(done.error(), "b")->code, "type");
  EXPECT_EQ(Find(done.error(), "c")->code, "required");
  EXPECT_EQ(Find(done.error(), "d")->code, "type");
}

TEST(JsonInputTest, ControlCharactersRejectedUnlessMultiline) {
  auto in = JsonInput::Parse(R"({"a": "x\u0001y", "b": "line1\nline2", "c": "line1\nline2"})");
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->String("a"), std::nullopt);
  EXPECT_EQ(in->String("b"), std::nullopt);
  EXPECT_EQ(in->String("c", {.multiline = true}), "line1\nline2");
  auto done = in->Finish();
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().fields.size(), 2u);
}

TEST(JsonInputTest, DeepNestingIsRefused) {
  std::string deep(100, '[');
  deep += std::string(100, ']');
  EXPECT_EQ(JsonInput::Parse("{\"a\":" + deep + "}").error().code, "malformed_json");
}

}  // namespace
}  // namespace minsheng
