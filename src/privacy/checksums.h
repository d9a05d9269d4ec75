#pragma once
// Check digits and structural rules of identifiers. A candidate that has the right shape but fails
// here is someone's order number, not a card or an ID, and must not make a request "sensitive".
// Each function takes the identifier with separators already removed and answers for the whole
// string (wrong length or characters = false).
#include <string_view>

namespace sy::privacy {

bool luhn_valid(std::string_view digits);                 // payment cards, 13-19 digits
bool iban_valid(std::string_view iban);                   // uppercase, no spaces; length per country, mod-97 = 1
bool tw_national_id_valid(std::string_view id);           // A123456789: letter, 1|2, 8 digits
bool tw_resident_certificate_valid(std::string_view id);  // A800000014 (new) or AC01234567 (old)
bool cn_resident_id_valid(std::string_view id);           // 18 chars: region, birth date, ISO 7064 MOD 11-2
bool us_ssn_valid(std::string_view digits);               // 9 digits: area, group, serial rules
bool calendar_date_valid(int year, int month, int day);

}  // namespace sy::privacy
