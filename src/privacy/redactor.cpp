#include "privacy/redactor.h"

#include <algorithm>

#include "privacy/boundaries.h"
#include "privacy/overlaps.h"

namespace sy::privacy {

std::string placeholder_text(Kind kind, int n) {
  std::string out = "[";
  for (const char* p = to_string(kind); *p != '\0'; ++p) {
    out.push_back(*p >= 'a' && *p <= 'z' ? static_cast<char>(*p - 32) : *p);
  }
  out.push_back('_');
  out.append(std::to_string(n));
  out.push_back(']');
  return out;
}

const std::string& Redactor::placeholder_for(Kind kind, std::string_view value) {
  auto [it, inserted] = by_value_.try_emplace(std::string(value), mapping_.size());
  if (inserted) {
    int n = ++counters_[static_cast<size_t>(kind)];
    mapping_.emplace_back(placeholder_text(kind, n), std::string(value));
  }
  return mapping_[it->second].first;
}

std::vector<Finding> every_mention(std::string_view text, std::vector<Finding> findings,
                                   const std::vector<std::pair<Kind, std::string>>& values) {
  for (const auto& [kind, value] : values) {
    if (value.empty()) continue;
    for (size_t at = text.find(value); at != std::string_view::npos; at = text.find(value, at + 1)) {
      size_t end = at + value.size();
      // Whole words only where the value begins or ends with a Latin letter or digit: "Ann" is not
      // in "Annual". Han needs no boundary.
      if ((is_alnum(value.front()) && before_is(text, at, is_alnum)) || (is_alnum(value.back()) && at_is(text, end, is_alnum))) {
        continue;
      }
      findings.push_back({kind, at, end});
    }
  }
  return resolve_overlaps(std::move(findings));
}

std::string Redactor::redact(std::string_view text, const std::vector<Finding>& findings) {
  std::vector<Finding> sorted = findings;
  std::sort(sorted.begin(), sorted.end(), [](const Finding& a, const Finding& b) { return a.start < b.start; });
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  for (const Finding& f : sorted) {
    if (f.start < pos || f.end > text.size() || f.start >= f.end) continue;
    if (is_personal_fact(f.kind)) continue;  // the name next to it is what gets hidden
    out.append(text.substr(pos, f.start - pos));
    out += placeholder_for(f.kind, text.substr(f.start, f.end - f.start));
    pos = f.end;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace sy::privacy
