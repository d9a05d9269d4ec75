#pragma once
// Who is calling. Keys come from the config (and later the store); each is kept only as its
// SHA-256, compared in constant time against every configured key, and never logged.
#include <array>
#include <optional>
#include <vector>

#include "config/config.h"
#include "pipeline/stage.h"

namespace sy::pipeline {

class AuthStage final : public Stage {
 public:
  AuthStage(const std::vector<config::ApiKey>& keys, const std::string& admin_key = {});
  std::string_view name() const override { return "auth"; }
  core::Result<Verdict> on_request(RequestContext& ctx) override;
  bool open() const { return keys_.empty(); }
  // The admin API (/admin/...) takes only the admin key, and is off when none is configured.
  core::Status check_admin(const http::Request& request) const;

  // The key a request presents: Authorization: Bearer, x-api-key (Anthropic SDK) or api-key (Azure).
  static std::string_view presented_key(const http::Request& request);

 private:
  struct Entry {
    std::array<unsigned char, 32> digest;
    core::Principal principal;
  };
  std::vector<Entry> keys_;
  std::optional<std::array<unsigned char, 32>> admin_digest_;
};

}  // namespace sy::pipeline
