#include "privacy/dictionary.h"

#include <fstream>
#include <set>

#include "privacy/boundaries.h"

namespace sy::privacy {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}


}  // namespace

core::Result<std::vector<std::string>> load_dictionaries(const std::vector<std::string>& files) {
  std::vector<std::string> terms;
  std::set<std::string> seen;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return core::Error::internal("cannot read dictionary file '" + file + "'");
    std::string line;
    while (std::getline(in, line)) {
      std::string_view term = trim(line);
      if (term.starts_with("\xef\xbb\xbf")) term = trim(term.substr(3));  // a BOM from Windows editors
      if (term.empty() || term.front() == '#') continue;
      if (seen.insert(ascii_lower(term)).second) terms.emplace_back(term);
    }
    if (in.bad()) return core::Error::internal("error reading dictionary file '" + file + "'");
  }
  return terms;
}

std::string literal_expression(std::string_view term) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(term.size() * 4);
  for (char c : term) {
    if (is_alnum(c)) {
      out.push_back(c);
    } else {
      auto u = static_cast<unsigned char>(c);
      out += "\\x";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

std::optional<Span> dictionary_match(std::string_view text, size_t match_end, std::string_view term) {
  size_t start = match_end - term.size();
  if (is_alnum(term.front()) && before_is(text, start, is_alnum)) return std::nullopt;
  if (is_alnum(term.back()) && at_is(text, match_end, is_alnum)) return std::nullopt;
  return Span{start, match_end};
}

}  // namespace sy::privacy
