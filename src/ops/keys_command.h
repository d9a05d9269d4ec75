#pragma once
// `switchyard keys create|list|revoke|rotate`: API keys kept in the store a server reads
// (--config FILE or --store URL). Every server sharing that store accepts a new key, and refuses a
// revoked or rotated-away one, within a second, without a restart. Each change is written to the
// audit chain with its author (--author, else $SWITCHYARD_AUTHOR, else $USER).
#include <cstdint>
#include <string>
#include <vector>

#include "ops/store_option.h"

namespace CLI {
class App;
}

namespace sy::ops {

struct KeysCommand {
  StoreOption store;
  std::string action;
  std::string name;
  std::string role = "user";
  std::string team;
  std::vector<std::string> models{"*"};
  int64_t rpm = 0;
  int64_t tpm = 0;
  double budget_usd = 0;
  std::string expires;
  std::string author;
  bool json = false;
  CLI::App* app = nullptr;  // the `keys` subcommand
};

void add_keys_command(CLI::App& app, KeysCommand& cmd);
bool keys_command_parsed(const KeysCommand& cmd);
int run_keys_command(KeysCommand& cmd);

}  // namespace sy::ops
