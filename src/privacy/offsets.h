#pragma once
// Byte offsets (what the scanner works in) to Unicode code point offsets (what users see: Python's
// str indices, the positions a person counts in 身分證字號A123456789). Everything user-visible (JSON,
// explain output) goes through here; nothing else converts.
#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "privacy/finding.h"

namespace sy::privacy {

// Code points in text[0, byte_offset). Invalid UTF-8 counts one per byte that is not a
// continuation byte, so the result is always defined.
size_t code_point_offset(std::string_view text, size_t byte_offset);

// The finding's [start, end) in code points.
std::pair<size_t, size_t> char_offsets(std::string_view text, const Finding& finding);

// The same for every finding (sorted by start, as Scanner::scan returns them) in one pass over
// the text, where the one above would walk it once per finding.
std::vector<std::pair<size_t, size_t>> char_offsets(std::string_view text, const std::vector<Finding>& findings);

}  // namespace sy::privacy
