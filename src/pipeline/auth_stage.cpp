#include "pipeline/auth_stage.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace sy::pipeline {

namespace {
std::array<unsigned char, 32> digest_of(std::string_view key) {
  std::array<unsigned char, 32> d{};
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), d.data());
  return d;
}
}  // namespace

AuthStage::AuthStage(const std::vector<config::ApiKey>& keys, const std::string& admin_key) {
  for (const auto& k : keys) {
    keys_.push_back({digest_of(k.key), core::Principal{k.name, k.team, k.models}});
  }
  if (!admin_key.empty()) admin_digest_ = digest_of(admin_key);
}

core::Status AuthStage::check_admin(const http::Request& request) const {
  if (!admin_digest_) return core::Error::permission("The admin API is off: set admin_key in the config to use it.");
  auto key = presented_key(request);
  if (key.empty()) return core::Error::authentication("The admin API needs the admin key as 'Authorization: Bearer <key>'.");
  auto presented = digest_of(key);
  if (CRYPTO_memcmp(admin_digest_->data(), presented.data(), presented.size()) != 0) {
    return core::Error::authentication("Incorrect admin key provided.");
  }
  return core::Ok{};
}

std::string_view AuthStage::presented_key(const http::Request& request) {
  auto auth = request[http::bhttp::field::authorization];
  if (auth.size() > 7 && (auth.substr(0, 7) == "Bearer " || auth.substr(0, 7) == "bearer ")) {
    auto key = auth.substr(7);
    while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
    return key;
  }
  if (auto k = request["x-api-key"]; !k.empty()) return k;
  return request["api-key"];
}

core::Result<Verdict> AuthStage::on_request(RequestContext& ctx) {
  if (keys_.empty()) return Verdict::next;  // open mode, warned about at start
  auto key = presented_key(*ctx.http);
  if (key.empty()) {
    return core::Error::authentication(
        "You didn't provide an API key. Send it as 'Authorization: Bearer <key>'.");
  }
  // Hashing first makes every comparison the same length; every key is compared, so the time
  // taken does not tell which key (if any) matched.
  auto presented = digest_of(key);
  const Entry* match = nullptr;
  for (const auto& e : keys_) {
    if (CRYPTO_memcmp(e.digest.data(), presented.data(), presented.size()) == 0) match = &e;
  }
  if (!match) return core::Error::authentication("Incorrect API key provided.");
  ctx.principal = match->principal;
  return Verdict::next;
}

}  // namespace sy::pipeline
