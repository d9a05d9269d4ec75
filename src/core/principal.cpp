#include "core/principal.h"

namespace sy::core {

const char* to_string(Role role) {
  switch (role) {
    case Role::user: return "user";
    case Role::viewer: return "viewer";
    case Role::auditor: return "auditor";
    case Role::operator_: return "operator";
    case Role::admin: return "admin";
  }
  return "?";
}

std::optional<Role> parse_role(std::string_view text) {
  for (auto r : {Role::user, Role::viewer, Role::auditor, Role::operator_, Role::admin}) {
    if (text == to_string(r)) return r;
  }
  return std::nullopt;
}

bool may_infer(Role role) { return role == Role::user || role == Role::operator_ || role == Role::admin; }

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
