#pragma once
// When to try the same cloud target again: on 429, a 5xx or a connection failure, after an
// exponential backoff with full jitter (AWS's "full jitter": a uniform draw below base × 2^n,
// capped), never sooner than the upstream's Retry-After, and never past the request's deadline.
// A local target's full queue is not retried here: the router moves on to the next candidate.
// Streams are retried only before their first byte reached the client (the caller's rule).
#include <chrono>
#include <optional>
#include <random>

#include "core/error.h"

namespace sy::providers {

struct RetryPolicy {
  int max_attempts = 3;                                  // tries of one target, the first included
  std::chrono::milliseconds base{200};
  std::chrono::milliseconds cap{5'000};
};

bool retryable(const core::Error& e);

// `attempt` is the number of the try that just failed (1 = the first). None = do not retry.
std::optional<std::chrono::milliseconds> retry_delay(const RetryPolicy& policy, const core::Error& e, int attempt,
                                                     std::chrono::milliseconds time_left, std::mt19937_64& rng);

}  // namespace sy::providers
