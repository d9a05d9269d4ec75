#include "engine/text_stream.h"

#include <algorithm>

namespace sy::engine {

TextStream::TextStream(std::vector<std::string> stops, bool strip_leading_space)
    : stops_(std::move(stops)), strip_leading_space_(strip_leading_space) {
  std::erase_if(stops_, [](const std::string& s) { return s.empty(); });
}

// Length of the longest prefix of `s` that does not end inside a multi-byte character.
size_t TextStream::complete_utf8_prefix(std::string_view s) const {
  size_t n = s.size();
  // Look back at most 3 bytes for the lead byte of the last character.
  for (size_t back = 1; back <= std::min<size_t>(4, n); ++back) {
    auto c = static_cast<unsigned char>(s[n - back]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    size_t need = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    return back >= need ? n : n - back;
  }
  return n;  // only continuation bytes: not ours to fix, pass them on
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
  if (!started_ && strip_leading_space_) {
    // SentencePiece vocabularies mark word starts with a space; the answer's first word has one
    // no client wants.
    size_t i = held_.find_first_not_of(' ');
    held_.erase(0, i == std::string::npos ? held_.size() : i);
  }
  Step step;
  size_t first_stop = std::string::npos;
  for (const auto& stop : stops_) first_stop = std::min(first_stop, held_.find(stop));
  if (first_stop != std::string::npos) {
    step.text = held_.substr(0, first_stop);
    step.stopped = true;
    held_.clear();
    started_ = started_ || !step.text.empty();
    return step;
  }
  size_t ready = complete_utf8_prefix(held_);
  ready -= std::min(ready, stop_prefix_overlap(std::string_view(held_).substr(0, ready)));
  step.text = held_.substr(0, ready);
  held_.erase(0, ready);
  started_ = started_ || !step.text.empty();
  return step;
}

std::string TextStream::flush() {
  std::string out = held_.substr(0, complete_utf8_prefix(held_));
  held_.clear();
  return out;
}

}  // namespace sy::engine
