// POST /v1/responses, GET and DELETE /v1/responses/{id}: OpenAI's Responses API as an ingress.
// A request runs the same chain as chat/completions (its body read into core terms by
// wire/openai/responses_request), so every target, local or cloud, answers it with the same
// routing, privacy, fallback, cache, guard and audit; only the answer's format differs.
//
// A response is stored (unless the request or the config says store: false) under the key that
// made it, after its last byte reached the client: previous_response_id and item_reference find
// it again, for that key only.
#include <boost/json.hpp>

#include "api/body_parsers.h"
#include "api/endpoints.h"
#include "api/model_call.h"
#include "wire/openai/chat_response.h"
#include "wire/openai/error_json.h"
#include "wire/openai/responses_request.h"
#include "wire/openai/responses_response.h"

namespace sy::api {

namespace json = boost::json;
using wire::openai::ResponseHead;
using wire::openai::ResponseOutput;

namespace {

// The stored responses one caller may see.
class CallerHistory final : public wire::openai::ResponseHistory {
 public:
  CallerHistory(const ops::StoredResponses& stored, std::string scope) : stored_(stored), scope_(std::move(scope)) {}
  std::optional<std::vector<core::Message>> conversation(std::string_view response_id) const override {
    auto r = stored_.get(scope_, response_id);
    if (!r) return std::nullopt;
    return r->conversation;
  }
  std::optional<core::Message> item(std::string_view item_id) const override { return stored_.item(scope_, item_id); }

 private:
  const ops::StoredResponses& stored_;
  std::string scope_;
};

// One Responses call: what its body said beyond core terms, and the answer's output items once
// they were written.
struct ResponsesCall {
  const Services& services;
  bool store_allowed = true;
  ResponseHead head;
  std::vector<core::Message> input;
  std::optional<ResponseOutput> output;
  std::string body;  // the response object as the client got it (whole answers and streams alike)
};

std::string scope_of(const pipeline::RequestState& s) { return s.principal.key_name; }

class ResponsesParser final : public pipeline::BodyParser {
 public:
  explicit ResponsesParser(ResponsesCall& call) : call_(call) {}
  core::Status parse(std::string_view body, pipeline::RequestState& s) const override {
    CallerHistory history(call_.services.responses, scope_of(s));
    auto parsed = wire::openai::parse_responses_request(body, call_.store_allowed ? &history : nullptr);
    if (!parsed) return parsed.error();
    auto& r = *parsed;
    auto& head = call_.head;
    head.model = r.chat.model;
    head.instructions = std::move(r.instructions);
    head.previous_response_id = std::move(r.previous_response_id);
    head.store = r.store && call_.store_allowed;
    head.echo = std::move(r.echo);
    if (head.store) call_.input = std::move(r.input);
    s.chat = std::move(r.chat);
    return core::Ok{};
  }

 private:
  ResponsesCall& call_;
};

class ResponsesStreamFormat final : public StreamFormat {
 public:
  explicit ResponsesStreamFormat(ResponsesCall& call) : call_(call), encoder_(call.head) {}
  std::string chunk(const core::ChatChunk& c) override { return encoder_.chunk(c); }
  std::string done() override {
    auto out = encoder_.done();
    call_.output = encoder_.output();
    call_.head = encoder_.head();
    return out;
  }
  std::string error(const core::Error& e) override { return encoder_.error(e); }

 private:
  ResponsesCall& call_;
  wire::openai::ResponsesStreamEncoder encoder_;
};

class ResponsesDialect final : public ClientDialect {
 public:
  explicit ResponsesDialect(ResponsesCall& call) : call_(call) {}
  std::string format_response(const core::ChatResponse& r, const core::ChatRequest&) const override {
    if (!r.model.empty()) call_.head.model = r.model;
    call_.output = wire::openai::output_of(r, call_.head.id);
    call_.body = wire::openai::format_response(call_.head, *call_.output);
    return call_.body;
  }
  std::string format_error(const core::Error& e) const override { return wire::openai::format_error(e); }
  std::unique_ptr<StreamFormat> stream_format(const core::ChatRequest&) const override {
    return std::make_unique<ResponsesStreamFormat>(call_);
  }

 private:
  ResponsesCall& call_;
};

// "resp_" and the request's own id: the response names the audit record that tells its story.
std::string response_id(const std::string& request_id) {
  std::string_view s = request_id;
  if (s.starts_with("req_")) s.remove_prefix(4);
  return "resp_" + std::string(s);
}

void keep(ResponsesCall& call, const pipeline::RequestState& s) {
  if (!call.head.store || !call.output || !s.delivered) return;
  ops::StoredResponse stored;
  stored.id = call.head.id;
  stored.scope = scope_of(s);
  stored.body = call.body.empty() ? json::serialize(wire::openai::response_object(call.head, *call.output))
                                  : std::move(call.body);
  stored.conversation = std::move(call.input);
  auto turn = call.output->as_message();
  for (const auto& item : call.output->items) {
    ResponseOutput one;
    one.items.push_back(item);
    stored.items.emplace_back(item.id, one.as_message());
  }
  stored.conversation.push_back(std::move(turn));
  call.services.responses.put(std::move(stored));
}

}  // namespace

http::awaitable<void> serve_responses(Exchange& ex, const Services& services) {
  ResponsesCall call{services};
  call.store_allowed = services.config.responses.store;
  call.head.id = response_id(ex.state.record.request_id);
  call.head.created_at = ex.state.record.ts_ms / 1000;
  ResponsesParser parser(call);
  ResponsesDialect dialect(call);
  ex.dialect = &dialect;
  co_await serve_model_call(ex, services, parser);
  keep(call, ex.state);
  ex.dialect = &openai_dialect();  // `dialect` ends with this frame
}

// GET /v1/responses/{id} (the stored response object) and DELETE (forget it now).
http::awaitable<void> serve_stored_response(Exchange& ex, const Services& services) {
  auto run = co_await services.chains.keyed.admit(ex.state);
  if (!run.admitted()) {
    co_await ex.send_error(run.admitted().error());
    co_return;
  }
  std::string_view path = ex.state.record.path;
  constexpr std::string_view prefix = "/v1/responses/";
  std::string id(path.size() > prefix.size() ? path.substr(prefix.size()) : std::string_view{});
  auto scope = scope_of(ex.state);
  if (ex.request.method() == http::bhttp::verb::delete_) {
    if (services.responses.erase(scope, id)) {
      auto body = json::serialize(json::object{{"id", id}, {"object", "response.deleted"}, {"deleted", true}});
      co_await ex.send_json(200, std::move(body));
      co_return;
    }
  } else if (auto stored = services.responses.get(scope, id)) {
    co_await ex.send_json(200, stored->body);
    co_return;
  }
  auto missing = core::Error::not_found("Response with id '" + id + "' not found.");
  co_await ex.send_error(missing);
}

}  // namespace sy::api
