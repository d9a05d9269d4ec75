// What the local engine streams to clients (model output, arbitrary bytes): whatever the token
// pieces, the text released is valid UTF-8; with no stop sequence and valid UTF-8 pieces it is
// exactly the input (less leading spaces); with a stop sequence, it never contains the stop.
#include <string>
#include <string_view>
#include <vector>

#include "engine/text_stream.h"
#include "fuzz_check.h"

namespace sy::fuzz {

namespace {

// Cuts `s` into pieces of 1..8 bytes, lengths taken from `lengths`.
std::vector<std::string_view> pieces(std::string_view s, std::string_view lengths) {
  std::vector<std::string_view> out;
  size_t k = 0;
  while (!s.empty()) {
    size_t n = lengths.empty() ? 1 : 1 + static_cast<unsigned char>(lengths[k++ % lengths.size()]) % 8;
    n = std::min(n, s.size());
    out.push_back(s.substr(0, n));
    s.remove_prefix(n);
  }
  return out;
}

}  // namespace

void check(const uint8_t* data, size_t size) {
  if (size < 2) return;
  size_t stop_len = data[0] % 5;  // 0 = no stop sequence
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string stop(rest.substr(0, std::min(stop_len, rest.size())));
  rest.remove_prefix(stop.size());
  std::string_view lengths = rest.substr(0, std::min<size_t>(4, rest.size()));
  std::string_view text = rest.substr(lengths.size());

  engine::TextStream ts(stop.empty() ? std::vector<std::string>{} : std::vector<std::string>{stop});
  std::string out;
  bool stopped = false;
  for (auto p : pieces(text, lengths)) {
    auto step = ts.push(p);
    FUZZ_CHECK(valid_utf8(step.text), "released invalid UTF-8");
    out += step.text;
    if (step.stopped) {
      stopped = true;
      break;
    }
  }
  if (!stopped) {
    auto tail = ts.flush();
    FUZZ_CHECK(valid_utf8(tail), "flushed invalid UTF-8");
    out += tail;
  }
  if (!stop.empty() && valid_utf8(stop)) FUZZ_CHECK(out.find(stop) == std::string::npos, "stop sequence leaked: " + out);
  if (stop.empty() && valid_utf8(text)) {
    size_t first = text.find_first_not_of(' ');
    std::string_view expected = first == std::string_view::npos ? std::string_view{} : text.substr(first);
    FUZZ_CHECK(out == expected, "lost or changed text: '" + out + "' vs '" + std::string(expected) + "'");
  }
}

}  // namespace sy::fuzz
