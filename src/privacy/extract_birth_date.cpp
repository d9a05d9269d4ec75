// Birth dates. A date is only a birth date by what is around it: a label before it ("DOB:",
// "born on", 出生日期, 生日是) or 出生 / 生 right after it (民國72年3月5日生, 1983年3月5日出生). The
// dates understood are the ones people write: 1983-03-05, 03/05/1983, 5.3.1983, "March 5, 1983",
// "5 March 1983", "March 1983", 1983年3月5日, 民國72年3月5日, and after a label the ROC forms 72/3/5
// and 72年3月5日. Whether it is personal (whose it is) is decided later, in context.cpp.
#include <array>
#include <string>

#include "core/utf8.h"
#include "privacy/boundaries.h"
#include "privacy/extractors.h"

namespace sy::privacy::extract {
namespace {

constexpr std::string_view kMonths[] = {"january", "february", "march",     "april",   "may",      "june",
                                        "july",    "august",   "september", "october", "november", "december"};

// Reads 1-4 digits at pos (ASCII or full-width); returns the count of bytes read and the value.
size_t read_number(std::string_view text, size_t pos, int& value, size_t max_digits = 4) {
  size_t p = pos, n = 0;
  value = 0;
  while (n < max_digits && p < text.size()) {
    if (is_digit(text[p])) {
      value = value * 10 + (text[p] - '0');
      p += 1;
    } else if (full_width_digit(text, p)) {
      value = value * 10 + (static_cast<unsigned char>(text[p + 2]) - 0x90);
      p += 3;
    } else {
      break;
    }
    ++n;
  }
  if (n == 0 || (p < text.size() && is_digit(text[p]))) return 0;
  return p - pos;
}

bool month_ok(int m) { return m >= 1 && m <= 12; }
bool day_ok(int d) { return d >= 1 && d <= 31; }
bool year_ok(int y) { return y >= 1900 && y <= 2030; }
bool roc_year_ok(int y) { return y >= 1 && y <= 120; }

// A month name or its three-letter abbreviation (with an optional period) at pos.
size_t read_month_name(std::string_view text, size_t pos, int& month) {
  size_t end = pos;
  while (end < text.size() && is_alpha(text[end])) ++end;
  std::string word(text.substr(pos, end - pos));
  for (char& c : word) {
    if (is_upper(c)) c = static_cast<char>(c + 32);
  }
  for (size_t m = 0; m < 12; ++m) {
    if (word == kMonths[m] || (word.size() == 3 && kMonths[m].starts_with(word)) || (word == "sept" && m == 8)) {
      month = static_cast<int>(m) + 1;
      return (at_is(text, end, [](char c) { return c == '.'; }) ? end + 1 : end) - pos;
    }
  }
  return 0;
}

size_t skip_spaces(std::string_view text, size_t pos) {
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == ',')) ++pos;
  return pos;
}

// "5", "5th", "21st"
size_t read_day(std::string_view text, size_t pos, int& day) {
  size_t n = read_number(text, pos, day, 2);
  if (n == 0 || !day_ok(day)) return 0;
  for (std::string_view suffix : {"st", "nd", "rd", "th"}) {
    if (text.substr(pos + n).starts_with(suffix) && !at_is(text, pos + n + 2, is_alpha)) return n + 2;
  }
  return n;
}

// Dates written with month names: "March 5, 1983", "Mar 5 1983", "5 March 1983", "5th of March
// 1983", "March 1983", "March 5" (no year).
std::optional<size_t> english_date(std::string_view text, size_t pos) {
  int month = 0, day = 0, year = 0;
  if (size_t m = read_month_name(text, pos, month)) {
    size_t p = skip_spaces(text, pos + m);
    if (size_t d = read_day(text, p, day)) {
      size_t after_day = p + d;
      size_t q = skip_spaces(text, after_day);
      if (size_t y = read_number(text, q, year); y == 4 && year_ok(year)) return q + 4;
      return after_day;
    }
    if (size_t y = read_number(text, p, year); y == 4 && year_ok(year)) return p + 4;
    return std::nullopt;
  }
  if (size_t d = read_day(text, pos, day)) {
    size_t p = pos + d;
    while (p < text.size() && text[p] == ' ') ++p;
    if (text.substr(p).starts_with("of ")) p += 3;
    if (size_t m = read_month_name(text, p, month)) {
      size_t q = skip_spaces(text, p + m);
      if (size_t y = read_number(text, q, year); y == 4 && year_ok(year)) return q + 4;
      return p + m;
    }
  }
  return std::nullopt;
}

// Numeric dates: 1983-03-05, 1983/3/5, 03/05/1983, 5.3.1983, and after a label the ROC 72/3/5.
std::optional<size_t> numeric_date(std::string_view text, size_t pos, bool roc_allowed) {
  int a = 0, b = 0, c = 0;
  size_t na = read_number(text, pos, a);
  if (na == 0 || na > 4 * 3) return std::nullopt;
  size_t p = pos + na;
  if (p >= text.size()) return std::nullopt;
  char sep = text[p];
  if (sep != '-' && sep != '/' && sep != '.') return std::nullopt;
  size_t nb = read_number(text, p + 1, b, 2);
  if (nb == 0 || !at_is(text, p + 1 + nb, [sep](char x) { return x == sep; })) return std::nullopt;
  size_t q = p + 1 + nb + 1;
  size_t nc = read_number(text, q, c);
  if (nc == 0) return std::nullopt;
  size_t end = q + nc;
  if (na == 4 && year_ok(a) && month_ok(b) && day_ok(c) && nc <= 2) return end;  // Y-M-D
  if (nc == 4 && year_ok(c) && ((month_ok(a) && day_ok(b)) || (day_ok(a) && month_ok(b)))) return end;  // M/D/Y, D.M.Y
  if (roc_allowed && na <= 3 && roc_year_ok(a) && month_ok(b) && day_ok(c) && nc <= 2) return end;  // 72/3/5
  return std::nullopt;
}

// Past `mark` (年, 月, 日) at pos, with one space allowed before it ("1998 年 3 月 21 日"); npos if absent.
size_t past_mark(std::string_view text, size_t pos, std::string_view mark) {
  pos = skip_one_space(text, pos);
  return text.substr(pos).starts_with(mark) ? pos + mark.size() : std::string_view::npos;
}

// 1983年3月5日, 民國72年3月5日 (民国), 1983年3月, and after a label 72年3月5日; 號/号 for 日. Single
// spaces between the numbers and the characters too: 1998 年 3 月 21 日.
std::optional<size_t> han_date(std::string_view text, size_t pos, bool roc_allowed) {
  size_t p = pos;
  bool roc = false;
  for (std::string_view era : {"民國", "民国"}) {
    if (text.substr(p).starts_with(era)) {
      p += era.size();
      roc = true;
    }
  }
  int year = 0, month = 0, day = 0;
  if (roc) p = skip_one_space(text, p);
  size_t ny = read_number(text, p, year);
  size_t after_year = ny == 0 ? std::string_view::npos : past_mark(text, p + ny, "年");
  if (after_year == std::string_view::npos) return std::nullopt;
  bool year_fine = (ny == 4 && year_ok(year)) || ((roc || roc_allowed) && ny <= 3 && roc_year_ok(year));
  if (!year_fine) return std::nullopt;
  p = skip_one_space(text, after_year);
  size_t nm = read_number(text, p, month, 2);
  size_t after_month = nm == 0 || !month_ok(month) ? std::string_view::npos : past_mark(text, p + nm, "月");
  if (after_month == std::string_view::npos) return std::nullopt;
  p = skip_one_space(text, after_month);
  size_t nd = read_number(text, p, day, 2);
  if (nd == 0 || !day_ok(day)) return after_month;  // year and month
  for (std::string_view day_mark : {"日", "號", "号"}) {
    if (size_t end = past_mark(text, p + nd, day_mark); end != std::string_view::npos) return end;
  }
  return after_month;
}

// After a label, a date written as eight digits: 19880721.
std::optional<size_t> compact_date(std::string_view text, size_t pos) {
  if (pos + 8 > text.size() || at_is(text, pos + 8, is_digit) || before_is(text, pos, is_digit)) return std::nullopt;
  int v[8];
  for (size_t k = 0; k < 8; ++k) {
    if (!is_digit(text[pos + k])) return std::nullopt;
    v[k] = text[pos + k] - '0';
  }
  int y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3], m = v[4] * 10 + v[5], d = v[6] * 10 + v[7];
  if (!year_ok(y) || !month_ok(m) || !day_ok(d)) return std::nullopt;
  return pos + 8;
}

std::optional<size_t> date_at(std::string_view text, size_t pos, bool after_label) {
  if (pos >= text.size()) return std::nullopt;
  if (after_label) {
    if (auto e = compact_date(text, pos)) return e;
  }
  if (auto e = han_date(text, pos, after_label)) return e;
  if (auto e = numeric_date(text, pos, after_label)) return e;
  return english_date(text, pos);
}

// After a birth-date label: separators and a few little words ("is", "on", 是, 為).
size_t skip_to_date(std::string_view text, size_t pos) {
  constexpr std::string_view kBetween[] = {":", "：", "-", "=", "(", "（", ",", "，", ".", "is", "was", "on", "of", "in", "as",
                                           "是", "為", "为", "在", "於", "于"};
  return skip_words(text, pos, 24, kBetween);
}

// The date that ends exactly at date_end, read as after a label: each start up to 24 bytes back is
// tried, and the leftmost date that ends there wins.
std::optional<Span> date_ending_at(std::string_view text, size_t date_end) {
  size_t lo = date_end > 24 ? date_end - 24 : 0;
  for (size_t s = lo; s < date_end; ++s) {
    if (core::is_continuation(text[s])) continue;
    if (before_is(text, s, is_digit)) continue;
    auto end = date_at(text, s, /*after_label=*/true);
    if (end && *end == date_end) return Span{s, date_end};
  }
  return std::nullopt;
}

}  // namespace

std::optional<Span> birth_date_after_label(std::string_view text, size_t match_end) {
  if (!label_stands_alone(text, match_end) || at_is(text, match_end, is_alpha)) return std::nullopt;  // "reborn", "DOBBS"
  size_t start = skip_to_date(text, match_end);
  // A few words may stand between the label and the date: 出生日期寫的是..., 生日被登記成...,
  // "date of birth was keyed as ...".
  for (int words = 0; words <= 6; ++words) {
    auto end = date_at(text, start, /*after_label=*/true);
    if (end && !at_is(text, *end, is_digit)) return Span{start, *end};
    size_t next = start;
    if (next >= text.size()) return std::nullopt;
    if (is_lower(text[next])) {
      next = run_end(text, next, is_lower, 12);
      if (words >= 3 || !at_is(text, next, is_sp)) return std::nullopt;
    } else if (!core::is_han(core::next_code_point(text, next))) {
      return std::nullopt;
    }
    start = skip_to_date(text, next);
  }
  return std::nullopt;
}

// 出生 or 日生 right after a date: the date is the one that ends where the anchor begins.
std::optional<Span> birth_date_before(std::string_view text, size_t match_end) {
  // The anchor is "出生" (6 bytes) or "日生"/"號生"/"号生" (the 日 belongs to the date).
  bool born = match_end >= 6 && text.substr(match_end - 6, 6) == "出生";
  size_t date_end = born ? match_end - 6 : match_end - 3;
  // 生效, 生產, 生活 ...: "3月5日生效" is a date something takes effect.
  if (!born) {
    size_t i = match_end;
    if (i < text.size() && static_cast<unsigned char>(text[i]) >= 0xE0) {
      std::string_view next = text.substr(i, 3);
      if (next != "的" && next != "於" && next != "于" && next != "，" && next != "。" && next != "、") return std::nullopt;
    }
  }
  return date_ending_at(text, date_end);  // 出生 is as strong a label as "DOB"
}

// "(DOB)" right after a date: "Rahim Uddin, 01-01-1990 (DOB)".
std::optional<Span> birth_date_before_dob(std::string_view text, size_t match_end) {
  size_t open = text.rfind('(', match_end);
  if (open == std::string_view::npos) return std::nullopt;
  return date_ending_at(text, back_one_space(text, open));
}

}  // namespace sy::privacy::extract
