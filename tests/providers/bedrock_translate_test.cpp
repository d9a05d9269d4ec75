// Bedrock Converse <-> core translation, against the golden files in tests/compat/bedrock/ and
// case by case; streams go through the real event-stream framing.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "wire/openai/chat_request.h"
#include "wire/openai/chat_response.h"
#include "providers/bedrock/bedrock_translate.h"
#include "providers/bedrock/event_stream.h"

namespace sy::providers::bedrock {
namespace {

namespace json = boost::json;
using core::ChatRequest;

const char* kModel = "anthropic.claude-3-haiku-20240307-v1:0";

std::string golden(const std::string& name) {
  std::ifstream in(std::string(SWITCHYARD_SOURCE_DIR) + "/tests/compat/bedrock/" + name, std::ios::binary);
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

ResponseMeta meta() { return {"chatcmpl-test", kModel, 1700000000}; }

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

// {"event": name, "payload": {...}} lines -> event-stream bytes as ConverseStream sends them.
std::string frames(const std::string& jsonl) {
  std::string out;
  for (const auto& line : lines(jsonl)) {
    auto o = json::parse(line).as_object();
    out += event_stream::encode({{":event-type", std::string(o["event"].as_string())},
                                 {":content-type", "application/json"},
                                 {":message-type", "event"}},
                                json::serialize(o["payload"]));
  }
  return out;
}

core::Status run_stream(const std::string& bytes, size_t piece, std::vector<core::ChatChunk>& out,
                        const std::string& json_tool = {}) {
  StreamTranslator t(ChatRequest::Kind::chat, meta(), json_tool);
  event_stream::Decoder d;
  core::Status status = core::Ok{};
  for (size_t i = 0; i < bytes.size(); i += piece) {
    auto framed = d.feed(std::string_view(bytes).substr(i, piece), [&](event_stream::Message& m) {
      status = t.on_message(m, out);
      return static_cast<bool>(status);
    });
    if (!status) return status;
    if (!framed) return framed;
  }
  return t.finish(out);
}

// ---- golden files ----

TEST(BedrockGolden, ChatWithToolsImagesAndToolResults) {
  auto c = format_request(request(golden("chat_tools.openai.json")));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->json_tool, "");
  expect_same_json(c->body, golden("chat_tools.converse.json"), "chat_tools");
}

TEST(BedrockGolden, JsonSchemaBecomesAForcedTool) {
  auto c = format_request(request(golden("json_schema.openai.json")));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->json_tool, "forecast");
  expect_same_json(c->body, golden("json_schema.converse.json"), "json_schema");
}

TEST(BedrockGolden, ResponseWithToolUse) {
  auto r = parse_response(golden("response_tool_use.converse.json"), ChatRequest::Kind::chat, meta());
  ASSERT_TRUE(r) << r.error().message;
  expect_same_json(json::parse(wire::openai::format_response(*r, ChatRequest::Kind::chat)),
                   golden("response_tool_use.openai.json"), "response_tool_use");
}

TEST(BedrockGolden, JsonModeToolInputIsTheContent) {
  auto r = parse_response(golden("response_json_schema.converse.json"), ChatRequest::Kind::chat, meta(), "forecast");
  ASSERT_TRUE(r) << r.error().message;
  expect_same_json(json::parse(wire::openai::format_response(*r, ChatRequest::Kind::chat)),
                   golden("response_json_schema.openai.json"), "response_json_schema");
}

TEST(BedrockGolden, StreamWithToolUseSplitAnywhere) {
  auto bytes = frames(golden("stream_tool_use.events.jsonl"));
  auto expected = lines(golden("stream_tool_use.openai.jsonl"));
  for (size_t piece : {size_t(1), size_t(5), size_t(97), bytes.size()}) {
    std::vector<core::ChatChunk> chunks;
    auto s = run_stream(bytes, piece, chunks);
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_EQ(chunks.size(), expected.size()) << "piece " << piece;
    for (size_t i = 0; i < chunks.size(); ++i) {
      expect_same_json(json::parse(wire::openai::format_chunk(chunks[i], ChatRequest::Kind::chat)), expected[i],
                       "chunk " + std::to_string(i) + " piece " + std::to_string(piece));
    }
  }
}

// ---- request details ----

TEST(BedrockRequest, ToolChoiceModes) {
  auto with = [](const std::string& choice) {
    auto c = format_request(request(
        R"({"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":)" +
        choice + "}"));
    EXPECT_TRUE(c);
    return c->body.contains("toolConfig") ? json::serialize(c->body["toolConfig"]) : std::string("none");
  };
  EXPECT_EQ(with(R"("required")"),
            R"({"tools":[{"toolSpec":{"name":"f","inputSchema":{"json":{"type":"object","properties":{}}}}}],"toolChoice":{"any":{}}})");
  EXPECT_NE(with(R"({"type":"function","function":{"name":"f"}})").find(R"("toolChoice":{"tool":{"name":"f"}})"),
            std::string::npos);
  EXPECT_EQ(with(R"("none")"), "none");
}

TEST(BedrockRequest, ToolsOnlyInTheHistoryStillGetASpec) {
  // Converse refuses toolUse blocks without a toolConfig; a client that dropped its tools on the
  // last turn must still work.
  auto c = format_request(request(
      R"({"model":"m","messages":[{"role":"user","content":"x"},)"
      R"({"role":"assistant","content":"","tool_calls":[{"id":"t1","type":"function","function":{"name":"lookup","arguments":""}}]},)"
      R"({"role":"tool","tool_call_id":"t1","content":""},{"role":"user","content":"thanks"}]})"));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(json::serialize(c->body["toolConfig"]),
            R"({"tools":[{"toolSpec":{"name":"lookup","inputSchema":{"json":{"type":"object","properties":{}}}}}]})");
  // The tool result and the next user text share one user turn (Converse wants roles alternating);
  // the empty assistant text and empty result text do not become blank blocks.
  auto msgs = c->body["messages"].as_array();
  ASSERT_EQ(msgs.size(), 3u);
  EXPECT_EQ(json::serialize(msgs[1]),
            R"({"role":"assistant","content":[{"toolUse":{"toolUseId":"t1","name":"lookup","input":{}}}]})");
  EXPECT_EQ(json::serialize(msgs[2]),
            R"({"role":"user","content":[{"toolResult":{"toolUseId":"t1","content":[{"text":" "}]}},{"text":"thanks"}]})");
}

TEST(BedrockRequest, ImageFormatsAndUrls) {
  auto with = [](const std::string& url) {
    return format_request(request(R"({"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":")" +
                                  url + R"("}}]}]})"));
  };
  auto jpeg = with("data:image/jpeg;base64,/9j/4AAQ");
  ASSERT_TRUE(jpeg);
  EXPECT_EQ(json::serialize(jpeg->body["messages"]),
            R"([{"role":"user","content":[{"image":{"format":"jpeg","source":{"bytes":"/9j/4AAQ"}}}]}])");
  auto remote = with("https://example.com/cat.png");
  ASSERT_FALSE(remote);
  EXPECT_EQ(remote.error().param, "messages[0].content[0].image_url.url");
  EXPECT_FALSE(with("data:image/bmp;base64,Qk0="));
}

TEST(BedrockRequest, JsonObjectModeWithUserToolsLetsTheModelPickAny) {
  auto c = format_request(request(
      R"({"model":"m","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"},)"
      R"("tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}]})"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->json_tool, "json_response");
  auto cfg = c->body["toolConfig"].as_object();
  EXPECT_EQ(cfg["tools"].as_array().size(), 2u);
  EXPECT_EQ(json::serialize(cfg["toolChoice"]), R"({"any":{}})");
}

// ---- response details ----

TEST(BedrockResponse, StopReasons) {
  EXPECT_EQ(finish_reason("end_turn"), "stop");
  EXPECT_EQ(finish_reason("stop_sequence"), "stop");
  EXPECT_EQ(finish_reason("max_tokens"), "length");
  EXPECT_EQ(finish_reason("tool_use"), "tool_calls");
  EXPECT_EQ(finish_reason("guardrail_intervened"), "content_filter");
  EXPECT_EQ(finish_reason("content_filtered"), "content_filter");
}

TEST(BedrockResponse, ExceptionStatuses) {
  EXPECT_EQ(exception_status("throttlingException"), 429);
  EXPECT_EQ(exception_status("ThrottlingException"), 429);
  EXPECT_EQ(exception_status("ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"), 400);
  EXPECT_EQ(exception_status("modelStreamErrorException"), 424);
  EXPECT_EQ(exception_status("serviceUnavailableException"), 503);
  EXPECT_EQ(exception_status("somethingNew"), 500);
  EXPECT_EQ(error_message(R"({"message":"Too many requests, please wait before trying again."})"),
            "Too many requests, please wait before trying again.");
  EXPECT_EQ(error_message(R"({"Message":"User is not authorized"})"), "User is not authorized");
}

TEST(BedrockResponse, MissingOutputIsA502) {
  auto r = parse_response(R"({"stopReason":"end_turn"})", ChatRequest::Kind::chat, meta());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, 502);
}

// ---- stream details ----

TEST(BedrockStream, ExceptionMidStreamIsMappedLikeItsHttpStatus) {
  std::string bytes = frames(R"({"event":"messageStart","payload":{"role":"assistant"}})");
  bytes += event_stream::encode({{":exception-type", "throttlingException"},
                                 {":content-type", "application/json"},
                                 {":message-type", "exception"}},
                                R"({"message":"Too many tokens, please wait before trying again."})");
  std::vector<core::ChatChunk> chunks;
  auto s = run_stream(bytes, 3, chunks);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().status, 429);
  EXPECT_EQ(chunks.size(), 1u);  // the role chunk went out first
}

TEST(BedrockStream, JsonModeToolInputStreamsAsContent) {
  auto bytes = frames(
      R"({"event":"messageStart","payload":{"role":"assistant"}})"
      "\n"
      R"({"event":"contentBlockStart","payload":{"contentBlockIndex":0,"start":{"toolUse":{"name":"forecast","toolUseId":"t"}}}})"
      "\n"
      R"({"event":"contentBlockDelta","payload":{"contentBlockIndex":0,"delta":{"toolUse":{"input":"{\"sky\":"}}}})"
      "\n"
      R"({"event":"contentBlockDelta","payload":{"contentBlockIndex":0,"delta":{"toolUse":{"input":"\"sun\"}"}}}})"
      "\n"
      R"({"event":"messageStop","payload":{"stopReason":"tool_use"}})"
      "\n"
      R"({"event":"metadata","payload":{"usage":{"inputTokens":5,"outputTokens":4,"cacheReadInputTokens":2}}})");
  std::vector<core::ChatChunk> chunks;
  auto s = run_stream(bytes, 8, chunks, "forecast");
  ASSERT_TRUE(s) << s.error().message;
  std::string content;
  for (const auto& c : chunks) {
    for (const auto& cc : c.choices) {
      content += cc.content;
      EXPECT_TRUE(cc.tool_calls.empty());
    }
  }
  EXPECT_EQ(content, R"({"sky":"sun"})");
  ASSERT_GE(chunks.size(), 2u);
  EXPECT_EQ(chunks[chunks.size() - 2].choices[0].finish_reason, "stop");
  EXPECT_EQ(chunks.back().usage->prompt_tokens, 7);
  EXPECT_EQ(chunks.back().usage->cached_tokens, 2);
}

TEST(BedrockStream, EndBeforeMessageStopIsAnError) {
  auto bytes = frames(R"({"event":"messageStart","payload":{"role":"assistant"}})");
  std::vector<core::ChatChunk> chunks;
  auto s = run_stream(bytes, 1000, chunks);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().status, 502);
}

TEST(BedrockStream, CorruptFrameStopsTheStream) {
  auto bytes = frames(R"({"event":"contentBlockDelta","payload":{"contentBlockIndex":0,"delta":{"text":"hi"}}})");
  bytes[bytes.size() - 1] ^= 0x55;
  std::vector<core::ChatChunk> chunks;
  auto s = run_stream(bytes, 4, chunks);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("CRC"), std::string::npos);
  EXPECT_TRUE(chunks.empty());
}

}  // namespace
}  // namespace sy::providers::bedrock
