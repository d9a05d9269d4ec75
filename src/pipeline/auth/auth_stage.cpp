#include "pipeline/auth/auth_stage.h"

#include <chrono>

#include "ops/utc_time.h"
#include "pipeline/auth/admin_access.h"

namespace sy::pipeline {

namespace {

std::string path_of(const http::Request& request) {
  auto target = request.target();
  return std::string(target.substr(0, target.find('?')));
}

}  // namespace

AuthStage::AuthStage(const std::vector<config::ApiKey>& keys)
    : AuthStage(std::make_shared<const KeyRing>(keys), Access::inference) {}

AuthStage::AuthStage(std::shared_ptr<const KeyRing> keys, Access access)
    : keys_(std::move(keys)), access_(access), filter_(std::make_unique<CheckFilter<AuthStage>>(*this)) {}

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
  if (keys_->open()) return core::Principal{};  // open mode, warned about at start
  auto key = presented_key(request);
  if (key.empty()) {
    return core::Error::authentication("You didn't provide an API key. Send it as 'Authorization: Bearer <key>'.");
  }
  auto principal = keys_->authenticate(key, ops::now_ms());
  if (!principal) return principal.error();
  if (access_ == Access::inference && !core::may_infer(principal->role)) {
    return core::Error::permission("API key '" + principal->key_name + "' has role '" + core::to_string(principal->role) +
                                   "', which may not call models (roles user, operator and admin may).");
  }
  return principal;
}

AdminAuthStage::AdminAuthStage(const std::string& admin_key)
    : AdminAuthStage(std::make_shared<const KeyRing>(std::vector<config::ApiKey>{}, admin_key)) {}

AdminAuthStage::AdminAuthStage(std::shared_ptr<const KeyRing> keys)
    : keys_(std::move(keys)), filter_(std::make_unique<CheckFilter<AdminAuthStage>>(*this)) {}

FilterPtr AdminAuthStage::start(RequestState&) const { return shared_filter(*filter_); }

core::Status AdminAuthStage::check(RequestState& s) const {
  auto principal = authorize(*s.http);
  if (!principal) return principal.error();
  s.principal = std::move(*principal);
  s.record.key_name = s.principal.key_name;
  s.record.team = s.principal.team;
  return core::Ok{};
}

core::Result<core::Principal> AdminAuthStage::authorize(const http::Request& request) const {
  if (!keys_->admin_possible()) {
    return core::Error::permission(
        "The admin API is off: set admin_key in the config, or give a key a role (viewer, auditor, operator, admin), to use it.");
  }
  auto key = AuthStage::presented_key(request);
  if (key.empty()) return core::Error::authentication("The admin API needs a key with an admin role as 'Authorization: Bearer <key>'.");
  auto principal = keys_->authenticate(key, ops::now_ms());
  if (!principal) {
    if (principal.error().message == "Incorrect API key provided.") return core::Error::authentication("Incorrect admin key provided.");
    return principal.error();
  }
  auto path = path_of(request);
  if (!admin_allows(principal->role, request.method(), path)) {
    return core::Error::permission("API key '" + principal->key_name + "' has role '" + core::to_string(principal->role) +
                                   "'; " + std::string(request.method_string()) + " " + path + " takes the role " +
                                   admin_roles_for(request.method(), path) + ".");
  }
  return principal;
}

core::Status AdminAuthStage::verify(const http::Request& request) const {
  auto principal = authorize(request);
  if (!principal) return principal.error();
  return core::Ok{};
}

}  // namespace sy::pipeline
