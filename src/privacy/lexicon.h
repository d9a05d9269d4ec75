#pragma once
// The word lists behind the context detectors (context.h): given names and family names, famous
// people, places, street types, the words that mark a person ("customer", 客戶, "Mr.") and the
// facts that make a person's name sensitive (health, salary, ...). They are plain text files in
// src/privacy/lexicon/ (its README says how they were made), compiled into the binary by
// cmake/embed_lexicon.cmake and indexed once, on first use.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/finding.h"
#include "privacy/word_sets.h"

namespace sy::privacy {

struct LexiconFile {
  std::string_view name;  // file name without ".txt"
  std::string_view text;
};
std::span<const LexiconFile> embedded_lexicon();  // generated

// A word that, next to a person's name, says something personal about them.
struct FactTerm {
  std::string text;  // lower case for Latin script
  Kind kind;         // health, salary, performance, family or religion
  bool prefix;       // written "diagnos*": matches diagnosis, diagnosed
};

class Lexicon {
 public:
  static const Lexicon& get();

  // Latin-script words, any case: which name lists a word is on, in one lookup.
  enum LatinWord : uint8_t {
    kFirstName = 1,           // "Joanna", "Zhiming"
    kAmbiguousFirstName = 2,  // also an English word: "Grace", "Will"
    kSurname = 4,
    kAmbiguousSurname = 8,
    kPersonCue = 16,          // "patient", "Mr", "account holder"
  };
  uint8_t latin_word(std::string_view word) const { return latin_words_.get(word); }
  bool person_cue(std::string_view word) const { return (latin_word(word) & kPersonCue) != 0; }
  // Names in either script, as written ("Albert Einstein", "Einstein", "諸葛亮"), Latin in any case.
  bool famous(std::string_view name) const { return famous_.contains(name); }
  bool famous_address(std::string_view address) const { return famous_addresses_.contains(address); }

  // Han text, by position: each returns the byte length of what starts (or, for cue_before, ends)
  // at pos, 0 if nothing does.
  size_t zh_surname_at(std::string_view text, size_t pos) const { return zh_surnames_.longest_at(text, pos); }
  // Whether a family name or a famous name may start with the character (one load each).
  bool zh_name_may_start(char32_t c) const { return zh_surnames_.may_start_with(c) || famous_.may_start_with(c); }
  size_t zh_title_at(std::string_view text, size_t pos) const { return zh_titles_.longest_at(text, pos); }
  size_t zh_cue_before(std::string_view text, size_t pos) const { return zh_cues_.longest_ending_at(text, pos); }
  size_t zh_place_at(std::string_view text, size_t pos) const { return zh_places_.longest_at(text, pos); }
  size_t zh_famous_at(std::string_view text, size_t pos) const { return famous_.longest_at(text, pos); }
  // Whether the family-name character at [pos, pos + len) ends an ordinary word instead: 翻成, 處方, 獎金.
  bool zh_ends_word(std::string_view text, size_t pos, size_t len) const {
    return zh_surname_words_.longest_ending_at(text, pos + len) > len;
  }
  // The byte length of an ordinary word that starts with the family-name character at pos (王國,
  // 陳述, 凌晨), 0 if none.
  size_t zh_word_at(std::string_view text, size_t pos) const { return zh_surname_starts_.longest_at(text, pos); }
  // Whether two Han characters make an everyday word (大家, 健康): not a given name alone.
  bool zh_common_word(std::string_view two) const { return zh_common_words_.contains(two); }
  bool zh_given(char32_t c) const { return zh_given_.contains(c); }
  bool zh_road_suffix(char32_t c) const { return zh_road_suffixes_.contains(c); }

  std::span<const FactTerm> facts() const { return facts_; }
  std::span<const std::string> latin_street_suffixes() const { return street_suffix_list_; }

 private:
  Lexicon();

  WordMap latin_words_;
  WordSet famous_, famous_addresses_;
  WordSet zh_surnames_, zh_titles_, zh_cues_, zh_places_, zh_surname_words_, zh_surname_starts_, zh_common_words_;
  CharSet zh_given_, zh_road_suffixes_;
  std::vector<FactTerm> facts_;
  std::vector<std::string> street_suffix_list_;
};

}  // namespace sy::privacy
