#include "core/answer_chunks.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "wire/openai/chat_response.h"

namespace sy::core {
namespace {

// A whole answer as chunks and back is the same answer, field for field, as a client sees it.
TEST(AnswerChunks, AWholeAnswerSurvivesTheRoundTrip) {
  const std::string body = R"({"id":"chatcmpl-9","object":"chat.completion","created":1700000000,"model":"m",
    "system_fingerprint":"fp_1",
    "choices":[
      {"index":0,"message":{"role":"assistant","content":"Hello there"},"logprobs":null,"finish_reason":"stop"},
      {"index":1,"message":{"role":"assistant","content":null,"tool_calls":[
        {"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}},
        {"id":"call_2","type":"function","function":{"name":"g","arguments":"{}"}}]},"logprobs":null,"finish_reason":"tool_calls"}],
    "usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}})";
  auto whole = wire::openai::parse_response(body, ChatRequest::Kind::chat);
  ASSERT_TRUE(whole.ok()) << whole.error().message;
  AnswerCollector c;
  for (const auto& chunk : as_chunks(*whole)) c.add(chunk);
  EXPECT_FALSE(c.empty());
  auto again = wire::openai::format_response(c.take(), ChatRequest::Kind::chat);
  EXPECT_EQ(boost::json::parse(again), boost::json::parse(wire::openai::format_response(*whole, ChatRequest::Kind::chat)));
  EXPECT_TRUE(c.empty()) << "take() leaves the collector empty";
}

TEST(AnswerChunks, StreamedPiecesAreJoined) {
  AnswerCollector c;
  auto piece = [](std::string text, std::string finish = {}) {
    ChatChunk k;
    k.id = "x";
    k.model = "m";
    ChunkChoice cc;
    cc.content = std::move(text);
    cc.has_content = true;
    cc.finish_reason = std::move(finish);
    k.choices.push_back(cc);
    return k;
  };
  EXPECT_TRUE(c.empty());
  c.add(piece("Hel"));
  c.add(piece("lo"));
  c.add(piece("", "stop"));
  auto a = c.take();
  ASSERT_EQ(a.choices.size(), 1u);
  EXPECT_EQ(a.choices[0].message.text(), "Hello");
  EXPECT_EQ(a.choices[0].message.role, "assistant");
  EXPECT_EQ(a.choices[0].finish_reason, "stop");
}

}  // namespace
}  // namespace sy::core
