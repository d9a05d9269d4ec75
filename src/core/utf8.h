#pragma once
// UTF-8 decoding for the code that reads text by characters (the FAQ matcher's terms, the privacy
// scanner's names and places). Lenient on purpose: prompts are not guaranteed to be valid UTF-8,
// and a reader must step over bad bytes rather than stop.
#include <cstddef>
#include <string_view>

namespace sy::core {

// A UTF-8 continuation byte (10xxxxxx): never the start of a character.
inline bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// How many characters (code points) `s` holds: every byte but the continuation bytes. What a
// length limit in characters (a JSON schema's maxLength, a comment's limit) counts.
inline size_t code_points(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += !is_continuation(c);
  return n;
}

// Decodes one code point at s[i] and advances i past it. An invalid or cut-off sequence comes
// back as U+FFFD, one byte consumed.
inline char32_t next_code_point(std::string_view s, size_t& i) {
  auto c = static_cast<unsigned char>(s[i]);
  int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + static_cast<size_t>(len) > s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<size_t>(k)]) & 0x3F);
  i += static_cast<size_t>(len);
  return cp;
}

// The code point that ends at s[i] (exclusive); moves i back to its first byte.
inline char32_t previous_code_point(std::string_view s, size_t& i) {
  size_t start = i;
  while (start > 0 && i - start < 4 && is_continuation(s[start - 1])) --start;
  if (start > 0) --start;
  size_t j = start;
  char32_t cp = next_code_point(s, j);
  if (j != i) {  // not one whole sequence: step back one byte only
    i -= 1;
    return 0xFFFD;
  }
  i = start;
  return cp;
}

// CJK unified ideographs, their extensions and the compatibility block.
inline bool is_han(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0x20000 && cp <= 0x2FFFF);
}

}  // namespace sy::core
