#include "router/router.h"

#include <algorithm>
#include <random>

#include "core/request_text.h"

namespace sy::router {

const char* to_string(PrivacyClass c) {
  switch (c) {
    case PrivacyClass::any: return "any";
    case PrivacyClass::local_only: return "local_only";
    case PrivacyClass::redact: return "redact";
  }
  return "any";
}

// A token estimate that holds for the usual tokenizers: a Han character is about one token, other
// text about four bytes per token.
void count_text(std::string_view s, int64_t& chars, int64_t& tokens) {
  int64_t other_bytes = 0;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    ++chars;
    if (len == 3 && c >= 0xE3 && c <= 0xE9) ++tokens;  // the CJK blocks
    else other_bytes += static_cast<int64_t>(len);
    i += len;
  }
  tokens += (other_bytes + 3) / 4;
}

namespace {

constexpr int64_t kShortPromptChars = 300;

bool contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

std::string format_score(double x) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", x);
  return buf;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// What the request needs that `m`, an in-house target, cannot give, or "" when it can take it.
// Local models do not call tools and do not see images; a prompt longer than a local model's
// context does not fit. An on-premises host (vLLM, ...) is taken to do what the cloud does.
std::string missing_capability(const config::ModelConfig& m, const Features& f, TargetCheck& targets) {
  if (m.provider != config::ProviderKind::local) return {};
  if (f.defines_tools) return "tools";
  if (f.images) return "images";
  if (auto load = targets.local_load(m.name); load && load->context > 0 && f.tokens > load->context) return "long_context";
  return {};
}

std::string describe_need(const std::string& need) {
  if (need == "tools") return "it uses tools, which no in-house model supports";
  if (need == "images") return "it carries images, which no in-house model can read";
  return "it is longer than any in-house model's context";
}

}  // namespace

Router::Router(const config::Config& config, std::shared_ptr<const FaqMatcher> faq) : config_(config), faq_(std::move(faq)) {
  faq_model_.name = "faq";
  faq_model_.provider = config::ProviderKind::local;
}

Features Router::measure(const core::ChatRequest& request, std::string_view text, const PrivacyFacts& privacy,
                         RouteDecision& d) const {
  Features f;
  count_text(text, f.chars, f.tokens);
  d.prompt_tokens = f.tokens;
  f.sensitive = privacy.sensitive;
  f.kinds = privacy.kinds;
  f.because = privacy.because;
  if (privacy.scan_failed) d.reasons.push_back("privacy scan failed: treated as sensitive");
  if (!privacy.sensitive && !privacy.second_opinion.empty()) d.reasons.push_back("not sensitive (" + privacy.because + ")");
  if (faq_) {
    auto match = faq_->best(core::last_user_text(request));
    f.faq_score = match.score;
    f.faq = match.entry;
    d.faq_score = match.score;
    if (match.entry) d.faq_id = match.entry->id;
  }
  if (auto* tools = request.extensions.if_contains("tools"); tools && tools->is_array() && !tools->as_array().empty()) f.tools = f.defines_tools = true;
  for (const auto& m : request.messages) {
    if (!m.tool_calls.empty() || m.role == "tool") f.tools = true;
    for (const auto& p : m.parts) f.images = f.images || p.kind == core::ContentPart::Kind::image_url;
  }
  if (auto* rf = request.extensions.if_contains("response_format"); rf && rf->is_object()) {
    auto* type = rf->as_object().if_contains("type");
    f.json_schema = type && type->is_string() && type->as_string() == "json_schema";
  }
  return f;
}

bool Router::matches(const config::RuleCondition& w, const Features& f, const core::Principal& p,
                     const config::RouteConfig& route, TargetCheck& targets) const {
  if (w.sensitive && *w.sensitive != f.sensitive) return false;
  if (!w.kinds.empty() && std::none_of(w.kinds.begin(), w.kinds.end(), [&](const auto& k) { return contains(f.kinds, k); })) return false;
  if (w.faq_score && !w.faq_score->holds(f.faq_score)) return false;
  if (w.chars && !w.chars->holds(static_cast<double>(f.chars))) return false;
  if (w.tokens && !w.tokens->holds(static_cast<double>(f.tokens))) return false;
  for (const auto& need : w.needs) {
    bool has = need == "tools" ? f.tools : need == "images" ? f.images : need == "json_schema" ? f.json_schema : f.long_context;
    if (!has) return false;
  }
  if (!w.keys.empty() && !contains(w.keys, p.key_name)) return false;
  if (!w.teams.empty() && !contains(w.teams, p.team)) return false;
  if (w.queue_depth || w.free_slots) {
    auto load = route.local.empty() ? std::nullopt : targets.local_load(route.local.front());
    if (!load) return false;
    if (w.queue_depth && !w.queue_depth->holds(load->queue_depth)) return false;
    if (w.free_slots && !w.free_slots->holds(load->free_slots)) return false;
  }
  return true;
}

const config::RouteRule* Router::first_match(const config::RouteConfig& route, const Features& f, const core::Principal& p,
                                             TargetCheck& targets, RouteDecision& d) const {
  for (const auto& rule : route.rules) {
    if (!matches(rule.when, f, p, route, targets)) continue;
    // Answering from the FAQ needs an answer good enough to give without a model.
    if (rule.action == config::RouteRule::Action::faq && (!f.faq || f.faq_score < config_.faq.answer_threshold)) continue;
    d.rule = rule.name;
    d.reasons.push_back("rule '" + rule.name + "' matched");
    return &rule;
  }
  return nullptr;
}

std::vector<const config::ModelConfig*> Router::order_for(const config::RouteConfig& route, const config::RouteRule* rule,
                                                         const Features& f, RouteDecision& d) const {
  using Action = config::RouteRule::Action;
  auto names_to_models = [&](const std::vector<std::string>& names) {
    std::vector<const config::ModelConfig*> out;
    for (const auto& n : names) out.push_back(config_.find_model(n));
    return out;
  };
  auto local_first = [&] {
    auto out = names_to_models(route.local);
    for (auto* m : names_to_models(route.cloud)) out.push_back(m);
    return out;
  };
  auto cloud_first = [&] {
    auto out = names_to_models(route.cloud);
    for (auto* m : names_to_models(route.local)) out.push_back(m);
    return out;
  };
  if (!rule) {
    // The default policy.
    if (f.sensitive) {
      d.rule = "default:sensitive";
      d.reasons.push_back("sensitive data found (" + f.because + "): local only");
      return local_first();
    }
    if (f.tools || f.images || f.json_schema || f.long_context) {
      d.rule = "default:capability";
      d.reasons.push_back(std::string("needs ") + (f.tools ? "tools" : f.images ? "images" : f.json_schema ? "json_schema" : "long context") +
                          ": cloud first");
      return cloud_first();
    }
    // A near-certain FAQ match is answered from the FAQ itself: the right fact, in no time. Not
    // for a request that brings tools or a response format (checked above), which wants a model.
    if (f.faq && f.faq_score >= config_.faq.answer_threshold) {
      d.rule = "default:faq_answer";
      d.reasons.push_back("FAQ match " + d.faq_id + " (score " + format_score(f.faq_score) + "): answered from the FAQ");
      return {&faq_model_};
    }
    if (f.faq && f.faq_score >= config_.faq.local_threshold) {
      d.rule = "default:faq";
      d.reasons.push_back("FAQ match " + d.faq_id + " (score " + format_score(f.faq_score) + "): local first");
      return local_first();
    }
    if (f.chars < kShortPromptChars) {
      d.rule = "default:short";
      d.reasons.push_back("short prompt (" + std::to_string(f.chars) + " < 300 characters): local first");
      return local_first();
    }
    d.rule = "default:long";
    d.reasons.push_back("long prompt (" + std::to_string(f.chars) + " characters): cloud first");
    return cloud_first();
  }
  switch (rule->action) {
    case Action::local: return local_first();
    case Action::cloud: return cloud_first();
    case Action::targets: return names_to_models(rule->targets);
    case Action::faq: return {&faq_model_};
    case Action::split: {
      // One weighted draw picks the first target; the rest follow as fallbacks, heaviest first.
      double total = 0;
      for (const auto& [n, w] : rule->split) total += w;
      thread_local std::mt19937_64 rng{std::random_device{}()};
      double x = std::uniform_real_distribution<double>(0, total)(rng);
      std::vector<std::pair<std::string, double>> rest = rule->split;
      std::sort(rest.begin(), rest.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
      std::string chosen = rest.front().first;
      for (const auto& [n, w] : rule->split) {
        if (x < w) {
          chosen = n;
          break;
        }
        x -= w;
      }
      std::vector<const config::ModelConfig*> out{config_.find_model(chosen)};
      for (const auto& [n, w] : rest) {
        if (n != chosen) out.push_back(config_.find_model(n));
      }
      return out;
    }
  }
  return {};
}

// Keeps the targets of `order` that may take the request: its privacy class allows them, the key
// may reach them, and they can answer now. A key reaches a route's target when its list allows the
// target, or names the route itself: a glob that happens to match a route's name ("a-*" and a
// route "a-route") does not open the targets behind it.
void Router::admit(const std::vector<const config::ModelConfig*>& order, const Features& f, const PrivacyFacts& privacy,
                   const core::Principal& principal, const config::RouteConfig* route, TargetCheck& targets,
                   RouteDecision& d) const {
  std::vector<std::string> skipped_private, skipped_key, skipped_down, skipped_unable;
  std::string unmet_need;  // what the in-house targets left out lack
  const bool route_granted = route && principal.names(route->name);
  for (const auto* m : order) {
    if (!m) continue;
    if (privacy.privacy == PrivacyClass::local_only && !m->keeps_data_local()) {
      skipped_private.push_back(m->name);
      continue;
    }
    if (route && m != &faq_model_ && !route_granted && !principal.may_use(m->name)) {
      skipped_key.push_back(m->name);
      continue;
    }
    // A sensitive request may only go in-house: one an in-house target cannot serve must not
    // end as that target's 400 ("local models do not call tools") but as the policy's refusal.
    if (privacy.privacy == PrivacyClass::local_only && m != &faq_model_) {
      if (auto need = missing_capability(*m, f, targets); !need.empty()) {
        skipped_unable.push_back(m->name + " (" + need + ")");
        unmet_need = need;
        continue;
      }
    }
    if (auto why = targets.unavailable(*m); !why.empty()) {
      skipped_down.push_back(m->name + " (" + why + ")");
      d.skipped.emplace_back(m->name, why);
      continue;
    }
    d.candidates.push_back(m);
  }
  if (!skipped_private.empty()) d.reasons.push_back("not allowed for sensitive data: " + join(skipped_private));
  if (!skipped_key.empty()) d.reasons.push_back("not allowed for this key: " + join(skipped_key));
  if (!skipped_unable.empty()) d.reasons.push_back("cannot serve this request in-house: " + join(skipped_unable));
  if (!skipped_down.empty()) d.reasons.push_back("skipped: " + join(skipped_down));
  if (!d.candidates.empty()) return;
  if (privacy.privacy == PrivacyClass::local_only && !unmet_need.empty()) {
    d.refusal = core::Error::privacy_policy("This request contains sensitive data (" + join(privacy.kinds) +
                                            ") so it must stay in-house, but " + describe_need(unmet_need) +
                                            "; it was not sent to any cloud target.");
  } else if (privacy.privacy == PrivacyClass::local_only) {
    d.refusal = core::Error::privacy_policy("This request contains sensitive data (" + join(privacy.kinds) +
                                            ") and no healthy local target can take it; it was not sent to any cloud target.");
  } else if (skipped_down.empty() && !skipped_key.empty()) {
    d.refusal = core::Error::permission("The API key '" + principal.key_name + "' may not use any target of '" + d.route + "'.");
  } else {
    d.refusal = core::Error::unavailable("No target of '" + d.route + "' is available right now: " + join(skipped_down) + ".");
  }
}

core::Result<RouteDecision> Router::decide(const core::ChatRequest& request, std::string_view text,
                                           const PrivacyFacts& privacy, const core::Principal& principal,
                                           TargetCheck& targets) const {
  RouteDecision d;
  d.route = request.model;
  const auto* model = config_.find_model(request.model);
  const config::RouteConfig* route = nullptr;
  for (const auto& r : config_.routes) {
    if (r.name == request.model) route = &r;
  }
  if (!model && !route) return core::Error::model_not_found(request.model);
  if (!principal.may_use(request.model)) {
    return core::Error::permission("The API key '" + principal.key_name + "' may not use model '" + request.model + "'.");
  }
  auto f = measure(request, text, privacy, d);
  if (route && !route->local.empty()) {
    if (auto load = targets.local_load(route->local.front())) f.long_context = load->context > 0 && f.tokens > load->context;
  }
  std::vector<const config::ModelConfig*> order;
  if (model) {
    d.rule = "direct";
    d.reasons.push_back("model named directly");
    order.push_back(model);
  } else {
    order = order_for(*route, first_match(*route, f, principal, targets, d), f, d);
  }
  admit(order, f, privacy, principal, route, targets, d);
  return d;
}

}  // namespace sy::router
