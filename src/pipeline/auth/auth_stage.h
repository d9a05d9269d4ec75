#pragma once
// Who is calling. Keys come from the config; each is kept only as its SHA-256, compared in constant
// time against every configured key, and never logged. With no keys configured the server is open
// (warned about at start) and every caller is "anonymous".
#include <array>
#include <optional>
#include <vector>

#include "config/config.h"
#include "pipeline/stage.h"

namespace sy::pipeline {

using KeyDigest = std::array<unsigned char, 32>;

class AuthStage final : public Stage {
 public:
  explicit AuthStage(const std::vector<config::ApiKey>& keys);
  std::string_view name() const override { return "auth"; }
  bool admission() const override { return true; }
  FilterPtr start(RequestState& state) const override;

  // The caller's principal on the state (and its key name on the record), or 401.
  core::Status check(RequestState& s) const;
  core::Result<core::Principal> authenticate(const http::Request& request) const;
  bool open() const { return keys_.empty(); }

  // The key a request presents: Authorization: Bearer, x-api-key (Anthropic SDK) or api-key (Azure).
  static std::string_view presented_key(const http::Request& request);

 private:
  struct Entry {
    KeyDigest digest;
    core::Principal principal;
  };
  std::vector<Entry> keys_;
  std::unique_ptr<Filter> filter_;  // stateless: one for every request
};

// The admin API (/admin/...) takes only the admin key, and is off when none is configured.
class AdminAuthStage final : public Stage {
 public:
  explicit AdminAuthStage(const std::string& admin_key);
  std::string_view name() const override { return "admin_auth"; }
  bool admission() const override { return true; }
  FilterPtr start(RequestState& state) const override;

  core::Status check(RequestState& s) const;
  core::Status verify(const http::Request& request) const;

 private:
  std::optional<KeyDigest> digest_;
  std::unique_ptr<Filter> filter_;
};

}  // namespace sy::pipeline
