// switchyard: the command line. `serve` runs the gateway; the other commands arrive with the
// subsystems they drive.
#include <cstdio>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>

#include "serve.h"

namespace {
constexpr const char* kVersion = "0.1.0";
}

int main(int argc, char** argv) {
  CLI::App app{"switchyard: one server for cloud, local and hybrid LLM deployments"};
  app.require_subcommand(1);
  app.set_version_flag("--version", kVersion);

  sy::ServeOptions serve_opts;
  auto* serve = app.add_subcommand("serve", "Run the gateway");
  serve->add_option("--config", serve_opts.config_file, "YAML config file")->required();
  serve->add_option("--ready-file", serve_opts.ready_file,
                    "Write the listening address here once ready (for scripts and tests using port 0)");

  std::string check_file;
  auto* check = app.add_subcommand("check-config", "Validate a config file and exit");
  check->add_option("--config", check_file, "YAML config file")->required();

  std::vector<CLI::App*> later;
  for (const char* name : {"models", "eval", "cost", "audit", "keys", "train", "pii"}) {
    later.push_back(app.add_subcommand(name, "(not yet available)")->allow_extras());
  }

  CLI11_PARSE(app, argc, argv);

  if (serve->parsed()) return sy::run_serve(serve_opts);
  if (check->parsed()) return sy::check_config(check_file);
  for (auto* cmd : later) {
    if (cmd->parsed()) {
      std::fprintf(stderr, "switchyard %s: this command has not landed yet\n", cmd->get_name().c_str());
      return 2;
    }
  }
  return 2;
}
