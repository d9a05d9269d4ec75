#include "privacy/shape_checks.h"

#include <string>

#include "privacy/boundaries.h"
#include "privacy/checksums.h"

namespace sy::privacy::check {
namespace {

bool joiner(char c) { return c == '-' || c == '.'; }

// A number inside a longer dashed or dotted number ("2024-0912-345-678-9", "1.123-45-6789") is
// that longer number's part, not a phone or an SSN of its own. ('/' is no joiner: two phones are
// often written "0912-345-678/0987-654-321".)
bool isolated_number(std::string_view text, size_t start, size_t end) {
  if (!isolated(text, start, end)) return false;
  if (before_is(text, start, joiner) && before_is(text, start - 1, is_digit)) return false;
  if (at_is(text, end, joiner) && at_is(text, end + 1, is_digit)) return false;
  return true;
}

std::string digits_of(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (is_digit(c)) out.push_back(c);
  }
  return out;
}

// Separators between digit groups must all be the same character: "4111 1111-1111 1111" is more
// likely two numbers than one card.
bool one_separator(std::string_view s) {
  char sep = 0;
  for (char c : s) {
    if (is_digit(c)) continue;
    if (sep != 0 && c != sep) return false;
    sep = c;
  }
  return true;
}

std::string upper_id(std::string_view text, size_t start, size_t end) {
  std::string id(text.substr(start, end - start));
  for (char& c : id) {
    if (is_lower(c)) c = static_cast<char>(c - 32);
  }
  return id;
}

std::optional<Span> span_if(bool ok, size_t start, size_t end) {
  return ok ? std::optional<Span>(Span{start, end}) : std::nullopt;
}

bool card_valid(std::string_view text, size_t start, size_t end) {
  if (!isolated_number(text, start, end)) return false;
  std::string_view s = text.substr(start, end - start);
  if (!one_separator(s)) return false;
  std::string digits = digits_of(s);
  if (digits.find_first_not_of(digits[0]) == std::string::npos) return false;  // 0000 0000 0000 0000
  return luhn_valid(digits);
}

}  // namespace

std::optional<Span> e164_phone(std::string_view text, size_t start, size_t end) {
  if (before_is(text, start, [](char c) { return is_alnum(c) || c == '+'; })) return std::nullopt;
  if (!isolated_number(text, start, end)) return std::nullopt;
  std::string_view s = text.substr(start, end - start);
  size_t open = 0, close = 0;
  for (char c : s) {
    open += c == '(';
    close += c == ')';
  }
  if (open != close || open > 1) return std::nullopt;
  size_t digits = digits_of(s).size();
  return span_if(digits >= 8 && digits <= 15, start, end);
}

std::optional<Span> national_phone(std::string_view text, size_t start, size_t end) {
  if (before_is(text, start, [](char c) { return c == '+'; })) return std::nullopt;  // E.164 covers it
  return span_if(isolated_number(text, start, end), start, end);
}

std::optional<Span> credit_card(std::string_view text, size_t start, size_t end) {
  return span_if(card_valid(text, start, end), start, end);
}

std::optional<Span> credit_card_run(std::string_view text, size_t start, size_t end) {
  if (before_is(text, start, is_digit)) return std::nullopt;  // the pattern matched inside a longer run
  end = run_end(text, end, is_digit, 7);                      // 13 matched, a card has up to 19
  return span_if(card_valid(text, start, end), start, end);
}

std::optional<Span> credit_card_amex(std::string_view text, size_t start, size_t end) {
  if (at_is(text, end, is_digit)) ++end;  // 4-6-5 (Amex) rather than 4-6-4 (Diners)
  return span_if(card_valid(text, start, end), start, end);
}

std::optional<Span> iban(std::string_view text, size_t start, size_t end) {
  if (!isolated(text, start, end)) return std::nullopt;
  std::string compact;
  for (char c : text.substr(start, end - start)) {
    if (c != ' ') compact.push_back(c);
  }
  return span_if(iban_valid(compact), start, end);
}

std::optional<Span> tw_national_id(std::string_view text, size_t start, size_t end) {
  return span_if(isolated(text, start, end) && tw_national_id_valid(upper_id(text, start, end)), start, end);
}

std::optional<Span> tw_resident_certificate(std::string_view text, size_t start, size_t end) {
  return span_if(isolated(text, start, end) && tw_resident_certificate_valid(upper_id(text, start, end)), start, end);
}

std::optional<Span> cn_resident_id(std::string_view text, size_t start, size_t end) {
  return span_if(isolated(text, start, end) && cn_resident_id_valid(text.substr(start, end - start)), start, end);
}

std::optional<Span> us_ssn(std::string_view text, size_t start, size_t end) {
  std::string_view s = text.substr(start, end - start);
  return span_if(isolated_number(text, start, end) && one_separator(s) && us_ssn_valid(digits_of(s)), start, end);
}

}  // namespace sy::privacy::check
