// Ingress /api/*: Ollama's API against the real server, with an OpenAI-compatible fake cloud and
// the tiny local model behind it: chat and generate whole and as NDJSON, tags, show, embed,
// version, errors in Ollama's shape (also mid-stream), and a sensitive request kept in-house.
#include <gtest/gtest.h>

#include <sstream>

#include <boost/json.hpp>

#include "harness.h"
#include "support/tiny_model.h"

namespace sy::testing {
namespace {

namespace json = boost::json;

// Answers streamed in 4-byte pieces; "[cut]" in the question breaks the stream after two pieces.
void cloud_script(const ReceivedRequest& req, FakeConnection& c) {
  if (req.body.find("[cut]") != std::string::npos) {
    if (!c.start_stream()) return;
    c.send_chunk(chunk_event("You "));
    c.send_chunk(chunk_event("said"));
    c.reset();
    return;
  }
  echo_cloud(req, c, 4);
}

std::string config(const FakeUpstream& cloud, const std::string& keys = "") {
  return "log: {access: off}\n" + keys +
         "models:\n"
         "  - {name: tiny, provider: local, path: \"" + tiny_model_path() + "\", slots: 2, queue: 2, context: 512, threads: 1}\n"
         "  - {name: cloud-fast, provider: openai_compat, base_url: \"" + cloud.base_url() + "\", timeout: 10s, retries: 0}\n"
         "routes:\n"
         "  - {name: auto, local: [tiny], cloud: [cloud-fast]}\n";
}

std::vector<json::object> lines_of(const std::string& ndjson) {
  std::vector<json::object> out;
  std::istringstream in(ndjson);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line).as_object());
  return out;
}

std::string chat_text(const std::vector<json::object>& lines) {
  std::string text;
  for (const auto& l : lines) {
    if (auto* m = l.if_contains("message")) text += m->as_object().at("content").as_string();
  }
  return text;
}

class Ollama : public ::testing::Test {
 protected:
  FakeUpstream cloud{cloud_script};
};

TEST_F(Ollama, ChatWholeAnswerFromTheCloud) {
  Switchyard sy(config(cloud));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/api/chat",
                     R"({"model":"cloud-fast:latest","stream":false,"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hello"}],
                        "options":{"num_predict":32,"temperature":0,"stop":["END"]}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.header("x-switchyard-route"), "cloud-fast");
  auto o = json::parse(r.body).as_object();
  EXPECT_EQ(o["model"], "cloud-fast");
  EXPECT_EQ(o["message"], json::parse(R"({"role":"assistant","content":"You said: hello"})"));
  EXPECT_EQ(o["done"], true);
  EXPECT_EQ(o["done_reason"], "stop");
  EXPECT_EQ(o["prompt_eval_count"], 9);
  EXPECT_EQ(o["eval_count"], 3);
  EXPECT_GT(o["total_duration"].as_int64(), 0);

  auto seen = cloud.requests();
  ASSERT_EQ(seen.size(), 1u);
  auto sent = json::parse(seen[0].body).as_object();
  EXPECT_EQ(sent["max_tokens"], 32);
  EXPECT_EQ(sent["stop"], "END");  // one stop goes upstream as a string
  EXPECT_EQ(sent["messages"].as_array().size(), 2u);
}

TEST_F(Ollama, ChatStreamsNdjsonByDefault) {
  Switchyard sy(config(cloud));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/api/chat", R"({"model":"cloud-fast","messages":[{"role":"user","content":"stream me"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/x-ndjson");
  auto lines = lines_of(r.body);
  ASSERT_GE(lines.size(), 3u) << r.body;
  for (size_t i = 0; i + 1 < lines.size(); ++i) EXPECT_EQ(lines[i]["done"], false) << r.body;
  EXPECT_EQ(chat_text(lines), "You said: stream me");
  auto& last = lines.back();
  EXPECT_EQ(last["done"], true);
  EXPECT_EQ(last["done_reason"], "stop");
  EXPECT_TRUE(last.contains("eval_count"));
  EXPECT_EQ(json::parse(cloud.requests().at(0).body).as_object()["stream"], true);
}

TEST_F(Ollama, GenerateFromTheLocalModelWholeAndStreamed) {
  Switchyard sy(config(cloud));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto whole = post_json(sy.port(), "/api/generate",
                         R"({"model":"tiny","prompt":"Once upon","stream":false,"options":{"num_predict":4,"temperature":0,"seed":1,"top_k":1}})");
  ASSERT_EQ(whole.status, 200) << whole.body;
  EXPECT_EQ(whole.header("x-switchyard-route"), "tiny");
  auto o = json::parse(whole.body).as_object();
  EXPECT_TRUE(o["response"].is_string());
  EXPECT_FALSE(o.contains("message"));
  EXPECT_EQ(o["done"], true);
  EXPECT_GT(o["prompt_eval_count"].as_int64(), 0);
  EXPECT_LE(o["eval_count"].as_int64(), 4);

  auto streamed = post_json(sy.port(), "/api/generate", R"({"model":"tiny","prompt":"Once upon","raw":true,"options":{"num_predict":4}})");
  ASSERT_EQ(streamed.status, 200) << streamed.body;
  EXPECT_EQ(streamed.header("content-type"), "application/x-ndjson");
  auto lines = lines_of(streamed.body);
  ASSERT_GE(lines.size(), 1u);
  EXPECT_EQ(lines.back()["done"], true);
  EXPECT_EQ(lines.back()["response"], "");
  EXPECT_TRUE(cloud.requests().empty());
}

TEST_F(Ollama, ErrorsInOllamasShape) {
  Switchyard sy(config(cloud, "keys:\n  - {name: t, key: sk-client, models: [\"*\"]}\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  const std::map<std::string, std::string> auth = {{"Authorization", "Bearer sk-client"}};
  auto error_of = [](const HttpResult& r) {
    auto o = json::parse(r.body).as_object();
    EXPECT_EQ(o.size(), 1u) << r.body;
    return std::string(o["error"].as_string());
  };
  auto no_key = post_json(sy.port(), "/api/chat", R"({"model":"cloud-fast","messages":[{"role":"user","content":"hi"}]})");
  EXPECT_EQ(no_key.status, 401);
  EXPECT_FALSE(error_of(no_key).empty());
  auto unknown = post_json(sy.port(), "/api/chat", R"({"model":"nope","messages":[{"role":"user","content":"hi"}]})", auth);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(error_of(unknown).find("nope"), std::string::npos);
  auto bad = post_json(sy.port(), "/api/generate", R"({"model":"tiny","prompt":"x","suffix":"y"})", auth);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(error_of(bad).find("suffix"), std::string::npos);
  auto not_json = post_json(sy.port(), "/api/chat", "{", auth);
  EXPECT_EQ(not_json.status, 400);
  error_of(not_json);
  auto pull = post_json(sy.port(), "/api/pull", R"({"model":"llama3"})", auth);
  EXPECT_EQ(pull.status, 404);
  error_of(pull);
  auto tags_no_key = http_request(sy.port(), "GET", "/api/tags");
  EXPECT_EQ(tags_no_key.status, 401);
  error_of(tags_no_key);
  EXPECT_EQ(http_request(sy.port(), "GET", "/api/version").status, 200);
  EXPECT_TRUE(cloud.requests().empty());
}

TEST_F(Ollama, AStreamThatBreaksEndsWithAnErrorLine) {
  Switchyard sy(config(cloud));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/api/chat", R"({"model":"cloud-fast","messages":[{"role":"user","content":"[cut] now"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto lines = lines_of(r.body);
  ASSERT_GE(lines.size(), 2u) << r.body;
  EXPECT_EQ(chat_text(lines), "You said");
  EXPECT_TRUE(lines.back().contains("error")) << r.body;
  EXPECT_FALSE(lines.back().contains("done"));
}

TEST_F(Ollama, TagsShowEmbedAndVersion) {
  Switchyard sy(config(cloud));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto tags = http_request(sy.port(), "GET", "/api/tags");
  ASSERT_EQ(tags.status, 200) << tags.body;
  std::map<std::string, json::object> by_name;
  auto listed = json::parse(tags.body);
  for (const auto& m : listed.as_object()["models"].as_array()) {
    by_name[std::string(m.as_object().at("name").as_string())] = m.as_object();
  }
  ASSERT_EQ(by_name.size(), 3u) << tags.body;
  auto& tiny = by_name["tiny"];
  EXPECT_GT(tiny["size"].as_int64(), 0);
  auto& details = tiny["details"].as_object();
  EXPECT_EQ(details["format"], "gguf");
  EXPECT_EQ(details["family"], "llama");
  EXPECT_FALSE(details["parameter_size"].as_string().empty());
  EXPECT_EQ(by_name["cloud-fast"]["details"].as_object()["family"], "openai_compat");
  EXPECT_TRUE(by_name.contains("auto"));

  auto show = post_json(sy.port(), "/api/show", R"({"model":"tiny:latest"})");
  ASSERT_EQ(show.status, 200) << show.body;
  auto s = json::parse(show.body).as_object();
  EXPECT_EQ(s["details"].as_object()["family"], "llama");
  EXPECT_EQ(s["model_info"].as_object()["general.architecture"], "llama");
  EXPECT_EQ(post_json(sy.port(), "/api/show", R"({"model":"nope"})").status, 404);
  EXPECT_EQ(post_json(sy.port(), "/api/show", R"({})").status, 400);

  auto embed = post_json(sy.port(), "/api/embed", R"({"model":"tiny","input":["one","two words"],"truncate":true,"keep_alive":"5m"})");
  ASSERT_EQ(embed.status, 200) << embed.body;
  auto e = json::parse(embed.body).as_object();
  EXPECT_EQ(e["model"], "tiny");
  ASSERT_EQ(e["embeddings"].as_array().size(), 2u);
  EXPECT_FALSE(e["embeddings"].as_array()[0].as_array().empty());
  EXPECT_GT(e["prompt_eval_count"].as_int64(), 0);
  auto cloud_embed = post_json(sy.port(), "/api/embed", R"({"model":"cloud-fast","input":"x"})");
  EXPECT_EQ(cloud_embed.status, 400);
  EXPECT_TRUE(json::parse(cloud_embed.body).as_object().contains("error"));

  auto version = http_request(sy.port(), "GET", "/api/version");
  ASSERT_EQ(version.status, 200);
  EXPECT_FALSE(json::parse(version.body).as_object()["version"].as_string().empty());
}

TEST_F(Ollama, ASensitiveRequestStaysInHouse) {
  Switchyard sy(config(cloud));
  ASSERT_TRUE(sy.ready()) << sy.log();
  for (const char* body : {R"({"model":"auto","stream":false,"options":{"num_predict":4},"messages":[{"role":"user","content":"My ID is A123456789, mail jane.doe@example.com"}]})",
                           R"({"model":"auto","options":{"num_predict":4},"prompt":"Look up A123456789 please"})"}) {
    std::string path = std::string(body).find("\"prompt\"") != std::string::npos ? "/api/generate" : "/api/chat";
    auto r = post_json(sy.port(), path, body);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("x-switchyard-route"), "tiny");
    EXPECT_EQ(r.header("x-switchyard-privacy"), "local_only");
  }
  EXPECT_TRUE(cloud.requests().empty());
}

}  // namespace
}  // namespace sy::testing
