#include "core/text.h"

#include <gtest/gtest.h>

namespace minsheng {
namespace {

TEST(TextTest, Utf8Validity) {
  EXPECT_TRUE(IsValidUtf8("abc"));
  EXPECT_TRUE(IsValidUtf8("民生工程"));
  EXPECT_TRUE(IsValidUtf8("𠀀😀"));                  // 4-byte sequences
  EXPECT_FALSE(IsValidUtf8("\xC3"));                 // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));             // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));         // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));     // beyond U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

TEST(TextTest, CountsCodePoints) {
  EXPECT_EQ(CodePointCount("abc"), 3u);
  EXPECT_EQ(CodePointCount("民生"), 2u);
  EXPECT_EQ(CodePointCount("𠀀😀a"), 3u);
}

TEST(TextTest, ControlCharacters) {
  EXPECT_TRUE(HasControlChars("a\x01", true));
  EXPECT_TRUE(HasControlChars("a\nb", false));
  EXPECT_FALSE(HasControlChars("a\nb\tc", true));
  EXPECT_TRUE(HasControlChars("a\xC2\x85", true));  // NEL, a C1 control
  EXPECT_FALSE(HasControlChars("民生 ok", false));
}

TEST(TextTest, TrimsAsciiAndIdeographicSpaces) {
  EXPECT_EQ(Trim("  a b \t"), "a b");
  EXPECT_EQ(Trim("\xE3\x80\x80名称\xE3\x80\x80"), "名称");
  EXPECT_EQ(Trim("   "), "");
}

TEST(TextTest, LikePatternEscapesWildcards) {
  EXPECT_EQ(LikeContainsPattern("Ab"), "%ab%");
  EXPECT_EQ(LikeContainsPattern("50%_!"), "%50!%!_!!%");
}

}  // namespace
}  // namespace minsheng
