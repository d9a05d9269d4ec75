#include "privacy/finding.h"

#include <algorithm>
#include <iterator>

namespace sy::privacy {
namespace {
constexpr const char* kNames[] = {
    "email",          "phone",  "credit_card", "iban",     "tw_national_id",    "tw_resident_certificate",
    "cn_resident_id", "us_ssn", "ipv4",        "ipv6",     "aws_access_key",    "api_key",
    "github_token",   "jwt",    "private_key", "password", "confidential_term",
    "person",         "address", "health",     "salary",   "performance",       "family",
    "religion",       "date_of_birth", "account_number", "passport", "medical_record", "case_number",
};
}  // namespace
static_assert(std::size(kNames) == kKindCount, "every kind has a name");

const char* to_string(Kind kind) { return kNames[static_cast<size_t>(kind)]; }

std::optional<Kind> kind_from_string(std::string_view name) {
  for (size_t i = 0; i < std::size(kNames); ++i) {
    if (name == kNames[i]) return static_cast<Kind>(i);
  }
  return std::nullopt;
}

std::string sensitive_because(const std::vector<Finding>& findings) {
  std::vector<Kind> order;
  for (const Finding& f : findings) {
    if (std::find(order.begin(), order.end(), f.kind) == order.end()) order.push_back(f.kind);
  }
  std::string out;
  bool person = std::find(order.begin(), order.end(), Kind::person) != order.end();
  if (person) {
    out = "person";
    for (Kind k : order) {
      if (is_personal_fact(k)) out += std::string(" + ") + to_string(k);
    }
  }
  for (Kind k : order) {
    if (k == Kind::person || (person && is_personal_fact(k))) continue;
    if (!out.empty()) out += ", ";
    out += to_string(k);
  }
  return out;
}

}  // namespace sy::privacy
