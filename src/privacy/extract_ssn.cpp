// A US Social Security number without dashes ("SSN 233115454") is nine digits like any other; the
// label before it is what makes it one. Dashed and spaced SSNs are found by shape (stage 2).
#include "privacy/boundaries.h"
#include "privacy/checksums.h"
#include "privacy/extractors.h"

namespace sy::privacy::extract {

std::optional<Span> ssn_after_label(std::string_view text, size_t match_end) {
  size_t start = match_end - 9;  // the anchor ends with the nine digits
  if (at_is(text, match_end, is_alnum) || before_is(text, start, is_digit)) return std::nullopt;
  if (!us_ssn_valid(text.substr(start, 9))) return std::nullopt;
  return Span{start, match_end};
}

}  // namespace sy::privacy::extract
