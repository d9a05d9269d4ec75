#include "api/request_id.h"

#include <chrono>
#include <cstdint>
#include <cstring>
#include <random>

namespace sy::api {

std::string new_request_id() {
  // random_device yields 32 bits (unsigned int): widen before shifting, or the high half is UB.
  thread_local std::mt19937_64 rng{std::random_device{}() ^ (uint64_t{std::random_device{}()} << 32)};
  static constexpr char kHex[] = "0123456789abcdef";
  // Time first, like a UUIDv7: ids sort by when they were made, and the audit trail's index on
  // them grows at its right edge. A fully random id put each record on a random leaf of that
  // index, so a group commit of N records wrote about N index pages to the WAL (most of the audit
  // writer's disk traffic) instead of a few.
  auto ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count());
  char id[4 + 32];
  std::memcpy(id, "req_", 4);
  for (int i = 11; i >= 0; --i, ms >>= 4) id[4 + i] = kHex[ms & 0xf];  // 48 bits: until year 10889
  uint64_t a = rng(), b = rng();
  for (int i = 0; i < 16; ++i, a >>= 4) id[16 + i] = kHex[a & 0xf];
  for (int i = 0; i < 4; ++i, b >>= 4) id[32 + i] = kHex[b & 0xf];  // 80 random bits in all
  return std::string(id, sizeof id);
}

std::string client_request_id(std::string_view from_client) {
  bool sane = !from_client.empty() && from_client.size() <= 128;
  for (char c : from_client) sane = sane && c > 0x20 && c < 0x7f && c != '"' && c != '\\';
  return sane ? std::string(from_client) : std::string();
}

}  // namespace sy::api
