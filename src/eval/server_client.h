#pragma once
// The evaluator talks to a switchyard server like any client would (so a version is measured on
// the path its users take: privacy scan, routing, guard, audit): chat completions streamed for
// the time to the first token, whole ones for a judge, and embeddings.
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "core/result.h"
#include "http/types.h"
#include "http/upstream.h"

namespace sy::eval {

struct Server {
  http::Endpoint endpoint;
  std::string key;  // sent as a bearer token; "" = none
  std::chrono::milliseconds timeout{120'000};
};

// http(s)://host:port (a trailing /v1 is dropped: the paths are the server's own).
core::Result<Server> make_server(const std::string& url, const std::string& key, const std::string& ca_file = {});

struct ChatOutcome {
  int status = 0;            // 0 = no HTTP answer (unreachable, timeout)
  std::string answer;
  std::string error;         // the server's error message, when status is not 200 or the stream failed
  std::string request_id;    // x-switchyard-request-id: what its audit record and feedback are found by
  std::string version;       // x-switchyard-version: the version that answered
  std::string served_model;  // the model the chunks name
  double latency_ms = 0;
  double ttft_ms = -1;       // time to the first text; < 0 = none came
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  bool ok() const { return status == 200 && error.empty(); }
};

// POST /v1/chat/completions with `body` (model and messages set by the caller), streamed.
http::awaitable<ChatOutcome> stream_chat(const Server& server, boost::json::object body);
// The same, whole: the answer's text.
http::awaitable<core::Result<std::string>> complete_chat(const Server& server, boost::json::object body);
// GET `path` (with its query): the JSON object it answers with 200.
http::awaitable<core::Result<boost::json::object>> get_json(const Server& server, std::string path);
// POST /v1/embeddings: one vector per input.
http::awaitable<core::Result<std::vector<std::vector<float>>>> embed(const Server& server, const std::string& model,
                                                                     const std::vector<std::string>& inputs);

}  // namespace sy::eval
