#include "core/compress.h"

#include <lz4.h>

#include <limits>

namespace minsheng {

Compressed Lz4Compress(std::string_view raw) {
  Compressed out;
  out.raw_size = raw.size();
  if (raw.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) return out;  // data empty: not kept
  const int raw_len = static_cast<int>(raw.size());
  out.data.resize(static_cast<size_t>(LZ4_compressBound(raw_len)));
  const int n = LZ4_compress_default(raw.data(), out.data.data(), raw_len, static_cast<int>(out.data.size()));
  out.data.resize(n > 0 ? static_cast<size_t>(n) : 0);
  out.data.shrink_to_fit();
  return out;
}

std::optional<std::string> Lz4Decompress(const Compressed& c) {
  if (c.raw_size > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      c.data.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return std::nullopt;
  }
  std::string out(c.raw_size, '\0');
  const int n = LZ4_decompress_safe(c.data.data(), out.data(), static_cast<int>(c.data.size()),
                                    static_cast<int>(c.raw_size));
  if (n < 0 || static_cast<size_t>(n) != c.raw_size) return std::nullopt;
  return out;
}

}  // namespace minsheng
