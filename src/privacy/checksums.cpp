#include "privacy/checksums.h"

#include <array>
#include <cstdint>

namespace sy::privacy {
namespace {

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

int digit(char c) { return c - '0'; }

// Taiwan's letter codes (A=10 ... Z=33): not alphabetical, because I, O, W, X, Y, Z were added to
// the scheme after the first 20 letters had been given out.
int tw_letter_code(char c) {
  static constexpr std::array<int, 26> kCodes = {10, 11, 12, 13, 14, 15, 16, 17, 34, 18, 19, 20, 21,
                                                 22, 35, 23, 24, 25, 26, 27, 28, 29, 32, 30, 31, 33};
  if (c < 'A' || c > 'Z') return -1;
  return kCodes[c - 'A'];
}

// The Taiwanese check: the first letter's code split into its two digits (weights 1 and 9), then
// eight digits weighted 8..1 and the check digit weighted 1; the sum is a multiple of 10.
// `second` is the numeric value of position 2, which old resident certificates spell as a letter.
bool tw_checksum(char first, int second, std::string_view last8) {
  int code = tw_letter_code(first);
  if (code < 0 || last8.size() != 8 || !all_digits(last8)) return false;
  int sum = code / 10 + (code % 10) * 9 + second * 8;
  for (size_t i = 0; i < 7; ++i) sum += digit(last8[i]) * static_cast<int>(7 - i);
  sum += digit(last8[7]);
  return sum % 10 == 0;
}

// IBAN lengths by country (ISO 13616 registry). A country missing here is not an IBAN country,
// which rejects the many "XX00 ..." shapes that merely look like one.
int iban_length(std::string_view country) {
  struct Entry {
    char cc[3];
    int len;
  };
  static constexpr Entry kTable[] = {
      {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22}, {"BH", 22},
      {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DK", 18}, {"DO", 28},
      {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GE", 22}, {"GI", 23},
      {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26},
      {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20},
      {"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MR", 27}, {"MT", 31}, {"MU", 30},
      {"NL", 18}, {"NO", 15}, {"PK", 24}, {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22},
      {"SA", 24}, {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"ST", 25}, {"SV", 28},
      {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20},
  };
  for (const auto& e : kTable) {
    if (country == std::string_view(e.cc, 2)) return e.len;
  }
  return 0;
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

bool luhn_valid(std::string_view digits) {
  if (digits.size() < 13 || digits.size() > 19 || !all_digits(digits)) return false;
  int sum = 0;
  bool twice = false;
  for (size_t i = digits.size(); i-- > 0;) {
    int d = digit(digits[i]);
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool iban_valid(std::string_view iban) {
  if (iban.size() < 15 || iban.size() > 34) return false;
  if (iban_length(iban.substr(0, 2)) != static_cast<int>(iban.size())) return false;
  if (!all_digits(iban.substr(2, 2))) return false;
  // Move the first four characters to the end, letters become 10..35, and the number mod 97 must be
  // 1; computed a digit at a time so that no big integer is needed.
  uint32_t rem = 0;
  for (size_t k = 0; k < iban.size(); ++k) {
    char c = iban[(k + 4) % iban.size()];
    if (c >= '0' && c <= '9') {
      rem = (rem * 10 + static_cast<uint32_t>(c - '0')) % 97;
    } else if (c >= 'A' && c <= 'Z') {
      rem = (rem * 100 + static_cast<uint32_t>(c - 'A' + 10)) % 97;
    } else {
      return false;
    }
  }
  return rem == 1;
}

bool tw_national_id_valid(std::string_view id) {
  if (id.size() != 10 || (id[1] != '1' && id[1] != '2')) return false;
  return tw_checksum(id[0], digit(id[1]), id.substr(2));
}

bool tw_resident_certificate_valid(std::string_view id) {
  if (id.size() != 10) return false;
  if (id[1] == '8' || id[1] == '9') return tw_checksum(id[0], digit(id[1]), id.substr(2));  // since 2021
  // Old format: the second letter (A-D, the holder's category) counts as its code's last digit.
  if (id[1] >= 'A' && id[1] <= 'D') return tw_checksum(id[0], tw_letter_code(id[1]) % 10, id.substr(2));
  return false;
}

bool calendar_date_valid(int year, int month, int day) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  int days = kDays[month - 1] + (month == 2 && is_leap(year) ? 1 : 0);
  return day <= days;
}

bool cn_resident_id_valid(std::string_view id) {
  if (id.size() != 18 || !all_digits(id.substr(0, 17))) return false;
  // Province codes run 11..82 (11 Beijing ... 65 Xinjiang, 71 Taiwan, 81/82 Hong Kong/Macau).
  int province = digit(id[0]) * 10 + digit(id[1]);
  if (province < 11 || province > 82) return false;
  int year = digit(id[6]) * 1000 + digit(id[7]) * 100 + digit(id[8]) * 10 + digit(id[9]);
  int month = digit(id[10]) * 10 + digit(id[11]);
  int day = digit(id[12]) * 10 + digit(id[13]);
  if (year < 1800 || year > 2099 || !calendar_date_valid(year, month, day)) return false;
  // ISO 7064 MOD 11-2: weights 2^(17-i) mod 11; the check character maps the sum's remainder.
  static constexpr std::array<int, 17> kWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += digit(id[i]) * kWeights[i];
  char check = id[17] == 'x' ? 'X' : id[17];
  return check == kCheck[sum % 11];
}

bool us_ssn_valid(std::string_view digits) {
  if (digits.size() != 9 || !all_digits(digits)) return false;
  std::string_view area = digits.substr(0, 3), group = digits.substr(3, 2), serial = digits.substr(5, 4);
  if (area == "000" || area == "666" || area[0] == '9') return false;  // never issued
  return group != "00" && serial != "0000";
}

}  // namespace sy::privacy
