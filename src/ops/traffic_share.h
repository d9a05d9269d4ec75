#pragma once
// Which share of traffic a caller or a request falls in, the same in every process and replica:
// a stable hash (FNV-1a, then a 64-bit finalizer to spread close keys) into 10,000 buckets.
#include <cstdint>
#include <string_view>

namespace sy::ops {

inline uint64_t stable_hash(std::string_view a, std::string_view b) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
  };
  mix(a);
  mix(std::string_view("\x1f", 1));
  mix(b);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

// Whether (scope, key) falls in the first `percent` of the buckets. The scope (the model's name)
// keeps one caller from landing in every model's canary at once.
inline bool in_share(std::string_view scope, std::string_view key, double percent) {
  if (percent <= 0) return false;
  if (percent >= 100) return true;
  return static_cast<double>(stable_hash(scope, key) % 10000) < percent * 100;
}

}  // namespace sy::ops
