#pragma once
// Confidential-term dictionaries: plain-text files named in the config, one term per line (project
// code names, customer names, internal hostnames). Terms are matched as literals, ASCII letters
// case-insensitively; a term that starts or ends with an ASCII letter or digit must not be glued to
// another one there ("Falcon" is not found in "Falconry"), while Han terms need no boundary.
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "privacy/patterns.h"

namespace sy::privacy {

// Reads every file; blank lines and lines starting with '#' are skipped, surrounding whitespace is
// trimmed, duplicates (ignoring ASCII case) are dropped. An unreadable file is an error.
core::Result<std::vector<std::string>> load_dictionaries(const std::vector<std::string>& files);

// The term as a Hyperscan/PCRE expression matching exactly its bytes (everything but ASCII letters
// and digits escaped as \xHH).
std::string literal_expression(std::string_view term);

// Whether the term matched at [match_end - term.size(), match_end) stands on its own.
std::optional<Span> dictionary_match(std::string_view text, size_t match_end, std::string_view term);

}  // namespace sy::privacy
