#pragma once
// Who a fact is about: the names of private people in a stretch of text, in Latin script
// ("Joanna Whitaker", "Mr. Okonkwo", "Huang Zhiming") and in Han script (黃志明, 陳先生, 客戶歐陽娜娜).
//
// A name is scored from independent evidence, each weak alone: a given name or family name from
// the lexicon, a title or role word next to it ("Dr.", "patient", 先生, 客戶), a family-name
// character followed by characters common in given names. Evidence against: a famous, historical or
// fictional person (Einstein, 諸葛亮), an eponym ("Parkinson's disease", "Smith chart"), an
// organization or a place (the Mayo Clinic, 高雄榮總), a word that only happens to begin with a
// family-name character (王國, 陳述). Callers only look near a personal fact, so a name alone,
// which is not sensitive, is never even looked for.
#include <span>
#include <string_view>
#include <vector>

#include "privacy/patterns.h"

namespace sy::privacy {

// A professional role that makes a fact of its kind a topic of their work, not of their life: a
// doctor next to "diabetes" (Dr. Villalobos presents the diabetes guidelines, 林醫師講糖尿病), a
// payroll or HR contact next to "salary". Their names still count with any other fact.
enum Role : uint8_t { kNoRole = 0, kClinician = 1, kPeopleTeam = 2 };

struct Person {
  Span span;
  uint8_t roles = kNoRole;
};

struct PeopleNearby {
  std::vector<Person> people;  // private people's names, in text order
  bool famous = false;         // a famous person was named in the stretch
};

// Whether a person in that role talks about facts of this kind for a living (see Role).
bool professional_topic(uint8_t roles, Kind fact);

// The Latin names in text[latin), the Han names in text[han) (clipped to the text and to whole
// characters). `fact_starts`: where the facts the caller asks about begin; a Han name that runs
// straight into one (陳靜懷孕) ends there.
PeopleNearby people_in(std::string_view text, Span latin, Span han, std::span<const size_t> fact_starts = {});

}  // namespace sy::privacy
