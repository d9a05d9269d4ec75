#include "line_model/features.h"

#include <algorithm>
#include <array>

#include "core/utf8.h"

namespace sy::line_model {
namespace {

// Feature families, mixed into every hash so that a word and a Han character never share one.
enum Family : uint64_t { kBias = 1, kWord, kWordPair, kShapePair, kShapeTriple, kHan1, kHan2, kHan3 };

constexpr uint64_t kFnvOffset = 1469598103934665603ull;
constexpr uint64_t kFnvPrime = 1099511628211ull;

uint64_t mix(uint64_t h) {  // a 64-bit finaliser (splitmix): spreads FNV's low bits over the table
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}
uint64_t combine(uint64_t family, uint64_t a, uint64_t b = 0, uint64_t c = 0) {
  return mix(mix(mix(family * kFnvPrime ^ a) ^ b) ^ c);
}

bool ascii_letter(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
bool ascii_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool ascii_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }

bool han_or_kana(char32_t cp) {
  return (cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0x3400 && cp <= 0x9fff) || (cp >= 0xf900 && cp <= 0xfaff);
}

// A word or number's shape: 'C' Capitalised, 'U' all capitals, 'l' lower case, '0'..'9' a number
// of that many digits (9: nine or more).
uint64_t shape_of(std::string_view token) {
  if (ascii_digit(static_cast<unsigned char>(token[0]))) {
    int digits = 0;
    for (unsigned char c : token) digits += ascii_digit(c);
    return '0' + std::min(digits, 9);
  }
  if (!ascii_upper(static_cast<unsigned char>(token[0]))) return 'l';
  for (unsigned char c : token) {
    if (ascii_letter(c) && !ascii_upper(c)) return 'C';
  }
  return 'U';
}

// Turns what the window says into feature buckets, each handed to `sink(bucket)` (repeats too).
template <class Sink>
class Collector {
 public:
  explicit Collector(Sink& sink) : sink_(sink) {}
  void add(uint64_t hash) { sink_(static_cast<uint32_t>(hash & (kBuckets - 1))); }

  // A Latin word as the model reads it: lower case, digits as 0; its pair with the word before.
  void word(std::string_view token) {
    uint64_t h = kFnvOffset;
    for (unsigned char c : token) {
      unsigned char n = ascii_digit(c) ? '0' : ascii_upper(c) ? static_cast<unsigned char>(c | 0x20) : c;
      h = (h ^ n) * kFnvPrime;
    }
    add(combine(kWord, h));
    if (prev_word_) add(combine(kWordPair, prev_word_, h));
    prev_word_ = h;
  }
  void shape(uint64_t s) {
    if (shapes_[1]) add(combine(kShapePair, shapes_[1], s));
    if (shapes_[0]) add(combine(kShapeTriple, shapes_[0], shapes_[1], s));
    shapes_ = {shapes_[1], s};
  }
  void han(char32_t cp) {
    add(combine(kHan1, cp));
    if (han_[1]) add(combine(kHan2, han_[1], cp));
    if (han_[0]) add(combine(kHan3, han_[0], han_[1], cp));
    han_ = {han_[1], cp};
  }
  void end_han_run() { han_ = {0, 0}; }

 private:
  Sink& sink_;
  uint64_t prev_word_ = 0;
  std::array<uint64_t, 2> shapes_{0, 0};
  std::array<char32_t, 2> han_{0, 0};
};

template <class Sink>
void collect(std::string_view w, Sink& sink) {
  Collector<Sink> features(sink);
  features.add(combine(kBias, 0));
  size_t i = 0;
  while (i < w.size()) {
    auto c = static_cast<unsigned char>(w[i]);
    if (ascii_letter(c) || ascii_digit(c)) {
      // A word runs on over letters, digits, apostrophes and dots ("o'brien", "dr.", "3.5");
      // its shape token stops at the first character that is not of its kind.
      size_t start = i;
      while (i < w.size() && (ascii_letter(static_cast<unsigned char>(w[i])) || ascii_digit(static_cast<unsigned char>(w[i])) ||
                              w[i] == '\'' || w[i] == '.')) {
        ++i;
      }
      std::string_view token = w.substr(start, i - start);
      features.word(token);
      features.shape(shape_of(token));
      // Digits belong to a Han run too: "月薪0" and "0床" are what the run says.
      if (ascii_digit(c)) {
        for (char d : token) {
          if (ascii_digit(static_cast<unsigned char>(d))) features.han('0');
        }
      } else {
        features.end_han_run();
      }
      continue;
    }
    char32_t cp = core::next_code_point(w, i);
    if (han_or_kana(cp)) features.han(cp);
    else features.end_han_run();
  }
}

// The distinct buckets of one window, met in any order: one bit per bucket (32 KiB, in the L1 or
// L2 cache), and the buckets set in this window, to clear them after. (Sorting the features
// instead cost more than all the rest of scoring; an open-addressed set, a probe loop per feature.)
class DistinctBuckets {
 public:
  bool insert(uint32_t bucket) {  // whether `bucket` is new in this window
    uint64_t& word = bits_[bucket >> 6];
    const uint64_t bit = uint64_t{1} << (bucket & 63);
    if (word & bit) return false;
    word |= bit;
    set_.push_back(bucket);
    return true;
  }
  void next_window() {
    for (uint32_t bucket : set_) bits_[bucket >> 6] = 0;
    set_.clear();
  }

 private:
  std::array<uint64_t, kBuckets / 64> bits_{};
  std::vector<uint32_t> set_;
};

// Whether the byte at i ends a sentence or a line.
bool sentence_end(std::string_view s, size_t i) {
  char c = s[i];
  if (c == '\n' || c == '.' || c == '!' || c == '?' || c == ';') return true;
  // 。 is E3 80 82; ！？； are EF BC 81, 9F, 9B
  if (i >= 2 && static_cast<unsigned char>(s[i - 2]) == 0xe3 && static_cast<unsigned char>(s[i - 1]) == 0x80 &&
      static_cast<unsigned char>(c) == 0x82) {
    return true;
  }
  return i >= 2 && static_cast<unsigned char>(s[i - 2]) == 0xef && static_cast<unsigned char>(s[i - 1]) == 0xbc &&
         (static_cast<unsigned char>(c) == 0x81 || static_cast<unsigned char>(c) == 0x9f || static_cast<unsigned char>(c) == 0x9b);
}
}  // namespace

void window_features(std::string_view w, std::vector<uint32_t>& out) {
  out.clear();
  auto push = [&out](uint32_t bucket) { out.push_back(bucket); };
  collect(w, push);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

float window_logit(std::string_view w, const float* weights) {
  thread_local DistinctBuckets seen;
  seen.next_window();
  float z = 0;
  auto add = [&](uint32_t bucket) {
    if (seen.insert(bucket)) z += weights[bucket];
  };
  collect(w, add);
  return z;
}

std::vector<std::string_view> windows(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (text.size() - start > kMaxWindow) {
    size_t limit = start + kMaxWindow;
    size_t cut = 0;
    // The last sentence end past the window's first quarter, else the last space, else any code point.
    for (size_t i = limit - 1; i > start + kMaxWindow / 4 && !cut; --i) {
      if (sentence_end(text, i)) cut = i + 1;
    }
    for (size_t i = limit - 1; i > start + kMaxWindow / 4 && !cut; --i) {
      if (text[i] == ' ') cut = i + 1;
    }
    if (!cut) {
      cut = limit;
      while (cut < text.size() && core::is_continuation(text[cut])) --cut;
    }
    out.push_back(text.substr(start, cut - start));
    start = cut;
  }
  if (start < text.size() || out.empty()) out.push_back(text.substr(start));
  return out;
}

}  // namespace sy::line_model
