#pragma once
#include <memory>
#include <string>

#include "core/result.h"
#include "eval/eval_command.h"

namespace sy {

struct ServeOptions {
  std::string config_file;
  std::string ready_file;
};

// Runs until SIGTERM/SIGINT, then drains. Returns the process exit code.
int run_serve(const ServeOptions& options);
int check_config(const std::string& file);

// The gateway of `config_file` on 127.0.0.1 at a free port, inside this process (no TLS listener,
// no access log), for commands that measure the server as its clients see it: `switchyard eval`
// with --config and no --url. It drains and stops when destroyed.
core::Result<std::unique_ptr<eval::EmbeddedServer>> start_embedded_server(const std::string& config_file);

}  // namespace sy
