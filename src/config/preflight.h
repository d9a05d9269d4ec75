#pragma once
// What a config promises but the machine may not hold: model files that are missing or are not
// GGUF, other files it names, cloud targets without credentials. `check-config` fails on the
// errors and prints the warnings; `serve` logs both at start (a server with one broken target
// still serves the others).
#include <string>
#include <vector>

#include "config/config.h"

namespace sy::config {

struct Preflight {
  std::vector<std::string> errors;    // the config cannot work as written
  std::vector<std::string> warnings;  // a target that cannot work until something is set
};

// "" when `path` is a readable file that starts with the GGUF magic bytes, else why not.
std::string gguf_problem(const std::string& path);

Preflight preflight(const Config& cfg);

}  // namespace sy::config
