#pragma once
#include <functional>
#include <optional>
#include <string>

namespace sy::config {

// Replaces ${VAR} and ${VAR:-default} from the environment. `$$` is a literal '$'.
// Fails with the name of the first variable that is unset and has no default.
struct InterpolationResult {
  std::string value;
  std::string missing_variable;  // non-empty = failure
};
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
InterpolationResult interpolate_env(const std::string& text, const EnvLookup& lookup);
std::optional<std::string> process_env(const std::string& name);

}  // namespace sy::config
