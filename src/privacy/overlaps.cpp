#include "privacy/overlaps.h"

#include <algorithm>
#include <array>
#include <map>

namespace sy::privacy {
namespace {

// Lower = more specific. Checksummed and prefixed formats first, loose shapes and dictionary last.
int specificity(Kind kind) {
  static constexpr Kind kOrder[] = {
      Kind::private_key,
      Kind::jwt,
      Kind::github_token,
      Kind::aws_access_key,
      Kind::api_key,
      Kind::cn_resident_id,
      Kind::tw_national_id,
      Kind::tw_resident_certificate,
      Kind::iban,
      Kind::credit_card,
      Kind::us_ssn,
      Kind::email,
      Kind::phone,
      Kind::ipv6,
      Kind::ipv4,
      Kind::passport,
      Kind::medical_record,
      Kind::account_number,
      Kind::case_number,
      Kind::date_of_birth,
      Kind::password,
      Kind::address,
      Kind::confidential_term,
      Kind::person,
      Kind::health,
      Kind::salary,
      Kind::performance,
      Kind::family,
      Kind::religion,
  };
  static_assert(std::size(kOrder) == kKindCount, "every kind has a place in the order");
  return static_cast<int>(std::find(std::begin(kOrder), std::end(kOrder), kind) - std::begin(kOrder));
}

}  // namespace

std::vector<Finding> resolve_overlaps(std::vector<Finding> findings) {
  if (findings.size() < 2) return findings;
  std::sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    // A personal fact gives way to anything it overlaps: it is never replaced itself, so a name or
    // a value it pushed out would go out as it is.
    if (is_personal_fact(a.kind) != is_personal_fact(b.kind)) return !is_personal_fact(a.kind);
    size_t la = a.end - a.start, lb = b.end - b.start;
    if (la != lb) return la > lb;
    if (a.kind != b.kind) return specificity(a.kind) < specificity(b.kind);
    return a.start < b.start;
  });
  std::map<size_t, Finding> kept;  // by start; disjoint
  for (const Finding& f : findings) {
    auto next = kept.lower_bound(f.start);
    if (next != kept.end() && next->second.start < f.end) continue;
    if (next != kept.begin() && std::prev(next)->second.end > f.start) continue;
    kept.emplace(f.start, f);
  }
  std::vector<Finding> out;
  out.reserve(kept.size());
  for (auto& [start, f] : kept) out.push_back(f);
  return out;
}

}  // namespace sy::privacy
