#include "engine/text_stream.h"

#include <algorithm>

#include "core/utf8.h"

namespace sy::engine {

TextStream::TextStream(std::vector<std::string> stops, bool strip_leading_space)
    : stops_(std::move(stops)), strip_leading_space_(strip_leading_space) {
  std::erase_if(stops_, [](const std::string& s) { return s.empty(); });
}

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Bytes in a sequence led by `c`, or 0 for a byte that cannot lead one.
size_t sequence_length(unsigned char c) {
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return 2;
  if ((c & 0xF0) == 0xE0) return 3;
  if (c >= 0xF0 && c <= 0xF4) return 4;
  return 0;
}

}  // namespace

// Moves the valid UTF-8 at the front of held_ into `out`, each broken byte as U+FFFD (a model
// can emit any byte token, and a client's JSON parser rejects invalid UTF-8). A sequence cut
// short at the very end stays held: its next bytes may be on the way.
void TextStream::take_utf8(std::string& out, bool at_end) {
  size_t i = 0, n = held_.size();
  while (i < n) {
    auto c = static_cast<unsigned char>(held_[i]);
    size_t len = sequence_length(c);
    if (len == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    size_t have = 1;
    while (have < len && i + have < n && core::is_continuation(held_[i + have])) ++have;
    if (have == len) {
      out.append(held_, i, len);
      i += len;
    } else if (i + have == n && !at_end) {
      break;  // incomplete, may still arrive
    } else {
      out += kReplacement;
      i += have;
    }
  }
  held_.erase(0, i);
}

// How many trailing bytes of `s` are the start of some stop sequence (and so must wait).
size_t TextStream::stop_prefix_overlap(std::string_view s) const {
  size_t best = 0;
  for (const auto& stop : stops_) {
    for (size_t k = std::min(stop.size() - 1, s.size()); k > best; --k) {
      if (s.substr(s.size() - k) == std::string_view(stop).substr(0, k)) {
        best = k;
        break;
      }
    }
  }
  return best;
}

TextStream::Step TextStream::push(std::string_view piece) {
  held_.append(piece);
  if (!started_ && strip_leading_space_ && text_.empty()) {
    // SentencePiece vocabularies mark word starts with a space; the answer's first word has one
    // no client wants.
    size_t i = held_.find_first_not_of(' ');
    held_.erase(0, i == std::string::npos ? held_.size() : i);
  }
  // Stops are matched on the text as the client would see it (broken bytes already replaced).
  take_utf8(text_, false);
  return release(false);
}

TextStream::Step TextStream::release(bool at_end) {
  Step step;
  size_t first_stop = std::string::npos;
  for (const auto& stop : stops_) {
    // Only a match that starts on a character counts (a stop of odd bytes can match mid-character).
    size_t at = text_.find(stop);
    while (at != std::string::npos && core::is_continuation(text_[at])) at = text_.find(stop, at + 1);
    first_stop = std::min(first_stop, at);
  }
  if (first_stop != std::string::npos) {
    step.text = text_.substr(0, first_stop);
    step.stopped = true;
    text_.clear();
    held_.clear();
  } else {
    size_t ready = at_end ? text_.size() : text_.size() - std::min(text_.size(), stop_prefix_overlap(text_));
    // A stop string that starts inside a character must not cut one.
    while (ready > 0 && ready < text_.size() && core::is_continuation(text_[ready])) --ready;
    step.text = text_.substr(0, ready);
    text_.erase(0, ready);  // a possible stop's beginning waits for what follows
  }
  started_ = started_ || !step.text.empty();
  return step;
}

std::string TextStream::flush() {
  take_utf8(text_, true);
  return release(true).text;
}

}  // namespace sy::engine
