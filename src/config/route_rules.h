#pragma once
// Parsing `routes:` with their rules. Kept apart from the rest of the loader: the rule language
// is the one part of the config that grows.
#include <string>

#include <yaml-cpp/yaml.h>

#include "config/config.h"

namespace sy::config {

OutputGuardConfig parse_output_guard(const YAML::Node& node, const std::string& path, const std::string& file);
RagConfig parse_rag(const YAML::Node& node, const std::string& path, const std::string& file);
RouteConfig parse_route(const YAML::Node& node, const std::string& path, const std::string& file);

}  // namespace sy::config
