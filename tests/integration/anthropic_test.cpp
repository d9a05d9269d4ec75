// Anthropic both ways, against the real server:
// - provider `anthropic`: an OpenAI client's chat request reaches a fake Anthropic server that
//   speaks the Messages API's documented wire format (JSON, SSE events, error bodies), and comes
//   back in OpenAI's shape;
// - ingress POST /v1/messages: an Anthropic-shaped request reaches an OpenAI-compatible fake, the
//   local engine, or the Anthropic fake, and comes back in Anthropic's shape, JSON or events.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "harness.h"
#include "http/sse.h"
#include "support/tiny_model.h"

namespace sy::testing {
namespace {

namespace json = boost::json;

// ---- the fake Anthropic server's wire format --------------------------------------------------

std::string event(const std::string& type, const std::string& data) { return "event: " + type + "\ndata: " + data + "\n\n"; }

std::string message_json(const std::string& text, const std::string& stop_reason = "end_turn") {
  return R"({"id":"msg_01Fake","type":"message","role":"assistant","model":"claude-upstream-20250101","content":[{"type":"text","text":")" +
         text + R"("}],"stop_reason":")" + stop_reason +
         R"(","stop_sequence":null,"usage":{"input_tokens":21,"cache_creation_input_tokens":0,"cache_read_input_tokens":4,"output_tokens":6}})";
}

std::string error_body(const std::string& type, const std::string& message) {
  return R"({"type":"error","error":{"type":")" + type + R"(","message":")" + message + R"("}})";
}

// A streamed answer with text then a tool call, as Anthropic sends it.
std::vector<std::string> tool_stream_events() {
  return {
      event("message_start", R"({"type":"message_start","message":{"id":"msg_01Stream","type":"message","role":"assistant","model":"claude-upstream-20250101","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":30,"output_tokens":1}}})"),
      event("content_block_start", R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"),
      event("ping", R"({"type": "ping"})"),
      event("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Let me "}})"),
      event("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"check."}})"),
      event("content_block_stop", R"({"type":"content_block_stop","index":0})"),
      event("content_block_start", R"({"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01W","name":"get_weather","input":{}}})"),
      event("content_block_delta", R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\": "}})"),
      event("content_block_delta", R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"\"Paris\"}"}})"),
      event("content_block_stop", R"({"type":"content_block_stop","index":1})"),
      event("message_delta", R"({"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":17}})"),
      event("message_stop", R"({"type":"message_stop"})"),
  };
}

std::string anthropic_config(const FakeUpstream& up, const std::string& extra = "") {
  return "log: {access: off}\n"
         "keys:\n  - {name: tester, key: sk-client, models: [\"*\"]}\n"
         "models:\n"
         "  - name: claude\n    provider: anthropic\n    base_url: http://127.0.0.1:" + std::to_string(up.port()) +
         "\n    api_key: sk-ant-upstream\n    model: claude-upstream\n" + extra;
}

const std::map<std::string, std::string> kAuth = {{"Authorization", "Bearer sk-client"}};
const std::map<std::string, std::string> kAnthropicAuth = {{"x-api-key", "sk-client"}, {"anthropic-version", "2023-06-01"}};

// ---- what a client reads -------------------------------------------------------------------------

std::vector<http::SseEvent> events_of(const std::string& body) {
  std::vector<http::SseEvent> out;
  http::SseReader reader;
  reader.feed(body, [&](http::SseEvent& ev) {
    out.push_back(ev);
    return true;
  });
  return out;
}

std::vector<std::string> names_of(const std::vector<http::SseEvent>& events) {
  std::vector<std::string> names;
  for (const auto& e : events) names.push_back(e.event);
  return names;
}

// ---- provider `anthropic` behind the OpenAI ingress ----------------------------------------------

TEST(AnthropicProvider, PlainAnswerWithTheMessagesApiHeaders) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) { c.send(200, message_json("Bonjour!")); });
  Switchyard sy(anthropic_config(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions",
                     R"({"model":"claude","messages":[{"role":"system","content":"Be French."},{"role":"user","content":"hi"}],"stop":"END"})", kAuth);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-switchyard-route"), "claude");
  auto o = json::parse(r.body).as_object();
  EXPECT_EQ(o["object"], "chat.completion");
  EXPECT_EQ(o["model"], "claude-upstream-20250101");
  auto& choice = o["choices"].as_array()[0].as_object();
  EXPECT_EQ(choice["message"].as_object()["content"], "Bonjour!");
  EXPECT_EQ(choice["finish_reason"], "stop");
  auto& usage = o["usage"].as_object();
  EXPECT_EQ(usage["prompt_tokens"].as_int64(), 25);  // 21 fresh + 4 read from the cache
  EXPECT_EQ(usage["completion_tokens"].as_int64(), 6);
  EXPECT_EQ(usage["prompt_tokens_details"].as_object()["cached_tokens"].as_int64(), 4);

  auto seen = up.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, "/v1/messages");
  EXPECT_EQ(seen[0].headers["x-api-key"], "sk-ant-upstream");
  EXPECT_EQ(seen[0].headers["anthropic-version"], "2023-06-01");
  EXPECT_EQ(seen[0].headers["content-type"], "application/json");
  EXPECT_EQ(seen[0].headers.count("authorization"), 0u);
  auto sent = json::parse(seen[0].body).as_object();
  EXPECT_EQ(sent["model"], "claude-upstream");
  EXPECT_EQ(sent["system"], "Be French.");
  EXPECT_EQ(sent["max_tokens"].as_int64(), 4096);
  EXPECT_EQ(sent["stop_sequences"], json::parse(R"(["END"])"));
  EXPECT_EQ(sent["messages"], json::parse(R"([{"role":"user","content":"hi"}])"));
}

TEST(AnthropicProvider, StreamedToolCallBecomesOpenAIChunksAsTheyArrive) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) {
    c.start_stream();
    for (const auto& e : tool_stream_events()) {
      c.send_chunk(e);
      std::this_thread::sleep_for(5ms);
    }
    c.end_stream();
  });
  Switchyard sy(anthropic_config(up, "    anthropic_version: 2023-06-01\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto body = R"({"model":"claude","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Weather in Paris?"}],)"
              R"("tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]})";
  auto r = stream_request(sy.port(), "/v1/chat/completions", body, [](auto&, auto) { return true; }, kAuth);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "text/event-stream");
  std::string text, arguments, finish, tool_id, tool_name;
  json::object usage;
  bool done = false;
  for (const auto& ev : events_of(r.body)) {
    if (ev.data == "[DONE]") {
      done = true;
      continue;
    }
    auto o = json::parse(ev.data).as_object();
    if (o["usage"].is_object()) usage = o["usage"].as_object();
    for (auto& c : o["choices"].as_array()) {
      auto& delta = c.as_object()["delta"].as_object();
      if (delta["content"].is_string()) text += delta["content"].as_string();
      if (delta["tool_calls"].is_array()) {
        auto& call = delta["tool_calls"].as_array()[0].as_object();
        EXPECT_EQ(call["index"].as_int64(), 0);
        if (call["id"].is_string()) tool_id = call["id"].as_string();
        auto& fn = call["function"].as_object();
        if (fn["name"].is_string()) tool_name = fn["name"].as_string();
        if (fn["arguments"].is_string()) arguments += fn["arguments"].as_string();
      }
      if (c.as_object()["finish_reason"].is_string()) finish = c.as_object()["finish_reason"].as_string();
    }
  }
  EXPECT_TRUE(done);
  EXPECT_EQ(text, "Let me check.");
  EXPECT_EQ(tool_id, "toolu_01W");
  EXPECT_EQ(tool_name, "get_weather");
  EXPECT_EQ(json::parse(arguments), json::parse(R"({"city":"Paris"})"));
  EXPECT_EQ(finish, "tool_calls");
  EXPECT_EQ(usage["prompt_tokens"].as_int64(), 30);
  EXPECT_EQ(usage["completion_tokens"].as_int64(), 17);

  auto sent = json::parse(up.requests()[0].body).as_object();
  EXPECT_TRUE(sent["stream"].as_bool());
  EXPECT_EQ(up.requests()[0].headers["accept"], "text/event-stream");
  EXPECT_EQ(sent["tools"].as_array()[0].as_object()["name"], "get_weather");
  EXPECT_TRUE(sent["tools"].as_array()[0].as_object()["input_schema"].is_object());
}

TEST(AnthropicProvider, ErrorBodiesMapToTheRightStatus) {
  std::atomic<int> n{0};
  FakeUpstream up([&](const ReceivedRequest&, FakeConnection& c) {
    switch (n++) {
      case 0: c.send(529, error_body("overloaded_error", "Overloaded")); break;
      case 1: c.send(429, error_body("rate_limit_error", "Number of requests has exceeded your rate limit"), {{"retry-after", "9"}}); break;
      case 2: c.send(400, error_body("invalid_request_error", "messages: roles must alternate")); break;
      default: c.send(401, error_body("authentication_error", "invalid x-api-key")); break;
    }
  });
  Switchyard sy(anthropic_config(up, "    retries: 0\n"));  // one upstream answer per request
  ASSERT_TRUE(sy.ready()) << sy.log();
  const std::string chat = R"({"model":"claude","messages":[{"role":"user","content":"hi"}]})";
  auto overloaded = post_json(sy.port(), "/v1/chat/completions", chat, kAuth);
  EXPECT_EQ(overloaded.status, 503) << overloaded.body;
  EXPECT_EQ(json::parse(overloaded.body).as_object()["error"].as_object()["code"], "upstream_overloaded");
  auto limited = post_json(sy.port(), "/v1/chat/completions", chat, kAuth);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.header("retry-after"), "9");
  auto invalid = post_json(sy.port(), "/v1/chat/completions", chat, kAuth);
  EXPECT_EQ(invalid.status, 400);
  EXPECT_NE(invalid.body.find("roles must alternate"), std::string::npos);
  auto creds = post_json(sy.port(), "/v1/chat/completions", chat, kAuth);
  EXPECT_EQ(creds.status, 502);
  EXPECT_EQ(json::parse(creds.body).as_object()["error"].as_object()["type"], "upstream_error");
}

TEST(AnthropicProvider, AnErrorEventMidStreamEndsTheStreamWithAnError) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) {
    c.start_stream();
    auto events = tool_stream_events();
    for (int i = 0; i < 4; ++i) c.send_chunk(events[i]);
    c.send_chunk(event("error", error_body("overloaded_error", "Overloaded")));
    c.end_stream();
  });
  Switchyard sy(anthropic_config(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = stream_request(sy.port(), "/v1/chat/completions",
                          R"({"model":"claude","stream":true,"messages":[{"role":"user","content":"hi"}]})",
                          [](auto&, auto) { return true; }, kAuth);
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("Let me "), std::string::npos);
  EXPECT_NE(r.body.find(R"("error":)"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("overloaded"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("[DONE]"), std::string::npos);
}

TEST(AnthropicProvider, OverloadedFallsBackToTheNextTarget) {
  FakeUpstream claude([](const ReceivedRequest&, FakeConnection& c) { c.send(529, error_body("overloaded_error", "Overloaded")); });
  FakeUpstream openai([](const ReceivedRequest&, FakeConnection& c) { c.send(200, completion_json("from the second target")); });
  Switchyard sy(anthropic_config(claude,
                                 "  - {name: cloud-b, provider: openai_compat, base_url: \"" + openai.base_url() + "\", api_key: k}\n"
                                 "routes:\n  - name: auto\n    cloud: [claude, cloud-b]\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", R"({"model":"auto","messages":[{"role":"user","content":"hi"}]})", kAuth);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-switchyard-route"), "cloud-b");
  EXPECT_EQ(claude.requests().size(), 3u);  // tried three times (the retry policy), then the next target
}

// ---- ingress /v1/messages ------------------------------------------------------------------------

std::string openai_config(const FakeUpstream& up) {
  return "log: {access: off}\n"
         "keys:\n  - {name: tester, key: sk-client, models: [\"*\"]}\n"
         "models:\n  - {name: cloud-fast, provider: openai_compat, base_url: \"" + up.base_url() +
         "\", api_key: sk-upstream, model: gpt-upstream}\n";
}

TEST(MessagesIngress, AnswerFromAnOpenAITargetInAnthropicShape) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) { c.send(200, completion_json("hello there")); });
  Switchyard sy(openai_config(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto headers = kAnthropicAuth;
  headers["x-request-id"] = "req-77";
  auto r = post_json(sy.port(), "/v1/messages",
                     R"({"model":"cloud-fast","max_tokens":50,"system":"Be brief.","messages":[{"role":"user","content":"hi"}]})", headers);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-switchyard-route"), "cloud-fast");
  EXPECT_EQ(r.header("x-switchyard-privacy"), "any");
  EXPECT_EQ(r.header("x-request-id"), "req-77");
  auto o = json::parse(r.body).as_object();
  EXPECT_EQ(o["type"], "message");
  EXPECT_EQ(o["role"], "assistant");
  EXPECT_TRUE(std::string(o["id"].as_string()).starts_with("msg_"));
  EXPECT_EQ(o["content"], json::parse(R"([{"type":"text","text":"hello there"}])"));
  EXPECT_EQ(o["stop_reason"], "end_turn");
  EXPECT_EQ(o["usage"].as_object()["input_tokens"].as_int64(), 9);
  EXPECT_EQ(o["usage"].as_object()["output_tokens"].as_int64(), 3);

  auto sent = json::parse(up.requests()[0].body).as_object();
  EXPECT_EQ(sent["model"], "gpt-upstream");
  EXPECT_EQ(sent["max_tokens"].as_int64(), 50);
  EXPECT_EQ(sent["messages"], json::parse(R"([{"role":"system","content":"Be brief."},{"role":"user","content":"hi"}])"));
  EXPECT_EQ(up.requests()[0].headers["authorization"], "Bearer sk-upstream");
}

TEST(MessagesIngress, StreamIsAnthropicsEventSequence) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) {
    c.start_stream();
    for (const char* word : {"one ", "two"}) c.send_chunk(chunk_event(word));
    c.send_chunk(chunk_event("", "stop"));
    c.send_chunk(
        R"(data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-test","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}})"
        "\n\ndata: [DONE]\n\n");
    c.end_stream();
  });
  Switchyard sy(openai_config(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = stream_request(sy.port(), "/v1/messages",
                          R"({"model":"cloud-fast","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"count"}]})",
                          [](auto&, auto) { return true; }, kAnthropicAuth);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "text/event-stream");
  EXPECT_EQ(r.header("x-switchyard-route"), "cloud-fast");
  auto events = events_of(r.body);
  std::vector<std::string> expected = {"message_start", "content_block_start", "content_block_delta", "content_block_delta",
                                       "content_block_stop", "message_delta", "message_stop"};
  EXPECT_EQ(names_of(events), expected) << r.body;
  ASSERT_EQ(events.size(), expected.size());
  EXPECT_EQ(json::parse(events[2].data).as_object()["delta"].as_object()["text"], "one ");
  auto delta = json::parse(events[5].data).as_object();
  EXPECT_EQ(delta["delta"].as_object()["stop_reason"], "end_turn");
  EXPECT_EQ(delta["usage"].as_object()["output_tokens"].as_int64(), 2);
  EXPECT_EQ(delta["usage"].as_object()["input_tokens"].as_int64(), 5);
  EXPECT_EQ(r.body.find("[DONE]"), std::string::npos);
  // Usage is asked of the upstream, so the stream can be metered and reported.
  EXPECT_TRUE(json::parse(up.requests()[0].body).as_object()["stream_options"].as_object()["include_usage"].as_bool());
}

TEST(MessagesIngress, ErrorsAreAnthropicShaped) {
  std::atomic<int> n{0};
  FakeUpstream up([&](const ReceivedRequest&, FakeConnection& c) {
    if (n++ == 0) {
      c.send(500, R"({"error":{"message":"boom","type":"server_error"}})");
      return;
    }
    c.start_stream();
    c.send_chunk(chunk_event("partial"));
    c.reset();
  });
  Switchyard sy(openai_config(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto error_of = [](const HttpResult& r) { return json::parse(r.body).as_object(); };

  auto unauth = post_json(sy.port(), "/v1/messages", R"({"model":"cloud-fast","max_tokens":5,"messages":[{"role":"user","content":"hi"}]})");
  EXPECT_EQ(unauth.status, 401);
  EXPECT_EQ(error_of(unauth)["type"], "error");
  EXPECT_EQ(error_of(unauth)["error"].as_object()["type"], "authentication_error");

  auto no_max = post_json(sy.port(), "/v1/messages", R"({"model":"cloud-fast","messages":[{"role":"user","content":"hi"}]})", kAnthropicAuth);
  EXPECT_EQ(no_max.status, 400);
  EXPECT_EQ(error_of(no_max)["error"].as_object()["type"], "invalid_request_error");
  EXPECT_NE(std::string(error_of(no_max)["error"].as_object()["message"].as_string()).find("max_tokens"), std::string::npos);

  auto unknown = post_json(sy.port(), "/v1/messages", R"({"model":"nope","max_tokens":5,"messages":[{"role":"user","content":"hi"}]})", kAnthropicAuth);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(error_of(unknown)["error"].as_object()["type"], "not_found_error");

  auto failed = post_json(sy.port(), "/v1/messages", R"({"model":"cloud-fast","max_tokens":5,"messages":[{"role":"user","content":"hi"}]})", kAnthropicAuth);
  EXPECT_EQ(failed.status, 502);
  EXPECT_EQ(error_of(failed)["error"].as_object()["type"], "api_error");

  auto cut = stream_request(sy.port(), "/v1/messages",
                            R"({"model":"cloud-fast","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"hi"}]})",
                            [](auto&, auto) { return true; }, kAnthropicAuth);
  ASSERT_EQ(cut.status, 200);
  auto events = events_of(cut.body);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().event, "message_start");
  EXPECT_EQ(events.back().event, "error") << cut.body;
  EXPECT_EQ(json::parse(events.back().data).as_object()["type"], "error");
  EXPECT_EQ(cut.body.find("message_stop"), std::string::npos);
}

TEST(MessagesIngress, AnthropicClientToAnthropicTargetKeepsToolUse) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) {
    c.start_stream();
    for (const auto& e : tool_stream_events()) c.send_chunk(e);
    c.end_stream();
  });
  Switchyard sy(anthropic_config(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto body = R"({"model":"claude","max_tokens":300,"stream":true,"messages":[{"role":"user","content":"Weather in Paris?"}],)"
              R"("tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],)"
              R"("tool_choice":{"type":"auto"}})";
  auto r = stream_request(sy.port(), "/v1/messages", body, [](auto&, auto) { return true; }, kAnthropicAuth);
  ASSERT_EQ(r.status, 200) << r.body;
  auto events = events_of(r.body);
  std::vector<std::string> expected = {"message_start", "content_block_start", "content_block_delta", "content_block_delta",
                                       "content_block_stop", "content_block_start", "content_block_delta", "content_block_delta",
                                       "content_block_stop", "message_delta", "message_stop"};
  EXPECT_EQ(names_of(events), expected) << r.body;
  ASSERT_EQ(events.size(), expected.size());
  auto tool = json::parse(events[5].data).as_object()["content_block"].as_object();
  EXPECT_EQ(tool["type"], "tool_use");
  EXPECT_EQ(tool["id"], "toolu_01W");
  EXPECT_EQ(tool["name"], "get_weather");
  std::string args;
  for (int i : {6, 7}) args += json::parse(events[i].data).as_object()["delta"].as_object()["partial_json"].as_string();
  EXPECT_EQ(json::parse(args), json::parse(R"({"city":"Paris"})"));
  auto delta = json::parse(events[9].data).as_object();
  EXPECT_EQ(delta["delta"].as_object()["stop_reason"], "tool_use");
  EXPECT_EQ(delta["usage"].as_object()["output_tokens"].as_int64(), 17);

  auto sent = json::parse(up.requests()[0].body).as_object();
  EXPECT_EQ(sent["max_tokens"].as_int64(), 300);
  EXPECT_EQ(sent["tools"], json::parse(R"([{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}])"));
  EXPECT_EQ(sent["tool_choice"], json::parse(R"({"type":"auto"})"));
}

TEST(MessagesIngress, CountTokensEstimatesForACloudTarget) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) { c.send(500, "{}"); });
  Switchyard sy(openai_config(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/messages/count_tokens",
                     R"({"model":"cloud-fast","messages":[{"role":"user","content":"0123456789abcdef"}]})", kAnthropicAuth);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body).as_object()["input_tokens"].as_int64(), 4);
  EXPECT_TRUE(up.requests().empty()) << "counting calls no model";
  auto bad = post_json(sy.port(), "/v1/messages/count_tokens", R"({"model":"cloud-fast"})", kAnthropicAuth);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json::parse(bad.body).as_object()["error"].as_object()["type"], "invalid_request_error");
}

TEST(MessagesIngress, LocalModelAnswersAndCountsWithItsTokenizer) {
  Switchyard sy("log: {access: off}\nmodels:\n  - {name: tiny, provider: local, path: \"" + tiny_model_path() +
                "\", slots: 1, context: 256, threads: 1}\n");
  ASSERT_TRUE(sy.ready()) << sy.log();
  const std::string messages = R"("messages":[{"role":"user","content":"What is the leave policy?"}])";
  auto counted = post_json(sy.port(), "/v1/messages/count_tokens", R"({"model":"tiny",)" + messages + "}");
  ASSERT_EQ(counted.status, 200) << counted.body;
  auto tokens = json::parse(counted.body).as_object()["input_tokens"].as_int64();

  auto whole = post_json(sy.port(), "/v1/messages", R"({"model":"tiny","max_tokens":8,"temperature":0,)" + messages + "}");
  ASSERT_EQ(whole.status, 200) << whole.body;
  EXPECT_EQ(whole.header("x-switchyard-route"), "tiny");
  auto o = json::parse(whole.body).as_object();
  EXPECT_EQ(o["model"], "tiny");
  EXPECT_EQ(o["stop_reason"], "max_tokens");
  EXPECT_EQ(o["usage"].as_object()["output_tokens"].as_int64(), 8);
  // The local target's own tokenizer counted what the engine then read.
  EXPECT_EQ(o["usage"].as_object()["input_tokens"].as_int64() + o["usage"].as_object()["cache_read_input_tokens"].as_int64(), tokens);

  auto streamed = stream_request(sy.port(), "/v1/messages", R"({"model":"tiny","max_tokens":8,"temperature":0,"stream":true,)" + messages + "}",
                                 [](auto&, auto) { return true; });
  ASSERT_EQ(streamed.status, 200);
  auto events = events_of(streamed.body);
  ASSERT_GE(events.size(), 4u) << streamed.body;
  EXPECT_EQ(events.front().event, "message_start");
  EXPECT_EQ(events.back().event, "message_stop");
  std::string text;
  for (const auto& e : events) {
    if (e.event != "content_block_delta") continue;
    text += json::parse(e.data).as_object()["delta"].as_object()["text"].as_string();
  }
  std::string whole_text;
  for (auto& block : o["content"].as_array()) whole_text += block.as_object()["text"].as_string();
  EXPECT_EQ(text, whole_text);
}

}  // namespace
}  // namespace sy::testing

namespace sy::testing {
namespace {

TEST(MessagesIngressLimits, ATooLargeBodyIsRefusedInAnthropicsShape) {
  Switchyard sy("log: {access: off}\nlimits: {max_body: 1KiB}\nmodels:\n"
                "  - {name: m, provider: openai_compat, base_url: \"http://127.0.0.1:9/v1\"}\n");
  ASSERT_TRUE(sy.ready()) << sy.log();
  std::string big = R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":")" + std::string(4096, 'x') + R"("}]})";
  auto r = post_json(sy.port(), "/v1/messages", big);
  EXPECT_EQ(r.status, 413);
  auto o = boost::json::parse(r.body).as_object();
  EXPECT_EQ(o["type"].as_string(), "error");
  EXPECT_TRUE(o["error"].as_object().contains("type"));
  // The OpenAI endpoints keep OpenAI's shape.
  auto openai = post_json(sy.port(), "/v1/chat/completions", big);
  EXPECT_EQ(openai.status, 413);
  EXPECT_FALSE(boost::json::parse(openai.body).as_object().contains("type"));
}

}  // namespace
}  // namespace sy::testing
