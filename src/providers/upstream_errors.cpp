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
core::Error map_status(int status, std::string_view message, std::string_view retry_after) {
  std::string detail = message.empty() ? std::string() : std::string(": ") + std::string(message);
  std::string s = std::to_string(status);
  if (status == 429) {
    // The upstream's own words name this gateway's account (organization, limits): not the
    // client's business.
    return core::Error::rate_limited("The upstream is rate limiting requests; retry later.",
                                     parse_retry_after(retry_after));
  }
  if (status == 400 || status == 404 || status == 422) {
    // The request itself was refused: the client can fix it, so say so with the upstream's words.
    core::Error e = core::Error::invalid_request("The upstream rejected the request (" + s + ")" + detail);
    return e;
  }
  if (status == 401 || status == 403) {
    // Our credentials for the upstream are wrong: an operator problem, not the client's.
    return core::Error::upstream("The upstream refused this gateway's credentials (" + s + ").");
  }
  if (status == 408 || status == 504) return core::Error::upstream_timeout("The upstream timed out (" + s + ")" + detail);
  return core::Error::upstream("The upstream failed (" + s + ")" + detail);
}
}  // namespace

}  // namespace sy::providers
