// Ingress /api/chat, /api/generate: Ollama request bodies -> core, core answers and chunks ->
// Ollama's JSON, NDJSON lines and error bodies; the model list's shapes.
#include <gtest/gtest.h>

#include <sstream>

#include <boost/json.hpp>

#include "wire/ollama/ollama_models.h"
#include "wire/ollama/ollama_request.h"
#include "wire/ollama/ollama_response.h"
#include "wire/openai/chat_request.h"

namespace sy::wire::ollama {
namespace {

namespace json = boost::json;

core::ChatRequest chat(const std::string& body) {
  auto r = parse_chat_request(body);
  EXPECT_TRUE(r.ok()) << (r ? "" : r.error().message);
  return r ? *r : core::ChatRequest{};
}

core::ChatRequest generate(const std::string& body) {
  auto r = parse_generate_request(body);
  EXPECT_TRUE(r.ok()) << (r ? "" : r.error().message);
  return r ? *r : core::ChatRequest{};
}

core::Error refused_chat(const std::string& body) {
  auto r = parse_chat_request(body);
  EXPECT_FALSE(r.ok()) << body;
  return r ? core::Error{} : r.error();
}

core::Error refused_generate(const std::string& body) {
  auto r = parse_generate_request(body);
  EXPECT_FALSE(r.ok()) << body;
  return r ? core::Error{} : r.error();
}

// What an OpenAI-compatible upstream would receive for the request.
json::object upstream(const core::ChatRequest& r) { return wire::openai::format_request(r, "up"); }

std::vector<json::object> lines_of(const std::string& ndjson) {
  std::vector<json::object> out;
  std::istringstream in(ndjson);
  for (std::string line; std::getline(in, line);) {
    EXPECT_FALSE(line.empty()) << "an empty line in:\n" << ndjson;
    out.push_back(json::parse(line).as_object());
  }
  EXPECT_TRUE(ndjson.empty() || ndjson.back() == '\n') << "the last line is not ended";
  return out;
}

core::ChatChunk text_chunk(const std::string& text, const std::string& finish = {}) {
  core::ChatChunk c;
  core::ChunkChoice choice;
  choice.content = text;
  choice.has_content = !text.empty();
  choice.finish_reason = finish;
  c.choices.push_back(choice);
  return c;
}

// ---- requests ---------------------------------------------------------------------------------

TEST(OllamaChatRequest, StreamsByDefaultAndAsksForUsage) {
  auto r = chat(R"({"model":"faq-local:latest","messages":[{"role":"user","content":"hi"}]})");
  EXPECT_EQ(r.model, "faq-local");  // Ollama clients add the tag
  EXPECT_TRUE(r.stream);
  EXPECT_TRUE(r.stream_options.include_usage);
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0].role, "user");
  EXPECT_EQ(r.messages[0].text(), "hi");
  EXPECT_FALSE(chat(R"({"model":"m","stream":false,"messages":[{"role":"user","content":"hi"}]})").stream);
  EXPECT_EQ(chat(R"({"model":"qwen:7b","messages":[{"role":"user","content":"hi"}]})").model, "qwen:7b");
}

TEST(OllamaChatRequest, OptionsFormatAndIgnoredFields) {
  auto r = chat(R"({"model":"m","messages":[{"role":"system","content":"Be terse."},{"role":"user","content":"hi"}],
    "format":"json","keep_alive":"5m","think":false,
    "options":{"temperature":0,"top_p":0.9,"top_k":40,"min_p":0.05,"num_predict":64,"stop":["END","\n\n"],"seed":7,
               "repeat_penalty":1.1,"presence_penalty":0.5,"frequency_penalty":0.25,"num_ctx":4096,"mirostat":0}})");
  EXPECT_EQ(r.temperature, 0.0);
  EXPECT_EQ(r.top_p, 0.9);
  EXPECT_EQ(r.max_tokens, 64);
  EXPECT_EQ(r.stop, (std::vector<std::string>{"END", "\n\n"}));
  auto sent = upstream(r);
  EXPECT_EQ(sent["response_format"], json::parse(R"({"type":"json_object"})"));
  EXPECT_EQ(sent["seed"], 7);
  EXPECT_EQ(sent["top_k"], 40);
  EXPECT_EQ(sent["min_p"], 0.05);
  EXPECT_EQ(sent["repetition_penalty"], 1.1);
  EXPECT_EQ(sent["presence_penalty"], 0.5);
  EXPECT_EQ(sent["frequency_penalty"], 0.25);
  EXPECT_FALSE(sent.contains("num_ctx"));
  EXPECT_FALSE(sent.contains("keep_alive"));
  EXPECT_FALSE(sent.contains("think"));
  EXPECT_FALSE(sent.contains("mirostat"));
  // num_predict -1 (no limit) and -2 (fill the context) leave max_tokens unset.
  EXPECT_FALSE(chat(R"({"model":"m","messages":[{"role":"user","content":"x"}],"options":{"num_predict":-1}})").max_tokens);
}

TEST(OllamaChatRequest, SchemaFormatBecomesJsonSchema) {
  auto r = chat(R"({"model":"m","messages":[{"role":"user","content":"x"}],
    "format":{"type":"object","properties":{"age":{"type":"integer"}},"required":["age"]}})");
  auto& rf = r.extensions["response_format"].as_object();
  EXPECT_EQ(rf["type"], "json_schema");
  EXPECT_EQ(rf["json_schema"].as_object()["name"], "response");
  EXPECT_EQ(rf["json_schema"].as_object()["schema"].as_object()["required"], json::parse(R"(["age"])"));
  EXPECT_FALSE(chat(R"({"model":"m","messages":[{"role":"user","content":"x"}],"format":""})").extensions.contains("response_format"));
}

TEST(OllamaChatRequest, ImagesBecomeDataUrlsOfTheirType) {
  auto r = chat(R"({"model":"m","messages":[{"role":"user","content":"What is this?","images":["iVBORw0KGgoAAAA","/9j/4AAQSk"]}]})");
  const auto& m = r.messages[0];
  EXPECT_TRUE(m.content_is_parts);
  ASSERT_EQ(m.parts.size(), 3u);
  EXPECT_EQ(m.parts[0].text, "What is this?");
  EXPECT_EQ(m.parts[1].url, "data:image/png;base64,iVBORw0KGgoAAAA");
  EXPECT_EQ(m.parts[2].url, "data:image/jpeg;base64,/9j/4AAQSk");
  auto e = refused_chat(R"({"model":"m","messages":[{"role":"user","content":"x","images":["AAAA"]}]})");
  EXPECT_EQ(e.param, "messages[0].images[0]");
}

TEST(OllamaChatRequest, ToolCallsGetIdsAndToolResultsFindTheirCall) {
  auto r = chat(R"({"model":"m",
    "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}},
             {"type":"function","function":{"name":"get_time","parameters":{"type":"object"}}}],
    "messages":[
      {"role":"user","content":"Weather and time in Paris?"},
      {"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_weather","arguments":{"city":"Paris"}}},
                                                     {"function":{"name":"get_time","arguments":{}}}]},
      {"role":"tool","tool_name":"get_time","content":"noon"},
      {"role":"tool","tool_name":"get_weather","content":"sunny"}]})");
  auto sent = upstream(r);
  EXPECT_EQ(sent["tools"].as_array().size(), 2u);
  EXPECT_EQ(sent["tools"].as_array()[0], json::parse(R"({"type":"function","function":{"name":"get_weather","description":"Weather",
    "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}})"));
  const auto& msgs = sent["messages"].as_array();
  ASSERT_EQ(msgs.size(), 4u);
  EXPECT_EQ(msgs[1], json::parse(R"({"role":"assistant","content":null,"tool_calls":[
    {"id":"call_1_0","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
    {"id":"call_1_1","type":"function","function":{"name":"get_time","arguments":"{}"}}]})"));
  EXPECT_EQ(msgs[2], json::parse(R"({"role":"tool","content":"noon","tool_call_id":"call_1_1"})"));
  EXPECT_EQ(msgs[3], json::parse(R"({"role":"tool","content":"sunny","tool_call_id":"call_1_0"})"));
}

TEST(OllamaChatRequest, InvalidRequestsNameTheField) {
  struct Case {
    const char* body;
    const char* param;
  };
  for (const auto& c : {
           Case{R"({"messages":[{"role":"user","content":"x"}]})", "model"},
           Case{R"({"model":"m"})", "messages"},
           Case{R"({"model":"m","messages":[]})", "messages"},
           Case{R"({"model":"m","messages":[{"role":"wizard","content":"x"}]})", "messages[0].role"},
           Case{R"({"model":"m","messages":[{"role":"user","content":["x"]}]})", "messages[0].content"},
           Case{R"({"model":"m","messages":[{"role":"user","content":"x","tool_calls":[]}]})", "messages[0].tool_calls"},
           Case{R"({"model":"m","messages":[{"role":"assistant","content":"","tool_calls":[{"function":{"arguments":{}}}]}]})",
                "messages[0].tool_calls[0].function.name"},
           Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream":"yes"})", "stream"},
           Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"format":"xml"})", "format"},
           Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"options":{"temperature":"hot"}})", "options.temperature"},
           Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"options":{"stop":[1]}})", "options.stop"},
           Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"options":{"seed":1.5}})", "options.seed"},
           Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{}}]})", "tools[0].function.name"},
           Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"logprobs":true})", "logprobs"},
       }) {
    auto e = refused_chat(c.body);
    EXPECT_EQ(e.status, 400) << c.body;
    EXPECT_EQ(e.param, c.param) << c.body << ": " << e.message;
    EXPECT_FALSE(e.message.empty());
  }
  EXPECT_EQ(refused_chat("not json").status, 400);
}

TEST(OllamaGenerateRequest, SystemAndPromptBecomeMessages) {
  auto r = generate(R"({"model":"m","prompt":"Why is the sky blue?","system":"Be brief.","stream":false,"options":{"num_predict":8}})");
  EXPECT_EQ(r.kind, core::ChatRequest::Kind::chat);
  EXPECT_FALSE(r.stream);
  EXPECT_EQ(r.max_tokens, 8);
  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_EQ(r.messages[0].role, "system");
  EXPECT_EQ(r.messages[0].text(), "Be brief.");
  EXPECT_EQ(r.messages[1].role, "user");
  EXPECT_EQ(r.messages[1].text(), "Why is the sky blue?");
  auto img = generate(R"({"model":"m","prompt":"Describe","images":["R0lGODlhAQAB"]})");
  ASSERT_EQ(img.messages.size(), 1u);
  EXPECT_EQ(img.messages[0].parts[1].url, "data:image/gif;base64,R0lGODlhAQAB");
}

TEST(OllamaGenerateRequest, RawIsACompletionOfThePromptAsItIs) {
  auto r = generate(R"({"model":"m","prompt":"<s>[INST] hi [/INST]","raw":true,"system":"ignored when raw"})");
  EXPECT_EQ(r.kind, core::ChatRequest::Kind::completion);
  EXPECT_EQ(r.prompt, "<s>[INST] hi [/INST]");
  EXPECT_TRUE(r.messages.empty());
}

TEST(OllamaGenerateRequest, WhatCannotBeHonouredIsRefusedByName) {
  EXPECT_EQ(refused_generate(R"({"model":"m","prompt":"def f(","suffix":"  return x"})").param, "suffix");
  EXPECT_EQ(refused_generate(R"({"model":"m","prompt":"x","template":"{{ .Prompt }}"})").param, "template");
  EXPECT_EQ(refused_generate(R"({"model":"m","prompt":"x","context":[1,2,3]})").param, "context");
  EXPECT_EQ(refused_generate(R"({"model":"m","prompt":""})").param, "prompt");  // Ollama's "load the model"
  EXPECT_EQ(refused_generate(R"({"model":"m","prompt":"x","raw":true,"images":["iVBORw0KGgo"]})").param, "images");
  // Empty values of those fields are what some clients always send.
  auto r = generate(R"({"model":"m","prompt":"x","suffix":"","template":"","context":[]})");
  EXPECT_EQ(r.messages.size(), 1u);
}

// ---- answers ----------------------------------------------------------------------------------

TEST(OllamaResponse, WholeChatAnswerWithCountsAndDurations) {
  core::ChatResponse r;
  r.model = "gpt-upstream-2025";
  core::Choice c;
  c.message.role = "assistant";
  c.message.parts.push_back({core::ContentPart::Kind::text, "Hello!", {}, {}});
  c.finish_reason = "length";
  r.choices.push_back(c);
  r.usage = core::Usage{.prompt_tokens = 12, .completion_tokens = 3};
  auto o = json::parse(format_response(r, AnswerShape::chat, "cloud-fast", Timings{900, 300, 600})).as_object();
  EXPECT_EQ(o["model"], "cloud-fast");  // the name the client asked for
  EXPECT_TRUE(o["created_at"].as_string().ends_with("Z"));
  EXPECT_EQ(o["message"], json::parse(R"({"role":"assistant","content":"Hello!"})"));
  EXPECT_EQ(o["done"], true);
  EXPECT_EQ(o["done_reason"], "length");
  EXPECT_EQ(o["prompt_eval_count"], 12);
  EXPECT_EQ(o["eval_count"], 3);
  EXPECT_EQ(o["total_duration"], 900);
  EXPECT_EQ(o["load_duration"], 0);
  EXPECT_EQ(o["prompt_eval_duration"], 300);
  EXPECT_EQ(o["eval_duration"], 600);

  auto g = json::parse(format_response(r, AnswerShape::generate, "m", {})).as_object();
  EXPECT_EQ(g["response"], "Hello!");
  EXPECT_FALSE(g.contains("message"));
}

TEST(OllamaResponse, ToolCallsCarryArgumentsAsObjects) {
  core::ChatResponse r;
  core::Choice c;
  c.message.role = "assistant";
  c.message.content_is_null = true;
  c.message.tool_calls.push_back({"call_9", "get_weather", R"({"city":"Paris"})"});
  c.finish_reason = "tool_calls";
  r.choices.push_back(c);
  auto o = json::parse(format_response(r, AnswerShape::chat, "m", {})).as_object();
  EXPECT_EQ(o["done_reason"], "stop");
  EXPECT_EQ(o["message"], json::parse(R"({"role":"assistant","content":"",
    "tool_calls":[{"id":"call_9","function":{"index":0,"name":"get_weather","arguments":{"city":"Paris"}}}]})"));
}

TEST(OllamaStream, OneLinePerPieceThenTheTotals) {
  StreamEncoder encoder(AnswerShape::chat, "faq-local");
  // One statement each: the operands of + are evaluated in no fixed order.
  std::string out = encoder.chunk(text_chunk("Hel"));
  out += encoder.chunk(text_chunk(""));
  out += encoder.chunk(text_chunk("lo", "stop"));
  core::ChatChunk usage;
  usage.usage = core::Usage{.prompt_tokens = 5, .completion_tokens = 2};
  out += encoder.chunk(usage);
  out += encoder.done(Timings{1000, 400, 600});
  auto lines = lines_of(out);
  ASSERT_EQ(lines.size(), 3u) << out;
  EXPECT_EQ(lines[0]["message"], json::parse(R"({"role":"assistant","content":"Hel"})"));
  EXPECT_EQ(lines[0]["done"], false);
  EXPECT_EQ(lines[0]["model"], "faq-local");
  EXPECT_EQ(lines[1]["message"].as_object()["content"], "lo");
  EXPECT_EQ(lines[2]["done"], true);
  EXPECT_EQ(lines[2]["done_reason"], "stop");
  EXPECT_EQ(lines[2]["message"].as_object()["content"], "");
  EXPECT_EQ(lines[2]["prompt_eval_count"], 5);
  EXPECT_EQ(lines[2]["eval_count"], 2);
  EXPECT_EQ(lines[2]["total_duration"], 1000);
}

TEST(OllamaStream, GenerateLinesSayResponse) {
  StreamEncoder encoder(AnswerShape::generate, "m");
  std::string out = encoder.chunk(text_chunk("Hi", "length"));
  out += encoder.done({});
  auto lines = lines_of(out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["response"], "Hi");
  EXPECT_FALSE(lines[0].contains("message"));
  EXPECT_EQ(lines[1]["response"], "");
  EXPECT_EQ(lines[1]["done_reason"], "length");
}

TEST(OllamaStream, ToolCallFragmentsAreWrittenWholeAtTheFinish) {
  StreamEncoder encoder(AnswerShape::chat, "m");
  core::ChatChunk first;
  core::ChunkChoice a;
  a.tool_calls.push_back({0, "call_1", "get_weather", R"({"city")", true});
  first.choices.push_back(a);
  core::ChatChunk second;
  core::ChunkChoice b;
  b.tool_calls.push_back({0, "", "", R"(:"Paris"})", true});
  second.choices.push_back(b);
  EXPECT_EQ(encoder.chunk(first), "");
  EXPECT_EQ(encoder.chunk(second), "");
  std::string out = encoder.chunk(text_chunk("", "tool_calls"));
  out += encoder.done({});
  auto lines = lines_of(out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["done"], false);
  EXPECT_EQ(lines[0]["message"].as_object()["tool_calls"],
            json::parse(R"([{"id":"call_1","function":{"index":0,"name":"get_weather","arguments":{"city":"Paris"}}}])"));
  EXPECT_EQ(lines[1]["done_reason"], "stop");
  EXPECT_FALSE(lines[1]["message"].as_object().contains("tool_calls"));
}

TEST(OllamaStream, AnEndWithoutAFinishStillWritesPendingCalls) {
  StreamEncoder encoder(AnswerShape::chat, "m");
  core::ChatChunk c;
  core::ChunkChoice choice;
  choice.tool_calls.push_back({0, "call_1", "f", "{}", true});
  c.choices.push_back(choice);
  encoder.chunk(c);
  auto lines = lines_of(encoder.done({}));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["message"].as_object()["tool_calls"].as_array().size(), 1u);
}

TEST(OllamaErrors, ErrorIsOneStringFieldAndAStreamEndsWithItsLine) {
  EXPECT_EQ(json::parse(format_error(core::Error::model_not_found("nope"))).as_object().size(), 1u);
  EXPECT_EQ(json::parse(format_error(core::Error::invalid_request("bad", "x"))), json::parse(R"({"error":"bad"})"));
  StreamEncoder encoder(AnswerShape::chat, "m");
  std::string out = encoder.chunk(text_chunk("partial"));
  out += encoder.error(core::Error::upstream_timeout("too slow"));
  auto lines = lines_of(out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1], json::parse(R"({"error":"too slow"})"));
}

// ---- model listings ---------------------------------------------------------------------------

TEST(OllamaModels, TagsAndShowHaveEveryFieldClientsRead) {
  ModelEntry e;
  e.name = "faq-local";
  e.modified_at = "2025-01-01T00:00:00.000000Z";
  e.size = 1234;
  e.format = "gguf";
  e.family = "llama";
  e.parameters = 4'200'000;
  e.parameter_size = parameter_size(4'200'000);
  e.quantization_level = "F32";
  e.context_length = 1024;
  e.capabilities = {"completion", "embedding"};
  auto tags = json::parse(format_tags({e})).as_object();
  auto& m = tags["models"].as_array()[0].as_object();
  EXPECT_EQ(m["name"], "faq-local");
  EXPECT_EQ(m["model"], "faq-local");
  EXPECT_EQ(m["size"], 1234);
  EXPECT_EQ(m["digest"], "");
  EXPECT_EQ(m["details"], json::parse(R"({"parent_model":"","format":"gguf","family":"llama","families":["llama"],
    "parameter_size":"4.2M","quantization_level":"F32"})"));
  auto show = json::parse(format_show(e)).as_object();
  EXPECT_EQ(show["capabilities"], json::parse(R"(["completion","embedding"])"));
  EXPECT_EQ(show["model_info"].as_object()["llama.context_length"], 1024);
  EXPECT_EQ(show["model_info"].as_object()["general.parameter_count"], 4'200'000);
  EXPECT_TRUE(show.contains("modelfile"));
  EXPECT_TRUE(show.contains("template"));
  EXPECT_EQ(parameter_size(8'030'000'000), "8.0B");
  EXPECT_EQ(parameter_size(0), "");
  EXPECT_EQ(json::parse(format_version("0.12.0")), json::parse(R"({"version":"0.12.0"})"));
}

TEST(OllamaModels, TimesAreRfc3339InUtc) {
  auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000)) + std::chrono::microseconds(42);
  EXPECT_EQ(rfc3339(t), "2023-11-14T22:13:20.000042Z");
}

}  // namespace
}  // namespace sy::wire::ollama
