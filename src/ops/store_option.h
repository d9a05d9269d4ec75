#pragma once
// The store a command works on: --store URL, or the `store` of the config given with --config
// (the same store `serve --config` opens).
#include <string>

#include "core/result.h"

namespace CLI {
class App;
}

namespace sy::ops {

struct StoreOption {
  std::string config_file;
  std::string store_url;
  void add_to(CLI::App& command);
  core::Result<std::string> url() const;
};

}  // namespace sy::ops
