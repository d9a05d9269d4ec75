#include "privacy/offsets.h"

#include <algorithm>

#include "core/utf8.h"

namespace sy::privacy {

size_t code_point_offset(std::string_view text, size_t byte_offset) {
  return core::code_points(text.substr(0, std::min(byte_offset, text.size())));
}

std::pair<size_t, size_t> char_offsets(std::string_view text, const Finding& finding) {
  size_t start = code_point_offset(text, finding.start);
  size_t end =
      start + code_point_offset(text.substr(std::min(finding.start, text.size())), finding.end - finding.start);
  return {start, end};
}

std::vector<std::pair<size_t, size_t>> char_offsets(std::string_view text, const std::vector<Finding>& findings) {
  std::vector<std::pair<size_t, size_t>> out;
  out.reserve(findings.size());
  size_t byte = 0, count = 0;
  auto advance_to = [&](size_t target) {
    target = std::min(target, text.size());
    if (target < byte) byte = 0, count = 0;  // not sorted: start over rather than be wrong
    count += code_point_offset(text.substr(byte), target - byte);
    byte = target;
    return count;
  };
  for (const Finding& f : findings) {
    size_t start = advance_to(f.start);
    size_t end = start + code_point_offset(text.substr(byte), f.end - f.start);
    out.emplace_back(start, end);
  }
  return out;
}

}  // namespace sy::privacy
