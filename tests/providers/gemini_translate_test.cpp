// Gemini <-> core translation, against the golden files in tests/compat/gemini/ and case by case.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "wire/openai/chat_request.h"
#include "wire/openai/chat_response.h"
#include "http/sse.h"
#include "providers/gemini/gemini_translate.h"

namespace sy::providers::gemini {
namespace {

namespace json = boost::json;
using core::ChatRequest;

std::string golden(const std::string& name) {
  std::ifstream in(std::string(SWITCHYARD_SOURCE_DIR) + "/tests/compat/gemini/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing golden file " << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ChatRequest request(const std::string& body) {
  auto r = wire::openai::parse_chat_request(body);
  EXPECT_TRUE(r) << r.error().message;
  return r ? std::move(*r) : ChatRequest{};
}

ResponseMeta meta() { return {"chatcmpl-test", "gemini-configured", 1700000000, "call_test_"}; }

void expect_same_json(const json::value& got, const std::string& expected_text, const std::string& what) {
  auto expected = json::parse(expected_text);
  EXPECT_EQ(got, expected) << what << "\n got:      " << json::serialize(got)
                           << "\n expected: " << json::serialize(expected);
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

// Runs an SSE body through the reader and the translator in pieces of `piece` bytes.
core::Status run_stream(const std::string& sse, size_t piece, std::vector<core::ChatChunk>& out,
                        ChatRequest::Kind kind = ChatRequest::Kind::chat) {
  StreamTranslator t(kind, meta());
  http::SseReader reader;
  core::Status status = core::Ok{};
  for (size_t i = 0; i < sse.size(); i += piece) {
    reader.feed(std::string_view(sse).substr(i, piece), [&](http::SseEvent& ev) {
      status = t.on_event(ev.data, out);
      return static_cast<bool>(status);
    });
    if (!status) return status;
  }
  return t.finish(out);
}

// ---- golden files ----

TEST(GeminiGolden, ChatWithToolsImagesAndToolResults) {
  auto body = format_request(request(golden("chat_tools.openai.json")));
  ASSERT_TRUE(body) << body.error().message;
  expect_same_json(*body, golden("chat_tools.gemini.json"), "chat_tools");
}

TEST(GeminiGolden, JsonSchemaBecomesResponseSchema) {
  auto body = format_request(request(golden("json_schema.openai.json")));
  ASSERT_TRUE(body) << body.error().message;
  expect_same_json(*body, golden("json_schema.gemini.json"), "json_schema");
}

TEST(GeminiGolden, ResponseWithToolCalls) {
  auto r = parse_response(golden("response_tool_call.gemini.json"), ChatRequest::Kind::chat, meta());
  ASSERT_TRUE(r) << r.error().message;
  expect_same_json(json::parse(wire::openai::format_response(*r, ChatRequest::Kind::chat)),
                   golden("response_tool_call.openai.json"), "response_tool_call");
}

TEST(GeminiGolden, ResponseWithThoughtsCutAtMaxTokens) {
  auto r = parse_response(golden("response_text.gemini.json"), ChatRequest::Kind::chat, meta());
  ASSERT_TRUE(r) << r.error().message;
  expect_same_json(json::parse(wire::openai::format_response(*r, ChatRequest::Kind::chat)),
                   golden("response_text.openai.json"), "response_text");
}

TEST(GeminiGolden, StreamWithToolCallSplitAnywhere) {
  auto sse = golden("stream_tool_call.gemini.sse");
  auto expected = lines(golden("stream_tool_call.openai.jsonl"));
  for (size_t piece : {size_t(1), size_t(7), size_t(64), sse.size()}) {
    std::vector<core::ChatChunk> chunks;
    auto s = run_stream(sse, piece, chunks);
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_EQ(chunks.size(), expected.size()) << "piece " << piece;
    for (size_t i = 0; i < chunks.size(); ++i) {
      expect_same_json(json::parse(wire::openai::format_chunk(chunks[i], ChatRequest::Kind::chat)), expected[i],
                       "chunk " + std::to_string(i) + " piece " + std::to_string(piece));
    }
  }
}

TEST(GeminiGolden, ErrorBodyMessage) {
  EXPECT_EQ(error_message(golden("error.gemini.json")), "* GenerateContentRequest.contents: contents is not specified\n");
  EXPECT_EQ(error_message(R"([{"error":{"code":429,"message":"Resource exhausted","status":"RESOURCE_EXHAUSTED"}}])"),
            "Resource exhausted");
  EXPECT_EQ(error_message("not json"), "");
}

// ---- request details ----

TEST(GeminiRequest, ToolChoiceModes) {
  auto with = [](const std::string& choice) {
    auto body = format_request(request(
        R"({"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"string"}}}}}],"tool_choice":)" +
        choice + "}"));
    EXPECT_TRUE(body);
    return json::serialize((*body)["toolConfig"]);
  };
  EXPECT_EQ(with(R"("none")"), R"({"functionCallingConfig":{"mode":"NONE"}})");
  EXPECT_EQ(with(R"("required")"), R"({"functionCallingConfig":{"mode":"ANY"}})");
  EXPECT_EQ(with(R"({"type":"function","function":{"name":"f"}})"),
            R"({"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["f"]}})");
}

TEST(GeminiRequest, JsonObjectModeAndParameterlessTools) {
  auto body = format_request(request(
      R"({"model":"m","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"},)"
      R"("tools":[{"type":"function","function":{"name":"now","description":"the time","parameters":{"type":"object","properties":{}}}}]})"));
  ASSERT_TRUE(body);
  EXPECT_EQ(json::serialize((*body)["generationConfig"]), R"({"responseMimeType":"application/json"})");
  EXPECT_EQ(json::serialize((*body)["tools"]), R"([{"functionDeclarations":[{"name":"now","description":"the time"}]}])");
}

TEST(GeminiRequest, RemoteImageUrlIsRefusedNamingTheParam) {
  auto body = format_request(request(
      R"({"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}]})"));
  ASSERT_FALSE(body);
  EXPECT_EQ(body.error().status, 400);
  EXPECT_EQ(body.error().param, "messages[0].content[0].image_url.url");
}

TEST(GeminiRequest, ToolResultForAnUnknownCallIsRefused) {
  auto body = format_request(request(
      R"({"model":"m","messages":[{"role":"user","content":"x"},{"role":"tool","tool_call_id":"nope","content":"1"}]})"));
  ASSERT_FALSE(body);
  EXPECT_EQ(body.error().param, "messages[1].tool_call_id");
}

TEST(GeminiRequest, UnparsableToolArgumentsAreRefused) {
  auto body = format_request(request(
      R"({"model":"m","messages":[{"role":"user","content":"x"},{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{oops"}}]}]})"));
  ASSERT_FALSE(body);
  EXPECT_EQ(body.error().param, "messages[1].tool_calls[0].function.arguments");
}

TEST(GeminiRequest, LegacyCompletionPromptIsOneUserTurn) {
  auto r = wire::openai::parse_completion_request(R"({"model":"m","prompt":"Once upon","max_tokens":5})");
  ASSERT_TRUE(r);
  auto body = format_request(*r);
  ASSERT_TRUE(body);
  EXPECT_EQ(json::serialize(*body),
            R"({"contents":[{"role":"user","parts":[{"text":"Once upon"}]}],"generationConfig":{"maxOutputTokens":5}})");
}

// ---- response details ----

TEST(GeminiResponse, FinishReasons) {
  EXPECT_EQ(finish_reason("STOP", false), "stop");
  EXPECT_EQ(finish_reason("STOP", true), "tool_calls");
  EXPECT_EQ(finish_reason("MAX_TOKENS", false), "length");
  EXPECT_EQ(finish_reason("SAFETY", false), "content_filter");
  EXPECT_EQ(finish_reason("RECITATION", false), "content_filter");
  EXPECT_EQ(finish_reason("PROHIBITED_CONTENT", false), "content_filter");
  EXPECT_EQ(finish_reason("OTHER", false), "stop");
  EXPECT_EQ(finish_reason("", false), "");
}

TEST(GeminiResponse, BlockedPromptIsAContentFilterFinish) {
  auto r = parse_response(R"({"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":8,"totalTokenCount":8}})",
                          ChatRequest::Kind::chat, meta());
  ASSERT_TRUE(r);
  ASSERT_EQ(r->choices.size(), 1u);
  EXPECT_EQ(r->choices[0].finish_reason, "content_filter");
  EXPECT_EQ(r->usage->prompt_tokens, 8);
}

TEST(GeminiResponse, SeveralCandidatesAreSeveralChoices) {
  auto r = parse_response(
      R"({"candidates":[{"content":{"parts":[{"text":"a"}],"role":"model"},"finishReason":"STOP","index":0},)"
      R"({"content":{"parts":[{"text":"b"}],"role":"model"},"finishReason":"STOP","index":1}]})",
      ChatRequest::Kind::chat, meta());
  ASSERT_TRUE(r);
  ASSERT_EQ(r->choices.size(), 2u);
  EXPECT_EQ(r->choices[1].index, 1);
  EXPECT_EQ(r->choices[1].message.text(), "b");
  EXPECT_EQ(r->model, "gemini-configured");  // no modelVersion: the configured name
}

TEST(GeminiResponse, MalformedBodyIsA502) {
  auto r = parse_response("{\"candidates\": [", ChatRequest::Kind::chat, meta());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, 502);
}

// ---- stream details ----

TEST(GeminiStream, EndWithoutAFinishReasonIsAnError) {
  std::vector<core::ChatChunk> chunks;
  auto s = run_stream("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hel\"}]}}]}\n\n", 1000, chunks);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().status, 502);
  EXPECT_EQ(chunks.size(), 2u);  // role + "Hel" went out before the cut was known
}

TEST(GeminiStream, ErrorEventMapsItsCode) {
  std::vector<core::ChatChunk> chunks;
  auto s = run_stream("data: {\"error\":{\"code\":429,\"message\":\"Resource exhausted\",\"status\":\"RESOURCE_EXHAUSTED\"}}\n\n",
                      1000, chunks);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().status, 429);
}

TEST(GeminiStream, CompletionKindHasNoRoleChunk) {
  std::vector<core::ChatChunk> chunks;
  auto s = run_stream(
      "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"upon a time\"}]},\"finishReason\":\"STOP\"}]}\n\n", 1000,
      chunks, ChatRequest::Kind::completion);
  ASSERT_TRUE(s);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(wire::openai::format_chunk(chunks[0], ChatRequest::Kind::completion).find("\"role\""), std::string::npos);
  EXPECT_EQ(chunks[0].choices[0].content, "upon a time");
  EXPECT_EQ(chunks[1].choices[0].finish_reason, "stop");
}

}  // namespace
}  // namespace sy::providers::gemini
