#include "privacy/word_sets.h"

#include <algorithm>

#include "core/utf8.h"
#include "privacy/boundaries.h"

namespace sy::privacy {
namespace {

// FNV-1a: the words are short (a name, a word, a few Han characters), so a simple byte hash is as
// fast as any and spreads them well enough for a half-empty table.
uint64_t hash_bytes(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h | 1;  // never 0
}

// The word with ASCII letters in lower case, in `buffer` when it had capitals; empty if too long.
std::string_view lowered(std::string_view word, char (&buffer)[256]) {
  if (std::none_of(word.begin(), word.end(), is_upper)) return word;
  if (word.size() > sizeof buffer) return {};
  for (size_t i = 0; i < word.size(); ++i) buffer[i] = is_upper(word[i]) ? static_cast<char>(word[i] + 32) : word[i];
  return {buffer, word.size()};
}

size_t char_count(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) core::next_code_point(s, i);
  return n;
}

}  // namespace

void CharSet::insert(char32_t c) {
  if (c < kBitmap) {
    bits_[c] = true;
  } else {
    rest_.insert(c);
  }
}

size_t WordMap::find_slot(std::string_view word, uint64_t hash) const {
  size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (!s.used) return i;
    if (s.hash == hash && s.length == word.size() && std::string_view(arena_).substr(s.offset, s.length) == word) return i;
  }
}

void WordMap::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{});
  for (const Slot& s : old) {
    if (s.used) slots_[find_slot(std::string_view(arena_).substr(s.offset, s.length), s.hash)] = s;
  }
}

void WordMap::add(std::string_view word, uint8_t flags) {
  char buffer[256];
  std::string_view key = lowered(word, buffer);
  if (key.empty() || key.size() > UINT16_MAX) return;
  uint64_t hash = hash_bytes(key);
  Slot& slot = slots_[find_slot(key, hash)];
  if (slot.used) {
    slot.flags |= flags;
    return;
  }
  slot = Slot{hash, static_cast<uint32_t>(arena_.size()), static_cast<uint16_t>(key.size()), flags, true};
  arena_.append(key);
  max_bytes_ = std::max(max_bytes_, key.size());
  if (++count_ * 2 > slots_.size()) grow();
}

uint8_t WordMap::get(std::string_view word) const {
  if (word.empty() || word.size() > max_bytes_) return 0;
  char buffer[256];
  std::string_view key = lowered(word, buffer);
  if (key.empty()) return 0;
  const Slot& slot = slots_[find_slot(key, hash_bytes(key))];
  return slot.used ? slot.flags : 0;
}

void WordSet::LengthMasks::add(char32_t c, size_t chars) {
  if (chars == 0 || chars > 8) return;
  auto bit = static_cast<uint8_t>(1u << (chars - 1));
  if (c >= 0x10000) {
    rest_[c] |= bit;
    return;
  }
  if (bmp_.empty()) bmp_.resize(0x10000);
  bmp_[c] |= bit;
}

uint8_t WordSet::LengthMasks::of(char32_t c) const {
  if (c < 0x10000) return bmp_.empty() ? 0 : bmp_[c];
  auto it = rest_.find(c);
  return it == rest_.end() ? 0 : it->second;
}

void WordSet::insert(std::string_view word) {
  if (word.empty()) return;
  words_.add(word, 1);
  size_t chars = char_count(word);
  size_t i = 0, j = word.size();
  first_lengths_.add(core::next_code_point(word, i), chars);
  last_lengths_.add(core::previous_code_point(word, j), chars);
}

size_t WordSet::longest_at(std::string_view text, size_t pos) const {
  if (pos >= text.size()) return 0;
  size_t ends[9] = {pos, pos};
  uint8_t mask = first_lengths_.of(core::next_code_point(text, ends[1]));
  if (mask == 0) return 0;
  int n = 1;
  while (n < 8 && ends[n] < text.size() && (mask >> n) != 0) {
    ends[n + 1] = ends[n];
    core::next_code_point(text, ends[n + 1]);
    ++n;
  }
  for (int k = n; k >= 1; --k) {
    if (((mask >> (k - 1)) & 1u) != 0 && words_.get(text.substr(pos, ends[k] - pos)) != 0) return ends[k] - pos;
  }
  return 0;
}

size_t WordSet::longest_ending_at(std::string_view text, size_t pos) const {
  if (pos == 0 || pos > text.size()) return 0;
  size_t starts[9] = {pos, pos};
  uint8_t mask = last_lengths_.of(core::previous_code_point(text, starts[1]));
  if (mask == 0) return 0;
  int n = 1;
  while (n < 8 && starts[n] > 0 && (mask >> n) != 0) {
    starts[n + 1] = starts[n];
    core::previous_code_point(text, starts[n + 1]);
    ++n;
  }
  for (int k = n; k >= 1; --k) {
    if (((mask >> (k - 1)) & 1u) != 0 && words_.get(text.substr(starts[k], pos - starts[k])) != 0) return pos - starts[k];
  }
  return 0;
}

}  // namespace sy::privacy
