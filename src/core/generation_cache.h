// GenerationCache: a bounded cache of computed answers (rendered response
// bodies, facts read from rollups), each stored with the generation of the
// data it was computed from and returned only while the caller still reads
// that generation — so an answer is never served after the data behind it
// changed, whichever process wrote (cache_generations rows bumped in the
// writing transaction).
//
//   auto gen = ReadGeneration();                       // before computing
//   if (auto hit = cache.Find(key, gen)) return hit;
//   auto body = std::make_shared<const std::string>(Compute());
//   cache.Store(key, gen, body);                       // labelled gen: never older than its data
//
// Least recently used entries go first when the values exceed max_bytes
// (a string counts its size; other values the bytes given to Store); a value
// larger than max_bytes is not kept; max_bytes 0 disables the cache.
// Thread-safe.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <unordered_map>

namespace minsheng {

template <typename T = std::string>
class GenerationCache {
 public:
  explicit GenerationCache(size_t max_bytes) : max_bytes_(max_bytes) {}

  // The value stored under key for this generation; null when absent or
  // computed for another generation (which is then dropped).
  std::shared_ptr<const T> Find(const std::string& key, int64_t generation) {
    std::lock_guard lock(mu_);
    const auto it = entries_.find(key);
    if (it == entries_.end()) return nullptr;
    if (it->second.generation != generation) {
      EraseLocked(it);
      return nullptr;
    }
    uses_.splice(uses_.begin(), uses_, it->second.use);
    return it->second.value;
  }

  // Find for values whose current generation depends on the value itself
  // (a card's unit): current(value) gives it, under the cache's lock — it
  // must be cheap and must not use this cache.
  template <typename Current>
  std::shared_ptr<const T> FindWith(const std::string& key, Current&& current) {
    std::lock_guard lock(mu_);
    const auto it = entries_.find(key);
    if (it == entries_.end()) return nullptr;
    if (it->second.generation != current(*it->second.value)) {
      EraseLocked(it);
      return nullptr;
    }
    uses_.splice(uses_.begin(), uses_, it->second.use);
    return it->second.value;
  }

  void Store(const std::string& key, int64_t generation, std::shared_ptr<const T> value, size_t bytes) {
    if (!value || max_bytes_ == 0 || bytes > max_bytes_) return;
    std::lock_guard lock(mu_);
    if (const auto it = entries_.find(key); it != entries_.end()) {
      // A newer generation wins; an older one (a slower computation) is dropped.
      if (it->second.generation > generation) return;
      EraseLocked(it);
    }
    while (bytes_ + bytes > max_bytes_ && !uses_.empty()) EraseLocked(entries_.find(uses_.back()));
    uses_.push_front(key);
    bytes_ += bytes;
    entries_.emplace(key, Entry{generation, std::move(value), bytes, uses_.begin()});
  }
  void Store(const std::string& key, int64_t generation, std::shared_ptr<const std::string> body)
    requires std::is_same_v<T, std::string>
  {
    const size_t bytes = body ? body->size() : 0;
    Store(key, generation, std::move(body), bytes);
  }

  size_t bytes() const {
    std::lock_guard lock(mu_);
    return bytes_;
  }
  size_t size() const {
    std::lock_guard lock(mu_);
    return entries_.size();
  }

 private:
  struct Entry {
    int64_t generation = 0;
    std::shared_ptr<const T> value;
    size_t bytes = 0;
    std::list<std::string>::iterator use;  // position in uses_
  };
  void EraseLocked(typename std::unordered_map<std::string, Entry>::iterator it) {
    bytes_ -= it->second.bytes;
    uses_.erase(it->second.use);
    entries_.erase(it);
  }

  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> uses_;  // keys, most recently used first
  size_t bytes_ = 0;
};

}  // namespace minsheng
