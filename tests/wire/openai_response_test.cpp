#include "wire/openai/chat_response.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace sy::wire::openai {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

json::value parsed(const std::string& text) { return json::parse(text); }

constexpr const char* kChatCompletion = R"({
  "id": "chatcmpl-abc123",
  "object": "chat.completion",
  "created": 1700000000,
  "model": "gpt-4o-2024-08-06",
  "choices": [{
    "index": 0,
    "message": {"role": "assistant", "content": "Hello there!", "refusal": null},
    "logprobs": null,
    "finish_reason": "stop"
  }],
  "usage": {"prompt_tokens": 1200, "completion_tokens": 5, "total_tokens": 1205,
            "prompt_tokens_details": {"cached_tokens": 1024}},
  "system_fingerprint": "fp_abc",
  "service_tier": "default"
})";

TEST(OpenAiResponse, ParsesAChatCompletion) {
  auto r = parse_response(kChatCompletion, Kind::chat);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->id, "chatcmpl-abc123");
  EXPECT_EQ(r->model, "gpt-4o-2024-08-06");
  EXPECT_EQ(r->created, 1700000000);
  ASSERT_EQ(r->choices.size(), 1u);
  EXPECT_EQ(r->choices[0].index, 0);
  EXPECT_EQ(r->choices[0].finish_reason, "stop");
  EXPECT_EQ(r->choices[0].message.role, "assistant");
  EXPECT_EQ(r->choices[0].message.text(), "Hello there!");
  ASSERT_TRUE(r->usage.has_value());
  EXPECT_EQ(r->usage->prompt_tokens, 1200);
  EXPECT_EQ(r->usage->completion_tokens, 5);
  EXPECT_EQ(r->usage->cached_tokens, 1024);
  EXPECT_EQ(r->usage->total(), 1205);
  EXPECT_EQ(r->extensions.at("system_fingerprint"), json::value("fp_abc"));
  EXPECT_EQ(r->extensions.at("service_tier"), json::value("default"));
  EXPECT_FALSE(r->extensions.contains("object"));
  EXPECT_FALSE(r->extensions.contains("usage"));
}

TEST(OpenAiResponse, ChatCompletionRoundTrips) {
  auto r = parse_response(kChatCompletion, Kind::chat);
  ASSERT_TRUE(r.ok());
  auto out = format_response(*r, Kind::chat);
  EXPECT_EQ(parsed(out), parsed(kChatCompletion)) << out;
}

TEST(OpenAiResponse, ToolCallResponseRoundTrips) {
  constexpr const char* body = R"({"id":"c","object":"chat.completion","created":1,"model":"m",
    "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
      {"id":"call_9","type":"function","function":{"name":"lookup","arguments":"{\"q\":\"x\"}"}}]},
      "logprobs":null,"finish_reason":"tool_calls"}],
    "usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}})";
  auto r = parse_response(body, Kind::chat);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->choices[0].message.tool_calls.size(), 1u);
  EXPECT_EQ(r->choices[0].message.tool_calls[0].name, "lookup");
  EXPECT_EQ(r->usage->cached_tokens, 0);
  auto out = format_response(*r, Kind::chat);
  EXPECT_EQ(parsed(out), parsed(body)) << out;
}

TEST(OpenAiResponse, FormatAddsNullLogprobsAndFinishReasonForChat) {
  core::ChatResponse r;
  r.id = "x";
  r.model = "m";
  r.created = 5;
  core::Choice c;
  c.message.role = "assistant";
  c.message.parts.push_back({core::ContentPart::Kind::text, "hi", {}, {}});
  r.choices.push_back(c);
  auto out = parsed(format_response(r, Kind::chat));
  EXPECT_EQ(out, parsed(R"({"id":"x","object":"chat.completion","created":5,"model":"m","choices":[
      {"index":0,"message":{"role":"assistant","content":"hi"},"logprobs":null,"finish_reason":null}]})"));
}

TEST(OpenAiResponse, LegacyCompletionRoundTrips) {
  constexpr const char* body = R"({"id":"cmpl-1","object":"text_completion","created":1700000001,
    "model":"gpt-3.5-turbo-instruct",
    "choices":[{"text":" a time","index":0,"logprobs":null,"finish_reason":"length"}],
    "usage":{"prompt_tokens":2,"completion_tokens":3,"total_tokens":5}})";
  auto r = parse_response(body, Kind::completion);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->choices.size(), 1u);
  EXPECT_EQ(r->choices[0].message.role, "assistant");
  EXPECT_EQ(r->choices[0].message.text(), " a time");
  EXPECT_EQ(r->choices[0].finish_reason, "length");
  auto out = format_response(*r, Kind::completion);
  EXPECT_EQ(parsed(out), parsed(body)) << out;
}

TEST(OpenAiResponse, MalformedUpstreamBodiesAre502) {
  for (const char* body : {"not json", "[1]", "{\"id\":\"x\"}", "{\"choices\":[1]}", "{\"choices\":[{\"index\":0}]}"}) {
    auto r = parse_response(body, Kind::chat);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().status, 502) << body;
    EXPECT_EQ(r.error().type, "upstream_error") << body;
  }
  auto r = parse_response("<html>502 Bad Gateway</html>", Kind::chat);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "The upstream returned a malformed response (not a JSON object).");
}

TEST(OpenAiResponse, OutlandishNumbersFromTheUpstreamAreContained) {
  // Found by tests/fuzz: a double outside int64 (undefined behaviour to convert) and token counts
  // whose sum overflows, or that are negative.
  auto r = parse_response(R"({"id":"c","created":1e300,"model":"m","choices":[],)"
                          R"("usage":{"prompt_tokens":9223372036854775807,"completion_tokens":5}})",
                          Kind::chat);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->created, 0);
  ASSERT_TRUE(r->usage.has_value());
  EXPECT_EQ(r->usage->total(), INT64_MAX);
  auto out = parsed(format_response(*r, Kind::chat));
  EXPECT_EQ(out.at("usage").at("total_tokens").as_int64(), INT64_MAX);

  auto negative = parse_chunk(R"({"id":"c","choices":[],"usage":{"prompt_tokens":-5,"completion_tokens":-1e300,)"
                              R"("prompt_tokens_details":{"cached_tokens":-1}}})",
                              Kind::chat);
  ASSERT_TRUE(negative.ok());
  EXPECT_EQ(negative->usage->prompt_tokens, 0);
  EXPECT_EQ(negative->usage->completion_tokens, 0);
  EXPECT_EQ(negative->usage->cached_tokens, 0);

  // A number past double's range would be forwarded as `Infinity` (not JSON): a malformed answer.
  auto inf = parse_chunk(R"({"id":"c","choices":[{"index":0,"delta":{"content":"x"},"logprobs":{"p":3e400}}]})",
                         Kind::chat);
  ASSERT_FALSE(inf.ok());
  EXPECT_EQ(inf.error().status, 502);
  auto inf_response = parse_response(R"({"id":"c","choices":[],"x":-1e999})", Kind::chat);
  ASSERT_FALSE(inf_response.ok());
  EXPECT_EQ(inf_response.error().status, 502);
}

TEST(OpenAiChunk, ParsesContentDelta) {
  auto c = parse_chunk(R"({"id":"c1","object":"chat.completion.chunk","created":7,"model":"m",
      "system_fingerprint":"fp_1",
      "choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"logprobs":null,"finish_reason":null}]})",
                       Kind::chat);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->id, "c1");
  EXPECT_EQ(c->created, 7);
  ASSERT_EQ(c->choices.size(), 1u);
  EXPECT_EQ(c->choices[0].role, "assistant");
  EXPECT_TRUE(c->choices[0].has_content);
  EXPECT_EQ(c->choices[0].content, "Hel");
  EXPECT_EQ(c->choices[0].finish_reason, "");
  EXPECT_FALSE(c->usage.has_value());
  EXPECT_EQ(c->extensions.at("system_fingerprint"), json::value("fp_1"));
}

TEST(OpenAiChunk, ContentChunkRoundTrips) {
  constexpr const char* data = R"({"id":"c1","object":"chat.completion.chunk","created":7,"model":"m",
      "choices":[{"index":0,"delta":{"content":"lo","refusal":null},"logprobs":null,"finish_reason":null}]})";
  auto c = parse_chunk(data, Kind::chat);
  ASSERT_TRUE(c.ok());
  auto out = format_chunk(*c, Kind::chat);
  EXPECT_EQ(parsed(out), parsed(data)) << out;
}

TEST(OpenAiChunk, ToolCallDeltas) {
  constexpr const char* first = R"({"id":"c2","object":"chat.completion.chunk","created":8,"model":"m",
      "choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[
        {"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]},
        "finish_reason":null}]})";
  auto c1 = parse_chunk(first, Kind::chat);
  ASSERT_TRUE(c1.ok()) << c1.error().message;
  ASSERT_EQ(c1->choices.size(), 1u);
  EXPECT_FALSE(c1->choices[0].has_content);
  ASSERT_EQ(c1->choices[0].tool_calls.size(), 1u);
  const auto& d1 = c1->choices[0].tool_calls[0];
  EXPECT_EQ(d1.index, 0);
  EXPECT_EQ(d1.id, "call_1");
  EXPECT_EQ(d1.name, "get_weather");
  EXPECT_TRUE(d1.has_arguments);
  EXPECT_EQ(d1.arguments, "");
  EXPECT_EQ(parsed(format_chunk(*c1, Kind::chat)), parsed(first)) << format_chunk(*c1, Kind::chat);

  constexpr const char* second = R"({"id":"c2","object":"chat.completion.chunk","created":8,"model":"m",
      "choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\"city\":"}}]},
        "finish_reason":null}]})";
  auto c2 = parse_chunk(second, Kind::chat);
  ASSERT_TRUE(c2.ok()) << c2.error().message;
  const auto& d2 = c2->choices[0].tool_calls.at(0);
  EXPECT_EQ(d2.index, 1);
  EXPECT_EQ(d2.id, "");
  EXPECT_EQ(d2.name, "");
  EXPECT_EQ(d2.arguments, "{\"city\":");
  // No id means no "type" and no "id" in the delta sent on.
  EXPECT_EQ(parsed(format_chunk(*c2, Kind::chat)), parsed(second)) << format_chunk(*c2, Kind::chat);
}

TEST(OpenAiChunk, FinishChunkAndUsageChunk) {
  auto fin = parse_chunk(R"({"id":"c","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})",
                         Kind::chat);
  ASSERT_TRUE(fin.ok());
  EXPECT_EQ(fin->choices[0].finish_reason, "tool_calls");
  EXPECT_FALSE(fin->choices[0].has_content);

  constexpr const char* usage = R"({"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[],
      "usage":{"prompt_tokens":10,"completion_tokens":20,"total_tokens":30,"prompt_tokens_details":{"cached_tokens":4}}})";
  auto u = parse_chunk(usage, Kind::chat);
  ASSERT_TRUE(u.ok());
  EXPECT_TRUE(u->choices.empty());
  ASSERT_TRUE(u->usage.has_value());
  EXPECT_EQ(u->usage->prompt_tokens, 10);
  EXPECT_EQ(u->usage->completion_tokens, 20);
  EXPECT_EQ(u->usage->cached_tokens, 4);
  EXPECT_EQ(parsed(format_chunk(*u, Kind::chat)), parsed(usage));
}

TEST(OpenAiChunk, NullUsageIsNoUsage) {
  auto c = parse_chunk(R"({"id":"c","choices":[{"index":0,"delta":{"content":"x"}}],"usage":null})", Kind::chat);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->usage.has_value());
  EXPECT_FALSE(c->extensions.contains("usage"));
}

TEST(OpenAiChunk, ErrorInStreamIs502) {
  auto c = parse_chunk(R"({"error":{"message":"The server had an error","type":"server_error"}})", Kind::chat);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().status, 502);
  EXPECT_EQ(c.error().type, "upstream_error");
  EXPECT_EQ(c.error().message, "The upstream reported an error mid-stream.");
  EXPECT_EQ(c.error().upstream_message, "The server had an error");

  auto no_message = parse_chunk(R"({"error":{"code":500}})", Kind::chat);
  ASSERT_FALSE(no_message.ok());
  EXPECT_EQ(no_message.error().message, "The upstream reported an error mid-stream.");
  EXPECT_TRUE(no_message.error().upstream_message.empty());
}

TEST(OpenAiChunk, MalformedChunkIs502) {
  for (const char* data : {"{\"id\":", "[DONE]", "\"x\"", "{\"choices\":[\"x\"]}"}) {
    auto c = parse_chunk(data, Kind::chat);
    ASSERT_FALSE(c.ok()) << data;
    EXPECT_EQ(c.error().status, 502) << data;
    EXPECT_EQ(c.error().type, "upstream_error") << data;
  }
}

TEST(OpenAiChunk, LegacyCompletionChunkRoundTrips) {
  constexpr const char* data = R"({"id":"cmpl-2","object":"text_completion","created":3,"model":"m",
      "choices":[{"text":"Once","index":0,"logprobs":null,"finish_reason":null}]})";
  auto c = parse_chunk(data, Kind::completion);
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->choices.size(), 1u);
  EXPECT_TRUE(c->choices[0].has_content);
  EXPECT_EQ(c->choices[0].content, "Once");
  auto out = format_chunk(*c, Kind::completion);
  EXPECT_EQ(parsed(out), parsed(data)) << out;
}

TEST(OpenAiUsage, FormatOmitsZeroCachedTokens) {
  EXPECT_EQ(json::value(format_usage({3, 4, 0})),
            parsed(R"({"prompt_tokens":3,"completion_tokens":4,"total_tokens":7})"));
  EXPECT_EQ(json::value(format_usage({3, 4, 2})),
            parsed(R"({"prompt_tokens":3,"completion_tokens":4,"total_tokens":7,"prompt_tokens_details":{"cached_tokens":2}})"));
}

}  // namespace
}  // namespace sy::wire::openai

namespace sy::wire::openai {
namespace {

TEST(OpenAIUsage, DetailsSwitchyardDoesNotMeterRoundTrip) {
  auto body = R"({"id":"x","object":"chat.completion","created":1,"model":"m","choices":[],)"
              R"("usage":{"prompt_tokens":10,"completion_tokens":20,"total_tokens":30,)"
              R"("prompt_tokens_details":{"cached_tokens":4,"audio_tokens":0},)"
              R"("completion_tokens_details":{"reasoning_tokens":12}}})";
  auto r = parse_response(body, Kind::chat);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->usage);
  EXPECT_EQ(r->usage->cached_tokens, 4);
  auto out = boost::json::parse(format_response(*r, Kind::chat)).as_object();
  auto usage = out["usage"].as_object();
  EXPECT_EQ(usage["completion_tokens_details"].as_object()["reasoning_tokens"].as_int64(), 12);
  EXPECT_EQ(usage["prompt_tokens_details"].as_object()["audio_tokens"].as_int64(), 0);
  EXPECT_EQ(usage["prompt_tokens_details"].as_object()["cached_tokens"].as_int64(), 4);
  EXPECT_EQ(usage["total_tokens"].as_int64(), 30);
}

}  // namespace
}  // namespace sy::wire::openai
