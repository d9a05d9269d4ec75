// The gateway in front of a fake Google Gemini API speaking its documented wire format
// (generateContent, streamGenerateContent?alt=sse, x-goog-api-key, {"error":{code,message,status}}).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "harness.h"

namespace sy::testing {
namespace {

namespace json = boost::json;

std::string gemini_config(const FakeUpstream& up) {
  return "log: {access: off}\n"
         "keys:\n  - {name: tester, key: sk-client, models: [\"*\"]}\n"
         "models:\n  - name: gemini-fast\n    provider: gemini\n    base_url: http://127.0.0.1:" +
         std::to_string(up.port()) + "\n    api_key: g-upstream-key\n    model: gemini-2.0-flash\n";
}

const std::map<std::string, std::string> kAuth = {{"Authorization", "Bearer sk-client"}};

std::string sse(const std::string& json_text) { return "data: " + json_text + "\r\n\r\n"; }

TEST(Gemini, PlainAnswerIsTranslatedBothWays) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) {
    c.send(200, R"({"candidates":[{"content":{"parts":[{"text":"Bonjour!"}],"role":"model"},"finishReason":"STOP","index":0}],)"
                R"("usageMetadata":{"promptTokenCount":21,"candidatesTokenCount":3,"totalTokenCount":24,"cachedContentTokenCount":16},)"
                R"("modelVersion":"gemini-2.0-flash"})");
  });
  Switchyard sy(gemini_config(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions",
                     R"({"model":"gemini-fast","messages":[{"role":"system","content":"Be French."},{"role":"user","content":"Hello"}],)"
                     R"("temperature":0.2,"max_tokens":50,"stop":["\n\n"]})",
                     kAuth);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-switchyard-route"), "gemini-fast");
  auto v = json::parse(r.body).as_object();
  auto& choice = v["choices"].as_array()[0].as_object();
  EXPECT_EQ(choice["message"].as_object()["content"].as_string(), "Bonjour!");
  EXPECT_EQ(choice["finish_reason"].as_string(), "stop");
  auto& usage = v["usage"].as_object();
  EXPECT_EQ(usage["prompt_tokens"].as_int64(), 21);
  EXPECT_EQ(usage["completion_tokens"].as_int64(), 3);
  EXPECT_EQ(usage["total_tokens"].as_int64(), 24);
  EXPECT_EQ(usage["prompt_tokens_details"].as_object()["cached_tokens"].as_int64(), 16);

  auto seen = up.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, "/v1beta/models/gemini-2.0-flash:generateContent");
  EXPECT_EQ(seen[0].headers["x-goog-api-key"], "g-upstream-key");
  EXPECT_EQ(seen[0].headers.count("authorization"), 0u);  // the client's key never goes upstream
  auto sent = json::parse(seen[0].body);
  EXPECT_EQ(sent, json::parse(R"({"systemInstruction":{"parts":[{"text":"Be French."}]},)"
                              R"("contents":[{"role":"user","parts":[{"text":"Hello"}]}],)"
                              R"("generationConfig":{"temperature":0.2,"maxOutputTokens":50,"stopSequences":["\n\n"]}})"))
      << seen[0].body;
}

TEST(Gemini, ToolCallsRoundTrip) {
  FakeUpstream up([](const ReceivedRequest& req, FakeConnection& c) {
    if (req.body.find("functionResponse") == std::string::npos) {
      c.send(200, R"({"candidates":[{"content":{"parts":[{"functionCall":{"name":"get_weather","args":{"city":"Oslo"}}}],"role":"model"},)"
                  R"("finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":30,"candidatesTokenCount":5,"totalTokenCount":35}})");
    } else {
      c.send(200, R"({"candidates":[{"content":{"parts":[{"text":"It is -3 C in Oslo."}],"role":"model"},"finishReason":"STOP","index":0}],)"
                  R"("usageMetadata":{"promptTokenCount":40,"candidatesTokenCount":8,"totalTokenCount":48}})");
    }
  });
  Switchyard sy(gemini_config(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  const std::string tools =
      R"("tools":[{"type":"function","function":{"name":"get_weather","description":"Weather now",)"
      R"("parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}}}])";
  auto first = post_json(sy.port(), "/v1/chat/completions",
                         R"({"model":"gemini-fast","messages":[{"role":"user","content":"Weather in Oslo?"}],)" + tools + "}",
                         kAuth);
  ASSERT_EQ(first.status, 200) << first.body;
  auto v = json::parse(first.body).as_object();
  auto& choice = v["choices"].as_array()[0].as_object();
  EXPECT_EQ(choice["finish_reason"].as_string(), "tool_calls");
  auto& msg = choice["message"].as_object();
  EXPECT_TRUE(msg["content"].is_null());
  auto& call = msg["tool_calls"].as_array()[0].as_object();
  std::string call_id(call["id"].as_string());
  EXPECT_FALSE(call_id.empty());
  EXPECT_EQ(call["function"].as_object()["name"].as_string(), "get_weather");
  EXPECT_EQ(json::parse(call["function"].as_object()["arguments"].as_string()), json::parse(R"({"city":"Oslo"})"));
  auto sent = json::parse(up.requests()[0].body).as_object();
  EXPECT_EQ(sent["tools"], json::parse(R"([{"functionDeclarations":[{"name":"get_weather","description":"Weather now",)"
                                       R"("parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}]}])"));

  // The client answers the call; Gemini hears it as a functionResponse named after the function.
  auto second = post_json(
      sy.port(), "/v1/chat/completions",
      R"({"model":"gemini-fast","messages":[{"role":"user","content":"Weather in Oslo?"},)"
      R"({"role":"assistant","content":null,"tool_calls":[{"id":")" + call_id +
          R"(","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Oslo\"}"}}]},)"
          R"({"role":"tool","tool_call_id":")" + call_id + R"(","content":"{\"temp_c\":-3}"}],)" + tools + "}",
      kAuth);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(json::parse(second.body).as_object()["choices"].as_array()[0].as_object()["message"].as_object()["content"].as_string(),
            "It is -3 C in Oslo.");
  auto sent2 = json::parse(up.requests()[1].body).as_object();
  auto& contents = sent2["contents"].as_array();
  ASSERT_EQ(contents.size(), 3u);
  EXPECT_EQ(contents[1], json::parse(R"({"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Oslo"}}}]})"));
  EXPECT_EQ(contents[2], json::parse(R"({"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"temp_c":-3}}}]})"));
}

TEST(Gemini, StreamIsRelayedEventByEventWithToolCallsAndUsage) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) {
    c.start_stream(200, "text/event-stream");
    c.send_chunk(sse(R"({"candidates":[{"content":{"parts":[{"text":"Let me"}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":12,"totalTokenCount":12},"modelVersion":"gemini-2.0-flash"})"));
    std::this_thread::sleep_for(800ms);
    // One event split across two writes.
    std::string second = sse(R"({"candidates":[{"content":{"parts":[{"text":" look."}],"role":"model"},"index":0}],"modelVersion":"gemini-2.0-flash"})");
    c.send_chunk(second.substr(0, 40));
    std::this_thread::sleep_for(50ms);
    c.send_chunk(second.substr(40));
    c.send_chunk(sse(R"({"candidates":[{"content":{"parts":[{"functionCall":{"name":"lookup","args":{"q":"x"}}}],"role":"model"},"finishReason":"STOP","index":0}],)"
                     R"("usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":9,"totalTokenCount":21},"modelVersion":"gemini-2.0-flash"})"));
    c.end_stream();
  });
  Switchyard sy(gemini_config(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  std::vector<std::chrono::milliseconds> arrivals;
  auto r = stream_request(
      sy.port(), "/v1/chat/completions",
      R"({"model":"gemini-fast","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}],)"
      R"("tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object","properties":{"q":{"type":"string"}}}}}]})",
      [&](const std::string& bytes, auto at) {
        if (bytes.find("Let me") != std::string::npos) arrivals.push_back(at);
        return true;
      },
      kAuth);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "text/event-stream");
  ASSERT_EQ(arrivals.size(), 1u);
  EXPECT_LT(arrivals[0].count(), 700) << "the first chunk waited for the rest of the stream";
  auto role = r.body.find(R"("role":"assistant")");
  auto one = r.body.find(R"("content":"Let me")");
  auto two = r.body.find(R"("content":" look.")");
  auto tool = r.body.find(R"("name":"lookup","arguments":"{\"q\":\"x\"}")");
  auto finish = r.body.find(R"("finish_reason":"tool_calls")");
  auto usage = r.body.find(R"("choices":[],"usage":{"prompt_tokens":12,"completion_tokens":9,"total_tokens":21})");
  auto done = r.body.find("data: [DONE]");
  EXPECT_TRUE(role < one && one < two && two < tool && tool < finish && finish < usage && usage < done &&
              done != std::string::npos)
      << r.body;
  auto seen = up.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].target, "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse");
}

TEST(Gemini, ErrorsMapToTheirStatusInOpenAIsFormat) {
  FakeUpstream up([](const ReceivedRequest& req, FakeConnection& c) {
    if (req.body.find("slow down") != std::string::npos) {
      c.send(429, R"({"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}})",
             {{"Retry-After", "3"}});
    } else {
      c.send(400, R"({"error":{"code":400,"message":"Invalid JSON payload received. Unknown name \"foo\".","status":"INVALID_ARGUMENT"}})");
    }
  });
  Switchyard sy(gemini_config(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto limited = post_json(sy.port(), "/v1/chat/completions",
                           R"({"model":"gemini-fast","messages":[{"role":"user","content":"slow down"}]})", kAuth);
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(limited.header("retry-after"), "3");
  EXPECT_EQ(json::parse(limited.body).as_object()["error"].as_object()["type"].as_string(), "rate_limit_error");

  auto bad = post_json(sy.port(), "/v1/chat/completions",
                       R"({"model":"gemini-fast","stream":true,"messages":[{"role":"user","content":"x"}]})", kAuth);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.header("content-type"), "application/json");
  auto err = json::parse(bad.body).as_object()["error"].as_object();
  EXPECT_EQ(err["type"].as_string(), "invalid_request_error");
  EXPECT_NE(std::string(err["message"].as_string()).find("Unknown name"), std::string::npos) << bad.body;
}

TEST(Gemini, ImageThatIsNotADataUrlIsRefusedBeforeTheUpstream) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) { c.send(500, "{}"); });
  Switchyard sy(gemini_config(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions",
                     R"({"model":"gemini-fast","messages":[{"role":"user","content":[{"type":"text","text":"what is this"},)"
                     R"({"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]})",
                     kAuth);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(json::parse(r.body).as_object()["error"].as_object()["param"].as_string(), "messages[0].content[1].image_url.url");
  EXPECT_TRUE(up.requests().empty());
}

}  // namespace
}  // namespace sy::testing
