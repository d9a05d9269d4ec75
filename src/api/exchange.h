#pragma once
// One request as the gateway handles it: the pipeline context plus what the access log and the
// metrics need. Answers go out through the helpers here so every response carries the same
// headers (request id, route, privacy).
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "core/error.h"
#include "http/response_writer.h"
#include "ops/access_log.h"
#include "ops/registry.h"
#include "pipeline/request_context.h"

namespace sy::api {

// How one streamed answer is written in the client's API: the bytes for each chunk (maybe none),
// for the clean end, and for an error after the response head went out. One per stream: it may
// keep state (Anthropic's content blocks).
class StreamFormat {
 public:
  virtual ~StreamFormat() = default;
  virtual std::string chunk(const core::ChatChunk& c) = 0;
  virtual std::string done() = 0;
  virtual std::string error(const core::Error& e) = 0;
};

// The client's API (OpenAI's, Anthropic's): how answers and errors are written. The executor
// (auth, routing, candidates, fallback, streaming) is shared by every ingress and never formats
// a body itself.
class ClientDialect {
 public:
  virtual ~ClientDialect() = default;
  virtual std::string format_response(const core::ChatResponse& r, const core::ChatRequest& request) const = 0;
  virtual std::string format_error(const core::Error& e) const = 0;
  virtual std::unique_ptr<StreamFormat> stream_format(const core::ChatRequest& request) const = 0;
};

// OpenAI's chat/completions and completions: what every endpoint speaks unless it says otherwise.
const ClientDialect& openai_dialect();

struct Exchange {
  http::Request& request;
  http::ResponseWriter& writer;
  pipeline::RequestContext ctx;
  ops::AccessRecord record;
  std::optional<std::chrono::steady_clock::time_point> first_token;
  std::optional<core::Usage> usage;
  bool chat = false;  // a chat/completions exchange: carries the route and privacy headers
  const ClientDialect* dialect = &openai_dialect();  // how answers and errors are written
  int64_t arrived_ms = 0;                            // wall clock, for the audit record
  http::awaitable<void>::executor_type executor;     // the request's I/O thread
  std::string pinned;                                // model@VERSION: the version or alias asked for
  std::shared_ptr<ops::Deployment> deployment;       // the version answering; held until the exchange ends
  std::string role;                                  // production | canary | pinned
  std::string answer_text;                           // kept only when the audit asks for text
  bool settled = false;                              // metrics, cost and budget done
  bool audited = false;                              // audit record handed to the audit log

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
