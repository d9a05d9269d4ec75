#pragma once
// One request as the gateway handles it: the pipeline context plus what the access log and the
// metrics need. Answers go out through the helpers here so every response carries the same
// headers (request id, route, privacy).
#include <chrono>
#include <optional>
#include <string>

#include "core/error.h"
#include "http/response_writer.h"
#include "ops/access_log.h"
#include "pipeline/request_context.h"

namespace sy::api {

struct Exchange {
  http::Request& request;
  http::ResponseWriter& writer;
  pipeline::RequestContext ctx;
  ops::AccessRecord record;
  std::optional<std::chrono::steady_clock::time_point> first_token;
  std::optional<core::Usage> usage;
  bool chat = false;  // a chat/completions exchange: carries the route and privacy headers

  double elapsed_ms() const {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - ctx.started).count();
  }
  // Sets the headers every answer carries.
  void decorate(http::ResponseHeader& h) const;
  http::awaitable<void> send_json(int status, std::string body);
  http::awaitable<void> send_text(int status, std::string body, std::string_view content_type,
                                  std::optional<int> retry_after_s = std::nullopt);
  http::awaitable<void> send_error(const core::Error& e);
};

}  // namespace sy::api
