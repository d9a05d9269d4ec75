// Postal addresses with a house number: a street name without one, a district or a city is a
// place, not where someone lives.
//
// Han (Taiwan and mainland): the anchor is a number and 號/号; the character before the number must
// end a road (路 街 道 段 巷 弄 里 村 ...: "光復路二段101號", "张江路100弄5号"), so dates (12月5號),
// metro lines (5號線) and gates (3號出口) stay quiet. The address reaches back over the road name to
// the county or city when one is written (新竹市東區光復路二段101號) and on over floors and rooms
// (之3, 5樓, 1203室).
//
// Latin (US, UK): the anchor is a street type ("Street", "Ave", "Road"); before it, one to four
// capitalized words (or ordinals: "5th") and a house number ("221B", "12"); after it, optionally a
// unit, a city, a state and ZIP code or a UK postcode. Famous addresses (10 Downing Street) are
// general knowledge, not personal data.
#include <algorithm>
#include <array>

#include "core/utf8.h"
#include "privacy/boundaries.h"
#include "privacy/extractors.h"
#include "privacy/lexicon.h"

namespace sy::privacy::extract {
namespace {

// Back over digits (ASCII or full-width) that end at pos.
size_t digits_back(std::string_view text, size_t pos) {
  while (true) {
    if (before_is(text, pos, is_digit)) {
      --pos;
    } else if (pos >= 3 && full_width_digit(text, pos - 3)) {
      pos -= 3;
    } else {
      return pos;
    }
  }
}
// Forward over digits (ASCII or full-width) from pos.
size_t digits_forward(std::string_view text, size_t pos) {
  while (true) {
    if (at_is(text, pos, is_digit)) {
      ++pos;
    } else if (full_width_digit(text, pos)) {
      pos += 3;
    } else {
      return pos;
    }
  }
}

constexpr std::u32string_view kHanNumerals = U"一二三四五六七八九十百零〇";
// Where an address written in a sentence begins: the word before it ends here.
constexpr std::u32string_view kHanStops = U"到在於于住址為为是的給给寄送往至從从和與与及請请搬：，、；";

bool han_number(char32_t c) { return kHanNumerals.find(c) != std::u32string_view::npos; }

// Floors, rooms and sub-numbers after 號: 之3, 5樓, 5F, 12層, 1203室; on the mainland a compound's
// buildings, entrances and flats too: 12号院 3号楼 2单元 501室.
size_t han_address_tail(std::string_view text, size_t pos) {
  for (int k = 0; k < 5; ++k) {
    std::string_view rest = text.substr(pos);
    if (rest.starts_with("院")) {
      pos += 3;
      continue;
    }
    if (rest.starts_with("之")) {
      size_t from = skip_one_space(text, pos + 3);
      size_t e = digits_forward(text, from);
      if (e == from) break;
      pos = e;
      continue;
    }
    if (rest.starts_with("-") || rest.starts_with(",")) break;
    size_t from = skip_one_space(text, pos);
    size_t e = digits_forward(text, from);
    if (e == from) break;
    std::string_view unit = text.substr(skip_one_space(text, e));
    size_t len = 0;
    for (std::string_view u : {"樓", "楼", "層", "层", "室", "F", "f", "號房", "号房", "號樓", "号楼", "棟", "栋", "幢", "單元", "单元"}) {
      if (unit.starts_with(u)) {
        len = u.size();
        break;
      }
    }
    if (len == 0) break;
    pos = skip_one_space(text, e) + len;
  }
  return pos;
}

}  // namespace

std::optional<Span> han_address(std::string_view text, size_t match_end) {
  const Lexicon& lex = Lexicon::get();
  const size_t number_end = back_one_space(text, match_end - 3);  // before 號/号
  size_t number = digits_back(text, number_end);
  if (number >= 3 && text.substr(number - 3, 3) == "之") number = digits_back(text, number - 3);  // 101之3號
  if (number == number_end || before_is(text, number, is_alnum)) return std::nullopt;
  size_t suffix_at = back_one_space(text, number);
  char32_t suffix = core::previous_code_point(text, suffix_at);
  // 桂洲大道中38号, 中山路東12號: a road's part (middle, east, ...) between the road and the number.
  if (std::u32string_view(U"中東东西南北").find(suffix) != std::u32string_view::npos) {
    suffix = core::previous_code_point(text, suffix_at);
  }
  if (!lex.zh_road_suffix(suffix)) return std::nullopt;
  // The road's name (and for 段, 巷, 弄 the numbers before them): Han characters and digits back to
  // whatever is not (punctuation, Latin, the start), at most 24. Where it begins is a guess: from
  // the county or city when one is written (新竹市東區光復路二段101號), else after the last word that
  // introduces an address (寄到, 住在), else the whole run.
  size_t run = suffix_at;
  size_t after_stop = suffix_at;
  bool stopped = false;
  int han_chars = 0;
  for (int n = 0; n < 24 && run > 0; ++n) {
    if (before_is(text, run, is_digit)) {
      --run;
      continue;
    }
    // One space between a number and Han (一段 235 巷): the road runs on across it.
    if (size_t p = back_one_space(text, run); p != run && (before_is(text, p, is_digit) || at_is(text, run, is_digit))) {
      run = p;
      continue;
    }
    size_t p = run;
    char32_t c = core::previous_code_point(text, p);
    if (!(core::is_han(c) || full_width_digit(text, p))) break;
    if (!stopped && kHanStops.find(c) != std::u32string_view::npos) {
      stopped = true;
      after_stop = run;
    }
    if (!stopped && core::is_han(c) && !han_number(c)) ++han_chars;
    run = p;
  }
  size_t start = stopped ? after_stop : run;
  for (size_t p = run; p < suffix_at;) {
    if (lex.zh_place_at(text, p) > 0) {
      start = p;
      han_chars = std::max(han_chars, 1);
      break;
    }
    core::next_code_point(text, p);
  }
  if (han_chars == 0) return std::nullopt;  // "路5號" with no road name
  return Span{start, han_address_tail(text, match_end)};
}

namespace {

bool capitalized_word(std::string_view w) {  // "Elm", "O'Connell", "Piñon" (accented letters are UTF-8 bytes)
  return !w.empty() && is_upper(w[0]) && std::all_of(w.begin(), w.end(), [](char c) {
    return is_alpha(c) || c == '\'' || c == '-' || c == '.' || static_cast<unsigned char>(c) >= 0x80;
  });
}
bool ordinal(std::string_view w) {  // 5th, 42nd, 1st
  size_t d = 0;
  while (d < w.size() && is_digit(w[d])) ++d;
  std::string_view s = w.substr(d);
  return d > 0 && (s == "st" || s == "nd" || s == "rd" || s == "th");
}
bool house_number(std::string_view w) {  // 12, 221B, 12-14, 1600
  size_t d = 0;
  while (d < w.size() && is_digit(w[d])) ++d;
  if (d == 0 || d > 6) return false;
  std::string_view rest = w.substr(d);
  if (rest.empty() || (rest.size() == 1 && is_alpha(rest[0]))) return true;
  if (rest[0] == '-' && rest.size() > 1) return std::all_of(rest.begin() + 1, rest.end(), is_digit);
  return false;
}

// The word that ends at pos (after a single space), or empty.
std::string_view word_before(std::string_view text, size_t pos) {
  if (pos == 0 || text[pos - 1] != ' ') return {};
  size_t end = pos - 1, start = end;
  while (start > 0 && (is_alnum(text[start - 1]) || text[start - 1] == '\'' || text[start - 1] == '-' || text[start - 1] == '.' ||
                       static_cast<unsigned char>(text[start - 1]) >= 0x80)) {
    --start;
  }
  return text.substr(start, end - start);
}

bool two_capitals(std::string_view text, size_t pos) {
  return pos + 2 <= text.size() && is_upper(text[pos]) && is_upper(text[pos + 1]) && !at_is(text, pos + 2, is_alpha);
}

// A US ZIP (12345, 12345-6789) or a UK postcode (LS6 2AB, SW1A 1AA) at pos; its length or 0.
// A UK postcode at pos, its letters tested with `letter` (is_upper as written on an envelope, is_alpha
// for "eh2 3bn"): area (1-2 letters), district (a digit and an optional letter or digit), a space,
// a digit and two letters. Its length, or 0.
template <class Letter>
size_t uk_postcode(std::string_view text, size_t pos, Letter letter) {
  size_t e = pos, letters = 0;
  while (e < text.size() && letters < 2 && letter(text[e])) ++e, ++letters;
  if (letters == 0 || !at_is(text, e, is_digit)) return 0;
  ++e;
  if (at_is(text, e, letter) || at_is(text, e, is_digit)) ++e;
  if (!at_is(text, e, is_sp) || !at_is(text, e + 1, is_digit) || !at_is(text, e + 2, letter) || !at_is(text, e + 3, letter) ||
      at_is(text, e + 4, is_alnum)) {
    return 0;
  }
  return e + 4 - pos;
}

size_t postcode(std::string_view text, size_t pos) {
  size_t e = pos;
  while (e < text.size() && e - pos < 5 && is_digit(text[e])) ++e;
  if (e - pos == 5 && !at_is(text, e, is_alnum)) {
    if (at_is(text, e, [](char c) { return c == '-'; }) && pos + 10 <= text.size() &&
        std::all_of(text.begin() + static_cast<std::ptrdiff_t>(e + 1), text.begin() + static_cast<std::ptrdiff_t>(e + 5), is_digit)) {
      return 10;
    }
    return 5;
  }
  return uk_postcode(text, pos, is_upper);
}

// Where a street written in lower case ends with its postcode: a UK postcode, or a US state and
// ZIP, within the next 48 bytes of the same sentence ("..., edinburgh eh2 3bn", "..., austin tx
// 78701"); 0 when there is none.
size_t lower_case_postcode_end(std::string_view text, size_t pos) {
  for (size_t p = pos; p < text.size() && p - pos < 48; ++p) {
    char c = text[p];
    if (c == '\n' || c == '.' || c == '!' || c == '?') return 0;
    if (before_is(text, p, is_alnum) || !is_alnum(c)) continue;
    if (size_t n = uk_postcode(text, p, is_alpha)) return p + n;
    if (is_alpha(c) && at_is(text, p + 1, is_alpha) && at_is(text, p + 2, [](char x) { return x == ' '; }) && !at_is(text, p + 3, is_alpha)) {
      size_t zip = run_end(text, p + 3, is_digit, 6);
      if (zip - (p + 3) == 5 && !at_is(text, zip, is_alnum)) return zip;
    }
  }
  return 0;
}

// After the street: ", Apt 4B", ", Springfield", ", IL 62704", " LS6 2AB".
size_t latin_address_tail(std::string_view text, size_t pos) {
  for (int k = 0; k < 4; ++k) {
    size_t p = pos;
    if (at_is(text, p, [](char c) { return c == ','; })) ++p;
    if (!at_is(text, p, is_sp)) break;
    ++p;
    if (size_t n = postcode(text, p)) {
      pos = p + n;
      continue;
    }
    if (two_capitals(text, p)) {  // a state, then its ZIP
      size_t q = p + 2;
      if (at_is(text, q, is_sp) && postcode(text, q + 1) > 0) {
        pos = q + 1 + postcode(text, q + 1);
        continue;
      }
      break;
    }
    if (text[pos] != ',') break;  // a city comes after a comma; anything else is the sentence going on
    size_t e = p;
    int words = 0;
    while (words < 3 && at_is(text, e, is_upper)) {
      size_t w = e;
      while (w < text.size() && (is_alpha(text[w]) || text[w] == '.' || text[w] == '#' || is_digit(text[w]))) ++w;
      e = w;
      ++words;
      if (at_is(text, e, is_sp) && at_is(text, e + 1, is_upper) && !two_capitals(text, e + 1)) ++e;
      else break;
    }
    if (words == 0) break;
    pos = e;
  }
  return pos;
}


}  // namespace

// A Taiwan address written in English, smallest part first: "No. 18, Ln. 52, Sec. 3, Zhongxiao E.
// Rd., Da'an Dist., Taipei City 106". The anchor is "No. 18,"; a road and a district or city must
// follow within a line's length, and the address runs to the city and its postal code.
std::optional<Span> taiwan_latin_address(std::string_view text, size_t match_end) {
  size_t start = text.rfind("No", match_end);
  if (start == std::string_view::npos) return std::nullopt;
  // A floor before the number belongs to the address: "5F, No. 27, ...".
  if (start >= 4 && text.substr(start - 4, 4).find('F') != std::string_view::npos && is_digit(text[start - 4])) start -= 4;
  std::string_view rest = text.substr(match_end, 160);
  size_t road = std::string_view::npos;
  for (std::string_view r : {" Rd", " Road", " St.", " Street", " Blvd", " Ave"}) road = std::min(road, rest.find(r));
  size_t place = std::min(rest.find("City"), rest.find("Dist"));
  if (road == std::string_view::npos || place == std::string_view::npos) return std::nullopt;
  size_t end = match_end + std::max(road, place);
  size_t city = rest.find("City");
  if (city != std::string_view::npos) {
    end = match_end + city + 4;
    size_t p = end;
    while (p < text.size() && text[p] == ' ') ++p;
    size_t digits = run_end(text, p, is_digit, 6);
    if (digits - p >= 3) end = digits;
  } else {
    while (end < text.size() && is_alpha(text[end])) ++end;
  }
  return Span{start, end};
}

std::optional<Span> address_before_postcode(std::string_view text, size_t match_end) {
  // The postcode's start: back over it to the space before its first part.
  size_t code = match_end;
  int spaces = 0;
  while (code > 0 && (is_alnum(text[code - 1]) || (text[code - 1] == ' ' && spaces++ == 0))) --code;
  // Back over the street and the city, in the same line and sentence, to the nearest house number
  // that a capitalized word follows: "88 Kingsway, London", "1185 Avenue of the Americas, ...".
  const size_t lo = code > 80 ? code - 80 : 0;
  for (size_t p = code; p > lo; --p) {
    char c = text[p - 1];
    if (c == '\n' || c == '.' || c == '!' || c == '?' || c == ':' || c == ';') break;
    if (!is_digit(c) || at_is(text, p, is_alnum)) continue;  // p - 1 must end a number
    size_t start = p - 1;
    while (start > 0 && is_digit(text[start - 1])) --start;
    if (before_is(text, start, is_alnum) || p - start > 5) continue;
    std::string_view after = text.substr(p);
    if (after.starts_with(" ") && at_is(text, p + 1, is_upper)) return Span{start, match_end};
  }
  return std::nullopt;
}

std::optional<Span> latin_address(std::string_view text, size_t match_end) {
  size_t suffix_start = match_end;
  while (suffix_start > 0 && is_alpha(text[suffix_start - 1])) --suffix_start;
  // Written in lower case anywhere ("42 castle street"), an address must end in a postcode.
  bool lower = !is_upper(text[suffix_start]);
  size_t pos = suffix_start;
  int name_words = 0;
  std::optional<size_t> start;
  for (int k = 0; k < 5; ++k) {
    std::string_view w = word_before(text, pos);
    if (w.empty()) break;
    size_t w_start = pos - 1 - w.size();
    if (house_number(w)) {
      if (name_words > 0 && !before_is(text, w_start, is_alnum)) start = w_start;
      break;
    }
    bool lower_word = !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return is_lower(c) || c == '\'' || c == '-'; });
    if (!capitalized_word(w) && !ordinal(w) && !lower_word) break;
    lower = lower || lower_word;
    ++name_words;
    pos = w_start;
  }
  if (!start) return std::nullopt;
  size_t end = match_end;
  if (at_is(text, end, [](char c) { return c == '.'; }) && match_end - suffix_start <= 4) ++end;  // "St."
  if (Lexicon::get().famous_address(text.substr(*start, match_end - *start))) return std::nullopt;
  if (lower) {
    size_t tail = lower_case_postcode_end(text, end);
    if (tail == 0) return std::nullopt;
    return Span{*start, tail};
  }
  return Span{*start, latin_address_tail(text, end)};
}

}  // namespace sy::privacy::extract
