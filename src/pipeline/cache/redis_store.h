#pragma once
// The response cache in Redis (`cache: {backend: redis}`), shared by every replica: an answer
// one replica made is a hit on all. Each entry is one string key, `<redis.prefix>cache:<hash of
// the request>` (pipeline/cache/cache_key), with the cache's TTL (PX); an answer whose entry
// would pass max_entry_bytes is not kept. Redis's own maxmemory policy bounds the whole.
//
// The cache never fails a request: a lookup Redis does not answer in time is a miss, a store it
// does not take is dropped (both counted in switchyard_redis_cache_errors_total). Stores are not
// awaited, so keeping an answer adds nothing to its last byte.
#include <atomic>
#include <string>

#include "ops/redis_link.h"
#include "pipeline/cache/response_store.h"

namespace sy::pipeline {

class RedisStore final : public ResponseStore {
 public:
  RedisStore(ops::RedisLink& link, std::string prefix, uint64_t max_entry_bytes)
      : link_(link), prefix_(std::move(prefix) + "cache:"), max_entry_bytes_(max_entry_bytes) {}

  http::awaitable<std::shared_ptr<const CachedAnswer>> get(const std::string& key) override;
  http::awaitable<void> put(const std::string& key, std::shared_ptr<const CachedAnswer> answer,
                            std::chrono::milliseconds ttl) override;
  void render_metrics(std::string& out) const override;

  // An entry as it is kept, and back (null when it is not one of ours).
  static std::string encode(const CachedAnswer& a);
  static std::shared_ptr<const CachedAnswer> decode(std::string_view text);

 private:
  ops::RedisLink& link_;
  const std::string prefix_;
  const uint64_t max_entry_bytes_;
  std::atomic<uint64_t> too_large_{0};
};

}  // namespace sy::pipeline
