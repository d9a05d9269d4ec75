#pragma once
#include <string>

namespace sy {

struct ServeOptions {
  std::string config_file;
  std::string ready_file;
};

// Runs until SIGTERM/SIGINT, then drains. Returns the process exit code.
int run_serve(const ServeOptions& options);
int check_config(const std::string& file);

}  // namespace sy
