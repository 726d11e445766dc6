#include "core/generation_cache.h"

#include <gtest/gtest.h>

namespace minsheng {
namespace {

std::shared_ptr<const std::string> Body(size_t n, char c = 'x') {
  return std::make_shared<const std::string>(n, c);
}

TEST(GenerationCacheTest, AnswersOnlyForTheGenerationItWasStoredWith) {
  GenerationCache<> cache(1000);
  EXPECT_EQ(cache.Find("k", 1), nullptr);
  cache.Store("k", 1, Body(10, 'a'));
  ASSERT_NE(cache.Find("k", 1), nullptr);
  EXPECT_EQ(*cache.Find("k", 1), std::string(10, 'a'));
  EXPECT_EQ(cache.Find("other", 1), nullptr);
  // The data changed: the entry is stale and dropped.
  EXPECT_EQ(cache.Find("k", 2), nullptr);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(GenerationCacheTest, ANewerGenerationReplacesAndAnOlderOneIsIgnored) {
  GenerationCache<> cache(1000);
  cache.Store("k", 5, Body(10, 'b'));
  cache.Store("k", 4, Body(20, 'a'));  // a slower computation of older data
  ASSERT_NE(cache.Find("k", 5), nullptr);
  EXPECT_EQ(*cache.Find("k", 5), std::string(10, 'b'));
  cache.Store("k", 6, Body(30, 'c'));
  EXPECT_EQ(cache.bytes(), 30u);
  ASSERT_NE(cache.Find("k", 6), nullptr);
  EXPECT_EQ(cache.Find("k", 6)->size(), 30u);
}

TEST(GenerationCacheTest, EvictsTheLeastRecentlyUsedToStayWithinItsBytes) {
  GenerationCache<> cache(100);
  cache.Store("a", 1, Body(40));
  cache.Store("b", 1, Body(40));
  ASSERT_NE(cache.Find("a", 1), nullptr);  // a is now more recent than b
  cache.Store("c", 1, Body(40));           // 120 > 100: b goes
  EXPECT_NE(cache.Find("a", 1), nullptr);
  EXPECT_EQ(cache.Find("b", 1), nullptr);
  EXPECT_NE(cache.Find("c", 1), nullptr);
  EXPECT_EQ(cache.bytes(), 80u);
  cache.Store("huge", 1, Body(101));  // larger than the whole cache: not kept
  EXPECT_EQ(cache.Find("huge", 1), nullptr);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(GenerationCacheTest, HoldsAnyValueCountedByTheBytesGiven) {
  GenerationCache<std::pair<int64_t, int64_t>> cache(100);
  cache.Store("a", 7, std::make_shared<const std::pair<int64_t, int64_t>>(3, 4), 60);
  ASSERT_NE(cache.Find("a", 7), nullptr);
  EXPECT_EQ(cache.Find("a", 7)->second, 4);
  cache.Store("b", 7, std::make_shared<const std::pair<int64_t, int64_t>>(5, 6), 60);  // 120 > 100: a goes
  EXPECT_EQ(cache.Find("a", 7), nullptr);
  EXPECT_EQ(cache.bytes(), 60u);
}

TEST(GenerationCacheTest, ZeroBytesKeepsNothing) {
  GenerationCache<> cache(0);
  cache.Store("k", 1, Body(1));
  EXPECT_EQ(cache.Find("k", 1), nullptr);
  cache.Store("e", 1, Body(0));  // not even an empty body
  EXPECT_EQ(cache.Find("e", 1), nullptr);
  EXPECT_EQ(cache.size(), 0u);
}

// FindWith: the current generation comes from the value (a card's unit).
TEST(GenerationCacheTest, FindWithAsksTheValueForItsCurrentGeneration) {
  GenerationCache<std::pair<int, std::string>> cache(1000);
  int unit_generation[2] = {7, 3};
  auto current = [&](const std::pair<int, std::string>& v) -> int64_t { return unit_generation[v.first]; };
  cache.Store("card-a", 7, std::make_shared<const std::pair<int, std::string>>(0, "a"), 10);
  cache.Store("card-b", 3, std::make_shared<const std::pair<int, std::string>>(1, "b"), 10);
  ASSERT_NE(cache.FindWith("card-a", current), nullptr);
  EXPECT_EQ(cache.FindWith("card-a", current)->second, "a");
  EXPECT_EQ(cache.FindWith("card-c", current), nullptr);
  // Unit 1 changed: its card is dropped, unit 0's stays.
  unit_generation[1] = 4;
  EXPECT_EQ(cache.FindWith("card-b", current), nullptr);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.bytes(), 10u);
  EXPECT_NE(cache.FindWith("card-a", current), nullptr);
}

}  // namespace
}  // namespace minsheng
