#include "serving/registry.h"

#include <filesystem>
#include <set>

#include <spdlog/spdlog.h>

#include "ops/file_digest.h"
#include "ops/traffic_share.h"
#include "providers/factory.h"
#include "providers/local/local_provider.h"
#include "providers/unavailable_provider.h"

namespace sy::serving {

const char* to_string(Role r) {
  switch (r) {
    case Role::production: return "production";
    case Role::canary: return "canary";
    case Role::shadow: return "shadow";
    case Role::pinned: return "pinned";
  }
  return "?";
}

Deployment::~Deployment() = default;

Registry::Registry(std::shared_ptr<const config::Config> config, std::shared_ptr<store::Store> store, ops::Metrics& metrics,
                   RegistryOptions options)
    : config_(std::move(config)), store_(std::move(store)), metrics_(metrics), options_(options) {
  snapshot_ = std::make_shared<Snapshot>();
}

Registry::~Registry() {
  {
    std::lock_guard lock(wake_mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (follower_.joinable()) follower_.join();
}

core::Status Registry::start() {
  if (auto s = seed(); !s) return s;
  auto s = refresh();
  start_digests_.clear();  // from now on every deployment hashes its file afresh
  if (!s) return s;
  follower_ = std::thread([this] { follow(); });
  return core::Ok{};
}

namespace {

// The config's artifact for a model, as a version: a GGUF path and its digest, or an upstream name.
store::ModelVersion config_version(const config::ModelConfig& m, const std::string& config_file, std::string name,
                                   std::string digest) {
  store::ModelVersion v;
  v.model = m.name;
  v.version = std::move(name);
  v.author = "config";
  v.notes = "registered from " + config_file;
  v.parameters = m.parameters;
  if (m.provider == config::ProviderKind::local) {
    v.path = m.path;
    v.sha256 = std::move(digest);
  } else {
    v.upstream_model = m.upstream_model;
  }
  return v;
}

// The first "vN" no version of the model has taken.
std::string next_version_name(const store::RegistryState& state, const std::string& model) {
  std::set<std::string> taken;
  for (const auto& v : state.versions) {
    if (v.model == model) taken.insert(v.version);
  }
  int n = 1;
  while (taken.contains("v" + std::to_string(n))) ++n;
  return "v" + std::to_string(n);
}

}  // namespace

// The config drives a model until someone uses the registry for it: a model the store has never
// seen becomes v1; and while production is still a version the config made, a changed artifact
// in the config (a new file at the path, another upstream model) becomes the next version and
// production, recorded like any other change. Once a person promoted a version, the config's
// artifact no longer moves production.
core::Status Registry::seed() {
  auto state = store_->load_registry();
  if (!state) return state.error();
  for (const auto& m : config_->models) {
    const store::ModelVersion* production = nullptr;
    bool known = false;
    for (const auto& a : state->aliases) {
      if (a.model != m.name || a.alias != "production") continue;
      for (const auto& v : state->versions) {
        if (v.model == a.model && v.version == a.version) production = &v;
      }
    }
    for (const auto& v : state->versions) known = known || v.model == m.name;
    std::string name;
    std::string digest;
    if (m.provider == config::ProviderKind::local) {
      if (auto d = ops::sha256_file(m.path)) digest = start_digests_[m.path] = *d;
    }
    auto wanted = config_version(m, config_->file, "", digest);
    if (!known) {
      name = "v1";
    } else if (production && production->author == "config" &&
               (production->path != wanted.path || production->sha256 != wanted.sha256 ||
                production->upstream_model != wanted.upstream_model || production->parameters != wanted.parameters)) {
      name = next_version_name(*state, m.name);
      spdlog::warn("registry: model '{}': the config's artifact differs from production version '{}'; registering it as '{}'",
                   m.name, production->version, name);
    } else {
      continue;
    }
    wanted.version = name;
    // Another replica starting at the same moment may have done it first: that is fine.
    if (auto s = store_->add_version(wanted); !s && s.error().status != 409) return s;
    if (auto s = store_->set_alias(m.name, "production", name, 100, "config"); !s && s.error().status != 409) return s;
    spdlog::info("registry: model '{}' registered as version {} (production)", m.name, name);
  }
  return core::Ok{};
}

core::Status Registry::refresh() {
  auto generation = store_->generation();
  if (!generation) return generation.error();
  if (*generation == applied_generation()) return core::Ok{};
  auto state = store_->load_registry();
  if (!state) return state.error();
  apply(*state);
  return core::Ok{};
}

core::Result<std::string> Registry::digest_of(const std::string& path) {
  // At start the seeding just hashed the config's files: a multi-GB GGUF is read once, not twice.
  if (auto it = start_digests_.find(path); it != start_digests_.end()) {
    auto digest = std::move(it->second);
    start_digests_.erase(it);
    return digest;
  }
  return ops::sha256_file(path);
}

std::shared_ptr<Deployment> Registry::deployment_for(
    const config::ModelConfig& base, const store::ModelVersion* version,
    std::map<std::pair<std::string, std::string>, std::shared_ptr<Deployment>>& made) {
  std::pair<std::string, std::string> key{base.name, version ? version->version : ""};
  if (auto it = made.find(key); it != made.end()) return it->second;
  if (auto it = live_.find(key); it != live_.end()) return made[key] = it->second;

  auto d = std::make_shared<Deployment>();
  d->model = base.name;
  d->version = key.second;
  d->config = base;
  d->breaker = std::make_unique<router::CircuitBreaker>(base.breaker.failures, base.breaker.open_for);
  if (version) {
    if (base.provider == config::ProviderKind::local) {
      if (!version->path.empty()) d->config.path = version->path;
    } else if (!version->upstream_model.empty()) {
      if (base.deployment == base.upstream_model) d->config.deployment = version->upstream_model;
      d->config.upstream_model = version->upstream_model;
    }
  }
  d->series = &metrics_.version(d->model, d->version.empty() ? "config" : d->version);
  if (version) {
    auto parameters = ops::parse_version_parameters(version->parameters);
    if (parameters) d->parameters = std::move(*parameters);
    else spdlog::error("model '{}' version '{}': {}; serving without them", d->model, d->version, parameters.error().message);
  }
  std::string refused;
  bool file_missing = false;  // unconfigured rather than failed (/readyz), and no path in the reason
  if (version && !version->sha256.empty() && base.provider == config::ProviderKind::local) {
    // A registered file that changed since is not what was evaluated and approved: it does not serve.
    auto digest = digest_of(d->config.path);
    std::error_code ec;
    if (!digest) {
      refused = digest.error().message;
      file_missing = !std::filesystem::exists(d->config.path, ec);
    } else if (*digest != version->sha256) refused = "'" + d->config.path + "' changed since it was registered (sha256 differs)";
  }
  if (!refused.empty()) {
    d->provider = file_missing ? std::make_unique<providers::UnavailableProvider>("unconfigured: the model file does not exist", true)
                               : std::make_unique<providers::UnavailableProvider>(refused);
  } else {
    d->provider = providers::make_provider(d->config, config_->limits);
    if (base.provider == config::ProviderKind::local) {
      d->local = static_cast<providers::LocalProvider*>(d->provider.get());
      if (auto s = d->local->load(); !s) refused = s.error().message;
    }
  }
  if (!refused.empty()) spdlog::error("model '{}' version '{}': {}", d->model, d->version, refused);
  return made[key] = d;
}

void Registry::apply(const store::RegistryState& state) {
  std::map<std::pair<std::string, std::string>, const store::ModelVersion*> versions;
  for (const auto& v : state.versions) {
    if (v.state == "active") versions[{v.model, v.version}] = &v;
  }
  std::map<std::pair<std::string, std::string>, std::shared_ptr<Deployment>> made;
  auto next = std::make_shared<Snapshot>();
  auto old = snapshot();
  for (const auto& m : config_->models) {
    ModelRoutes r;
    auto version_of = [&](const store::Alias& a) -> const store::ModelVersion* {
      auto it = versions.find({a.model, a.version});
      return it == versions.end() ? nullptr : it->second;
    };
    for (const auto& a : state.aliases) {
      if (a.model != m.name || a.alias != "production") continue;
      if (const auto* v = version_of(a)) r.production = deployment_for(m, v, made);
    }
    if (!r.production) r.production = deployment_for(m, nullptr, made);
    r.by_name["production"] = r.production;
    if (!r.production->version.empty()) r.by_name[r.production->version] = r.production;
    for (const auto& a : state.aliases) {
      if (a.model != m.name || a.alias == "production") continue;
      const auto* v = version_of(a);
      if (!v) continue;
      auto d = deployment_for(m, v, made);
      r.by_name[a.alias] = d;
      r.by_name[a.version] = d;
      if (a.alias == "canary") {
        r.canary = d;
        r.canary_percent = a.percent;
      } else if (a.alias == "shadow") {
        r.shadow = d;
        r.shadow_percent = a.percent;
      }
    }
    auto before = old->find(m.name);
    auto describe = [](const ModelRoutes& x) {
      std::string s = "production " + (x.production->version.empty() ? std::string("(config)") : x.production->version);
      if (x.canary) s += ", canary " + x.canary->version + " " + std::to_string(static_cast<int>(x.canary_percent)) + "%";
      if (x.shadow) s += ", shadow " + x.shadow->version + " " + std::to_string(static_cast<int>(x.shadow_percent)) + "%";
      return s;
    };
    if (before == old->end() || describe(before->second) != describe(r)) {
      spdlog::info("registry: model '{}': {}", m.name, describe(r));
    }
    (*next)[m.name] = std::move(r);
  }
  for (auto& [key, d] : live_) {
    if (!made.contains(key)) retiring_.push_back(d);
  }
  live_ = std::move(made);
  std::lock_guard lock(mu_);
  snapshot_ = std::move(next);
  applied_ = state.generation;
}

void Registry::reap() {
  std::erase_if(retiring_, [](const std::shared_ptr<Deployment>& d) {
    // Only this list holds it: the snapshot let go, and every request that had it has ended.
    if (d.use_count() > 1) return false;
    spdlog::info("registry: model '{}' version '{}' has no requests left; {}", d->model, d->version,
                 d->local ? "unloading it" : "closing it");
    if (d->local) (void)d->local->unload();
    return true;
  });
}

void Registry::follow() {
  auto last_error = std::chrono::steady_clock::time_point{};
  while (true) {
    {
      std::unique_lock lock(wake_mu_);
      wake_.wait_for(lock, options_.poll, [this] { return poked_ || stop_; });
      if (stop_) break;
      poked_ = false;
    }
    if (auto s = refresh(); !s) {
      // Serving goes on with the last snapshot; say so, but not five times a second.
      auto now = std::chrono::steady_clock::now();
      if (now - last_error > std::chrono::seconds(30)) {
        spdlog::error("registry: cannot read the store: {}", s.error().message);
        last_error = now;
      }
    }
    reap();
  }
  retiring_.clear();
}

void Registry::poke() {
  {
    std::lock_guard lock(wake_mu_);
    poked_ = true;
  }
  wake_.notify_all();
}

int64_t Registry::applied_generation() const {
  std::lock_guard lock(mu_);
  return applied_;
}

std::shared_ptr<const Registry::Snapshot> Registry::snapshot() const {
  std::lock_guard lock(mu_);
  return snapshot_;
}

std::optional<Resolved> Registry::resolve(const std::string& model, std::string_view caller, std::string_view pinned) const {
  auto snap = snapshot();
  auto it = snap->find(model);
  if (it == snap->end()) return std::nullopt;
  const auto& r = it->second;
  if (!pinned.empty()) {
    auto p = r.by_name.find(std::string(pinned));
    if (p == r.by_name.end()) return std::nullopt;
    return Resolved{p->second, Role::pinned};
  }
  if (r.canary && ops::in_share(model, caller, r.canary_percent)) return Resolved{r.canary, Role::canary};
  return Resolved{r.production, Role::production};
}

std::optional<Resolved> Registry::shadow_for(const std::string& model, std::string_view request_id) const {
  auto snap = snapshot();
  auto it = snap->find(model);
  if (it == snap->end() || !it->second.shadow) return std::nullopt;
  if (!ops::in_share("shadow:" + model, request_id, it->second.shadow_percent)) return std::nullopt;
  return Resolved{it->second.shadow, Role::shadow};
}

std::shared_ptr<Deployment> Registry::production(const std::string& model) const {
  auto snap = snapshot();
  auto it = snap->find(model);
  return it == snap->end() ? nullptr : it->second.production;
}

std::vector<std::shared_ptr<Deployment>> Registry::deployments() const {
  auto snap = snapshot();
  std::vector<std::shared_ptr<Deployment>> out;
  std::set<Deployment*> seen;
  for (const auto& [name, r] : *snap) {
    for (const auto& [alias, d] : r.by_name) {
      if (seen.insert(d.get()).second) out.push_back(d);
    }
  }
  return out;
}

}  // namespace sy::serving
