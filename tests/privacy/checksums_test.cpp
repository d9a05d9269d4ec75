#include "privacy/checksums.h"

#include <gtest/gtest.h>

namespace sy::privacy {
namespace {

TEST(Luhn, AcceptsValidCardNumbers) {
  EXPECT_TRUE(luhn_valid("4111111111111111"));  // Visa test card
  EXPECT_TRUE(luhn_valid("5555555555554444"));  // Mastercard
  EXPECT_TRUE(luhn_valid("378282246310005"));   // Amex, 15 digits
  EXPECT_TRUE(luhn_valid("30569309025904"));    // Diners, 14 digits
}

TEST(Luhn, RejectsWrongCheckDigitLengthAndCharacters) {
  EXPECT_FALSE(luhn_valid("4111111111111112"));
  EXPECT_FALSE(luhn_valid("411111111111"));          // 12 digits
  EXPECT_FALSE(luhn_valid("41111111111111111111"));  // 20 digits
  EXPECT_FALSE(luhn_valid("4111 1111 1111 1111"));   // separators are the caller's business
  EXPECT_FALSE(luhn_valid(""));
}

TEST(Iban, AcceptsValidIbans) {
  EXPECT_TRUE(iban_valid("DE89370400440532013000"));
  EXPECT_TRUE(iban_valid("GB82WEST12345698765432"));
  EXPECT_TRUE(iban_valid("NL91ABNA0417164300"));
}

TEST(Iban, RejectsWrongCheckDigitsLengthsAndCountries) {
  EXPECT_FALSE(iban_valid("GB82WEST12345698765433"));  // mod 97 != 1
  EXPECT_FALSE(iban_valid("DE8937040044053201300"));   // DE is 22 long
  EXPECT_FALSE(iban_valid("XX89370400440532013000"));  // no such country
  EXPECT_FALSE(iban_valid("de89370400440532013000"));  // lower case is not normalised here
}

TEST(TaiwanNationalId, ChecksumAndGenderDigit) {
  EXPECT_TRUE(tw_national_id_valid("A123456789"));
  EXPECT_TRUE(tw_national_id_valid("A100000001"));
  EXPECT_FALSE(tw_national_id_valid("A123456788"));  // check digit
  EXPECT_FALSE(tw_national_id_valid("A323456789"));  // second character must be 1 or 2
  EXPECT_FALSE(tw_national_id_valid("a123456789"));  // callers upper-case first
  EXPECT_FALSE(tw_national_id_valid("A12345678"));
}

TEST(TaiwanResidentCertificate, NewAndOldFormats) {
  EXPECT_TRUE(tw_resident_certificate_valid("A800000014"));  // new, since 2021
  EXPECT_TRUE(tw_resident_certificate_valid("A900000007"));
  EXPECT_FALSE(tw_resident_certificate_valid("A800000015"));
  EXPECT_TRUE(tw_resident_certificate_valid("AC01234567"));  // old: two letters
  EXPECT_TRUE(tw_resident_certificate_valid("AA00000009"));
  EXPECT_TRUE(tw_resident_certificate_valid("AD00000005"));
  EXPECT_FALSE(tw_resident_certificate_valid("AC01234568"));
  EXPECT_FALSE(tw_resident_certificate_valid("AE00000001"));  // second letter A-D only
  EXPECT_FALSE(tw_resident_certificate_valid("A123456789"));  // a national ID, not a certificate
}

TEST(ChinaResidentId, DateAndIso7064Check) {
  EXPECT_TRUE(cn_resident_id_valid("11010519491231002X"));
  EXPECT_TRUE(cn_resident_id_valid("11010519491231002x"));
  EXPECT_TRUE(cn_resident_id_valid("440524188001010014"));
  EXPECT_FALSE(cn_resident_id_valid("110105194912310021"));  // check character
  EXPECT_FALSE(cn_resident_id_valid("110101199913401246"));  // month 13
  EXPECT_FALSE(cn_resident_id_valid("310104202302290736"));  // 2023-02-29 does not exist
  EXPECT_FALSE(cn_resident_id_valid("440305198706319264"));  // June 31
  EXPECT_FALSE(cn_resident_id_valid("99010519491231002X"));  // no province 99
  EXPECT_FALSE(cn_resident_id_valid("11010519491231002"));
}

TEST(CalendarDate, LeapYears) {
  EXPECT_TRUE(calendar_date_valid(2024, 2, 29));
  EXPECT_TRUE(calendar_date_valid(2000, 2, 29));
  EXPECT_FALSE(calendar_date_valid(1900, 2, 29));
  EXPECT_FALSE(calendar_date_valid(2023, 2, 29));
  EXPECT_FALSE(calendar_date_valid(2023, 4, 31));
  EXPECT_FALSE(calendar_date_valid(2023, 0, 1));
}

TEST(UsSsn, IssuanceRules) {
  EXPECT_TRUE(us_ssn_valid("123456789"));
  EXPECT_TRUE(us_ssn_valid("078051121"));
  EXPECT_FALSE(us_ssn_valid("000123456"));  // area 000
  EXPECT_FALSE(us_ssn_valid("666451234"));  // area 666
  EXPECT_FALSE(us_ssn_valid("912345678"));  // area 9xx
  EXPECT_FALSE(us_ssn_valid("123004567"));  // group 00
  EXPECT_FALSE(us_ssn_valid("219450000"));  // serial 0000
  EXPECT_FALSE(us_ssn_valid("12345678"));
}

}  // namespace
}  // namespace sy::privacy
