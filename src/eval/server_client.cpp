#include "eval/server_client.h"

#include <chrono>

#include <boost/json.hpp>

#include "http/sse.h"

namespace sy::eval {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr uint64_t kMaxBody = 16u << 20;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

http::Deadlines deadlines(const Server& s) {
  http::Deadlines d;
  d.first_byte = s.timeout;
  d.idle = s.timeout;
  d.total = s.timeout;
  return d;
}

http::Request post(const Server& s, const std::string& path, const json::object& body) {
  http::Request req{http::bhttp::verb::post, s.endpoint.base_path + path, 11};
  req.set(http::bhttp::field::content_type, "application/json");
  if (!s.key.empty()) req.set(http::bhttp::field::authorization, "Bearer " + s.key);
  req.body() = json::serialize(body);
  req.prepare_payload();
  return req;
}

// The message of an OpenAI error body, else the body's first bytes.
std::string error_message(int status, const std::string& body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (!ec && v.is_object()) {
    if (const auto* e = v.as_object().if_contains("error"); e && e->is_object()) {
      if (const auto* m = e->as_object().if_contains("message"); m && m->is_string()) return std::string(m->get_string());
    }
  }
  return "HTTP " + std::to_string(status) + ": " + body.substr(0, 200);
}

// One whole exchange: the JSON object a 200 answers with; any other status is an error carrying
// the server's own message.
http::awaitable<core::Result<json::object>> exchange_json(const Server& server, http::Request request) {
  auto call = co_await http::UpstreamCall::start(server.endpoint, std::move(request), deadlines(server));
  if (!call) co_return call.error();
  auto text = co_await (*call)->read_body(kMaxBody);
  if (!text) co_return text.error();
  int status = (*call)->status();
  if (status != 200) co_return core::Error{status, "upstream_error", error_message(status, *text)};
  boost::system::error_code ec;
  auto v = json::parse(*text, ec);
  if (ec || !v.is_object()) co_return core::Error::upstream("the answer is not a JSON object");
  co_return std::move(v.as_object());
}

// One chunk of the stream: its text goes to the answer, its usage (the last chunk's) is kept.
void take_chunk(const json::object& chunk, ChatOutcome& out, Clock::time_point start) {
  if (const auto* m = chunk.if_contains("model"); m && m->is_string()) out.served_model = std::string(m->get_string());
  if (const auto* e = chunk.if_contains("error"); e && e->is_object()) {
    const auto* msg = e->as_object().if_contains("message");
    out.error = msg && msg->is_string() ? std::string(msg->get_string()) : "the stream failed";
    return;
  }
  if (const auto* choices = chunk.if_contains("choices"); choices && choices->is_array()) {
    for (const auto& c : choices->as_array()) {
      const auto* delta = c.is_object() ? c.as_object().if_contains("delta") : nullptr;
      const auto* content = delta && delta->is_object() ? delta->as_object().if_contains("content") : nullptr;
      if (content && content->is_string() && !content->get_string().empty()) {
        if (out.ttft_ms < 0) out.ttft_ms = ms_since(start);
        out.answer += content->get_string();
      }
    }
  }
  if (const auto* usage = chunk.if_contains("usage"); usage && usage->is_object()) {
    const auto& u = usage->as_object();
    if (const auto* p = u.if_contains("prompt_tokens"); p && p->is_int64()) out.prompt_tokens = p->get_int64();
    if (const auto* c = u.if_contains("completion_tokens"); c && c->is_int64()) out.completion_tokens = c->get_int64();
  }
}

}  // namespace

core::Result<Server> make_server(const std::string& url, const std::string& key, const std::string& ca_file) {
  std::string base = url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (base.ends_with("/v1")) base.resize(base.size() - 3);
  auto ep = http::make_endpoint(base, ca_file);
  if (!ep) return ep.error();
  return Server{std::move(*ep), key};
}

http::awaitable<ChatOutcome> stream_chat(const Server& server, json::object body) {
  body["stream"] = true;
  body["stream_options"] = json::object{{"include_usage", true}};
  ChatOutcome out;
  auto start = Clock::now();
  auto request = post(server, "/v1/chat/completions", body);
  auto call = co_await http::UpstreamCall::start(server.endpoint, std::move(request), deadlines(server));
  if (!call) {
    out.error = call.error().message;
    out.latency_ms = ms_since(start);
    co_return out;
  }
  auto& up = **call;
  out.status = up.status();
  out.request_id = std::string(up.header("x-switchyard-request-id"));
  out.version = std::string(up.header("x-switchyard-version"));
  if (out.status != 200) {
    auto text = co_await up.read_body(kMaxBody);
    out.error = error_message(out.status, text ? *text : std::string());
    out.latency_ms = ms_since(start);
    co_return out;
  }
  http::SseReader reader;
  bool done = false;
  while (!done && out.error.empty()) {
    auto piece = co_await up.read_some();
    if (!piece) {
      out.error = piece.error().message;
      break;
    }
    if (piece->empty()) break;
    reader.feed(*piece, [&](http::SseEvent& e) {
      if (e.data == "[DONE]") {
        done = true;
        return false;
      }
      boost::system::error_code ec;
      auto v = json::parse(e.data, ec);
      if (!ec && v.is_object()) take_chunk(v.as_object(), out, start);
      return out.error.empty();
    });
  }
  if (!done && out.error.empty()) out.error = "the stream ended before [DONE]";
  out.latency_ms = ms_since(start);
  co_return out;
}

http::awaitable<core::Result<std::string>> complete_chat(const Server& server, json::object body) {
  body["stream"] = false;
  auto request = post(server, "/v1/chat/completions", body);
  auto answer = co_await exchange_json(server, std::move(request));
  if (!answer) co_return answer.error();
  const json::value* content = nullptr;
  if (const auto* choices = answer->if_contains("choices"); choices && choices->is_array() && !choices->as_array().empty()) {
    const auto& c = choices->as_array()[0];
    const auto* message = c.is_object() ? c.as_object().if_contains("message") : nullptr;
    content = message && message->is_object() ? message->as_object().if_contains("content") : nullptr;
  }
  if (!content || !content->is_string()) co_return core::Error::upstream("the answer holds no message text");
  co_return std::string(content->get_string());
}

http::awaitable<core::Result<json::object>> get_json(const Server& server, std::string path) {
  http::Request req{http::bhttp::verb::get, server.endpoint.base_path + path, 11};
  if (!server.key.empty()) req.set(http::bhttp::field::authorization, "Bearer " + server.key);
  co_return co_await exchange_json(server, std::move(req));
}

http::awaitable<core::Result<std::vector<std::vector<float>>>> embed(const Server& server, const std::string& model,
                                                                     const std::vector<std::string>& inputs) {
  json::object body{{"model", model}, {"input", json::array(inputs.begin(), inputs.end())}};
  auto request = post(server, "/v1/embeddings", body);
  auto answer = co_await exchange_json(server, std::move(request));
  if (!answer) co_return answer.error();
  std::vector<std::vector<float>> out(inputs.size());
  const auto* data = answer->if_contains("data");
  if (!data || !data->is_array()) co_return core::Error::upstream("the embeddings answer holds no data");
  for (const auto& d : data->as_array()) {
    if (!d.is_object()) continue;
    const auto* index = d.as_object().if_contains("index");
    const auto* vec = d.as_object().if_contains("embedding");
    if (!index || !index->is_int64() || !vec || !vec->is_array()) continue;
    auto i = static_cast<size_t>(index->get_int64());
    if (i >= out.size()) continue;
    for (const auto& x : vec->as_array()) out[i].push_back(x.is_number() ? x.to_number<float>() : 0.f);
  }
  co_return out;
}

}  // namespace sy::eval
