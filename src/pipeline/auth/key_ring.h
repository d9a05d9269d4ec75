#pragma once
// Every key a server accepts, and who each one is: the config's keys (each kept as its SHA-256,
// with its role, default user), the admin_key (role admin), and the keys kept in the store
// (`switchyard keys`), followed live.
//
// Store keys are held in memory by their prefix (ops/key_secret.h); a presented key costs one hash
// lookup and, for the few keys under its prefix, one salted SHA-256 each, compared in constant
// time. A thread of its own polls the store's keys generation (one small read every `poll`) and
// reloads the keys only when it moved, so a key made, revoked or rotated on any replica (or by
// the CLI) is seen within a poll, off the request path.
//
// Open (every caller "anonymous", role user) only while the config has no keys and the store has
// never had one: revoking the last store key does not open the server.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "config/config.h"
#include "core/principal.h"
#include "core/result.h"
#include "ops/key_secret.h"

namespace sy::store {
class Store;
}
namespace sy::ops {
class Budgets;
}

namespace sy::pipeline {

struct KeyRingOptions {
  std::chrono::milliseconds poll{250};
};

class KeyRing {
 public:
  // The config's keys and admin key only (no store followed).
  explicit KeyRing(const std::vector<config::ApiKey>& keys, const std::string& admin_key = {});
  // And the store's keys; a store key's limits are given to `budgets` (may be null).
  KeyRing(const config::Config& config, std::shared_ptr<store::Store> store, ops::Budgets* budgets,
          KeyRingOptions options = {});
  ~KeyRing();
  KeyRing(const KeyRing&) = delete;
  KeyRing& operator=(const KeyRing&) = delete;

  // Reads the store's keys once (an error if it cannot), then follows them from a thread.
  core::Status start();
  void stop();

  // Who presents `key`: 401 (OpenAI's authentication_error) when it is no key, or a revoked or
  // expired one, saying which.
  core::Result<core::Principal> authenticate(std::string_view key, int64_t now_ms) const;
  bool open() const;
  // Whether any key could reach the admin API (the admin key, or a key whose role is not user).
  bool admin_possible() const;
  // The store keys generation this server runs; -1 before the first load.
  int64_t applied_generation() const;
  // Reload now if the generation moved (the follower does this every poll).
  core::Status refresh();

 private:
  struct StoreEntry {
    std::vector<unsigned char> salt;
    ops::KeyHash hash{};
    core::Principal principal;
    int64_t expires_ms = 0;
    bool revoked = false;
  };
  struct Snapshot {
    std::unordered_map<std::string, std::vector<StoreEntry>> by_prefix;
    bool ever_had_keys = false;
    bool admin_roles = false;
    int64_t generation = -1;
  };
  struct ConfigEntry {
    ops::KeyHash digest{};
    core::Principal principal;
  };

  std::shared_ptr<const Snapshot> snapshot() const;
  void follow();

  std::vector<ConfigEntry> config_keys_;
  std::optional<ops::KeyHash> admin_digest_;
  bool config_admin_roles_ = false;
  std::shared_ptr<store::Store> store_;
  ops::Budgets* budgets_ = nullptr;
  KeyRingOptions options_;

  mutable std::mutex mu_;  // snapshot_
  std::shared_ptr<const Snapshot> snapshot_;
  // The snapshot's flags, read on every request without the lock.
  std::atomic<bool> store_had_keys_{false};
  std::atomic<bool> store_admin_roles_{false};

  std::mutex wake_mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread follower_;
};

}  // namespace sy::pipeline
