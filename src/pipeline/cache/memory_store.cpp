#include "pipeline/cache/memory_store.h"

#include "core/metrics_text.h"

namespace sy::pipeline {

namespace {
constexpr uint64_t kEntryOverhead = 512;  // the key, the index, the answer's fixed fields
}

uint64_t MemoryStore::size_of(const CachedAnswer& a) {
  uint64_t n = kEntryOverhead + a.target.size() + a.version.size() + a.answer.id.size() + a.answer.model.size();
  for (const auto& c : a.answer.choices) {
    n += 128;
    for (const auto& p : c.message.parts) n += p.text.size() + p.url.size();
    for (const auto& t : c.message.tool_calls) n += t.id.size() + t.name.size() + t.arguments.size() + 64;
  }
  return n;
}

void MemoryStore::erase(std::list<Entry>::iterator it) {
  bytes_ -= it->bytes;
  index_.erase(it->key);
  lru_.erase(it);
}

std::shared_ptr<const CachedAnswer> MemoryStore::lookup(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto found = index_.find(key);
  if (found == index_.end()) return nullptr;
  auto it = found->second;
  if (it->expires <= now) {
    ++expired_;
    erase(it);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it);
  return it->answer;
}

void MemoryStore::insert(const std::string& key, std::shared_ptr<const CachedAnswer> answer, Clock::time_point expires) {
  uint64_t size = size_of(*answer) + key.size();
  std::lock_guard lock(mu_);
  if (auto found = index_.find(key); found != index_.end()) erase(found->second);
  if (size > max_bytes_) return;  // larger than the whole cache: not kept
  while (bytes_ + size > max_bytes_ && !lru_.empty()) {
    ++evictions_;
    erase(std::prev(lru_.end()));
  }
  lru_.push_front(Entry{key, std::move(answer), expires, size});
  index_[key] = lru_.begin();
  bytes_ += size;
}

uint64_t MemoryStore::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

size_t MemoryStore::entries() const {
  std::lock_guard lock(mu_);
  return lru_.size();
}

http::awaitable<std::shared_ptr<const CachedAnswer>> MemoryStore::get(const std::string& key) {
  co_return lookup(key, Clock::now());
}

http::awaitable<void> MemoryStore::put(const std::string& key, std::shared_ptr<const CachedAnswer> answer,
                                       std::chrono::milliseconds ttl) {
  insert(key, std::move(answer), Clock::now() + ttl);
  co_return;
}

void MemoryStore::render_metrics(std::string& out) const {
  std::lock_guard lock(mu_);
  core::metric_header(out, "switchyard_cache_entries", "gauge", "Answers held by the response cache.");
  core::metric_sample(out, "switchyard_cache_entries", "", static_cast<uint64_t>(lru_.size()));
  core::metric_header(out, "switchyard_cache_bytes", "gauge", "Estimated bytes held by the response cache (bounded by cache.max_bytes).");
  core::metric_sample(out, "switchyard_cache_bytes", "", bytes_);
  core::metric_header(out, "switchyard_cache_evictions_total", "counter", "Answers dropped to stay under cache.max_bytes.");
  core::metric_sample(out, "switchyard_cache_evictions_total", "", evictions_);
  core::metric_header(out, "switchyard_cache_expired_total", "counter", "Answers found past their TTL and dropped.");
  core::metric_sample(out, "switchyard_cache_expired_total", "", expired_);
}

}  // namespace sy::pipeline
