#include "providers/upstream_errors.h"

#include <charconv>
#include <string>

namespace sy::providers {

namespace {
std::optional<int> parse_retry_after(std::string_view v) {
  int seconds = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
  if (ec != std::errc() || seconds < 0) return std::nullopt;  // HTTP-date form: not forwarded
  return seconds;
}
}  // namespace

namespace {
core::Error map_status(int status, std::string_view message, std::string_view retry_after);
}

core::Error map_upstream_status(int status, std::string_view message, std::string_view retry_after) {
  auto e = map_status(status, message, retry_after);
  e.upstream_status = status;
  return e;
}

namespace {
// The upstream's words go along as upstream_message, never inside `message`: they may echo this
// gateway's credentials, and only the executor knows which to scrub (providers/credential_scrub).
core::Error map_status(int status, std::string_view message, std::string_view retry_after) {
  std::string s = std::to_string(status);
  core::Error e;
  if (status == 429) {
    // The upstream's own words name this gateway's account (organization, limits).
    e = core::Error::rate_limited("The upstream is rate limiting requests; retry later.", parse_retry_after(retry_after));
  } else if (status == 400 || status == 404 || status == 422) {
    // The request itself was refused: the client can fix it (the scrubbed words say how).
    e = core::Error::invalid_request("The upstream rejected the request (" + s + ")");
  } else if (status == 401 || status == 403) {
    // Our credentials for the upstream are wrong: an operator problem, not the client's.
    e = core::Error::upstream("The upstream refused this gateway's credentials (" + s + ").");
  } else if (status == 408 || status == 504) {
    e = core::Error::upstream_timeout("The upstream timed out (" + s + ").");
  } else if (status == 503) {
    // Overloaded or in maintenance: the target is unavailable for now, which is what 503 says.
    e = core::Error::unavailable("The upstream is unavailable (503).");
    e.retry_after_s = parse_retry_after(retry_after);
  } else {
    e = core::Error::upstream("The upstream failed (" + s + ").");
  }
  e.upstream_message = std::string(message);
  return e;
}
}  // namespace

}  // namespace sy::providers
