#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sy::core {

// What a key may do besides calling models with its scopes. Ordered by nothing: each role is a set
// of rights (pipeline/auth/admin_access.cpp holds the one table of which role reaches which admin
// path; may_infer below says who may call models).
//   user      inference only (the default of every key)
//   viewer    reads of the admin API (the dashboard); no inference
//   auditor   the audit trail and usage, and the admin API's reads; no inference
//   operator  registry actions and the admin API's reads, and inference
//   admin     everything
enum class Role { user, viewer, auditor, operator_, admin };

const char* to_string(Role role);
std::optional<Role> parse_role(std::string_view text);
// Whether a key of this role may call models (chat, embeddings, the dry runs of either). Viewer and
// auditor keys are for looking, not spending: they are refused with 403.
bool may_infer(Role role);

// Who is calling: the name of the key they presented (never the key itself) and what it may use.
struct Principal {
  std::string key_name = "anonymous";
  std::string team;
  std::vector<std::string> models{"*"};
  Role role = Role::user;

  bool may_use(const std::string& model) const;
  // Whether the key's list names `name` itself (not through a glob): a route named so is granted
  // with every target behind it.
  bool names(const std::string& name) const;
};

}  // namespace sy::core
