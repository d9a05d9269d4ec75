#include "pipeline/auth/admin_access.h"

#include <optional>
#include <span>

namespace sy::pipeline {

namespace {

using core::Role;
using V = http::bhttp::verb;

struct AccessRule {
  std::optional<V> method;       // none = every method
  std::string_view path;         // this path, or any path under it ("/admin/audit" also takes "/admin/audit-x")
  bool any_suffix;               // the path is a prefix of anything (audit*), not only of sub-paths
  std::span<const Role> roles;
  const char* roles_text;
};

// The one table. Order matters: the first matching row decides.
constexpr Role kAuditRoles[] = {Role::auditor, Role::admin};
constexpr Role kOperatorRoles[] = {Role::operator_, Role::admin};
constexpr Role kReadRoles[] = {Role::viewer, Role::auditor, Role::operator_, Role::admin};
constexpr Role kAdminRoles[] = {Role::admin};

const AccessRule kRules[] = {
    {std::nullopt, "/admin/audit", true, kAuditRoles, "auditor or admin"},
    {std::nullopt, "/admin/usage", false, kAuditRoles, "auditor or admin"},
    {V::post, "/admin/models", false, kOperatorRoles, "operator or admin"},
    {V::get, "/admin", false, kReadRoles, "viewer, auditor, operator or admin"},
    {V::head, "/admin", false, kReadRoles, "viewer, auditor, operator or admin"},
    {std::nullopt, "/admin", false, kAdminRoles, "admin"},
};

bool matches(const AccessRule& r, V method, std::string_view path) {
  if (r.method && *r.method != method) return false;
  if (!path.starts_with(r.path)) return false;
  if (r.any_suffix || path.size() == r.path.size()) return true;
  return path[r.path.size()] == '/';
}

const AccessRule* rule_for(V method, std::string_view path) {
  for (const auto& r : kRules) {
    if (matches(r, method, path)) return &r;
  }
  return nullptr;
}

}  // namespace

bool admin_allows(Role role, V method, std::string_view path) {
  const auto* rule = rule_for(method, path);
  if (!rule) return role == Role::admin;  // not under /admin at all: nothing but the admin
  for (auto r : rule->roles) {
    if (r == role) return true;
  }
  return false;
}

const char* admin_roles_for(V method, std::string_view path) {
  const auto* rule = rule_for(method, path);
  return rule ? rule->roles_text : "admin";
}

}  // namespace sy::pipeline
