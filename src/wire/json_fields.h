#pragma once
// Small typed accessors over boost::json used by the OpenAI translators.
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json.hpp>
#include <boost/json/monotonic_resource.hpp>

namespace sy::wire {

namespace json = boost::json;

// A stack buffer and an arena for JSON trees that die with the call. A parse then costs about
// one allocation instead of one per string, array and object. Values copied out of the tree
// into longer-lived storage (e.g. core::Extensions) are deep-copied by Boost.JSON.
class JsonScratch {
 public:
  json::storage_ptr storage() { return json::storage_ptr(&resource_); }

 private:
  unsigned char buffer_[8192];
  json::monotonic_resource resource_{buffer_, sizeof buffer_};
};

// Boost.JSON 1.81 reads a number too large for a double (1e400) as infinity without an error, and
// serializes infinity as `Infinity`, which is not JSON: forwarded in an extension it would break
// the body an upstream or a client receives. Parsers refuse trees holding one. The recursion is
// as deep as the parse's max_depth.
inline bool has_non_finite_number(const json::value& v) {
  switch (v.kind()) {
    case json::kind::double_:
      return !std::isfinite(v.get_double());
    case json::kind::array:
      for (const auto& e : v.get_array()) {
        if (has_non_finite_number(e)) return true;
      }
      return false;
    case json::kind::object:
      for (const auto& kv : v.get_object()) {
        if (has_non_finite_number(kv.value())) return true;
      }
      return false;
    default:
      return false;
  }
}

inline const json::value* field(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() ? nullptr : &it->value();
}
inline std::string string_or(const json::object& o, std::string_view key, std::string fallback = {}) {
  auto* v = field(o, key);
  return v && v->is_string() ? std::string(v->get_string()) : fallback;
}
inline std::optional<int64_t> integer_of(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(INT64_MAX)) return static_cast<int64_t>(v.get_uint64());
  if (v.is_double()) {
    // Whole numbers in int64's range only: converting a double outside it (1e300 in a client's
    // max_tokens, an upstream's "created") is undefined behaviour. -2^63 <= d < 2^63, NaN fails both.
    double d = v.get_double();
    if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 && d == std::trunc(d)) {
      return static_cast<int64_t>(d);
    }
  }
  return std::nullopt;
}
inline std::optional<double> number_of(const json::value& v) {
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  return std::nullopt;
}
inline int64_t int_or(const json::object& o, std::string_view key, int64_t fallback = 0) {
  auto* v = field(o, key);
  if (!v) return fallback;
  return integer_of(*v).value_or(fallback);
}
inline void put_string_or_null(json::object& o, std::string_view key, const std::string& s) {
  if (s.empty()) o[key] = nullptr;
  else o[key] = s;
}

}  // namespace sy::wire
