#include "core/principal.h"

namespace sy::core {

bool Principal::may_use(const std::string& model) const {
  for (const auto& pattern : models) {
    if (pattern == "*" || pattern == model) return true;
    if (!pattern.empty() && pattern.back() == '*' &&
        model.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0) {
      return true;
    }
  }
  return false;
}

bool Principal::names(const std::string& name) const {
  for (const auto& pattern : models) {
    if (pattern == "*" || pattern == name) return true;
  }
  return false;
}

}  // namespace sy::core
