#include "providers/retry_policy.h"

#include <algorithm>

namespace sy::providers {

bool retryable(const core::Error& e) {
  if (e.code == "local_queue_full") return false;
  if (e.status == 429) return true;
  // 5xx the upstream sent, and 502/504 for connections that failed or timed out on the way.
  return e.status == 500 || e.status == 502 || e.status == 503 || e.status == 504;
}

std::optional<std::chrono::milliseconds> retry_delay(const RetryPolicy& policy, const core::Error& e, int attempt,
                                                     std::chrono::milliseconds time_left, std::mt19937_64& rng) {
  if (attempt >= policy.max_attempts || !retryable(e)) return std::nullopt;
  auto ceiling = policy.base.count() << std::min(attempt - 1, 20);
  ceiling = std::min<int64_t>(ceiling, policy.cap.count());
  std::chrono::milliseconds delay{std::uniform_int_distribution<int64_t>(0, std::max<int64_t>(ceiling, 0))(rng)};
  if (e.retry_after_s) delay = std::max(delay, std::chrono::milliseconds(int64_t{*e.retry_after_s} * 1000));
  if (delay >= time_left) return std::nullopt;
  return delay;
}

}  // namespace sy::providers
