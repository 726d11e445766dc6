#include "core/text.h"

#include <cctype>
#include <cstdint>

namespace minsheng {

std::optional<uint32_t> DecodeUtf8(std::string_view s, size_t* i) {
  const size_t n = s.size();
  if (*i >= n) return std::nullopt;
  const auto c = static_cast<unsigned char>(s[*i]);
  if (c < 0x80) {
    ++*i;
    return c;
  }
  size_t len;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return std::nullopt;
  }
  if (*i + len > n) return std::nullopt;
  for (size_t k = 1; k < len; ++k) {
    const auto cc = static_cast<unsigned char>(s[*i + k]);
    if ((cc & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return std::nullopt;
  *i += len;
  return cp;
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (!DecodeUtf8(s, &i)) return false;
  }
  return true;
}

size_t CodePointCount(std::string_view s) {
  size_t count = 0;
  for (const char ch : s) {
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++count;
  }
  return count;
}

bool HasControlChars(std::string_view s, bool allow_newlines) {
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) {
      if (allow_newlines && (c == '\t' || c == '\n' || c == '\r')) continue;
      return true;
    }
    // C1 controls U+0080..U+009F are encoded C2 80..C2 9F.
    if (c == 0xC2 && i + 1 < s.size()) {
      const auto next = static_cast<unsigned char>(s[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return true;
    }
  }
  return false;
}

std::string Trim(std::string_view s) {
  auto is_space_at_front = [&](std::string_view v) -> size_t {
    if (v.empty()) return 0;
    if (v[0] == ' ' || v[0] == '\t' || v[0] == '\n' || v[0] == '\r') return 1;
    if (v.substr(0, 3) == "\xE3\x80\x80") return 3;
    return 0;
  };
  auto is_space_at_back = [&](std::string_view v) -> size_t {
    if (v.empty()) return 0;
    const char c = v.back();
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return 1;
    if (v.size() >= 3 && v.substr(v.size() - 3) == "\xE3\x80\x80") return 3;
    return 0;
  };
  while (size_t k = is_space_at_front(s)) s.remove_prefix(k);
  while (size_t k = is_space_at_back(s)) s.remove_suffix(k);
  return std::string(s);
}

std::string LikeContainsPattern(std::string_view q) {
  std::string p = "%";
  for (const char ch : q) {
    if (ch == '%' || ch == '_' || ch == '!') p.push_back('!');
    p.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  }
  p.push_back('%');
  return p;
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char b : bytes) {
    const auto u = static_cast<unsigned char>(b);
    out.push_back(kHex[u >> 4]);
    out.push_back(kHex[u & 0xF]);
  }
  return out;
}

}  // namespace minsheng
