#include "wire/error_text.h"

#include "core/utf8.h"

namespace sy::wire {

std::string clip_message(std::string_view s) {
  constexpr size_t kMax = 500;
  if (s.size() <= kMax) return std::string(s);
  size_t n = kMax;
  while (n > 0 && core::is_continuation(s[n])) --n;
  return std::string(s.substr(0, n));
}

std::string error_code_or(std::string_view code, std::string_view fallback) {
  bool ok = !code.empty() && code.size() <= 64;
  for (char c : code) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-');
  }
  return std::string(ok ? code : fallback);
}

}  // namespace sy::wire
