// Fast in-memory compression (LZ4 block format) for cached response bodies:
// a rendered page of 50 cards (~50 KB of JSON) keeps in ~8 KB and comes back
// in microseconds.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace minsheng {

struct Compressed {
  std::string data;      // the LZ4 block
  size_t raw_size = 0;   // bytes of the original
};

Compressed Lz4Compress(std::string_view raw);
// The original bytes; nullopt when `c` is not a block this process wrote.
std::optional<std::string> Lz4Decompress(const Compressed& c);

}  // namespace minsheng
