#pragma once
// What the privacy scanner reports: the kind of a sensitive value and where it is, never the value
// itself, so that a finding can be logged, audited and returned to a client without leaking.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>
#include <string_view>

namespace sy::privacy {

// The names (to_string) are an interface: JSON output, metrics labels and tests use them.
enum class Kind {
  email,
  phone,
  credit_card,
  iban,
  tw_national_id,
  tw_resident_certificate,
  cn_resident_id,
  us_ssn,
  ipv4,
  ipv6,
  aws_access_key,
  api_key,
  github_token,
  jwt,
  private_key,
  password,
  confidential_term,
  // Found by context, not by shape (context.h): a private person's name next to a fact about them,
  // postal addresses, and numbers that only their label tells apart.
  person,
  address,
  health,  // health ... religion: personal facts, sensitive only next to a name (is_personal_fact)
  salary,
  performance,
  family,
  religion,
  date_of_birth,
  account_number,
  passport,
  medical_record,
  case_number,
};
inline constexpr size_t kKindCount = static_cast<size_t>(Kind::case_number) + 1;

const char* to_string(Kind kind);

// Whether the kind is a fact about a person ("insulin", "月薪") rather than a value: it makes the
// person's name next to it sensitive and is reported with it ("person + health"), but redaction
// leaves it in place: without the name it is a topic, and the model needs it to answer.
inline bool is_personal_fact(Kind kind) { return kind >= Kind::health && kind <= Kind::religion; }

std::optional<Kind> kind_from_string(std::string_view name);

struct Finding;
// Why a text is sensitive, in words for the audit and /v1/route/explain: the kinds found, in order
// of first appearance, a person with the facts about them joined by " + ": "person + health, address".
std::string sensitive_because(const std::vector<Finding>& findings);

// Byte offsets into the scanned text, end exclusive. Convert with char_offsets (offsets.h) before
// showing them to anyone: users count code points, not UTF-8 bytes.
struct Finding {
  Kind kind;
  size_t start;
  size_t end;
  friend bool operator==(const Finding&, const Finding&) = default;
};

}  // namespace sy::privacy
