#pragma once
// The model registry at run time: which version of each configured model serves, for whom.
// The store holds versions and aliases (production, canary, shadow, staging, ...); this keeps a
// snapshot of them with a ready provider for every version an alias names, and follows the store
// (polling its generation, or woken by the admin API), so a change made by the CLI or the API in
// any replica is live within a second, with no restart.
//
// A version's artifact (a GGUF path, or an upstream model name) replaces the config's; everything
// else (provider kind, URL, credentials, slots) is the config's. A version can never move a model
// from local to cloud, so the privacy rules that hold for the model hold for all its versions.
//
// In-flight requests hold their deployment; one dropped from the snapshot (retired, or no alias
// names it any more) is torn down, its local model unloaded, only when the last of them ends.
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "config/config.h"
#include "ops/metrics.h"
#include "ops/version_parameters.h"
#include "providers/provider.h"
#include "router/circuit_breaker.h"
#include "store/store.h"

namespace sy::providers {
class LocalProvider;
}

namespace sy::serving {

enum class Role { production, canary, shadow, pinned };
const char* to_string(Role r);

// One model version made servable.
struct Deployment {
  std::string model;
  std::string version;             // "" = the config's own artifact (the model has no production alias)
  config::ModelConfig config;      // the model's config with the version's artifact
  std::unique_ptr<providers::Provider> provider;
  providers::LocalProvider* local = nullptr;  // the provider, when it is local
  ops::ModelSeries* series = nullptr;   // metrics for this model and version
  ops::VersionParameters parameters;    // request defaults the version sets (system prompt, sampling)
  // One circuit per deployment, not per model: a failing canary must not open the circuit of the
  // production version beside it (nor a healthy canary close a failing production's).
  std::unique_ptr<router::CircuitBreaker> breaker;
  ~Deployment();
};

struct Resolved {
  std::shared_ptr<Deployment> deployment;
  Role role = Role::production;
};

struct RegistryOptions {
  std::chrono::milliseconds poll{200};
};

class Registry {
 public:
  Registry(std::shared_ptr<const config::Config> config, std::shared_ptr<store::Store> store, ops::Metrics& metrics,
           RegistryOptions options = {});
  ~Registry();

  // Seeds a version "v1" (the config's artifact, alias production) for each configured model the
  // store has never seen, builds the deployments (loading local models: blocking), then follows the
  // store from a thread of its own.
  core::Status start();

  // Who serves `model` for this caller: the canary for the caller's sticky share, else production.
  // `pinned` asks for the version an alias or version name gives (model@staging, model@v2).
  // nullopt: not a registry model (or the pinned version is not deployed: see pinned_error).
  std::optional<Resolved> resolve(const std::string& model, std::string_view caller, std::string_view pinned = {}) const;
  // The version a shadow copy of this request goes to, if the request falls in the shadow share.
  std::optional<Resolved> shadow_for(const std::string& model, std::string_view request_id) const;
  std::shared_ptr<Deployment> production(const std::string& model) const;

  // Wakes the follower now; changes up to the store's generation at the time become live.
  void poke();
  int64_t applied_generation() const;
  // Every deployment live now, for /admin/models and /readyz.
  std::vector<std::shared_ptr<Deployment>> deployments() const;
  store::Store& store() { return *store_; }
  // Prometheus text: the generation this replica runs, and every local version's engine.
  void render_metrics(std::string& out) const;

 private:
  struct ModelRoutes {
    std::shared_ptr<Deployment> production;
    std::shared_ptr<Deployment> canary;
    double canary_percent = 0;
    std::shared_ptr<Deployment> shadow;
    double shadow_percent = 0;
    std::map<std::string, std::shared_ptr<Deployment>> by_name;  // alias and version names
  };
  using Snapshot = std::unordered_map<std::string, ModelRoutes>;

  core::Status seed();
  core::Status refresh();  // load the store's registry and apply it
  void apply(const store::RegistryState& state);
  std::shared_ptr<Deployment> deployment_for(const config::ModelConfig& base, const store::ModelVersion* version,
                                             std::map<std::pair<std::string, std::string>, std::shared_ptr<Deployment>>& made);
  core::Result<std::string> digest_of(const std::string& path);
  void follow();
  void reap();
  std::shared_ptr<const Snapshot> snapshot() const;

  std::shared_ptr<const config::Config> config_;
  std::shared_ptr<store::Store> store_;
  ops::Metrics& metrics_;
  RegistryOptions options_;

  mutable std::mutex mu_;              // snapshot_, applied_
  std::shared_ptr<const Snapshot> snapshot_;
  int64_t applied_ = -1;
  std::map<std::pair<std::string, std::string>, std::shared_ptr<Deployment>> live_;  // follower thread only
  std::vector<std::shared_ptr<Deployment>> retiring_;                                // follower thread only
  std::map<std::string, std::string> start_digests_;  // path -> sha256 hashed by seed(); start() only

  std::mutex wake_mu_;
  std::condition_variable wake_;
  bool poked_ = false;
  bool stop_ = false;
  std::thread follower_;
};

}  // namespace sy::serving
