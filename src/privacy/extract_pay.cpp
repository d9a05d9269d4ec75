// Pay said as an amount: "got paid $2,180", "base goes from 68k", "27.50/hr", "makes ₸9.6m/yr", "a
// 6% raise". The fact patterns (patterns.cpp) find the frame; what is reported is the stretch it
// covers, which only places the fact for the name search (facts are never redacted themselves).
#include "core/utf8.h"
#include "privacy/boundaries.h"
#include "privacy/extractors.h"

namespace sy::privacy::extract {

std::optional<Span> pay_phrase(std::string_view text, size_t match_end) {
  // Back to the frame's first word: at most 48 bytes, never past a line or a sentence's end.
  size_t start = match_end;
  while (start > 0 && match_end - start < 48 && text[start - 1] != '\n' && text[start - 1] != '.') --start;
  while (start < match_end && core::is_continuation(text[start])) ++start;  // whole characters only
  if (start == match_end) return std::nullopt;
  return Span{start, match_end};
}

}  // namespace sy::privacy::extract
