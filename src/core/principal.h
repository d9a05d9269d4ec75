#pragma once
#include <string>
#include <vector>

namespace sy::core {

// Who is calling: the name of the key they presented (never the key itself) and what it may use.
struct Principal {
  std::string key_name = "anonymous";
  std::string team;
  std::vector<std::string> models{"*"};

  bool may_use(const std::string& model) const;
  // Whether the key's list names `name` itself (not through a glob): a route named so is granted
  // with every target behind it.
  bool names(const std::string& name) const;
};

}  // namespace sy::core
