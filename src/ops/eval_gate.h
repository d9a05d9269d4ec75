#pragma once
// Eval gates: before a version gets real traffic (promoted to production, or a canary share above
// 0), its stored evaluation on the gate's dataset must pass the model's gate (config `gates:`).
// One check for the CLI (`switchyard models promote|canary`) and the admin API.
#include <map>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "config/config.h"
#include "core/result.h"
#include "store/store.h"

namespace sy::ops {

struct GateVerdict {
  bool gated = false;                 // the model has a gate
  bool passed = true;
  bool forced = false;                // failed, and went ahead on --force
  std::vector<std::string> failures;  // each a sentence naming the number and the limit
  std::vector<std::string> checks;    // what passed, the same way
  boost::json::object to_json() const;
  // One line for the audit record and the CLI: "gate passed: ..." / "gate forced past: ...".
  std::string summary() const;
};

// Whether `version` of `model` passes `gate`, from the evaluations stored with it and with the
// production version (for max_regression).
core::Result<GateVerdict> check_gate(store::Store& store, const config::EvalGate& gate, const std::string& model,
                                     const std::string& version);

// The gate applied to a traffic move: `action` "promote" (to `alias`) or "canary" (at `percent`).
// Moves that the gate does not cover (another alias, a canary ended, a model without a gate) pass
// ungated. An empty `version` on promote means the canary's. A failure is an error (409,
// code gate_failed) naming every failure, unless `force`: then the verdict says it was forced.
core::Result<GateVerdict> gate_traffic_move(store::Store& store, const std::map<std::string, config::EvalGate>& gates,
                                            const std::string& action, const std::string& model, std::string version,
                                            const std::string& alias, double percent, bool force);

}  // namespace sy::ops
