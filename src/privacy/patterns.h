#pragma once
// The pattern tables: every expression the scanner compiles, with the kind it reports and the C++
// that confirms a match. Scanning happens in two stages (scanner.cpp):
//
//   stage 1, whole text, one Hyperscan pass, no start offsets (the fast mode):
//     direct patterns  a short, rare anchor ("@x", "sk-x", "-----BEGIN ... PRIVATE KEY", "password=");
//                      an Extractor parses the whole value around it and applies the rules.
//     triggers         a few coarse shapes (9 digits with separators, "+8", "(02)") that only say
//                      "a number worth a closer look ends here". Dozens of exact digit shapes in
//                      one database would run at a third of the speed, because none has a literal
//                      to skip ahead with; a few coarse ones keep stage 1 fast.
//   stage 2, only the small windows around triggers, leftmost start offsets:
//     shape patterns   the exact shapes of phones, cards, IBANs and IDs; a ShapeCheck tests the
//                      neighbours and the checksum of [start, end).
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "privacy/finding.h"

namespace sy::privacy {

struct Span {
  size_t start;
  size_t end;
};

// Given the end of an anchor match, the value's span, or nullopt when it is not one (placeholder,
// failed checksum, glued to a longer token).
using Extractor = std::optional<Span> (*)(std::string_view text, size_t match_end);
// Whether the exact-shape match [start, end) is a real value (boundaries, separators, checksums),
// and its span: usually [start, end), longer where a pattern stops short on purpose (a fixed-length
// pattern is much cheaper for Hyperscan than a bounded repeat; the C++ reads the rest).
using ShapeCheck = std::optional<Span> (*)(std::string_view text, size_t start, size_t end);

struct DirectPattern {
  const char* expression;
  unsigned flags;  // HS_FLAG_*
  Kind kind;
  Extractor extract;
};

struct TriggerPattern {
  const char* expression;
  unsigned flags;
};

struct ShapePattern {
  const char* expression;
  unsigned flags;
  Kind kind;
  ShapeCheck check;
};

std::span<const DirectPattern> direct_patterns();
// Personal facts by the shape of a word rather than a list: "appendectomy", "amlodipine", 肺炎.
// Like the lexicon's fact words, they count only next to a person's name (context.h).
std::span<const DirectPattern> fact_patterns();
std::span<const TriggerPattern> trigger_patterns();
std::span<const ShapePattern> shape_patterns();

// Stage 2 looks this far on both sides of a trigger's end. A long digit run fires a trigger at
// every digit from its ninth on, and windows that overlap are merged, so the radius only has to
// cover a value's stretch before its first trigger end (at most ~21 bytes: an IBAN whose digits
// start after the bank code, "GB82 WEST 1234 5698 7") and after its last one (at most ~24: an
// E.164 number after "+1"). Every byte of window is scanned again, so it is kept small.
inline constexpr size_t kWindowRadius = 32;

}  // namespace sy::privacy
