#pragma once
// JSON equality for round-trip checks, up to the last digits of doubles: Boost.JSON 1.81 parses
// long decimal mantissas without correct rounding (precise parsing came in 1.83), so a double
// written with 17 significant digits can read back one or two ULPs away. Everything else (kinds,
// key order, strings, integers) must match exactly.
#include <algorithm>
#include <cmath>
#include <string_view>

#include <boost/json.hpp>

namespace sy::fuzz {

inline bool json_equivalent(const boost::json::value& a, const boost::json::value& b) {
  if (a.kind() != b.kind()) return false;
  if (a.is_double()) {
    double x = a.get_double(), y = b.get_double();
    return x == y || std::fabs(x - y) <= 1e-14 * std::max(std::fabs(x), std::fabs(y));
  }
  if (a.is_array()) {
    const auto &x = a.get_array(), &y = b.get_array();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!json_equivalent(x[i], y[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    const auto &x = a.get_object(), &y = b.get_object();
    if (x.size() != y.size()) return false;
    for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j) {
      if (i->key() != j->key() || !json_equivalent(i->value(), j->value())) return false;
    }
    return true;
  }
  return a == b;
}

// Both texts parse (as deep as the translators allow) to equivalent JSON.
inline bool json_text_equivalent(std::string_view a, std::string_view b) {
  boost::json::parse_options opts;
  opts.max_depth = 256;
  boost::system::error_code ea, eb;
  auto va = boost::json::parse(a, ea, {}, opts);
  auto vb = boost::json::parse(b, eb, {}, opts);
  return !ea && !eb && json_equivalent(va, vb);
}

}  // namespace sy::fuzz
