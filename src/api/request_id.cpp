#include "api/request_id.h"

#include <cstdint>
#include <random>

namespace sy::api {

std::string new_request_id() {
  // random_device yields 32 bits (unsigned int): widen before shifting, or the high half is UB.
  thread_local std::mt19937_64 rng{std::random_device{}() ^ (uint64_t{std::random_device{}()} << 32)};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "req_";
  for (int word = 0; word < 2; ++word) {
    uint64_t v = rng();
    for (int i = 0; i < 16; ++i, v >>= 4) id += kHex[v & 0xf];
  }
  return id;
}

std::string client_request_id(std::string_view from_client) {
  bool sane = !from_client.empty() && from_client.size() <= 128;
  for (char c : from_client) sane = sane && c > 0x20 && c < 0x7f && c != '"' && c != '\\';
  return sane ? std::string(from_client) : std::string();
}

}  // namespace sy::api
