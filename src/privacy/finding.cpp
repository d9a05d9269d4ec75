#include "privacy/finding.h"

#include <array>

namespace sy::privacy {
namespace {
constexpr std::array<const char*, kKindCount> kNames = {
    "email",          "phone",  "credit_card", "iban",     "tw_national_id",    "tw_resident_certificate",
    "cn_resident_id", "us_ssn", "ipv4",        "ipv6",     "aws_access_key",    "api_key",
    "github_token",   "jwt",    "private_key", "password", "confidential_term",
};
}  // namespace

const char* to_string(Kind kind) { return kNames[static_cast<size_t>(kind)]; }

std::optional<Kind> kind_from_string(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (name == kNames[i]) return static_cast<Kind>(i);
  }
  return std::nullopt;
}

}  // namespace sy::privacy
