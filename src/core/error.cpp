#include "core/error.h"

namespace sy::core {

Error Error::invalid_request(std::string message, std::string param) {
  return {400, "invalid_request_error", std::move(message), std::move(param), {}, {}};
}
Error Error::authentication(std::string message) {
  return {401, "authentication_error", std::move(message), {}, "invalid_api_key", {}};
}
Error Error::permission(std::string message) {
  return {403, "permission_error", std::move(message), {}, {}, {}};
}
Error Error::privacy_policy(std::string message) {
  return {403, "privacy_policy", std::move(message), {}, "sensitive_data", {}};
}

Error Error::model_not_found(const std::string& model) {
  return {404, "invalid_request_error", "The model '" + model + "' does not exist or you do not have access to it.",
          "model", "model_not_found", {}};
}
Error Error::not_found(std::string message) {
  return {404, "invalid_request_error", std::move(message), {}, "not_found", {}};
}
Error Error::method_not_allowed(const std::string& path, const char* allowed) {
  return {405, "invalid_request_error", std::string("Use ") + allowed + " for " + path + ".", {}, "method_not_allowed", {}};
}
Error Error::too_large(std::string message) {
  return {413, "invalid_request_error", std::move(message), {}, "request_too_large", {}};
}
Error Error::rate_limited(std::string message, std::optional<int> retry_after_s) {
  return {429, "rate_limit_error", std::move(message), {}, "rate_limit_exceeded", retry_after_s};
}
Error Error::upstream(std::string message) {
  return {502, "upstream_error", std::move(message), {}, "bad_gateway", {}};
}
Error Error::upstream_timeout(std::string message) {
  return {504, "upstream_error", std::move(message), {}, "upstream_timeout", {}};
}
Error Error::unavailable(std::string message) {
  return {503, "service_unavailable", std::move(message), {}, "unavailable", {}};
}
Error Error::internal(std::string message) {
  return {500, "internal_error", std::move(message), {}, {}, {}};
}

}  // namespace sy::core
