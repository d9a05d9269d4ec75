#pragma once
// What the privacy scanner reports: the kind of a sensitive value and where it is, never the value
// itself, so that a finding can be logged, audited and returned to a client without leaking.
#include <cstddef>
#include <optional>
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
};
inline constexpr size_t kKindCount = static_cast<size_t>(Kind::confidential_term) + 1;

const char* to_string(Kind kind);
std::optional<Kind> kind_from_string(std::string_view name);

// Byte offsets into the scanned text, end exclusive. Convert with char_offsets (offsets.h) before
// showing them to anyone: users count code points, not UTF-8 bytes.
struct Finding {
  Kind kind;
  size_t start;
  size_t end;
  friend bool operator==(const Finding&, const Finding&) = default;
};

}  // namespace sy::privacy
