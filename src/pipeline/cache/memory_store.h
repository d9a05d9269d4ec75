#pragma once
// The response cache in this process: entries expire after their TTL, and the least recently used
// go first when the answers held pass `max_bytes` (an entry's size is its text and a fixed
// overhead, an estimate of what it holds).
#include <list>
#include <mutex>
#include <unordered_map>

#include "pipeline/cache/response_store.h"

namespace sy::pipeline {

class MemoryStore final : public ResponseStore {
 public:
  using Clock = std::chrono::steady_clock;
  explicit MemoryStore(uint64_t max_bytes) : max_bytes_(max_bytes) {}

  http::awaitable<std::shared_ptr<const CachedAnswer>> get(const std::string& key) override;
  http::awaitable<void> put(const std::string& key, std::shared_ptr<const CachedAnswer> answer,
                            std::chrono::milliseconds ttl) override;
  void render_metrics(std::string& out) const override;

  // The same, without a coroutine: what get/put do, with the time given (tests use an injected clock).
  std::shared_ptr<const CachedAnswer> lookup(const std::string& key, Clock::time_point now);
  void insert(const std::string& key, std::shared_ptr<const CachedAnswer> answer, Clock::time_point expires);
  uint64_t bytes() const;
  size_t entries() const;

  static uint64_t size_of(const CachedAnswer& a);

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const CachedAnswer> answer;
    Clock::time_point expires;
    uint64_t bytes = 0;
  };
  void erase(std::list<Entry>::iterator it);

  const uint64_t max_bytes_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  uint64_t bytes_ = 0;
  uint64_t evictions_ = 0;
  uint64_t expired_ = 0;
};

}  // namespace sy::pipeline
