#pragma once
// `switchyard models list|show|add|promote|rollback|canary|shadow|retire`: the registry from the
// command line, over the store a server reads (--config FILE or --store URL). A running server
// sees each change within a second. Every change is also written to the audit chain, with the
// author (--author, else $SWITCHYARD_AUTHOR, else $USER).
#include <string>
#include <vector>

#include "ops/store_option.h"

namespace CLI {
class App;
}

namespace sy::store {
class Store;
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
  // canary --auto: watch the canary against production and promote or roll back (eval/canary_watch).
  bool auto_canary = false;
  int64_t min_requests = 50;
  std::string min_duration = "1m";
  std::string max_duration = "30m";
  std::string interval = "5s";
  std::string url;  // a server whose GET /admin/drift adds the canary's drift state
  std::string key;  // its admin key (default $SWITCHYARD_ADMIN_KEY)
  CLI::App* app = nullptr;  // the `models` subcommand
};

// Adds `models` and its subcommands to `app`.
void add_models_command(CLI::App& app, ModelsCommand& cmd);
// Whether one of them was parsed.
bool models_command_parsed(const ModelsCommand& cmd);
int run_models_command(ModelsCommand& cmd);
// Who makes a change from the command line: $SWITCHYARD_AUTHOR, else $USER, else $LOGNAME, else "cli".
std::string default_author();

// `models canary status MODEL` and `models canary ... --auto` are run by eval/canary_watch.
bool is_canary_watch(const ModelsCommand& cmd);

// Writes one audit record of a change made from the command line (registry actions, automatic
// canary decisions): key "cli:AUTHOR", method CLI, path `what`, the reasons as given.
void audit_cli_change(store::Store& store, const std::string& author, const std::string& what, const std::string& model,
                      const std::string& version, int status, const std::vector<std::string>& reasons);

}  // namespace sy::ops
