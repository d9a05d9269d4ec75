#include "ops/store_option.h"

#include <CLI/CLI.hpp>

#include "config/config.h"

namespace sy::ops {

void StoreOption::add_to(CLI::App& command) {
  command.add_option("--config", config_file, "Config file whose `store` to use (as for serve)");
  command.add_option("--store", store_url, "Store URL (sqlite:PATH or postgres://...), instead of --config");
}

core::Result<std::string> StoreOption::url() const {
  if (!store_url.empty()) return store_url;
  if (config_file.empty()) return core::Error::invalid_request("give --config FILE (or --store URL)");
  auto cfg = config::load_file(config_file);
  if (!cfg) return cfg.error();
  if ((*cfg)->store.empty()) {
    return core::Error::invalid_request(config_file + " names no store: the server keeps its registry and audit in memory");
  }
  return (*cfg)->store;
}

}  // namespace sy::ops
