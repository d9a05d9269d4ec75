#pragma once
// The one error type of the request path. Every failure a client can see is one of these: an HTTP
// status, an API error type, a message safe to show (never a secret, never a sensitive value), and
// the optional OpenAI `param`/`code`. Each ingress format maps it to its own error JSON.
#include <optional>
#include <string>

namespace sy::core {

struct Error {
  int status = 500;
  std::string type;     // OpenAI-style: invalid_request_error, authentication_error, ...
  std::string message;
  std::string param;    // empty = null
  std::string code;     // empty = null
  std::optional<int> retry_after_s;  // sent as Retry-After when set
  int upstream_status = 0;           // the upstream's HTTP status this error came from, if any
  // The upstream's own words about the failure. Never formatted for a client as it is: it may echo
  // this gateway's credentials. The executor scrubs it (providers/credential_scrub) and appends it to
  // `message` only where it helps the client fix its request.
  std::string upstream_message;
  // A few words on what went wrong below the HTTP level ("connection refused"), fit for a client
  // and the log: never an address, never a secret. Names the failure when every target failed.
  std::string cause;

  static Error invalid_request(std::string message, std::string param = {});
  static Error authentication(std::string message);
  static Error permission(std::string message);
  // A sensitive request that policy keeps from every target it could go to.
  static Error privacy_policy(std::string message);
  static Error model_not_found(const std::string& model);
  static Error not_found(std::string message);
  static Error method_not_allowed(const std::string& path, const char* allowed);
  static Error too_large(std::string message);
  static Error rate_limited(std::string message, std::optional<int> retry_after_s);
  static Error upstream(std::string message);
  static Error upstream_timeout(std::string message);
  static Error unavailable(std::string message);
  static Error internal(std::string message);
};

}  // namespace sy::core
