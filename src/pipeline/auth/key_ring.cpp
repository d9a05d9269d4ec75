#include "pipeline/auth/key_ring.h"

#include <set>

#include <spdlog/spdlog.h>

#include "ops/budgets.h"
#include "ops/utc_time.h"
#include "store/store.h"

namespace sy::pipeline {

namespace {

ops::KeyHash digest_of(std::string_view key) { return ops::sha256(key); }

std::string time_text(int64_t ms) {
  std::string out;
  ops::append_utc_time(out, ms);
  return out;
}

}  // namespace

KeyRing::KeyRing(const std::vector<config::ApiKey>& keys, const std::string& admin_key)
    : snapshot_(std::make_shared<Snapshot>()) {
  for (const auto& k : keys) {
    config_keys_.push_back({digest_of(k.key), core::Principal{k.name, k.team, k.models, k.role}});
    if (k.role != core::Role::user) config_admin_roles_ = true;
  }
  if (!admin_key.empty()) admin_digest_ = digest_of(admin_key);
}

KeyRing::KeyRing(const config::Config& config, std::shared_ptr<store::Store> store, ops::Budgets* budgets,
                 KeyRingOptions options)
    : KeyRing(config.keys, config.admin_key) {
  store_ = std::move(store);
  budgets_ = budgets;
  options_ = options;
}

KeyRing::~KeyRing() { stop(); }

core::Status KeyRing::start() {
  if (!store_) return core::Ok{};
  if (auto s = refresh(); !s) return s;
  follower_ = std::thread([this] { follow(); });
  return core::Ok{};
}

void KeyRing::stop() {
  {
    std::lock_guard lock(wake_mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (follower_.joinable()) follower_.join();
}

std::shared_ptr<const KeyRing::Snapshot> KeyRing::snapshot() const {
  std::lock_guard lock(mu_);
  return snapshot_;
}

int64_t KeyRing::applied_generation() const { return snapshot()->generation; }

bool KeyRing::open() const { return config_keys_.empty() && !store_had_keys_.load(std::memory_order_acquire); }

bool KeyRing::admin_possible() const {
  return admin_digest_ || config_admin_roles_ || store_admin_roles_.load(std::memory_order_acquire);
}

core::Status KeyRing::refresh() {
  if (!store_) return core::Ok{};
  auto generation = store_->keys_generation();
  if (!generation) return generation.error();
  if (*generation == applied_generation()) return core::Ok{};
  auto keys = store_->list_keys();
  if (!keys) return keys.error();
  std::set<std::string> config_names;
  for (const auto& c : config_keys_) config_names.insert(c.principal.key_name);
  auto next = std::make_shared<Snapshot>();
  next->generation = *generation;
  next->ever_had_keys = !keys->empty();
  for (const auto& k : *keys) {
    if (config_names.contains(k.name)) {
      spdlog::warn("keys: the store's key '{}' is ignored: the config has a key of that name", k.name);
      continue;
    }
    auto role = core::parse_role(k.role);
    auto salt = ops::from_hex(k.salt);
    auto hash = ops::from_hex(k.hash);
    if (!role || salt.empty() || hash.size() != ops::KeyHash{}.size()) {
      spdlog::error("keys: the store's key '{}' is malformed (role, salt or hash) and is refused", k.name);
      continue;
    }
    StoreEntry e;
    e.salt = std::move(salt);
    std::copy(hash.begin(), hash.end(), e.hash.begin());
    e.principal = core::Principal{k.name, k.team, k.models, *role};
    e.expires_ms = k.expires_ms;
    e.revoked = k.revoked();
    if (!e.revoked && *role != core::Role::user) next->admin_roles = true;
    if (!e.revoked && budgets_) {
      budgets_->set_key_limits(k.name, config::UsageLimits{k.requests_per_minute, k.tokens_per_minute, k.usd_per_month});
    }
    next->by_prefix[k.prefix].push_back(std::move(e));
  }
  // The keys first, then the flags: a request that sees the server closed finds the keys.
  bool had_keys = next->ever_had_keys;
  bool admin_roles = next->admin_roles;
  {
    std::lock_guard lock(mu_);
    snapshot_ = std::move(next);
  }
  store_had_keys_.store(had_keys, std::memory_order_release);
  store_admin_roles_.store(admin_roles, std::memory_order_release);
  return core::Ok{};
}

void KeyRing::follow() {
  auto last_error = std::chrono::steady_clock::time_point{};
  while (true) {
    {
      std::unique_lock lock(wake_mu_);
      wake_.wait_for(lock, options_.poll, [this] { return stop_; });
      if (stop_) break;
    }
    if (auto s = refresh(); !s) {
      // The keys known last stay in force; say so, but not four times a second.
      auto now = std::chrono::steady_clock::now();
      if (now - last_error > std::chrono::seconds(30)) {
        spdlog::error("keys: cannot read the store's keys (the last ones read stay in force): {}", s.error().message);
        last_error = now;
      }
    }
  }
}

core::Result<core::Principal> KeyRing::authenticate(std::string_view key, int64_t now_ms) const {
  // Hashing first makes every comparison the same length; every config key is compared, so the
  // time taken does not tell which one (if any) matched.
  auto presented = digest_of(key);
  const core::Principal* match = nullptr;
  for (const auto& e : config_keys_) {
    if (ops::same_hash(e.digest, presented)) match = &e.principal;
  }
  if (match) return *match;
  if (admin_digest_ && ops::same_hash(*admin_digest_, presented)) {
    return core::Principal{"admin", "", {"*"}, core::Role::admin};
  }
  if (auto prefix = ops::key_prefix(key); !prefix.empty()) {
    auto snap = snapshot();
    if (auto it = snap->by_prefix.find(std::string(prefix)); it != snap->by_prefix.end()) {
      for (const auto& e : it->second) {
        if (!ops::same_hash(ops::salted_hash(e.salt, key), e.hash)) continue;
        if (e.revoked) return core::Error::authentication("API key '" + e.principal.key_name + "' has been revoked.");
        if (e.expires_ms && e.expires_ms <= now_ms) {
          return core::Error::authentication("API key '" + e.principal.key_name + "' expired at " + time_text(e.expires_ms) +
                                             "; ask for a new one.");
        }
        return e.principal;
      }
    }
  }
  return core::Error::authentication("Incorrect API key provided.");
}

}  // namespace sy::pipeline
