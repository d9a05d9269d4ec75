// Facts found by a pattern that ends where the match ends: pay said as an amount ("got paid $2,180",
// "27.50/hr", "a 6% raise"), a death said as 走了 (阿珍的爸爸上个月走了). What is reported is the
// stretch before the end, which only places the fact for the name search (facts are never
// redacted themselves).
#include "core/utf8.h"
#include "privacy/boundaries.h"
#include "privacy/extractors.h"

namespace sy::privacy::extract {

std::optional<Span> phrase_before(std::string_view text, size_t match_end) {
  // Back to the frame's first word: at most 48 bytes, never past a line or a sentence's end.
  size_t start = match_end;
  while (start > 0 && match_end - start < 48 && text[start - 1] != '\n' && text[start - 1] != '.') --start;
  while (start < match_end && core::is_continuation(text[start])) ++start;  // whole characters only
  if (start == match_end) return std::nullopt;
  return Span{start, match_end};
}

}  // namespace sy::privacy::extract
