#pragma once
// Findings as the scanner returns them: sorted by start, no two overlapping. Redaction needs spans
// that do not overlap, and one value should be reported once, as its most specific kind.
#include <vector>

#include "privacy/finding.h"

namespace sy::privacy {

// Keeps the longer of two overlapping findings; of two equal spans, the more specific kind (a CN
// resident ID whose digits also pass Luhn is reported as cn_resident_id, not credit_card; a
// password whose value is an sk- key as api_key). Drops exact duplicates. Returns sorted by start.
std::vector<Finding> resolve_overlaps(std::vector<Finding> findings);

}  // namespace sy::privacy
