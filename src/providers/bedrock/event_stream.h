#pragma once
// AWS event-stream binary framing (application/vnd.amazon.eventstream), as Bedrock's
// ConverseStream answers. Each message:
//   prelude   total length (u32 BE) | headers length (u32 BE) | CRC32 of those 8 bytes (u32 BE)
//   headers   repeated: name length (u8) | name | value type (u8) | value
//   payload   total - headers - 16 bytes
//   CRC32 of everything before it (u32 BE)
// The decoder is incremental: feed bytes split anywhere and it hands out whole, checked messages.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace sy::providers::event_stream {

// CRC-32 (IEEE 802.3, reflected, as zlib's crc32), continuing from `crc`.
uint32_t crc32(std::string_view data, uint32_t crc = 0);

enum class HeaderType : uint8_t {
  bool_true = 0, bool_false = 1, byte = 2, int16 = 3, int32 = 4, int64 = 5,
  bytes = 6, string = 7, timestamp = 8, uuid = 9,
};

struct Header {
  std::string name;
  HeaderType type = HeaderType::string;
  std::string bytes;    // string, bytes, uuid (16 raw bytes)
  int64_t number = 0;   // byte, int16, int32, int64, timestamp (ms since epoch); bool: 1 / 0
};

struct Message {
  std::vector<Header> headers;
  std::string payload;
  // The value of a string header, "" when absent.
  std::string_view header(std::string_view name) const;
};

class Decoder {
 public:
  explicit Decoder(size_t max_message_bytes = 16u << 20) : max_message_bytes_(max_message_bytes) {}

  // Calls on_message for each complete message in order. Returns an error (502, the upstream
  // broke the framing) on a CRC mismatch, impossible lengths or malformed headers; returns Ok when
  // on_message returns false too (stop() tells the two apart).
  core::Status feed(std::string_view bytes, const std::function<bool(Message&)>& on_message);
  bool stopped() const { return stopped_; }
  // True when bytes of an unfinished message are pending (a stream cut here was truncated).
  bool has_partial() const { return !buffer_.empty(); }

 private:
  std::string buffer_;
  size_t max_message_bytes_;
  bool stopped_ = false;
  bool failed_ = false;
};

// One encoded message (for fakes and tests; switchyard only reads event streams).
std::string encode(const Message& message);
// A message with string headers only, e.g. {":event-type","messageStart"}.
std::string encode(const std::vector<std::pair<std::string, std::string>>& string_headers, std::string_view payload);

}  // namespace sy::providers::event_stream
