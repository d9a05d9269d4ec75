// The gateway in front of a fake AWS Bedrock runtime speaking Converse / ConverseStream as
// documented: SigV4-signed requests (the fake recomputes and checks every signature), JSON
// answers, the binary event stream with CRCs, and Bedrock's error bodies and exceptions.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "harness.h"
#include "providers/bedrock/event_stream.h"
#include "providers/bedrock/sigv4.h"

namespace sy::testing {
namespace {

namespace json = boost::json;
namespace sigv4 = providers::sigv4;
namespace es = providers::event_stream;

constexpr const char* kAccessKey = "AKIDEXAMPLE";
constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr const char* kToken = "FQoGZXIvYXdzEXAMPLETOKEN//////////wEaD";
constexpr const char* kModelPath = "/model/anthropic.claude-3-haiku-20240307-v1%3A0";

std::string bedrock_config(const FakeUpstream& up, const std::string& secret = kSecret) {
  return "log: {access: off}\n"
         "keys:\n  - {name: tester, key: sk-client, models: [\"*\"]}\n"
         "models:\n  - name: claude-bedrock\n    provider: bedrock\n    region: us-west-2\n"
         "    base_url: http://127.0.0.1:" + std::to_string(up.port()) +
         "\n    model: \"anthropic.claude-3-haiku-20240307-v1:0\"\n"
         "    access_key_id: " + kAccessKey + "\n    secret_access_key: \"" + secret + "\"\n"
         "    session_token: \"" + kToken + "\"\n";
}

const std::map<std::string, std::string> kAuth = {{"Authorization", "Bearer sk-client"}};

std::string between(const std::string& s, const std::string& from, const std::string& to) {
  auto a = s.find(from);
  if (a == std::string::npos) return {};
  a += from.size();
  auto b = s.find(to, a);
  return s.substr(a, b == std::string::npos ? std::string::npos : b - a);
}

// What AWS does with a request: recompute its SigV4 signature from what arrived. "" = valid.
std::string verify_sigv4(const ReceivedRequest& r) {
  auto get = [&](const std::string& name) {
    auto it = r.headers.find(name);
    return it == r.headers.end() ? std::string() : it->second;
  };
  const std::string auth = get("authorization");
  if (auth.rfind("AWS4-HMAC-SHA256 ", 0) != 0) return "not a SigV4 Authorization header: " + auth;
  const std::string credential = between(auth, "Credential=", ",");
  const std::string signed_headers = between(auth, "SignedHeaders=", ",");
  const std::string signature = between(auth, "Signature=", ",");
  const std::string date = get("x-amz-date");
  if (date.size() != 16) return "bad x-amz-date '" + date + "'";
  if (credential != std::string(kAccessKey) + "/" + date.substr(0, 8) + "/us-west-2/bedrock/aws4_request") {
    return "wrong credential scope " + credential;
  }
  const std::string payload_hash = sigv4::sha256_hex(r.body);
  if (get("x-amz-content-sha256") != payload_hash) return "x-amz-content-sha256 does not match the body";
  if (get("x-amz-security-token") != kToken) return "missing session token";
  sigv4::Request req;
  req.method = r.method;
  auto q = r.target.find('?');
  req.path = r.target.substr(0, q);
  if (q != std::string::npos) req.query = r.target.substr(q + 1);
  req.payload_sha256 = payload_hash;
  bool has_token = false, has_host = false;
  for (size_t pos = 0; pos <= signed_headers.size();) {
    auto semi = signed_headers.find(';', pos);
    if (semi == std::string::npos) semi = signed_headers.size();
    auto name = signed_headers.substr(pos, semi - pos);
    has_token |= name == "x-amz-security-token";
    has_host |= name == "host";
    req.headers.emplace_back(name, get(name));
    pos = semi + 1;
  }
  if (!has_token || !has_host) return "host and the session token must be signed: " + signed_headers;
  auto expected = sigv4::sign(req, {kAccessKey, kSecret, kToken}, {"us-west-2", "bedrock"}, date);
  if (expected.signature != signature) return "signature mismatch; canonical request:\n" + expected.canonical_request;
  return {};
}

// Answers like Bedrock when the signature is wrong; true when the request may go on.
bool check_signature(const ReceivedRequest& r, FakeConnection& c) {
  auto problem = verify_sigv4(r);
  if (problem.empty()) return true;
  ADD_FAILURE() << "SigV4: " << problem;
  c.send(403, R"({"message":"The request signature we calculated does not match the signature you provided."})",
         {{"x-amzn-ErrorType", "InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/"}});
  return false;
}

std::string event(const std::string& type, const std::string& payload) {
  return es::encode({{":event-type", type}, {":content-type", "application/json"}, {":message-type", "event"}}, payload);
}

TEST(Bedrock, ConverseAnswerIsSignedAndTranslatedBothWays) {
  FakeUpstream up([](const ReceivedRequest& r, FakeConnection& c) {
    if (!check_signature(r, c)) return;
    c.send(200, R"({"output":{"message":{"role":"assistant","content":[{"text":"Hello from Claude."}]}},"stopReason":"end_turn",)"
                R"("usage":{"inputTokens":20,"outputTokens":6,"totalTokens":36,"cacheReadInputTokens":10},"metrics":{"latencyMs":321}})");
  });
  Switchyard sy(bedrock_config(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions",
                     R"({"model":"claude-bedrock","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],)"
                     R"("max_tokens":64,"top_p":0.5})",
                     kAuth);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-switchyard-route"), "claude-bedrock");
  auto v = json::parse(r.body).as_object();
  auto& choice = v["choices"].as_array()[0].as_object();
  EXPECT_EQ(choice["message"].as_object()["content"].as_string(), "Hello from Claude.");
  EXPECT_EQ(choice["finish_reason"].as_string(), "stop");
  auto& usage = v["usage"].as_object();
  EXPECT_EQ(usage["prompt_tokens"].as_int64(), 30);
  EXPECT_EQ(usage["completion_tokens"].as_int64(), 6);
  EXPECT_EQ(usage["prompt_tokens_details"].as_object()["cached_tokens"].as_int64(), 10);

  auto seen = up.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].target, std::string(kModelPath) + "/converse");
  EXPECT_EQ(json::parse(seen[0].body),
            json::parse(R"({"messages":[{"role":"user","content":[{"text":"Hi"}]}],"system":[{"text":"Be brief."}],)"
                        R"("inferenceConfig":{"maxTokens":64,"topP":0.5}})"))
      << seen[0].body;
}

TEST(Bedrock, AWrongSecretIsRefusedByTheSignatureCheck) {
  // The fake's check is real: a gateway signing with another secret is turned away, and the client
  // sees a gateway-side failure, not the upstream's words about our credentials.
  FakeUpstream up([](const ReceivedRequest& r, FakeConnection& c) {
    if (verify_sigv4(r).empty()) {
      c.send(200, "{}");
      return;
    }
    c.send(403, R"({"message":"The request signature we calculated does not match the signature you provided."})");
  });
  Switchyard sy(bedrock_config(up, "not-the-secret"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", R"({"model":"claude-bedrock","messages":[{"role":"user","content":"Hi"}]})",
                     kAuth);
  EXPECT_EQ(r.status, 502) << r.body;
  EXPECT_EQ(json::parse(r.body).as_object()["error"].as_object()["type"].as_string(), "upstream_error");
}

TEST(Bedrock, ToolUseRoundTrips) {
  FakeUpstream up([](const ReceivedRequest& r, FakeConnection& c) {
    if (!check_signature(r, c)) return;
    if (r.body.find("toolResult") == std::string::npos) {
      c.send(200, R"({"output":{"message":{"role":"assistant","content":[{"toolUse":{"toolUseId":"tooluse_abc","name":"get_weather","input":{"city":"Lima"}}}]}},)"
                  R"("stopReason":"tool_use","usage":{"inputTokens":50,"outputTokens":20,"totalTokens":70}})");
    } else {
      c.send(200, R"({"output":{"message":{"role":"assistant","content":[{"text":"Sunny in Lima."}]}},"stopReason":"end_turn",)"
                  R"("usage":{"inputTokens":80,"outputTokens":5,"totalTokens":85}})");
    }
  });
  Switchyard sy(bedrock_config(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  const std::string tools =
      R"("tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}])";
  auto first = post_json(sy.port(), "/v1/chat/completions",
                         R"({"model":"claude-bedrock","messages":[{"role":"user","content":"Weather in Lima?"}],)" + tools + "}", kAuth);
  ASSERT_EQ(first.status, 200) << first.body;
  auto choice = json::parse(first.body).as_object()["choices"].as_array()[0].as_object();
  EXPECT_EQ(choice["finish_reason"].as_string(), "tool_calls");
  auto call = choice["message"].as_object()["tool_calls"].as_array()[0].as_object();
  EXPECT_EQ(call["id"].as_string(), "tooluse_abc");
  EXPECT_EQ(call["function"].as_object()["arguments"].as_string(), R"({"city":"Lima"})");
  auto sent = json::parse(up.requests()[0].body).as_object();
  EXPECT_EQ(sent["toolConfig"], json::parse(R"({"tools":[{"toolSpec":{"name":"get_weather",)"
                                            R"("inputSchema":{"json":{"type":"object","properties":{"city":{"type":"string"}}}}}}]})"));

  auto second = post_json(
      sy.port(), "/v1/chat/completions",
      R"({"model":"claude-bedrock","messages":[{"role":"user","content":"Weather in Lima?"},)"
      R"({"role":"assistant","content":null,"tool_calls":[{"id":"tooluse_abc","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Lima\"}"}}]},)"
      R"({"role":"tool","tool_call_id":"tooluse_abc","content":"sunny, 24C"}],)" + tools + "}",
      kAuth);
  ASSERT_EQ(second.status, 200) << second.body;
  auto sent2 = json::parse(up.requests()[1].body).as_object();
  auto& msgs = sent2["messages"].as_array();
  ASSERT_EQ(msgs.size(), 3u);
  EXPECT_EQ(msgs[1], json::parse(R"({"role":"assistant","content":[{"toolUse":{"toolUseId":"tooluse_abc","name":"get_weather","input":{"city":"Lima"}}}]})"));
  EXPECT_EQ(msgs[2], json::parse(R"({"role":"user","content":[{"toolResult":{"toolUseId":"tooluse_abc","content":[{"text":"sunny, 24C"}]}}]})"));
}

TEST(Bedrock, ConverseStreamIsDecodedFrameByFrameAsItArrives) {
  FakeUpstream up([](const ReceivedRequest& r, FakeConnection& c) {
    if (!check_signature(r, c)) return;
    c.start_stream(200, "application/vnd.amazon.eventstream");
    c.send_chunk(event("messageStart", R"({"p":"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS","role":"assistant"})") +
                 event("contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"text":"Checking"},"p":"abcdef"})"));
    std::this_thread::sleep_for(800ms);
    // A frame split across two writes, right through its prelude.
    auto delta = event("contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"text":" now."},"p":"abc"})");
    c.send_chunk(delta.substr(0, 7));
    std::this_thread::sleep_for(50ms);
    c.send_chunk(delta.substr(7) + event("contentBlockStop", R"({"contentBlockIndex":0,"p":"ab"})"));
    c.send_chunk(event("contentBlockStart", R"({"contentBlockIndex":1,"start":{"toolUse":{"name":"lookup","toolUseId":"tooluse_s1"}},"p":"a"})") +
                 event("contentBlockDelta", R"({"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"q\":"}},"p":"ab"})") +
                 event("contentBlockDelta", R"({"contentBlockIndex":1,"delta":{"toolUse":{"input":"\"x\"}"}},"p":"abc"})") +
                 event("contentBlockStop", R"({"contentBlockIndex":1,"p":"abcd"})") +
                 event("messageStop", R"({"p":"abcdefghijklmnop","stopReason":"tool_use"})") +
                 event("metadata", R"({"metrics":{"latencyMs":812},"p":"abcdefg","usage":{"inputTokens":40,"outputTokens":15,"totalTokens":55}})"));
    c.end_stream();
  });
  Switchyard sy(bedrock_config(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  std::vector<std::chrono::milliseconds> arrivals;
  auto r = stream_request(
      sy.port(), "/v1/chat/completions",
      R"({"model":"claude-bedrock","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}],)"
      R"("tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object","properties":{"q":{"type":"string"}}}}}]})",
      [&](const std::string& bytes, auto at) {
        if (bytes.find("Checking") != std::string::npos) arrivals.push_back(at);
        return true;
      },
      kAuth);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "text/event-stream");
  ASSERT_EQ(arrivals.size(), 1u);
  EXPECT_LT(arrivals[0].count(), 700) << "the first chunk waited for the rest of the stream";
  auto role = r.body.find(R"("role":"assistant")");
  auto one = r.body.find(R"("content":"Checking")");
  auto two = r.body.find(R"("content":" now.")");
  auto start = r.body.find(R"("id":"tooluse_s1","type":"function","function":{"name":"lookup","arguments":""})");
  auto arg1 = r.body.find(R"("arguments":"{\"q\":")");
  auto arg2 = r.body.find(R"("arguments":"\"x\"}")");
  auto finish = r.body.find(R"("finish_reason":"tool_calls")");
  auto usage = r.body.find(R"("choices":[],"usage":{"prompt_tokens":40,"completion_tokens":15,"total_tokens":55})");
  auto done = r.body.find("data: [DONE]");
  EXPECT_TRUE(role < one && one < two && two < start && start < arg1 && arg1 < arg2 && arg2 < finish && finish < usage &&
              usage < done && done != std::string::npos)
      << r.body;
  ASSERT_EQ(up.requests().size(), 1u);
  EXPECT_EQ(up.requests()[0].target, std::string(kModelPath) + "/converse-stream");
  EXPECT_EQ(up.requests()[0].headers["accept"], "application/vnd.amazon.eventstream");
}

TEST(Bedrock, ExceptionMidStreamEndsWithAnErrorEventAndNoDone) {
  FakeUpstream up([](const ReceivedRequest& r, FakeConnection& c) {
    if (!check_signature(r, c)) return;
    c.start_stream(200, "application/vnd.amazon.eventstream");
    c.send_chunk(event("messageStart", R"({"role":"assistant"})") +
                 event("contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"text":"partial"}})"));
    c.send_chunk(es::encode({{":exception-type", "modelStreamErrorException"},
                             {":content-type", "application/json"},
                             {":message-type", "exception"}},
                            R"({"message":"The model stream failed.","originalStatusCode":500})"));
    c.end_stream();
  });
  Switchyard sy(bedrock_config(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = stream_request(sy.port(), "/v1/chat/completions",
                          R"({"model":"claude-bedrock","stream":true,"messages":[{"role":"user","content":"hi"}]})",
                          [](auto&, auto) { return true; }, kAuth);
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("partial"), std::string::npos);
  EXPECT_NE(r.body.find(R"(data: {"error":{)"), std::string::npos) << r.body;
  // A failure on the upstream's side: its own words go to the operator's log, not to the client.
  EXPECT_NE(r.body.find("The upstream failed (424)."), std::string::npos) << r.body;
  EXPECT_NE(sy.log().find("The model stream failed."), std::string::npos);
  EXPECT_EQ(r.body.find("[DONE]"), std::string::npos);
}

TEST(Bedrock, ErrorsMapToTheirStatusInOpenAIsFormat) {
  FakeUpstream up([](const ReceivedRequest& r, FakeConnection& c) {
    if (!check_signature(r, c)) return;
    if (r.body.find("too fast") != std::string::npos) {
      c.send(429, R"({"message":"Too many requests, please wait before trying again."})",
             {{"x-amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/"}});
    } else {
      c.send(400, R"({"message":"Malformed input request: #: extraneous key [foo] is not permitted, please reformat your input and try again."})",
             {{"x-amzn-ErrorType", "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"}});
    }
  });
  Switchyard sy(bedrock_config(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto limited = post_json(sy.port(), "/v1/chat/completions",
                           R"({"model":"claude-bedrock","messages":[{"role":"user","content":"too fast"}]})", kAuth);
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(json::parse(limited.body).as_object()["error"].as_object()["type"].as_string(), "rate_limit_error");

  auto bad = post_json(sy.port(), "/v1/chat/completions",
                       R"({"model":"claude-bedrock","stream":true,"messages":[{"role":"user","content":"x"}]})", kAuth);
  EXPECT_EQ(bad.status, 400) << bad.body;
  auto err = json::parse(bad.body).as_object()["error"].as_object();
  EXPECT_EQ(err["type"].as_string(), "invalid_request_error");
  EXPECT_NE(std::string(err["message"].as_string()).find("extraneous key [foo]"), std::string::npos) << bad.body;
}

}  // namespace
}  // namespace sy::testing
