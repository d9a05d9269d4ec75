#include "config/env_interpolate.h"

#include <cstdlib>

namespace sy::config {

std::optional<std::string> process_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

InterpolationResult interpolate_env(const std::string& text, const EnvLookup& lookup) {
  InterpolationResult out;
  out.value.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '$' || i + 1 >= text.size()) { out.value += c; continue; }
    if (text[i + 1] == '$') { out.value += '$'; ++i; continue; }
    if (text[i + 1] != '{') { out.value += c; continue; }
    size_t close = text.find('}', i + 2);
    if (close == std::string::npos) { out.value += c; continue; }
    std::string body = text.substr(i + 2, close - i - 2);
    std::optional<std::string> fallback;
    if (auto sep = body.find(":-"); sep != std::string::npos) {
      fallback = body.substr(sep + 2);
      body.resize(sep);
    }
    auto found = lookup(body);
    if (found && !(found->empty() && fallback)) {
      out.value += *found;
    } else if (fallback) {
      out.value += *fallback;
    } else {
      out.missing_variable = body;
      return out;
    }
    i = close;
  }
  return out;
}

}  // namespace sy::config
