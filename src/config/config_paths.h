#pragma once
// Relative paths in a config file (the store, model files, the FAQ, prices, dictionaries, CA
// files, an access log file) mean "next to this config", never "wherever the command was run
// from": `switchyard audit verify --config /etc/sy/config.yaml` run from $HOME must open the
// store the server writes, not create an empty one in $HOME.
#include <filesystem>
#include <string>

namespace sy::config {

struct Config;

// `path` as seen from `base` (the config's folder, made absolute): unchanged when empty or
// already absolute.
std::string resolve_path(const std::filesystem::path& base, const std::string& path);

// The folder a config file's relative paths are read from: its own, as an absolute path.
std::filesystem::path config_dir(const std::string& config_file);

// Rewrites every file path of `cfg` that is relative so it is read from `base`.
void resolve_relative_paths(Config& cfg, const std::filesystem::path& base);

}  // namespace sy::config
