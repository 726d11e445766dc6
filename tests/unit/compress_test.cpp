#include "core/compress.h"

#include <gtest/gtest.h>

#include <string>

namespace minsheng {
namespace {

TEST(Lz4, ARenderedPageComesBackByteForByte) {
  std::string page = "{\"items\":[";
  for (int i = 0; i < 50; ++i) {
    page += "{\"number\":\"WJ-JY-01-2024-" + std::to_string(100000 + i) +
            "\",\"name\":\"学生计算机\",\"state\":\"in_use\",\"location_name\":\"教学楼/3层/302\"},";
  }
  page.back() = ']';
  page += "}";
  const Compressed c = Lz4Compress(page);
  EXPECT_EQ(c.raw_size, page.size());
  EXPECT_LT(c.data.size(), page.size() / 3);  // repetitive JSON packs well
  const auto back = Lz4Decompress(c);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, page);
}

TEST(Lz4, EmptyAndCorruptBlocks) {
  const Compressed empty = Lz4Compress("");
  const auto back = Lz4Decompress(empty);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, "");

  Compressed c = Lz4Compress("资产卡片 asset card 资产卡片 asset card 资产卡片 asset card");
  Compressed wrong_size = c;
  wrong_size.raw_size += 1;
  EXPECT_FALSE(Lz4Decompress(wrong_size).has_value());
  Compressed truncated = c;
  truncated.data.resize(truncated.data.size() / 2);
  EXPECT_FALSE(Lz4Decompress(truncated).has_value());
}

}  // namespace
}  // namespace minsheng
