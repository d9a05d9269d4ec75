#pragma once
// Who is calling, from the key a request presents (pipeline/auth/key_ring: the config's keys, the
// admin key, and the store's keys followed live). Keys are never logged; only their names reach
// the record. With no keys at all the server is open (warned about at start) and every caller is
// "anonymous".
#include <memory>
#include <vector>

#include "config/config.h"
#include "pipeline/auth/key_ring.h"
#include "pipeline/stage.h"

namespace sy::pipeline {

class AuthStage final : public Stage {
 public:
  // What the chain's endpoints need of a key: any (listing models) or the right to call models
  // (user, operator, admin: core::may_infer).
  enum class Access { any, inference };

  // A ring of the config's keys alone, for inference (tests and tools).
  explicit AuthStage(const std::vector<config::ApiKey>& keys);
  AuthStage(std::shared_ptr<const KeyRing> keys, Access access);
  std::string_view name() const override { return "auth"; }
  bool admission() const override { return true; }
  FilterPtr start(RequestState& state) const override;

  // The caller's principal on the state (and its key name on the record), or 401 / 403.
  core::Status check(RequestState& s) const;
  core::Result<core::Principal> authenticate(const http::Request& request) const;
  bool open() const { return keys_->open(); }

  // The key a request presents: Authorization: Bearer, x-api-key (Anthropic SDK) or api-key (Azure).
  static std::string_view presented_key(const http::Request& request);

 private:
  std::shared_ptr<const KeyRing> keys_;
  Access access_ = Access::inference;
  std::unique_ptr<Filter> filter_;  // stateless: one for every request
};

// The admin API (/admin/...): a key whose role reaches the method and path asked for
// (pipeline/auth/admin_access: the one table); off while no key could (no admin_key, no key with
// a role beyond user).
class AdminAuthStage final : public Stage {
 public:
  explicit AdminAuthStage(const std::string& admin_key);  // the admin key alone
  explicit AdminAuthStage(std::shared_ptr<const KeyRing> keys);
  std::string_view name() const override { return "admin_auth"; }
  bool admission() const override { return true; }
  FilterPtr start(RequestState& state) const override;

  core::Status check(RequestState& s) const;
  // Who may make this request, or 401 (no or a wrong key) / 403 (the API is off, or the key's
  // role does not reach it).
  core::Result<core::Principal> authorize(const http::Request& request) const;
  core::Status verify(const http::Request& request) const;

 private:
  std::shared_ptr<const KeyRing> keys_;
  std::unique_ptr<Filter> filter_;
};

}  // namespace sy::pipeline
