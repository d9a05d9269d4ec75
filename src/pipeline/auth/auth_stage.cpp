#include "pipeline/auth/auth_stage.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace sy::pipeline {

namespace {

KeyDigest digest_of(std::string_view key) {
  KeyDigest d{};
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), d.data());
  return d;
}

bool same(const KeyDigest& a, const KeyDigest& b) { return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0; }

}  // namespace

AuthStage::AuthStage(const std::vector<config::ApiKey>& keys) : filter_(std::make_unique<CheckFilter<AuthStage>>(*this)) {
  for (const auto& k : keys) keys_.push_back({digest_of(k.key), core::Principal{k.name, k.team, k.models}});
}

FilterPtr AuthStage::start(RequestState&) const { return shared_filter(*filter_); }

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

core::Status AuthStage::check(RequestState& s) const {
  auto principal = authenticate(*s.http);
  if (!principal) return principal.error();
  s.principal = std::move(*principal);
  s.record.key_name = s.principal.key_name;
  s.record.team = s.principal.team;
  return core::Ok{};
}

core::Result<core::Principal> AuthStage::authenticate(const http::Request& request) const {
  if (keys_.empty()) return core::Principal{};  // open mode, warned about at start
  auto key = presented_key(request);
  if (key.empty()) {
    return core::Error::authentication("You didn't provide an API key. Send it as 'Authorization: Bearer <key>'.");
  }
  // Hashing first makes every comparison the same length; every key is compared, so the time
  // taken does not tell which key (if any) matched.
  auto presented = digest_of(key);
  const Entry* match = nullptr;
  for (const auto& e : keys_) {
    if (same(e.digest, presented)) match = &e;
  }
  if (!match) return core::Error::authentication("Incorrect API key provided.");
  return match->principal;
}

AdminAuthStage::AdminAuthStage(const std::string& admin_key) : filter_(std::make_unique<CheckFilter<AdminAuthStage>>(*this)) {
  if (!admin_key.empty()) digest_ = digest_of(admin_key);
}

FilterPtr AdminAuthStage::start(RequestState&) const { return shared_filter(*filter_); }

core::Status AdminAuthStage::check(RequestState& s) const {
  if (auto verified = verify(*s.http); !verified) return verified;
  s.principal.key_name = "admin";
  s.record.key_name = "admin";
  return core::Ok{};
}

core::Status AdminAuthStage::verify(const http::Request& request) const {
  if (!digest_) return core::Error::permission("The admin API is off: set admin_key in the config to use it.");
  auto key = AuthStage::presented_key(request);
  if (key.empty()) return core::Error::authentication("The admin API needs the admin key as 'Authorization: Bearer <key>'.");
  if (!same(*digest_, digest_of(key))) return core::Error::authentication("Incorrect admin key provided.");
  return core::Ok{};
}

}  // namespace sy::pipeline
