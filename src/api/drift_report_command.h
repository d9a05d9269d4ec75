#pragma once
// `switchyard drift report`: a running server's drift (GET /admin/drift), as a table.
//
//   switchyard drift report [--url http://HOST:PORT] [--key ADMIN_KEY] [--config FILE]
//                           [--route R] [--model M] [--version V] [--json] [--fail-on warning|drift]
//
// --config takes the address from `listen` and the key from `admin_key`; --url and --key (or
// SWITCHYARD_ADMIN_KEY) win over it. --json prints the server's JSON as it came. Exit 0; 1 when
// --fail-on names a state some series is in (or worse); 2 when the server cannot be asked (usage,
// unreachable, a refused key: its message is printed).
#include <string>

namespace CLI {
class App;
}

namespace sy::api {

struct DriftReportOptions {
  std::string url;
  std::string key;
  std::string config_file;
  std::string route, model, version;
  bool json = false;
  std::string fail_on;
};

// Adds `drift report` to the app; returns the `report` subcommand (main asks whether it was parsed).
CLI::App* add_drift_command(CLI::App& app, DriftReportOptions& opts);
int run_drift_report(const DriftReportOptions& opts);

}  // namespace sy::api
