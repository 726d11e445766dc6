// Text rules shared by every input: valid UTF-8, lengths counted in code
// points (so 中文 and 𠀀 count as one each), no control characters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace minsheng {

bool IsValidUtf8(std::string_view s);
// The code point of well-formed UTF-8 at *i, advancing *i past it; nullopt
// (*i unchanged) when none starts there — a stray byte, a cut sequence, an
// overlong form, a surrogate, past U+10FFFF.
std::optional<uint32_t> DecodeUtf8(std::string_view s, size_t* i);
// Number of code points; assumes valid UTF-8.
size_t CodePointCount(std::string_view s);
// True when s has C0/C1 control characters other than (when allowed) \t \n \r.
bool HasControlChars(std::string_view s, bool allow_newlines);
// Removes leading and trailing ASCII and ideographic (U+3000) spaces.
std::string Trim(std::string_view s);
// A lower-cased LIKE pattern matching text that contains q; '!' escapes
// the wildcards, so statements say ESCAPE '!'.
std::string LikeContainsPattern(std::string_view q);
// Lower-case hex of bytes.
std::string HexEncode(std::string_view bytes);

}  // namespace minsheng
