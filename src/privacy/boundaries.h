#pragma once
// Token boundaries, done by hand. Regex `\b` is useless here: Han characters are not "word"
// characters to it in byte mode, and a UTF-8 lead byte is not either, so `身分證字號A123456789請`
// would behave differently from the same ID between spaces. The rule instead: a value must not be
// glued to an ASCII letter or digit (which would make it part of a longer token); anything else
// (space, punctuation, Han, other scripts) is a fine neighbour. Bytes >= 0x80 are never ASCII, so
// multi-byte characters need no decoding.
#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

namespace sy::privacy {

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
inline bool is_alpha(char c) { return is_upper(c) || is_lower(c); }
inline bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
inline bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
inline bool is_base64url(char c) { return is_alnum(c) || c == '-' || c == '_'; }
inline bool is_base64(char c) { return is_alnum(c) || c == '+' || c == '/' || c == '='; }
inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
inline bool is_sp(char c) { return c == ' '; }  // SP (0x20) only: a typed space, not a line break

// The byte before `pos` / at `pos`, tested with `pred`; false at the ends of the text.
template <class Pred>
bool before_is(std::string_view text, size_t pos, Pred pred) {
  return pos > 0 && pos <= text.size() && pred(text[pos - 1]);
}
template <class Pred>
bool at_is(std::string_view text, size_t pos, Pred pred) {
  return pos < text.size() && pred(text[pos]);
}

// Past one space at pos / back over one before pos, or pos itself: where many type a space between
// Han characters and digits (復興南路一段 235 巷, 1998 年 3 月) and others do not.
inline size_t skip_one_space(std::string_view text, size_t pos) { return at_is(text, pos, is_sp) ? pos + 1 : pos; }
inline size_t back_one_space(std::string_view text, size_t pos) { return before_is(text, pos, is_sp) ? pos - 1 : pos; }

// The usual test: [start, end) is not glued to ASCII letters or digits on either side.
inline bool isolated(std::string_view text, size_t start, size_t end) {
  return !before_is(text, start, is_alnum) && !at_is(text, end, is_alnum);
}

// How far a run of `pred` characters reaches from `pos`, looking left / right, at most `limit` bytes.
template <class Pred>
size_t run_start(std::string_view text, size_t pos, Pred pred, size_t limit = 4096) {
  size_t lo = pos;
  while (lo > 0 && pos - lo < limit && pred(text[lo - 1])) --lo;
  return lo;
}
template <class Pred>
size_t run_end(std::string_view text, size_t pos, Pred pred, size_t limit = 4096) {
  size_t hi = pos;
  while (hi < text.size() && hi - pos < limit && pred(text[hi])) ++hi;
  return hi;
}

// The label that ends at match_end is not the tail of a longer ASCII word: "passport" yes,
// "subpassport" no, "born" yes, "reborn" no. A Han label (no letter before match_end) needs no boundary.
inline bool label_stands_alone(std::string_view text, size_t match_end) {
  size_t start = run_start(text, match_end, is_alpha, text.size());
  return start == match_end || !before_is(text, start, is_alnum);
}

// A full-width digit (０-９, U+FF10..U+FF19: EF BC 90..99) starts at pos.
inline bool full_width_digit(std::string_view text, size_t pos) {
  return pos + 3 <= text.size() && text[pos] == '\xef' && text[pos + 1] == '\xbc' &&
         static_cast<unsigned char>(text[pos + 2]) >= 0x90 && static_cast<unsigned char>(text[pos + 2]) <= 0x99;
}

// The text with its ASCII letters in lower case (the lists and labels are matched that way).
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (is_upper(c)) c = static_cast<char>(c + 32);
  }
  return out;
}

// Skips spaces and any of `words` from pos, as often as they come, within `limit` bytes; returns
// where it stopped. A word that ends in a letter must end there: "no" is not the start of "nothing".
template <size_t N>
size_t skip_words(std::string_view text, size_t pos, size_t limit, const std::string_view (&words)[N]) {
  const size_t end = std::min(text.size(), pos + limit);
  bool moved = true;
  while (pos < end && moved) {
    moved = false;
    if (is_space(text[pos])) {
      ++pos;
      moved = true;
      continue;
    }
    for (std::string_view w : words) {
      if (text.substr(pos).starts_with(w) && !(is_alpha(w.back()) && at_is(text, pos + w.size(), is_alpha))) {
        pos += w.size();
        moved = true;
        break;
      }
    }
  }
  return pos;
}

// The word of ASCII letters that ends at pos (spaces before pos skipped), in lower case in `out`;
// empty when there is none or it is longer than `out`.
template <size_t N>
std::string_view word_before(std::string_view text, size_t pos, char (&out)[N]) {
  size_t end = pos;
  while (end > 0 && text[end - 1] == ' ') --end;
  size_t start = end;
  while (start > 0 && is_alpha(text[start - 1])) --start;
  if (start == end || end - start > N) return {};
  for (size_t i = start; i < end; ++i) out[i - start] = is_upper(text[i]) ? static_cast<char>(text[i] + 32) : text[i];
  return {out, end - start};
}

}  // namespace sy::privacy
