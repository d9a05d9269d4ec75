// Provider `anthropic`: core -> Anthropic request bodies, Anthropic answers, events and errors ->
// core. Golden pairs in tests/compat/anthropic/ (see its README).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <boost/json.hpp>

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

core::ChatRequest openai_request(const std::string& body) {
  auto r = wire::openai::parse_chat_request(body);
  EXPECT_TRUE(r.ok()) << (r ? "" : r.error().message);
  return r ? *r : core::ChatRequest{};
}

json::value chunk_json(core::ChatChunk c) {
  c.created = 0;
  return json::parse(wire::openai::format_chunk(c, core::ChatRequest::Kind::chat));
}

TEST(AnthropicGolden, RequestFromCore) {
  auto request = openai_request(golden("provider_request.openai.json"));
  auto sent = format_request(request, "claude-sonnet-4-5");
  auto expected = json::parse(golden("provider_request.anthropic.json"));
  EXPECT_EQ(json::value(sent), expected) << "got:\n" << json::serialize(sent);
}

TEST(AnthropicGolden, ResponseToCore) {
  auto r = parse_response(golden("provider_response.anthropic.json"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  r->created = 0;
  auto got = json::parse(wire::openai::format_response(*r, core::ChatRequest::Kind::chat));
  EXPECT_EQ(got, json::parse(golden("provider_response.openai.json"))) << "got:\n" << json::serialize(got);
}

TEST(AnthropicGolden, StreamToCoreChunks) {
  StreamDecoder decoder("fallback-model");
  std::vector<json::value> got;
  http::SseReader reader;
  std::optional<core::Error> failure;
  reader.feed(golden("provider_stream.anthropic.sse"), [&](http::SseEvent& ev) {
    auto chunks = decoder.on_event(ev.event, ev.data);
    if (!chunks) {
      failure = chunks.error();
      return false;
    }
    for (auto& c : *chunks) got.push_back(chunk_json(std::move(c)));
    return true;
  });
  ASSERT_FALSE(failure) << failure->message;
  EXPECT_TRUE(decoder.finished());
  std::istringstream lines(golden("provider_stream.openai.jsonl"));
  std::vector<json::value> expected;
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) expected.push_back(json::parse(line));
  }
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], expected[i]) << "chunk " << i << ": " << json::serialize(got[i]);
}

TEST(AnthropicRequest, PlainTurnIsAStringAndDefaultsApply) {
  auto r = openai_request(R"({"model":"m","stream":true,"temperature":1.7,"messages":[{"role":"user","content":"hi"}]})");
  auto o = format_request(r, "claude-x");
  EXPECT_EQ(o["model"], "claude-x");
  EXPECT_EQ(o["messages"], json::parse(R"([{"role":"user","content":"hi"}])"));
  EXPECT_EQ(o["max_tokens"].as_int64(), kDefaultMaxTokens);  // Anthropic requires it
  EXPECT_EQ(o["temperature"].as_double(), 1.0);               // Anthropic's range is 0..1
  EXPECT_TRUE(o["stream"].as_bool());
  EXPECT_FALSE(o.contains("system"));
  EXPECT_FALSE(o.contains("tools"));
}

TEST(AnthropicRequest, OpenAIOnlyFieldsAreNotSent) {
  auto r = openai_request(R"({"model":"m","max_tokens":10,"seed":1,"logprobs":true,"n":1,"frequency_penalty":0.5,)"
                          R"("messages":[{"role":"user","content":"hi"}]})");
  auto o = format_request(r, "c");
  for (const char* k : {"seed", "logprobs", "n", "frequency_penalty", "user"}) EXPECT_FALSE(o.contains(k)) << k;
  EXPECT_EQ(o["max_tokens"].as_int64(), 10);
}

TEST(AnthropicRequest, JsonSchemaBecomesASystemInstructionWithTheSchema) {
  auto r = openai_request(R"({"model":"m","messages":[{"role":"system","content":"Be terse."},{"role":"user","content":"hi"}],)"
                          R"("response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object"}}}})");
  auto o = format_request(r, "c");
  ASSERT_TRUE(o["system"].is_array());
  auto text = std::string(o["system"].as_array()[1].as_object()["text"].as_string());
  EXPECT_NE(text.find(R"({"type":"object"})"), std::string::npos) << text;
  EXPECT_FALSE(o.contains("response_format"));
}

TEST(AnthropicRequest, ToolChoiceVariants) {
  auto with_choice = [](const std::string& choice) {
    auto r = openai_request(R"({"model":"m","messages":[{"role":"user","content":"hi"}],)"
                            R"("tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":)" + choice + "}");
    return format_request(r, "c");
  };
  EXPECT_EQ(with_choice(R"("auto")")["tool_choice"], json::parse(R"({"type":"auto"})"));
  EXPECT_EQ(with_choice(R"("required")")["tool_choice"], json::parse(R"({"type":"any"})"));
  EXPECT_EQ(with_choice(R"("none")")["tool_choice"], json::parse(R"({"type":"none"})"));
  auto o = with_choice(R"("auto")");
  // A tool without parameters still gets the object schema Anthropic requires.
  EXPECT_EQ(o["tools"].as_array()[0].as_object()["input_schema"], json::parse(R"({"type":"object","properties":{}})"));
}

TEST(AnthropicRequest, LegacyCompletionPromptIsAUserTurn) {
  core::ChatRequest r;
  r.kind = core::ChatRequest::Kind::completion;
  r.prompt = "Once upon a time";
  auto o = format_request(r, "c");
  EXPECT_EQ(o["messages"], json::parse(R"([{"role":"user","content":"Once upon a time"}])"));
}

TEST(AnthropicResponse, StopReasonsMapToFinishReasons) {
  EXPECT_EQ(finish_reason_of("end_turn"), "stop");
  EXPECT_EQ(finish_reason_of("stop_sequence"), "stop");
  EXPECT_EQ(finish_reason_of("max_tokens"), "length");
  EXPECT_EQ(finish_reason_of("tool_use"), "tool_calls");
  EXPECT_EQ(finish_reason_of("refusal"), "content_filter");
  EXPECT_EQ(finish_reason_of(""), "");
}

TEST(AnthropicResponse, TextOnlyAnswerAndMalformedBodies) {
  auto r = parse_response(R"({"id":"msg_1","type":"message","role":"assistant","model":"claude","content":[)"
                          R"({"type":"text","text":"Hello"},{"type":"text","text":" world"}],"stop_reason":"max_tokens",)"
                          R"("usage":{"input_tokens":3,"output_tokens":2}})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->choices[0].message.text(), "Hello world");
  EXPECT_EQ(r->choices[0].finish_reason, "length");
  EXPECT_EQ(r->usage->prompt_tokens, 3);
  EXPECT_EQ(r->usage->cached_tokens, 0);
  EXPECT_EQ(parse_response("not json").error().status, 502);
  EXPECT_EQ(parse_response(R"({"type":"message"})").error().status, 502);
}

TEST(AnthropicErrors, FieldsOfAnErrorBody) {
  auto [type, message] = error_fields(R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
  EXPECT_EQ(type, "overloaded_error");
  EXPECT_EQ(message, "Overloaded");
  EXPECT_EQ(error_fields("<html>oops</html>"), (std::pair<std::string, std::string>{}));
  // A long message is clipped on a character boundary.
  std::string long_message(600, 'x');
  long_message[498] = '\xe4';
  long_message[499] = '\xb8';
  long_message[500] = '\xad';
  auto clipped = error_fields(R"({"type":"error","error":{"type":"t","message":")" + long_message + R"("}})").second;
  EXPECT_EQ(clipped.size(), 498u);
}

TEST(AnthropicStream, ErrorEventIsAnError) {
  StreamDecoder d("m");
  auto start = d.on_event("message_start", R"({"type":"message_start","message":{"id":"msg_1","model":"claude","usage":{"input_tokens":1,"output_tokens":1}}})");
  ASSERT_TRUE(start.ok());
  auto r = d.on_event("error", R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 503);
  r = d.on_event("error", R"({"type":"error","error":{"type":"api_error","message":"Internal server error"}})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 502);
  EXPECT_EQ(r.error().message, "The upstream reported an error mid-stream (api_error).");
  EXPECT_EQ(r.error().upstream_message, "Internal server error");
  EXPECT_EQ(d.on_event("content_block_delta", "{not json").error().status, 502);
}

TEST(AnthropicStream, TwoToolBlocksAfterTextAreToolCallsZeroAndOne) {
  StreamDecoder d("m");
  std::vector<core::ChatChunk> all;
  auto feed = [&](const char* event, const std::string& data) {
    auto r = d.on_event(event, data);
    ASSERT_TRUE(r.ok()) << r.error().message;
    for (auto& c : *r) all.push_back(std::move(c));
  };
  feed("message_start", R"({"type":"message_start","message":{"id":"msg_1","model":"claude","usage":{"input_tokens":5,"cache_read_input_tokens":7,"output_tokens":1}}})");
  feed("content_block_start", R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})");
  feed("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}})");
  feed("content_block_start", R"({"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_a","name":"a","input":{}}})");
  feed("content_block_start", R"({"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_b","name":"b","input":{}}})");
  feed("content_block_delta", R"({"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{}"}})");
  feed("unknown_future_event", R"({"type":"unknown_future_event"})");
  feed("message_delta", R"({"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":9}})");
  feed("message_stop", R"({"type":"message_stop"})");
  ASSERT_EQ(all.size(), 7u);
  EXPECT_EQ(all[2].choices[0].tool_calls[0].index, 0);
  EXPECT_EQ(all[2].choices[0].tool_calls[0].id, "toolu_a");
  EXPECT_EQ(all[3].choices[0].tool_calls[0].index, 1);
  EXPECT_EQ(all[4].choices[0].tool_calls[0].index, 1);
  EXPECT_EQ(all[4].choices[0].tool_calls[0].arguments, "{}");
  EXPECT_EQ(all[5].choices[0].finish_reason, "tool_calls");
  ASSERT_TRUE(all[6].usage);
  EXPECT_TRUE(all[6].choices.empty());
  EXPECT_EQ(all[6].usage->prompt_tokens, 12);
  EXPECT_EQ(all[6].usage->cached_tokens, 7);
  EXPECT_EQ(all[6].usage->completion_tokens, 9);
  EXPECT_TRUE(d.finished());
}

}  // namespace
}  // namespace sy::wire::anthropic
