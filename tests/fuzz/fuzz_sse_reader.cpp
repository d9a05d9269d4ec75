// SseReader on upstream bytes (network input): fed the input in two pieces, split where the first
// byte says, or one byte at a time, it hands out exactly the events it hands out when fed the
// input whole, and ends in the same state. Also: what sse_event() writes reads back as one event.
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "http/sse.h"

namespace sy::fuzz {

namespace {

struct Outcome {
  std::vector<http::SseEvent> events;
  bool ok = true;
  bool too_large = false;
  bool partial = false;
};

std::string describe(const Outcome& o) {
  std::string s = "ok=" + std::to_string(o.ok) + " too_large=" + std::to_string(o.too_large) +
                  " partial=" + std::to_string(o.partial) + " events=" + std::to_string(o.events.size()) + "\n";
  for (const auto& e : o.events) s += "  [event=" + e.event + " id=" + e.id + " data=" + e.data + "]\n";
  return s;
}

bool same(const Outcome& a, const Outcome& b) {
  if (a.ok != b.ok || a.too_large != b.too_large || a.partial != b.partial) return false;
  if (a.events.size() != b.events.size()) return false;
  for (size_t i = 0; i < a.events.size(); ++i) {
    const auto &x = a.events[i], &y = b.events[i];
    if (x.event != y.event || x.data != y.data || x.id != y.id) return false;
  }
  return true;
}

// Feeds the pieces in order, stopping at the first feed that returns false (as a caller does).
Outcome feed(const std::vector<std::string_view>& pieces, size_t limit) {
  http::SseReader reader(limit);
  Outcome out;
  for (auto piece : pieces) {
    out.ok = reader.feed(piece, [&](http::SseEvent& e) {
      out.events.push_back(e);
      return true;
    });
    if (!out.ok) break;
  }
  out.too_large = reader.too_large();
  out.partial = reader.has_partial();
  return out;
}

}  // namespace

void check(const uint8_t* data, size_t size) {
  if (size == 0) return;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  size_t at = data[0] % (text.size() + 1);
  // The default limit, and a small one so that too_large is reached too.
  for (size_t limit : {size_t{16} << 20, size_t{1} + data[0] % 64}) {
    auto whole = feed({text}, limit);
    auto split = feed({text.substr(0, at), text.substr(at)}, limit);
    FUZZ_CHECK(same(whole, split), "split at " + std::to_string(at) + " limit " + std::to_string(limit) +
                                       "\nwhole: " + describe(whole) + "split: " + describe(split));
    std::vector<std::string_view> bytes;
    for (size_t i = 0; i < text.size(); ++i) bytes.push_back(text.substr(i, 1));
    auto bytewise = feed(bytes, limit);
    FUZZ_CHECK(same(whole, bytewise), "byte by byte, limit " + std::to_string(limit) + "\nwhole: " +
                                          describe(whole) + "bytewise: " + describe(bytewise));
  }
  // sse_event() writes any payload (CR aside: JSON payloads never hold one raw) as one event.
  std::string payload;
  for (char c : text) {
    if (c != '\r') payload += c;
  }
  auto wire = http::sse_event(payload, at % 2 ? "delta" : "");
  auto back = feed({wire}, size_t{16} << 20);
  FUZZ_CHECK(back.ok && !back.partial && back.events.size() == 1, "sse_event output: " + describe(back));
  FUZZ_CHECK(back.events[0].data == payload, "payload changed:\n" + payload + "\n---\n" + back.events[0].data);
  FUZZ_CHECK(back.events[0].event == (at % 2 ? "delta" : ""), back.events[0].event);
}

}  // namespace sy::fuzz
