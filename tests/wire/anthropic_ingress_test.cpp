// Ingress POST /v1/messages: Anthropic request bodies -> core, core answers and chunks ->
// Anthropic's message JSON, SSE events and error bodies. Golden pairs in tests/compat/anthropic/.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "wire/anthropic/messages_request.h"
#include "wire/anthropic/messages_response.h"
#include "wire/openai/chat_request.h"
#include "wire/openai/chat_response.h"
#include "http/sse.h"
#include "wire/anthropic/messages_upstream.h"

namespace sy::wire::anthropic {
namespace {

namespace json = boost::json;

std::string golden(const std::string& name) {
  std::ifstream in(std::string(SWITCHYARD_SOURCE_DIR) + "/tests/compat/anthropic/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "missing golden file " << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<http::SseEvent> events_of(const std::string& sse) {
  std::vector<http::SseEvent> out;
  http::SseReader reader;
  reader.feed(sse, [&](http::SseEvent& ev) {
    out.push_back(ev);
    return true;
  });
  EXPECT_FALSE(reader.has_partial()) << "a truncated event at the end";
  return out;
}

core::ChatRequest parsed(const std::string& body, RequestPurpose purpose = RequestPurpose::messages) {
  auto r = parse_messages_request(body, purpose);
  EXPECT_TRUE(r.ok()) << (r ? "" : r.error().message);
  return r ? *r : core::ChatRequest{};
}

core::Error refused(const std::string& body, RequestPurpose purpose = RequestPurpose::messages) {
  auto r = parse_messages_request(body, purpose);
  EXPECT_FALSE(r.ok()) << body;
  return r ? core::Error{} : r.error();
}

TEST(AnthropicIngressGolden, RequestToCore) {
  auto r = parsed(golden("ingress_request.anthropic.json"));
  auto sent = wire::openai::format_request(r, "gpt-upstream");
  EXPECT_EQ(json::value(sent), json::parse(golden("ingress_request.openai.json"))) << "got:\n" << json::serialize(sent);
  EXPECT_EQ(r.model, "cloud-fast");
  EXPECT_FALSE(r.stream);
}

TEST(AnthropicIngressGolden, ResponseFromCore) {
  auto answer = wire::openai::parse_response(golden("ingress_response.openai.json"), core::ChatRequest::Kind::chat);
  ASSERT_TRUE(answer.ok());
  core::ChatRequest request;
  request.model = "cloud-fast";
  auto got = json::parse(format_response(*answer, request));
  EXPECT_EQ(got, json::parse(golden("ingress_response.anthropic.json"))) << "got:\n" << json::serialize(got);
}

TEST(AnthropicIngressGolden, StreamFromCoreChunks) {
  StreamEncoder encoder("cloud-fast");
  std::string sse;
  std::istringstream lines(golden("ingress_stream.openai.jsonl"));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    auto chunk = wire::openai::parse_chunk(line, core::ChatRequest::Kind::chat);
    ASSERT_TRUE(chunk.ok()) << line;
    sse += encoder.chunk(*chunk);
  }
  sse += encoder.done();
  auto got = events_of(sse);
  auto expected = events_of(golden("ingress_stream.anthropic.sse"));
  ASSERT_EQ(got.size(), expected.size()) << sse;
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].event, expected[i].event) << "event " << i;
    EXPECT_EQ(json::parse(got[i].data), json::parse(expected[i].data)) << "event " << i << ": " << got[i].data;
    // Anthropic's events say their type twice: in the event line and in the data.
    EXPECT_EQ(json::parse(got[i].data).as_object()["type"].as_string(), got[i].event);
  }
}

TEST(AnthropicIngressRequest, StringSystemAndStreamAskForUsage) {
  auto r = parsed(R"({"model":"m","max_tokens":5,"stream":true,"system":"Be terse.","messages":[{"role":"user","content":"hi"}]})");
  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_EQ(r.messages[0].role, "system");
  EXPECT_EQ(r.messages[0].text(), "Be terse.");
  EXPECT_TRUE(r.stream);
  EXPECT_TRUE(r.stream_options.include_usage);  // Anthropic streams always end with usage
  EXPECT_EQ(r.max_tokens, 5);
}

TEST(AnthropicIngressRequest, ToolResultErrorsAndUrlImages) {
  auto r = parsed(R"({"model":"m","max_tokens":5,"messages":[
      {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]},
      {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"no such city","is_error":true},
                                {"type":"image","source":{"type":"url","url":"https://example.com/a.png"}}]}]})");
  ASSERT_EQ(r.messages.size(), 3u);
  EXPECT_TRUE(r.messages[0].content_is_null);
  EXPECT_EQ(r.messages[0].tool_calls[0].arguments, "{}");
  EXPECT_EQ(r.messages[1].role, "tool");
  EXPECT_EQ(r.messages[1].text(), "Error: no such city");
  EXPECT_EQ(r.messages[2].parts[0].url, "https://example.com/a.png");
}

TEST(AnthropicIngressRequest, ToolResultBlocksOfTextAndImages) {
  auto text_only = parsed(R"({"model":"m","max_tokens":5,"messages":[
      {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]},
      {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1",
                                 "content":[{"type":"text","text":"sunny, "},{"type":"text","text":"21 C"}]}]}]})");
  ASSERT_EQ(text_only.messages.size(), 2u);
  EXPECT_FALSE(text_only.messages[1].content_is_parts);
  ASSERT_EQ(text_only.messages[1].parts.size(), 1u);  // joined into one string
  EXPECT_EQ(text_only.messages[1].parts[0].text, "sunny, \n21 C");  // text blocks join by lines, as Message::text() does

  auto with_image = parsed(R"({"model":"m","max_tokens":5,"messages":[
      {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]},
      {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1",
                                 "content":[{"type":"text","text":"the chart:"},
                                            {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBO"}}]}]}]})");
  ASSERT_EQ(with_image.messages.size(), 2u);
  EXPECT_TRUE(with_image.messages[1].content_is_parts);
  ASSERT_EQ(with_image.messages[1].parts.size(), 2u);
  EXPECT_EQ(with_image.messages[1].parts[1].url, "data:image/png;base64,iVBO");

  EXPECT_EQ(refused(R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":[
      {"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"a"},{"type":"tool_use","id":"x","name":"y"}]}]}]})").param,
            "messages.0.content.0.content.1.type");
  EXPECT_EQ(refused(R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":[
      {"type":"tool_result","tool_use_id":"t","content":["plain"]}]}]})").param,
            "messages.0.content.0.content.0");
  EXPECT_EQ(refused(R"({"model":"m","max_tokens":5,"messages":[{"role":"assistant","content":[{"type":"text"}]}]})").param,
            "messages.0.content.0.text");
}

TEST(AnthropicIngressRequest, InvalidRequestsNameTheField) {
  EXPECT_EQ(refused(R"({"model":"m","messages":[{"role":"user","content":"hi"}]})").param, "max_tokens");
  EXPECT_EQ(refused(R"({"max_tokens":5,"messages":[{"role":"user","content":"hi"}]})").param, "model");
  EXPECT_EQ(refused(R"({"model":"m","max_tokens":5,"messages":[]})").param, "messages");
  EXPECT_EQ(refused(R"({"model":"m","max_tokens":5,"messages":[{"role":"system","content":"hi"}]})").param, "messages.0.role");
  EXPECT_EQ(refused(R"({"model":"m","max_tokens":5,"temperature":1.5,"messages":[{"role":"user","content":"hi"}]})").param, "temperature");
  EXPECT_EQ(refused(R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"document","source":{}}]}]})").param,
            "messages.0.content.0.type");
  EXPECT_EQ(refused(R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"web_search_20250305","name":"web_search"}]})").param,
            "tools.0.type");
  auto e = refused("{not json");
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.type, "invalid_request_error");
  // count_tokens has no max_tokens, and never streams.
  auto c = parsed(R"({"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]})", RequestPurpose::count_tokens);
  EXPECT_FALSE(c.stream);
}

TEST(AnthropicIngressErrors, AnthropicShapeAndTypes) {
  auto body = json::parse(format_error(core::Error::invalid_request("max_tokens: Field required", "max_tokens"))).as_object();
  EXPECT_EQ(body["type"], "error");
  EXPECT_EQ(body["error"].as_object()["type"], "invalid_request_error");
  EXPECT_EQ(body["error"].as_object()["message"], "max_tokens: Field required");
  EXPECT_EQ(error_type(core::Error::authentication("no")), "authentication_error");
  EXPECT_EQ(error_type(core::Error::privacy_policy("no")), "permission_error");
  EXPECT_EQ(error_type(core::Error::model_not_found("x")), "not_found_error");
  EXPECT_EQ(error_type(core::Error::too_large("x")), "request_too_large");
  EXPECT_EQ(error_type(core::Error::rate_limited("x", 3)), "rate_limit_error");
  EXPECT_EQ(error_type(core::Error::unavailable("x")), "overloaded_error");
  EXPECT_EQ(error_type(core::Error::upstream("x")), "api_error");
  EXPECT_EQ(error_type(core::Error::upstream_timeout("x")), "api_error");
}

TEST(AnthropicIngressStream, EmptyAnswerStillHasTheWholeSequence) {
  StreamEncoder encoder("faq-local");
  auto events = events_of(encoder.done());
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].event, "message_start");
  EXPECT_EQ(json::parse(events[0].data).as_object()["message"].as_object()["model"], "faq-local");
  EXPECT_EQ(events[1].event, "message_delta");
  EXPECT_EQ(json::parse(events[1].data).as_object()["delta"].as_object()["stop_reason"], "end_turn");
  EXPECT_EQ(events[2].event, "message_stop");
}

TEST(AnthropicIngressStream, ErrorEventAndLengthStop) {
  StreamEncoder encoder("m");
  core::ChatChunk c;
  c.id = "chatcmpl-1";
  core::ChunkChoice choice;
  choice.content = "cut";
  choice.has_content = true;
  choice.finish_reason = "length";  // content and finish in one chunk (a redaction restorer's flush)
  c.choices.push_back(choice);
  auto first = events_of(encoder.chunk(c));
  ASSERT_EQ(first.size(), 3u);  // message_start, content_block_start, content_block_delta
  EXPECT_EQ(json::parse(first[0].data).as_object()["message"].as_object()["id"], "msg_1");
  auto last = events_of(encoder.done());
  ASSERT_EQ(last.size(), 3u);  // content_block_stop, message_delta, message_stop
  EXPECT_EQ(json::parse(last[1].data).as_object()["delta"].as_object()["stop_reason"], "max_tokens");
  auto err = events_of(encoder.error(core::Error::unavailable("busy")));
  ASSERT_EQ(err.size(), 1u);
  EXPECT_EQ(err[0].event, "error");
  EXPECT_EQ(json::parse(err[0].data).as_object()["error"].as_object()["type"], "overloaded_error");
}

// Anthropic client -> core -> Anthropic upstream: what the client said arrives as it said it.
TEST(AnthropicRoundTrip, IngressThenProviderKeepsTheConversation) {
  const std::string body = R"({"model":"m","max_tokens":100,"system":"Be terse.","stop_sequences":["X"],
    "messages":[
      {"role":"user","content":"Weather in Paris?"},
      {"role":"assistant","content":[{"type":"text","text":"Checking."},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},
      {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"sunny"},{"type":"text","text":"Thanks"}]}],
    "tools":[{"name":"get_weather","input_schema":{"type":"object"}}],
    "tool_choice":{"type":"tool","name":"get_weather"}})";
  auto core = parsed(body);
  auto out = wire::anthropic::format_request(core, "m");
  auto in = json::parse(body).as_object();
  EXPECT_EQ(out["system"], in["system"]);
  EXPECT_EQ(out["messages"], in["messages"]) << json::serialize(out["messages"]);
  EXPECT_EQ(out["tools"], in["tools"]);
  EXPECT_EQ(out["tool_choice"], in["tool_choice"]);
  EXPECT_EQ(out["stop_sequences"], in["stop_sequences"]);
  EXPECT_EQ(out["max_tokens"], in["max_tokens"]);
}

}  // namespace
}  // namespace sy::wire::anthropic
