#pragma once
// Stage 3 of a scan (after the patterns of scanner.cpp): findings that depend on what is around
// them. A personal fact ("insulin", "月薪", "written warning") is sensitive only when it is about a
// named private person: then both the name (person) and the fact are reported, "person + health".
// Values that are sensitive by themselves (an address, a passport or account number, a birth date)
// also report the person they belong to, so that redaction hides the name with the value. A birth
// date next to a famous person ("Einstein was born on 14 March 1879"), or one without a year and
// without a person, is not personal and is dropped.
#include <string_view>
#include <vector>

#include "privacy/finding.h"

namespace sy::privacy {

// How far from a fact a name may be, either side, in bytes: about twenty English words or forty
// Han characters. Measured on tests/data/privacy/ctxdev_*: 100 and 160 find the same; every byte
// more is read again around every fact (bench/privacy_scan.sh).
inline constexpr size_t kPersonRadius = 100;
// Han text says more in fewer bytes, and a name sits close to what is said of it (王美玲上個月確診
// 糖尿病): twenty-five characters either side.
inline constexpr size_t kHanPersonRadius = 75;

// `facts`: where the lexicon's fact words matched (kinds health ... religion). Adds to `found`
// (stage 1 and 2 findings) the facts that are about a person, the people, and drops the birth dates
// that are not personal.
void add_people(std::string_view text, const std::vector<Finding>& facts, std::vector<Finding>& found);

}  // namespace sy::privacy
