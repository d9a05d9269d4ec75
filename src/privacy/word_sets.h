#pragma once
// Lookup tables for the context detectors' word lists. The detectors ask at every word or character
// of a stretch of text, so lookups allocate nothing and touch little memory: one flat,
// open-addressed table of hashes with the words in one buffer (a std::unordered_set of strings
// chases a pointer per bucket, a cache miss per lookup), Latin words case-insensitively, and for
// lookups by position in Han text a bitmap of first (or last) characters tried before any hashing.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace sy::privacy {

// Code points, as a bitmap for the Basic Multilingual Plane (every common Han character) and a
// hash set above it.
class CharSet {
 public:
  void insert(char32_t c);
  bool contains(char32_t c) const { return c < kBitmap ? bits_[c] : rest_.contains(c); }

 private:
  static constexpr char32_t kBitmap = 0x10000;
  std::vector<bool> bits_ = std::vector<bool>(kBitmap);
  std::unordered_set<char32_t> rest_;
};

// Words with a few bits each (which lists a word is on), ASCII letters folded to lower case.
class WordMap {
 public:
  void add(std::string_view word, uint8_t flags);  // the flags of a word already there are OR-ed
  uint8_t get(std::string_view word) const;        // 0 when absent
  size_t max_bytes() const { return max_bytes_; }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t offset = 0;
    uint16_t length = 0;
    uint8_t flags = 0;
    bool used = false;
  };
  size_t find_slot(std::string_view lowered, uint64_t hash) const;
  void grow();

  std::vector<Slot> slots_ = std::vector<Slot>(64);  // a power of two, at most half full
  std::string arena_;                                // every word, one after another
  size_t count_ = 0;
  size_t max_bytes_ = 0;
};

// A set of words, looked up whole or by position in a text.
class WordSet {
 public:
  void insert(std::string_view word);
  bool contains(std::string_view word) const { return words_.get(word) != 0; }  // any ASCII case
  // The byte length of the longest entry that starts at pos / ends at pos, 0 if none.
  size_t longest_at(std::string_view text, size_t pos) const;
  size_t longest_ending_at(std::string_view text, size_t pos) const;
  // Whether some entry starts with the character: a test that costs one load, for the caller that
  // has decoded the character already.
  bool may_start_with(char32_t c) const { return first_lengths_.of(c) != 0; }

 private:
  // Which lengths, in characters (bit n-1 for n = 1..8), the entries starting / ending with a
  // character have: a lookup by position tries those lengths only, and none when the character
  // starts (ends) no entry. Indexed by code point for the Basic Multilingual Plane.
  class LengthMasks {
   public:
    void add(char32_t c, size_t chars);
    uint8_t of(char32_t c) const;

   private:
    std::vector<uint8_t> bmp_;  // 64 KiB once a character beyond ASCII is added, else empty
    std::unordered_map<char32_t, uint8_t> rest_;
  };
  WordMap words_;
  LengthMasks first_lengths_, last_lengths_;
};

}  // namespace sy::privacy
