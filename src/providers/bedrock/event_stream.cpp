#include "providers/bedrock/event_stream.h"

#include <array>

namespace sy::providers::event_stream {

namespace {

constexpr std::array<uint32_t, 256> make_crc_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t n = 0; n < 256; ++n) {
    uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}
constexpr auto kCrcTable = make_crc_table();

constexpr size_t kPreludeBytes = 12;
constexpr size_t kMinMessageBytes = 16;  // prelude + message CRC

uint32_t read_u32(const char* p) {
  auto b = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16) | (uint32_t(b[2]) << 8) | uint32_t(b[3]);
}
uint64_t read_be(const char* p, int n) {
  auto b = reinterpret_cast<const unsigned char*>(p);
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | b[i];
  return v;
}
void put_be(std::string& out, uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

core::Error framing(const std::string& why) {
  return core::Error::upstream("The upstream's event stream is malformed: " + why + ".");
}

core::Result<std::vector<Header>> parse_headers(std::string_view h) {
  std::vector<Header> out;
  size_t i = 0;
  auto need = [&](size_t n) { return i + n <= h.size(); };
  while (i < h.size()) {
    Header header;
    size_t name_len = static_cast<unsigned char>(h[i++]);
    if (name_len == 0 || !need(name_len + 1)) return framing("a header name is cut short");
    header.name = std::string(h.substr(i, name_len));
    i += name_len;
    auto type = static_cast<uint8_t>(h[i++]);
    if (type > 9) return framing("unknown header value type " + std::to_string(type));
    header.type = static_cast<HeaderType>(type);
    int width = 0;
    switch (header.type) {
      case HeaderType::bool_true: header.number = 1; break;
      case HeaderType::bool_false: header.number = 0; break;
      case HeaderType::byte: width = 1; break;
      case HeaderType::int16: width = 2; break;
      case HeaderType::int32: width = 4; break;
      case HeaderType::int64:
      case HeaderType::timestamp: width = 8; break;
      case HeaderType::uuid:
        if (!need(16)) return framing("a uuid header is cut short");
        header.bytes = std::string(h.substr(i, 16));
        i += 16;
        break;
      case HeaderType::bytes:
      case HeaderType::string: {
        if (!need(2)) return framing("a header value length is cut short");
        size_t len = read_be(h.data() + i, 2);
        i += 2;
        if (!need(len)) return framing("a header value is cut short");
        header.bytes = std::string(h.substr(i, len));
        i += len;
        break;
      }
    }
    if (width) {
      if (!need(width)) return framing("a numeric header is cut short");
      uint64_t raw = read_be(h.data() + i, width);
      // Sign-extend from the header's width.
      int shift = 64 - 8 * width;
      header.number = static_cast<int64_t>(raw << shift) >> shift;
      i += width;
    }
    out.push_back(std::move(header));
  }
  return out;
}

}  // namespace

uint32_t crc32(std::string_view data, uint32_t crc) {
  uint32_t c = crc ^ 0xFFFFFFFFu;
  for (unsigned char b : data) c = kCrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::string_view Message::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (h.name == name && (h.type == HeaderType::string || h.type == HeaderType::bytes)) return h.bytes;
  }
  return {};
}

core::Status Decoder::feed(std::string_view bytes, const std::function<bool(Message&)>& on_message) {
  if (failed_) return framing("an earlier message was corrupt");
  if (stopped_) return core::Ok{};
  buffer_.append(bytes.data(), bytes.size());
  size_t pos = 0;
  core::Status result = core::Ok{};
  while (buffer_.size() - pos >= kPreludeBytes) {
    const char* p = buffer_.data() + pos;
    uint32_t total = read_u32(p);
    uint32_t headers_len = read_u32(p + 4);
    // The prelude is checked before its lengths are trusted (a corrupt length must not make us
    // wait for, or allocate, gigabytes).
    if (crc32(std::string_view(p, 8)) != read_u32(p + 8)) {
      result = framing("prelude CRC mismatch");
      failed_ = true;
      break;
    }
    if (total < kMinMessageBytes || headers_len > total - kMinMessageBytes) {
      result = framing("impossible message lengths");
      failed_ = true;
      break;
    }
    if (total > max_message_bytes_) {
      result = framing("a message larger than this server accepts");
      failed_ = true;
      break;
    }
    if (buffer_.size() - pos < total) break;  // wait for the rest
    std::string_view whole(p, total);
    if (crc32(whole.substr(0, total - 4)) != read_u32(p + total - 4)) {
      result = framing("message CRC mismatch");
      failed_ = true;
      break;
    }
    auto headers = parse_headers(whole.substr(kPreludeBytes, headers_len));
    if (!headers) {
      result = headers.error();
      failed_ = true;
      break;
    }
    Message m;
    m.headers = std::move(*headers);
    m.payload = std::string(whole.substr(kPreludeBytes + headers_len, total - kMinMessageBytes - headers_len));
    pos += total;
    if (!on_message(m)) {
      stopped_ = true;
      break;
    }
  }
  buffer_.erase(0, pos);
  return result;
}

std::string encode(const Message& message) {
  std::string headers;
  for (const auto& h : message.headers) {
    headers += static_cast<char>(h.name.size());
    headers += h.name;
    headers += static_cast<char>(h.type);
    switch (h.type) {
      case HeaderType::bool_true:
      case HeaderType::bool_false: break;
      case HeaderType::byte: put_be(headers, static_cast<uint64_t>(h.number), 1); break;
      case HeaderType::int16: put_be(headers, static_cast<uint64_t>(h.number), 2); break;
      case HeaderType::int32: put_be(headers, static_cast<uint64_t>(h.number), 4); break;
      case HeaderType::int64:
      case HeaderType::timestamp: put_be(headers, static_cast<uint64_t>(h.number), 8); break;
      case HeaderType::uuid: headers += h.bytes.substr(0, 16); break;
      case HeaderType::bytes:
      case HeaderType::string:
        put_be(headers, h.bytes.size(), 2);
        headers += h.bytes;
        break;
    }
  }
  std::string out;
  uint32_t total = static_cast<uint32_t>(kMinMessageBytes + headers.size() + message.payload.size());
  put_be(out, total, 4);
  put_be(out, headers.size(), 4);
  put_be(out, crc32(out), 4);
  out += headers;
  out += message.payload;
  put_be(out, crc32(out), 4);
  return out;
}

std::string encode(const std::vector<std::pair<std::string, std::string>>& string_headers, std::string_view payload) {
  Message m;
  for (const auto& [name, value] : string_headers) m.headers.push_back({name, HeaderType::string, value, 0});
  m.payload = std::string(payload);
  return encode(m);
}

}  // namespace sy::providers::event_stream
