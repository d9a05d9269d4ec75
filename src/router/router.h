#pragma once
// The policy router: for each request, which targets to try in which order, under which privacy
// class, and why. Rules from the config are evaluated in order (first match wins); a route with
// no rules follows the default policy: sensitive → local only; a good FAQ match or a short
// prompt → local first; a request that needs what local models lack → cloud first; else cloud.
//
// The privacy class is decided here and enforced twice: candidates the class forbids never enter
// the list, and the executor refuses them again just before any call.
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>

#include "core/chat.h"
#include "core/principal.h"
#include "core/result.h"
#include "router/circuit_breaker.h"
#include "router/decision.h"
#include "router/faq_matcher.h"

namespace sy::privacy {
class Scanner;
}

namespace sy::router {

// What a local target reports about its load, for rules and for long-context checks.
struct LocalLoad {
  int queue_depth = 0;
  int free_slots = 0;
  int context = 0;  // tokens per request
};

// What the router measured about a request; rules are conditions over these.
struct Features {
  bool sensitive = false;
  std::vector<std::string> kinds;
  double faq_score = 0;
  const FaqEntry* faq = nullptr;
  int64_t chars = 0;
  int64_t tokens = 0;  // estimated: one per Han character, one per four other bytes
  bool tools = false, images = false, json_schema = false, long_context = false;
};

class Router {
 public:
  struct Targets {
    std::unordered_map<std::string, providers::Provider*> providers;  // every configured model
    providers::Provider* faq_provider = nullptr;                       // answers from the FAQ
    std::function<std::optional<LocalLoad>(const std::string&)> local_load;
  };

  Router(const config::Config& config, Targets targets, std::shared_ptr<const privacy::Scanner> scanner,
         std::shared_ptr<const FaqMatcher> faq);

  // Errors only for an unknown model or a key that may not use it; a refusal on privacy or health
  // grounds is part of the decision.
  core::Result<RouteDecision> decide(const core::ChatRequest& request, const core::Principal& principal);

  // The executor's reports, for the circuit breakers.
  void record(const std::string& target, bool ok);
  const FaqMatcher* faq() const { return faq_.get(); }
  const config::ModelConfig& faq_target() const { return faq_model_; }

 private:
  Features measure(const core::ChatRequest& request, RouteDecision& d) const;
  const config::RouteRule* first_match(const config::RouteConfig& route, const Features& f, const core::Principal& p,
                                       RouteDecision& d) const;
  bool matches(const config::RuleCondition& w, const Features& f, const core::Principal& p, const config::RouteConfig& route) const;
  std::vector<const config::ModelConfig*> order_for(const config::RouteConfig& route, const config::RouteRule* rule,
                                                   const Features& f, RouteDecision& d);
  core::Status admit(std::vector<const config::ModelConfig*> order, RouteDecision& d);
  std::optional<LocalLoad> load_of(const config::RouteConfig& route) const;

  const config::Config& config_;
  Targets targets_;
  std::shared_ptr<const privacy::Scanner> scanner_;
  std::shared_ptr<const FaqMatcher> faq_;
  config::ModelConfig faq_model_;
  std::unordered_map<std::string, std::unique_ptr<CircuitBreaker>> breakers_;
};

}  // namespace sy::router
