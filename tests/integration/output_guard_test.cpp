// The output guard between a scripted upstream and the client: sensitive values in an answer
// reach the client redacted, streamed or whole, whatever way the upstream cuts its chunks; `block`
// withholds the answer (an error event once a stream began); an answer with nothing to find is the
// same with and without the guard; a route may have its own policy; an answer off its JSON schema
// gets one repair try from an in-house target, and is an error otherwise.
#include <gtest/gtest.h>

#include <atomic>
#include <vector>
#include <sstream>
#include <map>
#include <algorithm>

#include <boost/json.hpp>

#include "harness.h"

namespace sy::testing {
namespace {

namespace json = boost::json;

// An answer that carries an e-mail address and a Taiwan national ID, cut mid-value.
const std::vector<std::string> kLeakyPieces = {"Sure. Contact jane.d", "oe@example.com or use ", "ID G2970", "49707 on the form."};
const std::string kLeaky = "Sure. Contact jane.doe@example.com or use ID G297049707 on the form.";
const std::string kRedacted = "Sure. Contact [EMAIL_1] or use ID [TW_NATIONAL_ID_1] on the form.";

// `in_house`: the upstream is on the premises (an in-house vLLM, say): a local target.
std::string config_for(const FakeUpstream& up, const std::string& guard, bool in_house = false) {
  return "log: {access: off}\n" + guard + "models:\n  - {name: cloud, provider: openai_compat, retries: 0, base_url: \"" +
         up.base_url() + "\"" + (in_house ? ", on_premises: true" : "") + "}\n" +
         "routes:\n  - {name: strict, " + (in_house ? "local" : "cloud") + ": [cloud], output_guard: {on_sensitive: block}}\n";
}

void stream_pieces(FakeConnection& c, const std::vector<std::string>& pieces) {
  c.start_stream();
  for (const auto& p : pieces) c.send_chunk(chunk_event(p));
  c.send_chunk(chunk_event("", "stop") + "data: [DONE]\n\n");
  c.end_stream();
}

const std::string kStream = R"({"model":"cloud","stream":true,"messages":[{"role":"user","content":"who do I ask?"}]})";
const std::string kWhole = R"({"model":"cloud","messages":[{"role":"user","content":"who do I ask?"}]})";

TEST(OutputGuard, AStreamedAnswerReachesTheClientRedacted) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) { stream_pieces(c, kLeakyPieces); });
  Switchyard sy(config_for(up, "output_guard: {on_sensitive: redact}\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = stream_request(sy.port(), "/v1/chat/completions", kStream, [](const std::string&, auto) { return true; });
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(streamed_text(r.body), kRedacted) << r.body;
  EXPECT_EQ(r.body.find("G297049707"), std::string::npos);
  EXPECT_EQ(r.body.find("jane.doe"), std::string::npos);
  EXPECT_NE(r.body.find("data: [DONE]"), std::string::npos);
  auto metrics = http_request(sy.port(), "GET", "/metrics").body;
  EXPECT_NE(metrics.find(R"(switchyard_output_guard_interventions_total{action="redact",kind="email"} 1)"), std::string::npos) << metrics;
}

TEST(OutputGuard, EveryInterventionIsInTheAuditRecord) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) { c.send(200, completion_json(kLeaky)); });
  const std::string db = "/tmp/sy-guard-audit-" + std::to_string(::getpid()) + ".db";
  std::remove(db.c_str());
  {
    Switchyard sy("store: \"sqlite:" + db + "\"\n" + config_for(up, "output_guard: {on_sensitive: redact}\n"));
    ASSERT_TRUE(sy.ready()) << sy.log();
    ASSERT_EQ(post_json(sy.port(), "/v1/chat/completions", kWhole).status, 200);
    sy.terminate();
    ASSERT_EQ(sy.wait_exit(10s), 0);
  }
  auto exported = run_switchyard({"audit", "export", "--store", "sqlite:" + db});
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db + suffix).c_str());
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  auto line = exported.output.substr(exported.output.find('{'));
  auto record = json::parse(line.substr(0, line.find('\n'))).as_object();
  EXPECT_EQ(json::serialize(record.at("guard")), R"(["redact:email","redact:tw_national_id"])");
  EXPECT_EQ(exported.output.find("jane.doe"), std::string::npos);
}

TEST(OutputGuard, AWholeAnswerIsRedactedToo) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) { c.send(200, completion_json(kLeaky)); });
  Switchyard sy(config_for(up, "output_guard: {on_sensitive: redact}\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", kWhole);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body).at("choices").at(0).at("message").at("content").as_string(), kRedacted);
}

TEST(OutputGuard, BlockWithholdsTheAnswer) {
  FakeUpstream up([](const ReceivedRequest& req, FakeConnection& c) {
    if (req.body.find("\"stream\":true") != std::string::npos) stream_pieces(c, kLeakyPieces);
    else c.send(200, completion_json(kLeaky));
  });
  Switchyard sy(config_for(up, "output_guard: {on_sensitive: block}\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto whole = post_json(sy.port(), "/v1/chat/completions", kWhole);
  EXPECT_EQ(whole.status, 403) << whole.body;
  EXPECT_EQ(json::parse(whole.body).at("error").at("type").as_string(), "output_guard");
  EXPECT_EQ(whole.body.find("jane.doe"), std::string::npos);
  auto streamed = stream_request(sy.port(), "/v1/chat/completions", kStream, [](const std::string&, auto) { return true; });
  EXPECT_EQ(streamed.status, 200);  // the head went out with the first words
  EXPECT_NE(streamed.body.find(R"("type":"output_guard")"), std::string::npos) << streamed.body;
  EXPECT_EQ(streamed.body.find("jane.doe"), std::string::npos);
  EXPECT_EQ(streamed.body.find("[DONE]"), std::string::npos);
}

TEST(OutputGuard, NothingFoundMeansTheSameTextAsWithoutTheGuard) {
  const std::vector<std::string> pieces = {"The office opens at 9", ":00 and closes at 18:00; ", "parking is on level B2. ",
                                           "年假十五天。"};
  FakeUpstream up([&](const ReceivedRequest&, FakeConnection& c) { stream_pieces(c, pieces); });
  std::string with, without;
  for (bool guarded : {true, false}) {
    Switchyard sy(config_for(up, guarded ? "output_guard: {on_sensitive: redact}\n" : ""));
    ASSERT_TRUE(sy.ready()) << sy.log();
    auto r = stream_request(sy.port(), "/v1/chat/completions", kStream, [](const std::string&, auto) { return true; });
    ASSERT_EQ(r.status, 200);
    (guarded ? with : without) = streamed_text(r.body);
  }
  EXPECT_EQ(with, without);
  EXPECT_EQ(without, pieces[0] + pieces[1] + pieces[2] + pieces[3]);
}

// ---- tool calls: their arguments are the model's text too ---------------------------------------

// One streamed fragment of tool call `call` (the first carries its id and name).
std::string tool_event(int call, const std::string& args, bool first, const std::string& finish = {}) {
  json::object fn;
  if (first) fn["name"] = "send_mail";
  fn["arguments"] = args;
  json::object tc{{"index", call}, {"function", fn}};
  if (first) {
    tc["id"] = "call_" + std::to_string(call);
    tc["type"] = "function";
  }
  json::object choice{{"index", 0}, {"delta", json::object{{"tool_calls", json::array{tc}}}},
                      {"finish_reason", finish.empty() ? json::value(nullptr) : json::value(finish)}};
  json::object o{{"id", "chatcmpl-1"}, {"object", "chat.completion.chunk"}, {"created", 1700000000},
                 {"model", "gpt-test"}, {"choices", json::array{choice}}};
  return "data: " + json::serialize(o) + "\n\n";
}

// Call 0 carries an e-mail address and a Taiwan ID cut mid-value; call 1 carries nothing to find.
const std::string kLeakyArgs = R"({"to":"jane.doe@example.com","ref":"G297049707"})";
const std::string kRedactedArgs = R"({"to":"[EMAIL_1]","ref":"[TW_NATIONAL_ID_1]"})";
const std::string kCleanArgs = R"({"subject":"Quarterly report","pages":12})";

void stream_tool_calls(FakeConnection& c) {
  c.start_stream();
  c.send_chunk(tool_event(0, "", true));
  c.send_chunk(tool_event(0, R"({"to":"jane.d)", false));
  c.send_chunk(tool_event(0, R"(oe@example.com","ref":"G2970)", false));
  c.send_chunk(tool_event(0, R"(49707"})", false));
  c.send_chunk(tool_event(1, "", true));
  c.send_chunk(tool_event(1, kCleanArgs.substr(0, 20), false));
  c.send_chunk(tool_event(1, kCleanArgs.substr(20), false));
  c.send_chunk(tool_event(1, "", false, "tool_calls") + "data: [DONE]\n\n");
  c.end_stream();
}

std::string whole_tool_calls_json() {
  json::array calls;
  for (int i : {0, 1}) {
    calls.push_back(json::object{{"id", "call_" + std::to_string(i)}, {"type", "function"},
                                 {"function", json::object{{"name", "send_mail"}, {"arguments", i == 0 ? kLeakyArgs : kCleanArgs}}}});
  }
  json::object message{{"role", "assistant"}, {"content", nullptr}, {"tool_calls", calls}};
  return json::serialize(json::object{
      {"id", "chatcmpl-1"}, {"object", "chat.completion"}, {"created", 1700000000}, {"model", "gpt-test"},
      {"choices", json::array{json::object{{"index", 0}, {"message", message}, {"finish_reason", "tool_calls"}}}},
      {"usage", json::object{{"prompt_tokens", 9}, {"completion_tokens", 30}, {"total_tokens", 39}}}});
}

// The arguments a stream's tool-call deltas add up to, by call, and the order calls' fragments came in.
std::map<int64_t, std::string> streamed_args(const std::string& sse, std::vector<int64_t>* order = nullptr) {
  std::map<int64_t, std::string> args;
  std::istringstream lines(sse);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("data: {")) continue;
    auto v = json::parse(line.substr(6));
    for (const auto& c : v.at("choices").as_array()) {
      const auto* calls = c.at("delta").as_object().if_contains("tool_calls");
      if (!calls) continue;
      for (const auto& call : calls->as_array()) {
        auto index = call.at("index").as_int64();
        const auto* fragment = call.at("function").as_object().if_contains("arguments");
        if (!fragment || fragment->as_string().empty()) continue;
        args[index] += fragment->as_string();
        if (order) order->push_back(index);
      }
    }
  }
  return args;
}

TEST(OutputGuard, StreamedToolCallArgumentsAreRedactedAndStayInOrder) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) { stream_tool_calls(c); });
  Switchyard sy(config_for(up, "output_guard: {on_sensitive: redact}\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = stream_request(sy.port(), "/v1/chat/completions", kStream, [](const std::string&, auto) { return true; });
  ASSERT_EQ(r.status, 200);
  std::vector<int64_t> order;
  auto args = streamed_args(r.body, &order);
  EXPECT_EQ(args[0], kRedactedArgs) << r.body;
  EXPECT_EQ(args[1], kCleanArgs) << r.body;
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end())) << "a call's fragments after the next call began: " << r.body;
  EXPECT_EQ(r.body.find("jane.d"), std::string::npos);
  EXPECT_EQ(r.body.find("49707"), std::string::npos);
  EXPECT_NE(r.body.find(R"("finish_reason":"tool_calls")"), std::string::npos);
  EXPECT_NE(r.body.find("data: [DONE]"), std::string::npos);
}

TEST(OutputGuard, WholeToolCallArgumentsAreRedacted) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) { c.send(200, whole_tool_calls_json()); });
  Switchyard sy(config_for(up, "output_guard: {on_sensitive: redact}\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", kWhole);
  ASSERT_EQ(r.status, 200) << r.body;
  auto parsed = json::parse(r.body);
  const auto& calls = parsed.at("choices").at(0).at("message").at("tool_calls").as_array();
  ASSERT_EQ(calls.size(), 2u) << r.body;
  EXPECT_EQ(calls[0].at("function").at("arguments").as_string(), kRedactedArgs);
  EXPECT_EQ(calls[1].at("function").at("arguments").as_string(), kCleanArgs);
  EXPECT_EQ(calls[0].at("id").as_string(), "call_0");
}

// Anthropic's decoders close a tool_use block when the next begins: everything a call's guard held
// must reach the client inside that call's block.
TEST(OutputGuard, ToolCallArgumentsReachAnAnthropicClientRedactedInTheirOwnBlocks) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) { stream_tool_calls(c); });
  Switchyard sy(config_for(up, "output_guard: {on_sensitive: redact}\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = stream_request(sy.port(), "/v1/messages",
                          R"({"model":"cloud","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"mail it"}]})",
                          [](const std::string&, auto) { return true; });
  ASSERT_EQ(r.status, 200);
  std::map<int64_t, std::string> input_by_block;
  std::istringstream lines(r.body);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("data: {")) continue;
    auto v = json::parse(line.substr(6)).as_object();
    if (v["type"] != "content_block_delta") continue;
    const auto& delta = v["delta"].as_object();
    if (delta.at("type") == "input_json_delta") input_by_block[v["index"].as_int64()] += delta.at("partial_json").as_string();
  }
  ASSERT_EQ(input_by_block.size(), 2u) << r.body;
  EXPECT_EQ(input_by_block.begin()->second, kRedactedArgs) << r.body;
  EXPECT_EQ(std::next(input_by_block.begin())->second, kCleanArgs) << r.body;
  EXPECT_EQ(r.body.find("jane.d"), std::string::npos);
}

TEST(OutputGuard, BlockStopsAStreamWhoseToolCallCarriesAFinding) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) { stream_tool_calls(c); });
  Switchyard sy(config_for(up, "output_guard: {on_sensitive: block}\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = stream_request(sy.port(), "/v1/chat/completions", kStream, [](const std::string&, auto) { return true; });
  EXPECT_NE(r.body.find(R"("type":"output_guard")"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("jane.d"), std::string::npos);
  EXPECT_EQ(r.body.find("49707"), std::string::npos);
  EXPECT_EQ(r.body.find("[DONE]"), std::string::npos);
}

TEST(OutputGuard, ARouteHasItsOwnPolicy) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) { c.send(200, completion_json(kLeaky)); });
  Switchyard sy(config_for(up, "output_guard: {on_sensitive: log}\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto logged = post_json(sy.port(), "/v1/chat/completions", kWhole);
  EXPECT_EQ(json::parse(logged.body).at("choices").at(0).at("message").at("content").as_string(), kLeaky);
  auto strict = post_json(sy.port(), "/v1/chat/completions",
                          R"({"model":"strict","messages":[{"role":"user","content":"who do I ask?"}]})");
  EXPECT_EQ(strict.status, 403) << strict.body;
}

const std::string kJsonRequest =
    R"({"model":"cloud","messages":[{"role":"user","content":"leave days as JSON"}],)"
    R"("response_format":{"type":"json_schema","json_schema":{"name":"leave","schema":{"type":"object",)"
    R"("properties":{"days":{"type":"integer"}},"required":["days"],"additionalProperties":false}}}})";

TEST(OutputGuard, AnInHouseTargetGetsOneRepairTryForItsJsonSchema) {
  std::atomic<int> calls{0};
  FakeUpstream up([&](const ReceivedRequest&, FakeConnection& c) {
    c.send(200, completion_json(++calls == 1 ? "Sure! {days: fifteen}" : R"({"days": 15})"));
  });
  Switchyard sy(config_for(up, "output_guard: {on_sensitive: redact}\n", true));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", kJsonRequest);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body).at("choices").at(0).at("message").at("content").as_string(), R"({"days": 15})");
  EXPECT_EQ(calls.load(), 2);
  auto repair = up.requests().back().body;
  EXPECT_NE(repair.find("did not match the required JSON schema"), std::string::npos) << repair;
}

TEST(OutputGuard, ACloudAnswerOffItsJsonSchemaIsAnError) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) { c.send(200, completion_json(R"({"days": "many"})")); });
  Switchyard sy(config_for(up, "output_guard: {on_sensitive: redact}\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", kJsonRequest);
  EXPECT_EQ(r.status, 502) << r.body;
  EXPECT_EQ(json::parse(r.body).at("error").at("code").as_string(), "invalid_json_output");
  EXPECT_EQ(up.requests().size(), 1u);
}

}  // namespace
}  // namespace sy::testing
