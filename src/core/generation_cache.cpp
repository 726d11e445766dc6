#include "core/generation_cache.h"

namespace minsheng {

std::shared_ptr<const std::string> GenerationCache::Find(const std::string& key, int64_t generation) {
  std::lock_guard lock(mu_);
  const auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  if (it->second.generation != generation) {
    EraseLocked(it);
    return nullptr;
  }
  uses_.splice(uses_.begin(), uses_, it->second.use);
  return it->second.body;
}

void GenerationCache::Store(const std::string& key, int64_t generation, std::shared_ptr<const std::string> body) {
  if (!body || max_bytes_ == 0 || body->size() > max_bytes_) return;
  std::lock_guard lock(mu_);
  if (const auto it = entries_.find(key); it != entries_.end()) {
    // A newer generation wins; an older one (a slower computation) is dropped.
    if (it->second.generation > generation) return;
    EraseLocked(it);
  }
  while (bytes_ + body->size() > max_bytes_ && !uses_.empty()) EraseLocked(entries_.find(uses_.back()));
  uses_.push_front(key);
  bytes_ += body->size();
  entries_.emplace(key, Entry{generation, std::move(body), uses_.begin()});
}

void GenerationCache::EraseLocked(std::unordered_map<std::string, Entry>::iterator it) {
  bytes_ -= it->second.body->size();
  uses_.erase(it->second.use);
  entries_.erase(it);
}

size_t GenerationCache::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

size_t GenerationCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace minsheng
