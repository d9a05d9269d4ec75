#include "wire/openai/chat_request.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <string>

namespace sy::wire::openai {
namespace {

namespace json = boost::json;

core::ChatRequest parse_ok(std::string_view body) {
  auto r = parse_chat_request(body);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? r.value() : core::ChatRequest{};
}

// Expects a 400 invalid_request_error and returns its param.
std::string parse_error_param(std::string_view body) {
  auto r = parse_chat_request(body);
  if (r.ok()) {
    ADD_FAILURE() << "expected an error for " << body;
    return "<accepted>";
  }
  EXPECT_EQ(r.error().status, 400) << body;
  EXPECT_EQ(r.error().type, "invalid_request_error") << body;
  EXPECT_FALSE(r.error().message.empty());
  return r.error().param;
}

json::object obj(std::string_view text) { return json::parse(text).as_object(); }

TEST(OpenAiChatRequest, ParsesTheInterpretedFields) {
  auto r = parse_ok(R"({
    "model": "gpt-4o",
    "messages": [
      {"role": "system", "content": "Be brief."},
      {"role": "user", "content": "Hi", "name": "ann"}
    ],
    "stream": true,
    "stream_options": {"include_usage": true},
    "max_tokens": 64,
    "temperature": 0.5,
    "top_p": 0.9,
    "stop": ["\n\n", "END"]
  })");
  EXPECT_EQ(r.kind, core::ChatRequest::Kind::chat);
  EXPECT_EQ(r.model, "gpt-4o");
  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_EQ(r.messages[0].role, "system");
  EXPECT_EQ(r.messages[0].text(), "Be brief.");
  EXPECT_FALSE(r.messages[0].content_is_parts);
  EXPECT_EQ(r.messages[1].role, "user");
  EXPECT_EQ(r.messages[1].name, "ann");
  EXPECT_TRUE(r.stream);
  EXPECT_TRUE(r.stream_options.include_usage);
  EXPECT_EQ(r.max_tokens, 64);
  EXPECT_EQ(r.temperature, 0.5);
  EXPECT_EQ(r.top_p, 0.9);
  EXPECT_EQ(r.stop, (std::vector<std::string>{"\n\n", "END"}));
  EXPECT_TRUE(r.extensions.empty());
}

TEST(OpenAiChatRequest, UnsetOptionalsStayUnset) {
  auto r = parse_ok(R"({"model":"m","messages":[{"role":"user","content":"x"}],"temperature":null,"stop":"END"})");
  EXPECT_FALSE(r.stream);
  EXPECT_FALSE(r.max_tokens.has_value());
  EXPECT_FALSE(r.temperature.has_value());
  EXPECT_FALSE(r.top_p.has_value());
  EXPECT_EQ(r.stop, (std::vector<std::string>{"END"}));
}

constexpr const char* kExtensionsBody = R"({
  "model": "gpt-4o",
  "messages": [{"role": "user", "content": "weather?"}],
  "tools": [{"type": "function", "function": {"name": "get_weather",
             "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}],
  "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
  "response_format": {"type": "json_schema", "json_schema": {"name": "w", "schema": {"type": "object"}}},
  "seed": 42,
  "user": "user-123",
  "logprobs": true,
  "top_logprobs": 3,
  "parallel_tool_calls": false
})";

TEST(OpenAiChatRequest, UnknownFieldsAreKeptVerbatim) {
  auto r = parse_ok(kExtensionsBody);
  auto original = obj(kExtensionsBody);
  ASSERT_EQ(r.extensions.size(), 8u);
  for (const char* key :
       {"tools", "tool_choice", "response_format", "seed", "user", "logprobs", "top_logprobs", "parallel_tool_calls"}) {
    ASSERT_TRUE(r.extensions.contains(key)) << key;
    EXPECT_EQ(r.extensions.at(key), original.at(key)) << key;
  }
}

TEST(OpenAiChatRequest, FormatRequestReEmitsExtensions) {
  auto r = parse_ok(kExtensionsBody);
  auto out = format_request(r, "gpt-4o-2024-08-06");
  auto expected = obj(kExtensionsBody);
  expected["model"] = "gpt-4o-2024-08-06";
  EXPECT_EQ(out, expected) << json::serialize(out);
}

TEST(OpenAiChatRequest, FormatRequestRoundTripsInterpretedFields) {
  constexpr const char* body =
      R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":10,"temperature":0.25,)"
      R"("top_p":0.5,"stop":["a","b"]})";
  auto out = format_request(parse_ok(body), "m");
  EXPECT_EQ(out, obj(body)) << json::serialize(out);
}

TEST(OpenAiChatRequest, SingleStopIsSentAsAString) {
  auto out = format_request(parse_ok(R"({"model":"m","messages":[{"role":"user","content":"x"}],"stop":["END"]})"),
                            "m");
  EXPECT_EQ(out.at("stop"), json::value("END"));
}

TEST(OpenAiChatRequest, MaxCompletionTokensIsForwardedUnderItsOwnName) {
  auto r = parse_ok(R"({"model":"o1","messages":[{"role":"user","content":"x"}],"max_completion_tokens":200})");
  EXPECT_EQ(r.max_tokens, 200);
  auto out = format_request(r, "o1");
  EXPECT_FALSE(out.contains("max_tokens"));
  EXPECT_EQ(out.at("max_completion_tokens"), json::value(200));
}

TEST(OpenAiChatRequest, StreamAlwaysAsksUpstreamForUsage) {
  auto plain = parse_ok(R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream":true})");
  EXPECT_FALSE(plain.stream_options.include_usage);
  auto out = format_request(plain, "m");
  EXPECT_EQ(out.at("stream"), json::value(true));
  EXPECT_EQ(out.at("stream_options"), json::value(json::object{{"include_usage", true}}));

  auto declined = parse_ok(
      R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream":true,"stream_options":{"include_usage":false}})");
  EXPECT_FALSE(declined.stream_options.include_usage);
  EXPECT_EQ(format_request(declined, "m").at("stream_options"),
            json::value(json::object{{"include_usage", true}}));
}

TEST(OpenAiChatRequest, NonStreamingRequestSendsNoStreamFields) {
  auto out = format_request(parse_ok(R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream":false})"),
                            "m");
  EXPECT_FALSE(out.contains("stream"));
  EXPECT_FALSE(out.contains("stream_options"));
}

TEST(OpenAiMessage, StringContentRoundTrips) {
  auto in = obj(R"({"role":"user","content":"hello"})");
  auto m = parse_message(in, true);
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->content_is_parts);
  EXPECT_EQ(format_message(*m), in);
}

TEST(OpenAiMessage, ArrayOfPartsRoundTrips) {
  auto in = obj(R"({"role":"user","content":[
      {"type":"text","text":"What is in"},
      {"type":"text","text":"this picture?"},
      {"type":"image_url","image_url":{"url":"https://example.com/cat.png","detail":"high"}},
      {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]})");
  auto m = parse_message(in, true);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_TRUE(m->content_is_parts);
  ASSERT_EQ(m->parts.size(), 4u);
  EXPECT_EQ(m->parts[2].kind, core::ContentPart::Kind::image_url);
  EXPECT_EQ(m->parts[2].url, "https://example.com/cat.png");
  EXPECT_EQ(m->parts[2].detail, "high");
  EXPECT_EQ(m->text(), "What is in\nthis picture?");
  EXPECT_EQ(format_message(*m), in) << json::serialize(format_message(*m));
}

TEST(OpenAiMessage, SinglePartArrayStaysAnArray) {
  auto in = obj(R"({"role":"user","content":[{"type":"text","text":"hi"}]})");
  auto m = parse_message(in, true);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(format_message(*m).at("content").is_array());
}

TEST(OpenAiMessage, AssistantToolCallsRoundTrip) {
  auto in = obj(R"({"role":"assistant","content":null,"tool_calls":[
      {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
      {"id":"call_2","type":"function","function":{"name":"get_time","arguments":"{}"}}]})");
  auto m = parse_message(in, true);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_TRUE(m->content_is_null);
  ASSERT_EQ(m->tool_calls.size(), 2u);
  EXPECT_EQ(m->tool_calls[0].id, "call_1");
  EXPECT_EQ(m->tool_calls[0].name, "get_weather");
  EXPECT_EQ(m->tool_calls[0].arguments, R"({"city":"Paris"})");
  EXPECT_EQ(format_message(*m), in) << json::serialize(format_message(*m));
}

TEST(OpenAiMessage, ToolResultMessageRoundTrips) {
  auto in = obj(R"({"role":"tool","tool_call_id":"call_1","content":"18C and sunny"})");
  auto m = parse_message(in, true);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->tool_call_id, "call_1");
  EXPECT_EQ(format_message(*m), in);
}

TEST(OpenAiMessage, UnknownMessageFieldsAreKept) {
  auto in = obj(R"({"role":"assistant","content":"x","refusal":null,"audio":{"id":"a1"}})");
  auto m = parse_message(in, true);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->extensions.size(), 2u);
  EXPECT_EQ(format_message(*m), in);
}

TEST(OpenAiChatRequest, FullConversationRoundTripsThroughFormatRequest) {
  constexpr const char* body = R"({"model":"m","messages":[
      {"role":"developer","content":"rules"},
      {"role":"user","content":[{"type":"text","text":"hi"}]},
      {"role":"assistant","content":null,"tool_calls":[
        {"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
      {"role":"tool","tool_call_id":"c1","content":"ok"}]})";
  auto out = format_request(parse_ok(body), "m");
  EXPECT_EQ(out, obj(body)) << json::serialize(out);
}

TEST(OpenAiChatRequestErrors, MalformedJson) {
  auto r = parse_chat_request(R"({"model": "m", "messages": [)");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 400);
  EXPECT_EQ(r.error().type, "invalid_request_error");
  EXPECT_EQ(r.error().message.rfind("The request body is not valid JSON", 0), 0u) << r.error().message;
  EXPECT_EQ(r.error().param, "");
}

TEST(OpenAiChatRequestErrors, EmptyBody) {
  auto r = parse_chat_request("");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 400);
  EXPECT_EQ(r.error().message, "The request body is empty; expected a JSON object.");
}

TEST(OpenAiChatRequestErrors, InvalidUtf8InAString) {
  std::string body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"bad \xff byte\"}]}";
  auto r = parse_chat_request(body);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 400);
  EXPECT_EQ(r.error().message.rfind("The request body is not valid JSON", 0), 0u) << r.error().message;
}

TEST(OpenAiChatRequestErrors, NulByteIsNamed) {
  const char raw[] = "{\"model\":\"m\"\0}";
  std::string body(raw, sizeof(raw) - 1);
  auto r = parse_chat_request(body);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 400);
  EXPECT_EQ(r.error().message, "The request body is not valid JSON (contains a NUL byte).");
}

TEST(OpenAiChatRequestErrors, NonObjectBody) {
  for (const char* body : {"[1,2]", "\"text\"", "42", "null"}) {
    auto r = parse_chat_request(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().status, 400);
    EXPECT_EQ(r.error().message, "The request body must be a JSON object.") << body;
  }
}

TEST(OpenAiChatRequestErrors, MissingOrBadModel) {
  EXPECT_EQ(parse_error_param(R"({"messages":[{"role":"user","content":"x"}]})"), "model");
  EXPECT_EQ(parse_error_param(R"({"model":"","messages":[{"role":"user","content":"x"}]})"), "model");
  EXPECT_EQ(parse_error_param(R"({"model":7,"messages":[{"role":"user","content":"x"}]})"), "model");
}

TEST(OpenAiChatRequestErrors, MissingOrEmptyMessages) {
  EXPECT_EQ(parse_error_param(R"({"model":"m"})"), "messages");
  EXPECT_EQ(parse_error_param(R"({"model":"m","messages":[]})"), "messages");
  EXPECT_EQ(parse_error_param(R"({"model":"m","messages":"hi"})"), "messages");
  EXPECT_EQ(parse_error_param(R"({"model":"m","messages":["hi"]})"), "messages[0]");
}

TEST(OpenAiChatRequestErrors, BadRole) {
  auto r = parse_chat_request(R"({"model":"m","messages":[{"role":"user","content":"a"},{"role":"robot","content":"x"}]})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 400);
  EXPECT_EQ(r.error().param, "messages[1].role");
  EXPECT_EQ(r.error().message, "In 'messages[1]': 'role' 'robot' is not a known role.");
  EXPECT_EQ(parse_error_param(R"({"model":"m","messages":[{"content":"x"}]})"), "messages[0].role");
}

TEST(OpenAiChatRequestErrors, MissingContentExceptForAssistant) {
  EXPECT_EQ(parse_error_param(R"({"model":"m","messages":[{"role":"user"}]})"), "messages[0].content");
  EXPECT_EQ(parse_error_param(R"({"model":"m","messages":[{"role":"user","content":5}]})"), "messages[0].content");
  auto r = parse_ok(R"({"model":"m","messages":[{"role":"assistant","tool_calls":[]}]})");
  EXPECT_TRUE(r.messages[0].content_is_null);
}

TEST(OpenAiChatRequestErrors, BadContentPart) {
  EXPECT_EQ(parse_error_param(R"({"model":"m","messages":[{"role":"user","content":[{"type":"audio"}]}]})"),
            "messages[0].content[0].type");
  EXPECT_EQ(parse_error_param(R"({"model":"m","messages":[{"role":"user","content":[{"type":"text","text":1}]}]})"),
            "messages[0].content[0].text");
}

TEST(OpenAiChatRequestErrors, TemperatureOutOfRange) {
  auto r = parse_chat_request(R"({"model":"m","messages":[{"role":"user","content":"x"}],"temperature":3})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 400);
  EXPECT_EQ(r.error().param, "temperature");
  EXPECT_EQ(r.error().message, "'temperature' must be a number from 0 to 2.");
  EXPECT_EQ(parse_error_param(R"({"model":"m","messages":[{"role":"user","content":"x"}],"temperature":"hot"})"),
            "temperature");
  EXPECT_EQ(parse_error_param(R"({"model":"m","messages":[{"role":"user","content":"x"}],"top_p":1.5})"), "top_p");
}

TEST(OpenAiChatRequestErrors, TooManyStops) {
  EXPECT_EQ(parse_error_param(R"({"model":"m","messages":[{"role":"user","content":"x"}],"stop":["a","b","c","d","e"]})"),
            "stop");
  EXPECT_EQ(parse_error_param(R"({"model":"m","messages":[{"role":"user","content":"x"}],"stop":[1]})"), "stop");
  auto four = parse_ok(R"({"model":"m","messages":[{"role":"user","content":"x"}],"stop":["a","b","c","d"]})");
  EXPECT_EQ(four.stop.size(), 4u);
}

TEST(OpenAiChatRequestErrors, StreamOptionsWithoutStream) {
  auto r = parse_chat_request(
      R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream_options":{"include_usage":true}})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 400);
  EXPECT_EQ(r.error().param, "stream_options");
  EXPECT_EQ(parse_error_param(R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream":false,)"
                              R"("stream_options":{"include_usage":true}})"),
            "stream_options");
  EXPECT_EQ(parse_error_param(R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream":true,)"
                              R"("stream_options":{"include_usage":"yes"}})"),
            "stream_options.include_usage");
}

TEST(OpenAiChatRequestErrors, BadScalars) {
  EXPECT_EQ(parse_error_param(R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream":"yes"})"), "stream");
  EXPECT_EQ(parse_error_param(R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":0})"),
            "max_tokens");
  EXPECT_EQ(parse_error_param(R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":1.5})"),
            "max_tokens");
  EXPECT_EQ(parse_error_param(R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_completion_tokens":-1})"),
            "max_completion_tokens");
  // Whole doubles outside int64 (found by tests/fuzz: converting them was undefined behaviour).
  for (const char* n : {"1e300", "-1e300", "9.3e18", "9223372036854775808.0", "1e19"}) {
    EXPECT_EQ(parse_error_param(std::string(R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":)") +
                                n + "}"),
              "max_tokens")
        << n;
  }
  // A number past double's range anywhere (Boost.JSON reads it as infinity and would forward it as
  // `Infinity`, which is not JSON) is refused.
  for (const char* body : {R"({"model":"m","messages":[{"role":"user","content":"x"}],"seed":1e400})",
                           R"({"model":"m","messages":[{"role":"user","content":"x","meta":[-1e999]}]})",
                           R"({"model":"m","prompt":"x","logit_bias":{"1":1e309}})"}) {
    auto r = std::string_view(body).find("prompt") != std::string_view::npos ? parse_completion_request(body)
                                                                              : parse_chat_request(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().status, 400);
    EXPECT_NE(r.error().message.find("too large"), std::string::npos) << r.error().message;
  }
  auto big = parse_chat_request(R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":1e18})");
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->max_tokens, 1000000000000000000);
}

TEST(OpenAiCompletionRequest, ParsesPromptStringOrSingleArray) {
  auto r = parse_completion_request(R"({"model":"gpt-3.5-turbo-instruct","prompt":"Once upon","max_tokens":5,"echo":true})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->kind, core::ChatRequest::Kind::completion);
  EXPECT_EQ(r->prompt, "Once upon");
  EXPECT_EQ(r->max_tokens, 5);
  EXPECT_TRUE(r->messages.empty());
  EXPECT_EQ(r->extensions.at("echo"), json::value(true));

  auto arr = parse_completion_request(R"({"model":"m","prompt":["only one"]})");
  ASSERT_TRUE(arr.ok());
  EXPECT_EQ(arr->prompt, "only one");
}

TEST(OpenAiCompletionRequest, FormatRequestSendsPromptNotMessages) {
  auto r = parse_completion_request(R"({"model":"client-name","prompt":"Once upon","max_tokens":5,"echo":true})");
  ASSERT_TRUE(r.ok());
  auto out = format_request(*r, "upstream-name");
  EXPECT_EQ(out, obj(R"({"model":"upstream-name","prompt":"Once upon","max_tokens":5,"echo":true})"))
      << json::serialize(out);
}

TEST(OpenAiCompletionRequest, Errors) {
  for (const char* body : {R"({"model":"m"})", R"({"model":"m","prompt":["a","b"]})", R"({"model":"m","prompt":5})"}) {
    auto r = parse_completion_request(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().status, 400);
    EXPECT_EQ(r.error().param, "prompt") << body;
  }
  auto r = parse_completion_request(R"({"prompt":"x"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().param, "model");
}

}  // namespace
}  // namespace sy::wire::openai
