#pragma once
// What the router decided for one request, and why: the targets to try in order, the privacy
// class that limits them, the rule that matched, and what the scanner found (kinds and offsets,
// never values).
#include <string>
#include <vector>

#include <optional>

#include "config/config.h"
#include "core/error.h"

namespace sy::providers {
class Provider;
}

namespace sy::router {

enum class PrivacyClass {
  any,         // nothing sensitive found: any target
  local_only,  // sensitive: only targets that keep data in-house
  redact,      // sensitive, policy `redact`: cloud targets get placeholders instead of the values
};
const char* to_string(PrivacyClass c);

struct Candidate {
  const config::ModelConfig* model = nullptr;
  providers::Provider* provider = nullptr;
  bool cloud() const { return !model->keeps_data_local(); }
};

struct FindingOut {
  std::string kind;
  size_t start = 0;  // code points into the request's scanned text
  size_t end = 0;
};

struct RouteDecision {
  std::string route;                  // the route's name, or the model's for a direct call
  std::string rule;                   // the rule that matched, e.g. "default:short" or a rule's name
  std::vector<std::string> reasons;   // short phrases for the access log and /v1/route/explain
  PrivacyClass privacy = PrivacyClass::any;
  std::vector<FindingOut> findings;
  std::vector<std::string> kinds;     // distinct kinds found
  bool scan_failed = false;
  double faq_score = 0;
  std::string faq_id;
  int64_t prompt_tokens = 0;          // estimated, for budgets reserved at admission
  std::vector<Candidate> candidates;  // in the order they are tried
  // Set when no candidate may take the request (privacy policy, nothing healthy): the error the
  // client gets. /v1/route/explain shows it with the rest of the decision.
  std::optional<core::Error> refusal;
};

}  // namespace sy::router
