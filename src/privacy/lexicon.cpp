#include "privacy/lexicon.h"

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "core/utf8.h"
#include "privacy/boundaries.h"

namespace sy::privacy {
namespace {

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// The entries of one file: trimmed lines, without blanks and '#' comments.
template <class Fn>
void each_entry(std::string_view text, Fn fn) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    while (!line.empty() && is_space(line.front())) line.remove_prefix(1);
    while (!line.empty() && is_space(line.back())) line.remove_suffix(1);
    if (!line.empty() && line.front() != '#') fn(line);
  }
}

char32_t only_code_point(std::string_view s) {
  size_t i = 0;
  char32_t c = s.empty() ? 0 : core::next_code_point(s, i);
  return i == s.size() ? c : 0;
}

// Administrative suffixes: "新竹市" is also written "新竹".
constexpr std::string_view kDivisionSuffixes[] = {"市", "縣", "县", "區", "区", "省", "鄉", "乡", "鎮", "镇"};

// Drops the fact words another word of the same kind already finds at the same place ("insulin
// pump" after "insulin", "diagnosed with" after "diagnos*", 糖尿病足 after 糖尿病): the scan reports
// the same fact at the same start, and every literal less makes the Hyperscan pass cheaper.
std::vector<FactTerm> without_longer_forms(std::vector<FactTerm> facts) {
  std::unordered_map<std::string, std::pair<Kind, bool>> by_text;  // text -> (kind, prefix)
  for (const FactTerm& f : facts) by_text.emplace(f.text, std::make_pair(f.kind, f.prefix));
  std::vector<FactTerm> kept;
  for (FactTerm& f : facts) {
    bool latin = is_alpha(f.text.front());
    bool redundant = false;
    for (size_t len = 1; len < f.text.size() && !redundant; ++len) {
      if (core::is_continuation(f.text[len])) continue;  // inside a character
      auto it = by_text.find(f.text.substr(0, len));
      if (it == by_text.end() || it->second.first != f.kind) continue;
      // A Latin word must end there, unless the shorter one is a prefix ("diagnos*").
      redundant = !latin || it->second.second || !is_alpha(f.text[len]);
    }
    if (!redundant) kept.push_back(std::move(f));
  }
  return kept;
}

}  // namespace

const Lexicon& Lexicon::get() {
  static const Lexicon lexicon;
  return lexicon;
}

Lexicon::Lexicon() {
  auto fact_kind = [](std::string_view file) -> std::optional<Kind> {
    if (file == "health") return Kind::health;
    if (file == "salary") return Kind::salary;
    if (file == "performance") return Kind::performance;
    if (file == "family") return Kind::family;
    if (file == "religion") return Kind::religion;
    return std::nullopt;
  };
  for (const LexiconFile& file : embedded_lexicon()) {
    // A file's second list (health_more.txt, first_names_more_ambiguous.txt) adds to its first.
    std::string name(file.name);
    if (size_t more = name.find("_more"); more != std::string::npos) name.erase(more, 5);
    each_entry(file.text, [&](std::string_view e) {
      if (auto kind = fact_kind(name)) {
        bool prefix = e.back() == '*';
        if (prefix) e.remove_suffix(1);
        if (!e.empty()) facts_.push_back({ascii_lower(e), *kind, prefix});
      } else if (name == "first_names") {
        latin_words_.add(e, kFirstName);
      } else if (name == "first_names_ambiguous") {
        latin_words_.add(e, kAmbiguousFirstName);
      } else if (name == "surnames") {
        latin_words_.add(e, kSurname);
      } else if (name == "surnames_ambiguous") {
        latin_words_.add(e, kAmbiguousSurname);
      } else if (name == "famous_people") {
        famous_.insert(e);
      } else if (name == "famous_addresses") {
        famous_addresses_.insert(e);
      } else if (name == "person_cues") {
        if (is_ascii(e)) {
          if (e.size() > 1 && e.back() == '.') e.remove_suffix(1);  // "Mr." is looked up as the word "Mr"
          latin_words_.add(e, kPersonCue);
        } else {
          zh_cues_.insert(e);
        }
      } else if (name == "person_titles") {
        if (!is_ascii(e)) zh_titles_.insert(e);
      } else if (name == "zh_surnames") {
        zh_surnames_.insert(e);
      } else if (name == "zh_common_words") {
        zh_common_words_.insert(e);
      } else if (name == "zh_words_starting_with_surname") {
        zh_surname_starts_.insert(e);
      } else if (name == "zh_words_ending_in_surname") {
        zh_surname_words_.insert(e);
      } else if (name == "zh_given_chars") {
        if (char32_t c = only_code_point(e)) zh_given_.insert(c);
      } else if (name == "zh_admin_divisions") {
        zh_places_.insert(e);
        for (std::string_view suffix : kDivisionSuffixes) {
          // A stem of two characters or more: "新竹" from "新竹市", never "北" from "北市".
          if (e.ends_with(suffix) && e.size() - suffix.size() >= 6) {
            zh_places_.insert(e.substr(0, e.size() - suffix.size()));
          }
        }
      } else if (name == "street_suffixes") {
        if (is_ascii(e)) {
          street_suffix_list_.emplace_back(e);
        } else {
          // The character a house number follows: 路, and 道 of 大道, 同 of 胡同.
          size_t last = e.size();
          zh_road_suffixes_.insert(core::previous_code_point(e, last));
        }
      }
    });
  }
  facts_ = without_longer_forms(std::move(facts_));
}

}  // namespace sy::privacy
