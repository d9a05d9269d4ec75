#pragma once
// What the router decided for one request, and why: the targets to try in order, the privacy
// class that limits them, and the rule that matched.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "core/error.h"

namespace sy::router {

enum class PrivacyClass {
  any,         // nothing sensitive found: any target
  local_only,  // sensitive: only targets that keep data in-house
  redact,      // sensitive, policy `redact`: cloud targets get placeholders instead of the values
};
const char* to_string(PrivacyClass c);

// What the privacy scan found, as the router needs it (kinds, never values).
struct PrivacyFacts {
  bool sensitive = false;
  bool scan_failed = false;
  std::vector<std::string> kinds;  // distinct kinds found
  std::string because;             // privacy::sensitive_because: "person + health, address"
  PrivacyClass privacy = PrivacyClass::any;
  float model_score = -1;          // the line model's, when it was asked (the rules found nothing)
  // privacy.classifier's answer for a borderline score: "yes", "no", "timed out", "failed: ...",
  // "not asked (dry run)"; empty when it was not wanted.
  std::string second_opinion;
};

struct RouteDecision {
  std::string route;                  // the route's name, or the model's for a direct call
  std::string rule;                   // the rule that matched, e.g. "default:short" or a rule's name
  std::vector<std::string> reasons;   // short phrases for the audit record and /v1/route/explain
  double faq_score = 0;
  std::string faq_id;
  int64_t prompt_tokens = 0;          // estimated, for budgets
  // In the order they are tried; every one may take the request's privacy class and is available
  // now (TargetCheck).
  std::vector<const config::ModelConfig*> candidates;
  // Targets left out because they cannot take a request now (unhealthy, unconfigured, circuit
  // open), with why: named again if every candidate then fails.
  std::vector<std::pair<std::string, std::string>> skipped;
  // Set when no candidate may take the request (privacy policy, nothing available): the error the
  // client gets. /v1/route/explain shows it with the rest of the decision.
  std::optional<core::Error> refusal;
};

}  // namespace sy::router
