#include "privacy/lexicon.h"

#include <algorithm>
#include <optional>

#include "core/utf8.h"
#include "privacy/boundaries.h"

namespace sy::privacy {
namespace {

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (is_upper(c)) c = static_cast<char>(c + 32);
  }
  return out;
}

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

}  // namespace

void CharSet::insert(char32_t c) {
  if (c < kBitmap) {
    bits_[c] = true;
  } else {
    rest_.insert(c);
  }
}

void WordSet::insert(std::string_view word) {
  if (word.empty()) return;
  std::string key = ascii_lower(word);
  size_t chars = 0;
  for (size_t i = 0; i < key.size(); ++chars) core::next_code_point(key, i);
  size_t i = 0, j = key.size();
  char32_t first = core::next_code_point(key, i), last = core::previous_code_point(key, j);
  firsts_.insert(first);
  lasts_.insert(last);
  if (chars <= 8) {
    first_lengths_[first] |= static_cast<uint8_t>(1u << (chars - 1));
    last_lengths_[last] |= static_cast<uint8_t>(1u << (chars - 1));
  }
  max_bytes_ = std::max(max_bytes_, key.size());
  words_.insert(std::move(key));
}

bool WordSet::contains(std::string_view word) const {
  if (word.empty() || word.size() > max_bytes_) return false;
  if (std::none_of(word.begin(), word.end(), is_upper)) return words_.find(word) != words_.end();
  char lowered[256];
  if (word.size() > sizeof lowered) return false;
  for (size_t i = 0; i < word.size(); ++i) lowered[i] = is_upper(word[i]) ? static_cast<char>(word[i] + 32) : word[i];
  return words_.find(std::string_view(lowered, word.size())) != words_.end();
}

size_t WordSet::longest_at(std::string_view text, size_t pos) const {
  if (pos >= text.size()) return 0;
  size_t ends[9] = {pos};
  ends[1] = pos;
  char32_t first = core::next_code_point(text, ends[1]);
  if (!firsts_.contains(first)) return 0;
  uint8_t mask = mask_of(first_lengths_, first);
  int n = 1;
  while (n < 8 && ends[n] < text.size() && (mask >> n) != 0) {
    ends[n + 1] = ends[n];
    core::next_code_point(text, ends[n + 1]);
    ++n;
  }
  for (int k = n; k >= 1; --k) {
    if ((mask >> (k - 1)) & 1u && words_.find(text.substr(pos, ends[k] - pos)) != words_.end()) return ends[k] - pos;
  }
  return 0;
}

size_t WordSet::longest_ending_at(std::string_view text, size_t pos) const {
  if (pos == 0 || pos > text.size()) return 0;
  size_t starts[9] = {pos};
  starts[1] = pos;
  char32_t last = core::previous_code_point(text, starts[1]);
  if (!lasts_.contains(last)) return 0;
  uint8_t mask = mask_of(last_lengths_, last);
  int n = 1;
  while (n < 8 && starts[n] > 0 && (mask >> n) != 0) {
    starts[n + 1] = starts[n];
    core::previous_code_point(text, starts[n + 1]);
    ++n;
  }
  for (int k = n; k >= 1; --k) {
    if ((mask >> (k - 1)) & 1u && words_.find(text.substr(starts[k], pos - starts[k])) != words_.end()) return pos - starts[k];
  }
  return 0;
}

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
        first_names_.insert(e);
      } else if (name == "first_names_ambiguous") {
        ambiguous_first_names_.insert(e);
      } else if (name == "surnames") {
        surnames_.insert(e);
      } else if (name == "surnames_ambiguous") {
        ambiguous_surnames_.insert(e);
      } else if (name == "famous_people") {
        famous_.insert(e);
      } else if (name == "famous_addresses") {
        famous_addresses_.insert(e);
      } else if (name == "person_cues") {
        if (is_ascii(e)) {
          if (e.size() > 1 && e.back() == '.') e.remove_suffix(1);  // "Mr." is looked up as the word "Mr"
          latin_cues_.insert(e);
        } else {
          zh_cues_.insert(e);
        }
      } else if (name == "person_titles") {
        if (!is_ascii(e)) zh_titles_.insert(e);
      } else if (name == "zh_surnames") {
        zh_surnames_.insert(e);
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
}

}  // namespace sy::privacy
