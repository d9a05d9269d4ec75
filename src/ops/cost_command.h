#pragma once
// `switchyard cost plan`: the monthly cost of a cloud API, a rented GPU, an owned GPU and a hybrid
// of them, side by side in US dollars and a second currency (ops/cost_plan has the arithmetic).
//
//   switchyard cost plan --inputs data/cost/example.yaml [--currency TWD --rate 32] [--json]
//     Inputs from the YAML file (keys in data/cost/README.md); flags override it.
//   switchyard cost plan --from-audit --since 30d (--config FILE | --store URL) [--inputs FILE]
//     The traffic (queries/day, tokens per query, cloud share) from the audit trail of that
//     window instead: what this traffic would cost a month in each mode.
//
// Exit 2 on bad inputs, an unknown model, or store errors.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "ops/store_option.h"

namespace CLI {
class App;
}

namespace sy::ops {

struct CostCommandOptions {
  static constexpr double kUnset = std::numeric_limits<double>::quiet_NaN();
  std::string inputs_file;
  std::string prices_file = "data/prices.yaml";
  // Overrides of the file's keys; unset (NaN or empty) leaves them.
  std::string currency;
  double rate = kUnset;
  double queries_per_day = kUnset;
  double input_tokens = kUnset;
  double output_tokens = kUnset;
  double busy_hours = kUnset;
  std::string model;
  double cloud_share = kUnset;
  double power_watts = kUnset;
  bool json = false;
  // --from-audit
  bool from_audit = false;
  std::string since = "30d";
  std::string until;
  StoreOption store;
  std::vector<std::string> local_targets;
};

// Adds `cost` with its `plan` subcommand; returns `plan`.
CLI::App* add_cost_command(CLI::App& app, CostCommandOptions& opts);
int run_cost_plan(const CostCommandOptions& opts);

}  // namespace sy::ops
