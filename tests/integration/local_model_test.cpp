// The local engine behind the real server: chat (whole and streamed), embeddings, admission,
// disconnects, load and unload at run time, and a model file that will not load.
#include <gtest/gtest.h>

#include <regex>

#include <boost/json.hpp>

#include "support/tiny_model.h"
#include "harness.h"

namespace sy::testing {
namespace {

namespace json = boost::json;

const std::string& tiny_model() { return tiny_model_path(); }

std::string config() {
  return "log: {access: off}\n"
         "admin_key: adm-secret\n"
         "models:\n"
         "  - {name: tiny, provider: local, path: \"" + tiny_model() + "\", slots: 2, queue: 1, context: 256, threads: 1}\n"
         "  - {name: broken, provider: local, path: /nonexistent/broken.gguf}\n";
}

std::string chat(const std::string& text, int max_tokens, bool stream = false, const std::string& extra = "") {
  json::object o{{"model", "tiny"},
                 {"messages", json::array{json::object{{"role", "user"}, {"content", text}}}},
                 {"max_tokens", max_tokens},
                 {"temperature", 0},
                 {"stream", stream}};
  if (stream) o["stream_options"] = json::object{{"include_usage", true}};
  auto s = json::serialize(o);
  if (!extra.empty()) s = s.substr(0, s.size() - 1) + "," + extra + "}";
  return s;
}

// The text and the usage of an SSE answer.
struct Streamed {
  std::string text;
  std::string finish;
  json::object usage;
  bool done = false;
};
Streamed parse_sse(const std::string& body) {
  Streamed s;
  std::istringstream in(body);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("data: ", 0) != 0) continue;
    auto data = line.substr(6);
    if (data == "[DONE]") {
      s.done = true;
      continue;
    }
    auto o = json::parse(data).as_object();
    if (o.contains("usage") && o["usage"].is_object()) s.usage = o["usage"].as_object();
    for (auto& c : o["choices"].as_array()) {
      auto& delta = c.as_object()["delta"].as_object();
      if (delta.contains("content")) s.text += json::value_to<std::string>(delta["content"]);
      if (c.as_object()["finish_reason"].is_string()) s.finish = json::value_to<std::string>(c.as_object()["finish_reason"]);
    }
  }
  return s;
}

int64_t metric(uint16_t port, const std::string& name) {
  auto r = http_request(port, "GET", "/metrics");
  std::smatch m;
  std::regex re(name + R"(\{model="tiny",version="[^"]*"\} ([0-9.]+))");
  if (!std::regex_search(r.body, m, re)) return -1;
  return static_cast<int64_t>(std::stod(m[1]));
}

class LocalModel : public ::testing::Test {
 protected:
  Switchyard sy{config()};
  void SetUp() override { ASSERT_TRUE(sy.ready()) << sy.log(); }
};

TEST_F(LocalModel, AnswersWholeAndStreamedAlike) {
  auto whole = post_json(sy.port(), "/v1/chat/completions", chat("What is the leave policy?", 24));
  ASSERT_EQ(whole.status, 200) << whole.body;
  EXPECT_EQ(whole.header("x-switchyard-route"), "tiny");
  auto o = json::parse(whole.body).as_object();
  EXPECT_EQ(o["object"].as_string(), "chat.completion");
  auto& choice = o["choices"].as_array()[0].as_object();
  auto text = json::value_to<std::string>(choice["message"].as_object()["content"]);
  EXPECT_FALSE(text.empty());
  EXPECT_EQ(choice["finish_reason"].as_string(), "length");
  EXPECT_EQ(o["usage"].as_object()["completion_tokens"].as_int64(), 24);

  auto streamed = post_json(sy.port(), "/v1/chat/completions", chat("What is the leave policy?", 24, true));
  ASSERT_EQ(streamed.status, 200);
  EXPECT_EQ(streamed.header("content-type"), "text/event-stream");
  auto s = parse_sse(streamed.body);
  EXPECT_EQ(s.text, text);
  EXPECT_EQ(s.finish, "length");
  EXPECT_TRUE(s.done);
  EXPECT_EQ(s.usage["completion_tokens"].as_int64(), 24);
  // The second identical prompt found its prefix in a slot.
  ASSERT_TRUE(s.usage.contains("prompt_tokens_details")) << json::serialize(s.usage);
  EXPECT_GT(s.usage["prompt_tokens_details"].as_object()["cached_tokens"].as_int64(), 0);
}

TEST_F(LocalModel, LegacyCompletionsWork) {
  auto r = post_json(sy.port(), "/v1/completions", R"({"model":"tiny","prompt":"Once upon","max_tokens":5,"temperature":0})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = json::parse(r.body).as_object();
  EXPECT_EQ(o["object"].as_string(), "text_completion");
  EXPECT_EQ(o["usage"].as_object()["completion_tokens"].as_int64(), 5);
}

TEST_F(LocalModel, BadSamplingInputIsA400InOpenAIShape) {
  auto r = post_json(sy.port(), "/v1/chat/completions", chat("hi", 5, false, R"("response_format":{"type":"json_schema","json_schema":{"schema":{"$ref":"#/x"}}})"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body).as_object()["error"].as_object()["param"].as_string(), "response_format");
  auto n = post_json(sy.port(), "/v1/chat/completions", chat("hi", 5, false, R"("n":2)"));
  EXPECT_EQ(n.status, 400);
  std::string long_text;
  for (int i = 0; i < 400; ++i) long_text += "word ";
  auto too_long = post_json(sy.port(), "/v1/chat/completions", chat(long_text, 5));
  EXPECT_EQ(too_long.status, 400);
  EXPECT_EQ(json::parse(too_long.body).as_object()["error"].as_object()["code"].as_string(), "context_length_exceeded");
}

TEST_F(LocalModel, EmbeddingsInFloatAndBase64) {
  auto r = post_json(sy.port(), "/v1/embeddings", R"({"model":"tiny","input":["annual leave","VPN"]})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = json::parse(r.body).as_object();
  auto& data = o["data"].as_array();
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[1].as_object()["index"].as_int64(), 1);
  EXPECT_EQ(data[0].as_object()["embedding"].as_array().size(), 64u);
  EXPECT_GT(o["usage"].as_object()["prompt_tokens"].as_int64(), 2);
  auto b = post_json(sy.port(), "/v1/embeddings", R"({"model":"tiny","input":"VPN","encoding_format":"base64"})");
  ASSERT_EQ(b.status, 200);
  auto encoded = json::value_to<std::string>(json::parse(b.body).as_object()["data"].as_array()[0].as_object()["embedding"]);
  EXPECT_EQ(encoded.size(), 4u * ((64 * 4 + 2) / 3));
  auto bad = post_json(sy.port(), "/v1/embeddings", R"({"model":"tiny","input":[]})");
  EXPECT_EQ(bad.status, 400);
}

TEST_F(LocalModel, AFullQueueIs429WithRetryAfter) {
  // Two slots and one queue place are taken by endless streams; the fourth request is refused.
  std::vector<std::thread> clients;
  std::atomic<int> started{0};
  std::atomic<bool> stop{false};
  for (int i = 0; i < 3; ++i) {
    clients.emplace_back([&, i] {
      stream_request(sy.port(), "/v1/chat/completions", chat("story " + std::to_string(i), 250, true),
                     [&](const std::string&, std::chrono::milliseconds) {
                       started.fetch_add(1);
                       return !stop.load();
                     });
    });
  }
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while ((metric(sy.port(), "switchyard_local_slots_busy") < 2 || metric(sy.port(), "switchyard_local_queue_depth") < 1) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  auto refused = post_json(sy.port(), "/v1/chat/completions", chat("one more", 5));
  stop = true;
  for (auto& t : clients) t.join();
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(refused.header("retry-after"), "1");
  EXPECT_EQ(json::parse(refused.body).as_object()["error"].as_object()["code"].as_string(), "local_queue_full");
}

// The Gateway API Inference Extension's endpoint picker reads the engine's queue, running requests
// and KV-cache use under vLLM's names: they must follow the engine while it is busy.
double protocol_metric(const std::string& body, const std::string& name) {
  std::smatch m;
  std::regex re(name + R"(\{model_name="tiny",version="[^"]*"\} ([0-9.e+-]+))");
  if (!std::regex_search(body, m, re)) return -1;
  return std::stod(m[1]);
}

TEST_F(LocalModel, EngineLoadUnderTheInferenceExtensionNames) {
  auto idle = http_request(sy.port(), "GET", "/metrics").body;
  EXPECT_EQ(protocol_metric(idle, "vllm:num_requests_waiting"), 0) << idle;
  EXPECT_EQ(protocol_metric(idle, "vllm:num_requests_running"), 0);
  EXPECT_EQ(protocol_metric(idle, "vllm:kv_cache_usage_perc"), 0);
  EXPECT_NE(idle.find("# TYPE vllm:kv_cache_usage_perc gauge"), std::string::npos);

  // Two slots and the one queue place taken by streams that run until told to stop.
  std::vector<std::thread> clients;
  std::atomic<bool> stop{false};
  for (int i = 0; i < 3; ++i) {
    clients.emplace_back([&, i] {
      stream_request(sy.port(), "/v1/chat/completions", chat("story " + std::to_string(i), 250, true),
                     [&](const std::string&, std::chrono::milliseconds) { return !stop.load(); });
    });
  }
  std::string busy;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  do {
    std::this_thread::sleep_for(5ms);
    busy = http_request(sy.port(), "GET", "/metrics").body;
  } while ((protocol_metric(busy, "vllm:num_requests_running") < 2 || protocol_metric(busy, "vllm:num_requests_waiting") < 1) &&
           std::chrono::steady_clock::now() < deadline);
  stop = true;
  for (auto& t : clients) t.join();
  EXPECT_EQ(protocol_metric(busy, "vllm:num_requests_running"), 2) << busy;
  EXPECT_EQ(protocol_metric(busy, "vllm:num_requests_waiting"), 1);
  double kv = protocol_metric(busy, "vllm:kv_cache_usage_perc");
  EXPECT_GT(kv, 0);
  EXPECT_LE(kv, 1);
  EXPECT_EQ(protocol_metric(busy, "vllm:gpu_cache_usage_perc"), kv);
  // The same state as switchyard's own series of that scrape.
  EXPECT_EQ(protocol_metric(busy, "vllm:num_requests_waiting"),
            protocol_metric(std::regex_replace(busy, std::regex("model=\"tiny\""), "model_name=\"tiny\""), "switchyard_local_queue_depth"));
}

TEST_F(LocalModel, AClientThatLeavesFreesItsSlot) {
  int chunks = 0;
  stream_request(sy.port(), "/v1/chat/completions", chat("tell me everything", 250, true),
                 [&](const std::string&, std::chrono::milliseconds) { return ++chunks < 3; });
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (metric(sy.port(), "switchyard_local_slots_busy") != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(metric(sy.port(), "switchyard_local_slots_busy"), 0);
  EXPECT_LT(metric(sy.port(), "switchyard_local_generated_tokens_total"), 250);
}

TEST_F(LocalModel, UnloadAndLoadAtRunTime) {
  const std::map<std::string, std::string> admin = {{"Authorization", "Bearer adm-secret"}};
  EXPECT_EQ(post_json(sy.port(), "/admin/models/tiny/unload", "").status, 401);
  EXPECT_EQ(post_json(sy.port(), "/admin/models/tiny/unload", "", {{"Authorization", "Bearer nope"}}).status, 401);

  auto unloaded = post_json(sy.port(), "/admin/models/tiny/unload", "", admin);
  ASSERT_EQ(unloaded.status, 200) << unloaded.body;
  auto down = post_json(sy.port(), "/v1/chat/completions", chat("hi", 3));
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(http_request(sy.port(), "GET", "/readyz").status, 503);
  EXPECT_EQ(metric(sy.port(), "switchyard_local_loaded"), 0);

  auto loaded = post_json(sy.port(), "/admin/models/tiny/load", "", admin);
  ASSERT_EQ(loaded.status, 200) << loaded.body;
  EXPECT_EQ(post_json(sy.port(), "/v1/chat/completions", chat("hi", 3)).status, 200);
  EXPECT_EQ(http_request(sy.port(), "GET", "/readyz").status, 200);
  EXPECT_EQ(post_json(sy.port(), "/admin/models/nope/load", "", admin).status, 404);
}

TEST_F(LocalModel, AModelThatFailsToLoadLeavesTheServerUp) {
  auto ready = http_request(sy.port(), "GET", "/readyz");
  EXPECT_EQ(ready.status, 200);
  auto targets = json::parse(ready.body).as_object()["targets"].as_object();
  EXPECT_EQ(targets["tiny"].as_string(), "healthy");
  EXPECT_EQ(targets["broken"].as_string(), "unconfigured");  // its file is missing: not a failure to retry
  auto reasons = json::parse(ready.body).as_object()["reasons"].as_object();
  EXPECT_NE(std::string(reasons["broken"].as_string()).find("does not exist"), std::string::npos);
  auto r = post_json(sy.port(), "/v1/chat/completions", R"({"model":"broken","messages":[{"role":"user","content":"hi"}]})");
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(sy.log().find("broken"), std::string::npos);
}

}  // namespace
}  // namespace sy::testing
