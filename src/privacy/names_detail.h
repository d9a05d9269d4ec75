#pragma once
// What names_latin.cpp and names_han.cpp share (names.h is the interface).
#include <span>
#include <string_view>

#include "privacy/lexicon.h"
#include "privacy/names.h"

namespace sy::privacy::names_detail {

// A name needs this much evidence (see the scores in each file): a Latin one, a Han one.
inline constexpr int kEnough = 2;
inline constexpr int kHanEnough = 3;

// Between a role word and the name it introduces: "客戶：黃志明", "patient - Joanna".
inline bool name_separator(char c) { return c == ' ' || c == ':' || c == ','; }

// A word list as a set, any ASCII case.
template <size_t N>
WordSet word_set(const std::string_view (&words)[N]) {
  WordSet set;
  for (std::string_view w : words) set.insert(w);
  return set;
}

// A list of characters as a set, built once and kept for the life of the process.
const CharSet& char_set(std::u32string_view chars);

void latin_people(std::string_view text, size_t lo, size_t hi, const Lexicon& lex, PeopleNearby& out);
void han_people(std::string_view text, size_t lo, size_t hi, const Lexicon& lex, std::span<const size_t> fact_starts,
                PeopleNearby& out);

}  // namespace sy::privacy::names_detail
