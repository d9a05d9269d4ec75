#pragma once
// The policy router: for each request, which targets to try in which order, and why. Rules from
// the config are evaluated in order (first match wins); a route with no rules follows the default
// policy: sensitive → local only; a good FAQ match or a short prompt → local first; a request
// that needs what local models lack → cloud first; else cloud.
//
// The privacy class comes from the privacy stage; candidates it forbids never enter the list (and
// the executor refuses them again just before a call). Whether a target can answer now (its
// serving version's health, its circuit) is asked of the caller's TargetCheck, which resolves the
// version that would really answer.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/chat.h"
#include "core/principal.h"
#include "core/result.h"
#include "router/decision.h"
#include "router/faq_matcher.h"

namespace sy::router {

// What a local target reports about its load, for rules and for long-context checks.
struct LocalLoad {
  int queue_depth = 0;
  int free_slots = 0;
  int context = 0;  // tokens per request
};

// The router's questions about targets, answered per request by whoever resolves them.
class TargetCheck {
 public:
  virtual ~TargetCheck() = default;
  // Why `model` cannot take this request now; "" when it can.
  virtual std::string unavailable(const config::ModelConfig& model) = 0;
  virtual std::optional<LocalLoad> local_load(const std::string& model) = 0;
};

// What the router measured about a request; rules are conditions over these.
struct Features {
  bool sensitive = false;
  std::vector<std::string> kinds;
  std::string because;  // PrivacyFacts::because
  double faq_score = 0;
  const FaqEntry* faq = nullptr;
  int64_t chars = 0;
  int64_t tokens = 0;  // estimated: one per Han character, one per four other bytes
  bool tools = false, images = false, json_schema = false, long_context = false;
  bool defines_tools = false;  // a non-empty `tools` list (not only tool turns in the history)
};

// Code points and estimated tokens of a text.
void count_text(std::string_view text, int64_t& chars, int64_t& tokens);

class Router {
 public:
  Router(const config::Config& config, std::shared_ptr<const FaqMatcher> faq);

  // `text` is the request's text as the privacy stage scanned it (core::request_text). Errors only
  // for an unknown model or a key that may not use it; a refusal on privacy or availability
  // grounds is part of the decision.
  core::Result<RouteDecision> decide(const core::ChatRequest& request, std::string_view text, const PrivacyFacts& privacy,
                                     const core::Principal& principal, TargetCheck& targets) const;

  const FaqMatcher* faq() const { return faq_.get(); }
  // The FAQ as a target (`to: faq`): answered from the FAQ, nothing leaves the process.
  const config::ModelConfig& faq_target() const { return faq_model_; }

 private:
  Features measure(const core::ChatRequest& request, std::string_view text, const PrivacyFacts& privacy,
                   RouteDecision& d) const;
  const config::RouteRule* first_match(const config::RouteConfig& route, const Features& f, const core::Principal& p,
                                       TargetCheck& targets, RouteDecision& d) const;
  bool matches(const config::RuleCondition& w, const Features& f, const core::Principal& p,
               const config::RouteConfig& route, TargetCheck& targets) const;
  std::vector<const config::ModelConfig*> order_for(const config::RouteConfig& route, const config::RouteRule* rule,
                                                   const Features& f, RouteDecision& d) const;
  void admit(const std::vector<const config::ModelConfig*>& order, const Features& f, const PrivacyFacts& privacy,
             const core::Principal& principal, const config::RouteConfig* route, TargetCheck& targets,
             RouteDecision& d) const;

  const config::Config& config_;
  std::shared_ptr<const FaqMatcher> faq_;
  config::ModelConfig faq_model_;
};

}  // namespace sy::router
