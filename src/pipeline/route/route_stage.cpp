#include "pipeline/route/route_stage.h"

#include <algorithm>
#include <map>

#include "providers/local/local_provider.h"

namespace sy::pipeline {

namespace {

// The router's questions, answered by resolving each target it considers for this request.
class Resolver final : public router::TargetCheck {
 public:
  Resolver(const RouteStage& stage, const RequestState& s) : stage_(stage), s_(s) {}
  std::string unavailable(const config::ModelConfig& model) override {
    auto target = stage_.resolve(model, s_);
    if (!target) {
      if (auto after = target.error().retry_after_s) retry_after_s = std::min(retry_after_s.value_or(*after), *after);
      return target.error().message;
    }
    resolved_[&model] = std::move(*target);
    return {};
  }
  std::optional<router::LocalLoad> local_load(const std::string& model) override { return stage_.local_load(model); }
  Target take(const config::ModelConfig* model) { return std::move(resolved_.at(model)); }
  std::optional<int> retry_after_s;  // the soonest an open circuit lets requests through again

 private:
  const RouteStage& stage_;
  const RequestState& s_;
  std::map<const config::ModelConfig*, Target> resolved_;
};

}  // namespace

RouteStage::RouteStage(const config::Config& config, const router::Router& router, const serving::Registry& registry,
                       const router::Breakers& breakers, providers::Provider* faq_provider)
    : config_(config), router_(router), registry_(registry), breakers_(breakers), faq_provider_(faq_provider),
      filter_(std::make_unique<CheckFilter<RouteStage>>(*this)) {}

FilterPtr RouteStage::start(RequestState&) const { return shared_filter(*filter_); }

std::string RouteStage::caller_of(const RequestState& s) {
  if (const auto* user = s.chat.extensions.if_contains("user"); user && user->is_string() && !user->as_string().empty()) {
    return "user:" + std::string(user->as_string());
  }
  return "key:" + s.principal.key_name;
}

std::optional<router::LocalLoad> RouteStage::local_load(const std::string& model) const {
  auto d = registry_.production(model);
  if (!d || !d->local) return std::nullopt;
  auto engine = d->local->engine();
  if (!engine) return std::nullopt;
  const auto& c = engine->counters();
  return router::LocalLoad{c.queued.load(), engine->options().slots - c.busy_slots.load(), engine->context_per_slot()};
}

core::Result<Target> RouteStage::resolve(const config::ModelConfig& model, const RequestState& s) const {
  Target t;
  t.model = &model;
  if (&model == &router_.faq_target()) {
    t.provider = faq_provider_;
  } else {
    std::string_view pinned = model.name == s.chat.model ? std::string_view(s.pinned) : std::string_view();
    auto resolved = registry_.resolve(model.name, caller_of(s), pinned);
    if (!resolved) return core::Error::unavailable("no serving version");
    t.deployment = std::move(resolved->deployment);
    t.provider = t.deployment->provider.get();
    t.role = resolved->role;
  }
  if (!t.provider) return core::Error::unavailable("no provider");
  if (auto h = t.provider->health(); !h.healthy) return core::Error::unavailable(h.reason.empty() ? "unhealthy" : h.reason);
  const auto* breaker = t.deployment ? t.deployment->breaker.get() : breakers_.find(model.name);
  if (breaker && breaker->open()) {
    auto e = core::Error::unavailable("circuit open");
    e.retry_after_s = breaker->retry_after_s();
    return e;
  }
  return t;
}

core::Status RouteStage::check(RequestState& s) const {
  if (!s.pinned.empty()) {
    // model@VERSION pins a registry version of a model; a route has none.
    if (!config_.find_model(s.chat.model)) {
      for (const auto& r : config_.routes) {
        if (r.name == s.chat.model) {
          return core::Error::invalid_request("'" + r.name + "' is a route; only a model's version can be pinned (model@version).", "model");
        }
      }
    } else if (!registry_.resolve(s.chat.model, caller_of(s), s.pinned)) {
      return core::Error::not_found("Model '" + s.chat.model + "' has no deployed version or alias '" + s.pinned +
                                    "' (only versions an alias names are deployed).");
    }
  }
  Resolver resolver(*this, s);
  auto decision = router_.decide(s.chat, s.text, s.privacy, s.principal, resolver);
  if (!decision) return decision.error();
  s.record.rule = decision->rule;
  s.record.reasons = decision->reasons;
  s.targets.clear();
  for (const auto* model : decision->candidates) s.targets.push_back(resolver.take(model));
  s.decision = std::move(*decision);
  if (auto& refusal = s.decision->refusal) {
    if (refusal->status == 503 && !refusal->retry_after_s) refusal->retry_after_s = resolver.retry_after_s;
    return *refusal;
  }
  return core::Ok{};
}

}  // namespace sy::pipeline
