// GenerationCache: a bounded cache of rendered answers (response bodies),
// each stored with the generation of the data it was computed from and
// returned only while the caller still reads that generation — so an answer
// is never served after the data behind it changed, whichever process wrote
// (cache_generations rows bumped in the writing transaction).
//
//   auto gen = ReadGeneration();                       // before computing
//   if (auto hit = cache.Find(key, gen)) return hit;
//   auto body = std::make_shared<const std::string>(Compute());
//   cache.Store(key, gen, body);                       // labelled gen: never older than its data
//
// Least recently used entries go first when the bodies exceed max_bytes; a
// body larger than max_bytes is not kept; max_bytes 0 disables the cache.
// Thread-safe.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace minsheng {

class GenerationCache {
 public:
  explicit GenerationCache(size_t max_bytes) : max_bytes_(max_bytes) {}

  // The body stored under key for this generation; null when absent or
  // computed for another generation (which is then dropped).
  std::shared_ptr<const std::string> Find(const std::string& key, int64_t generation);
  void Store(const std::string& key, int64_t generation, std::shared_ptr<const std::string> body);

  size_t bytes() const;
  size_t size() const;

 private:
  struct Entry {
    int64_t generation = 0;
    std::shared_ptr<const std::string> body;
    std::list<std::string>::iterator use;  // position in uses_
  };
  void EraseLocked(std::unordered_map<std::string, Entry>::iterator it);

  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> uses_;  // keys, most recently used first
  size_t bytes_ = 0;
};

}  // namespace minsheng
