#pragma once
// `switchyard models list|show|add|promote|rollback|canary|shadow|retire`: the registry from the
// command line, over the store a server reads (--config FILE or --store URL). A running server
// sees each change within a second. Every change is also written to the audit chain, with the
// author (--author, else $SWITCHYARD_AUTHOR, else $USER).
#include <string>

#include "ops/store_option.h"

namespace CLI {
class App;
}

namespace sy::ops {

struct ModelsCommand {
  StoreOption store;
  std::string action;
  std::string model;
  std::string version;
  std::string path;
  std::string upstream_model;
  std::string sha256;
  std::string quantization;
  std::string notes;
  std::string parameters;
  std::string eval;
  std::string author;
  std::string alias;
  double percent = -1;
  bool json = false;
  bool force = false;  // promote / canary past a failing eval gate (audited)
  CLI::App* app = nullptr;  // the `models` subcommand
};

// Adds `models` and its subcommands to `app`.
void add_models_command(CLI::App& app, ModelsCommand& cmd);
// Whether one of them was parsed.
bool models_command_parsed(const ModelsCommand& cmd);
int run_models_command(ModelsCommand& cmd);

}  // namespace sy::ops
