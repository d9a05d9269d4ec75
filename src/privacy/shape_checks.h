#pragma once
// Checks for the exact-shape patterns of stage 2 (see patterns.h). Hyperscan has matched the shape
// at [start, end); these decide whether it is a value: not part of a longer token, separators used
// consistently, checksum right.
#include <cstddef>
#include <optional>
#include <string_view>

#include "privacy/patterns.h"

namespace sy::privacy::check {

std::optional<Span> e164_phone(std::string_view text, size_t start, size_t end);
std::optional<Span> national_phone(std::string_view text, size_t start, size_t end);  // TW, CN and US formats
std::optional<Span> credit_card(std::string_view text, size_t start, size_t end);
std::optional<Span> credit_card_run(std::string_view text, size_t start, size_t end);   // 13 digits matched, up to 19
std::optional<Span> credit_card_amex(std::string_view text, size_t start, size_t end);  // 4-6-4 matched, maybe 4-6-5
std::optional<Span> iban(std::string_view text, size_t start, size_t end);
std::optional<Span> tw_national_id(std::string_view text, size_t start, size_t end);
std::optional<Span> tw_resident_certificate(std::string_view text, size_t start, size_t end);
std::optional<Span> cn_resident_id(std::string_view text, size_t start, size_t end);
std::optional<Span> us_ssn(std::string_view text, size_t start, size_t end);

}  // namespace sy::privacy::check
