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
};

}  // namespace sy::core
