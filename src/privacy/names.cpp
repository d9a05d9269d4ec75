#include "privacy/names.h"

#include <algorithm>

#include "core/utf8.h"
#include "privacy/lexicon.h"
#include "privacy/names_detail.h"

namespace sy::privacy {

namespace names_detail {

const CharSet& char_set(std::u32string_view chars) {
  auto* set = new CharSet();  // one per list, for the life of the process
  for (char32_t c : chars) set->insert(c);
  return *set;
}

}  // namespace names_detail

bool professional_topic(uint8_t roles, Kind fact) {
  if (fact == Kind::health) return (roles & kClinician) != 0;
  if (fact == Kind::salary || fact == Kind::performance) return (roles & kPeopleTeam) != 0;
  return false;
}

namespace {

// The span clipped to the text and moved in to whole characters.
Span clipped(std::string_view text, Span s) {
  size_t lo = std::min(s.start, text.size()), hi = std::min(s.end, text.size());
  while (lo < hi && core::is_continuation(text[lo])) ++lo;
  while (hi > lo && hi < text.size() && core::is_continuation(text[hi])) --hi;
  return {lo, hi};
}

}  // namespace

PeopleNearby people_in(std::string_view text, Span latin, Span han, std::span<const size_t> fact_starts) {
  PeopleNearby out;
  const Lexicon& lex = Lexicon::get();
  latin = clipped(text, latin);
  han = clipped(text, han);
  names_detail::latin_people(text, latin.start, latin.end, lex, out);
  names_detail::han_people(text, han.start, han.end, lex, fact_starts, out);
  std::sort(out.people.begin(), out.people.end(), [](const Person& a, const Person& b) { return a.span.start < b.span.start; });
  return out;
}

}  // namespace sy::privacy
