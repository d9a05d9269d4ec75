// Ingress POST /v1/responses: Responses request bodies -> core (and on to an upstream's chat body),
// core answers and chunks -> the response object and its SSE event sequence.
#include <gtest/gtest.h>

#include <map>

#include <boost/json.hpp>

#include "http/sse.h"
#include "wire/openai/chat_request.h"
#include "wire/openai/responses_request.h"
#include "wire/openai/responses_response.h"

namespace sy::wire::openai {
namespace {

namespace json = boost::json;

class FakeHistory final : public ResponseHistory {
 public:
  std::map<std::string, std::vector<core::Message>, std::less<>> conversations;
  std::map<std::string, core::Message, std::less<>> items;
  std::optional<std::vector<core::Message>> conversation(std::string_view id) const override {
    auto it = conversations.find(id);
    if (it == conversations.end()) return std::nullopt;
    return it->second;
  }
  std::optional<core::Message> item(std::string_view id) const override {
    auto it = items.find(id);
    if (it == items.end()) return std::nullopt;
    return it->second;
  }
};

core::Message text_message(std::string role, std::string text) {
  core::Message m;
  m.role = std::move(role);
  m.parts.push_back({core::ContentPart::Kind::text, std::move(text), {}, {}});
  return m;
}

ResponsesRequest parsed(const std::string& body, const ResponseHistory* history = nullptr) {
  auto r = parse_responses_request(body, history);
  EXPECT_TRUE(r.ok()) << (r ? "" : r.error().message);
  return r ? std::move(*r) : ResponsesRequest{};
}

core::Error refused(const std::string& body, const ResponseHistory* history = nullptr) {
  auto r = parse_responses_request(body, history);
  EXPECT_FALSE(r.ok()) << body;
  return r ? core::Error{} : r.error();
}

// What a chat upstream would be sent for the request.
json::object upstream_body(const ResponsesRequest& r) { return format_request(r.chat, "up"); }

TEST(ResponsesRequest, StringInputAndInstructions) {
  auto r = parsed(R"({"model":"m","input":"Hi there","instructions":"Be brief.","max_output_tokens":50,"temperature":0.2})");
  ASSERT_EQ(r.chat.messages.size(), 2u);
  EXPECT_EQ(r.chat.messages[0].role, "system");
  EXPECT_EQ(r.chat.messages[0].text(), "Be brief.");
  EXPECT_EQ(r.chat.messages[1].role, "user");
  EXPECT_EQ(r.chat.messages[1].text(), "Hi there");
  EXPECT_EQ(r.chat.max_tokens, 50);
  EXPECT_EQ(r.chat.temperature, 0.2);
  EXPECT_TRUE(r.store);  // the API's default
  // The conversation to store leaves the instructions out: they are not carried over.
  ASSERT_EQ(r.input.size(), 1u);
  EXPECT_EQ(r.input[0].role, "user");
  auto up = upstream_body(r);
  EXPECT_EQ(up["max_tokens"], 50);
  EXPECT_FALSE(up.contains("instructions"));
  EXPECT_FALSE(up.contains("store"));
  EXPECT_FALSE(up.contains("max_output_tokens"));
}

TEST(ResponsesRequest, ToolRoundTripItemsBecomeChatMessages) {
  auto r = parsed(R"({"model":"m","input":[
      {"role":"user","content":[{"type":"input_text","text":"Weather in Paris?"}]},
      {"type":"function_call","id":"fc_1","call_id":"call_a","name":"weather","arguments":"{\"city\":\"Paris\"}"},
      {"type":"function_call","call_id":"call_b","name":"time","arguments":"{}"},
      {"type":"function_call_output","call_id":"call_a","output":"18C"},
      {"type":"function_call_output","call_id":"call_b","output":[{"type":"input_text","text":"noon"}]},
      {"type":"reasoning","id":"rs_1","summary":[]}],
    "tools":[{"type":"function","name":"weather","description":"d","parameters":{"type":"object"},"strict":true}],
    "tool_choice":{"type":"function","name":"weather"},"parallel_tool_calls":false})");
  ASSERT_EQ(r.chat.messages.size(), 4u);
  const auto& call = r.chat.messages[1];
  EXPECT_EQ(call.role, "assistant");
  EXPECT_TRUE(call.content_is_null);
  ASSERT_EQ(call.tool_calls.size(), 2u);  // one assistant turn with both calls
  EXPECT_EQ(call.tool_calls[0].id, "call_a");
  EXPECT_EQ(call.tool_calls[0].name, "weather");
  EXPECT_EQ(call.tool_calls[0].arguments, R"({"city":"Paris"})");
  EXPECT_EQ(r.chat.messages[2].role, "tool");
  EXPECT_EQ(r.chat.messages[2].tool_call_id, "call_a");
  EXPECT_EQ(r.chat.messages[2].text(), "18C");
  EXPECT_EQ(r.chat.messages[3].text(), "noon");
  auto up = upstream_body(r);
  EXPECT_EQ(json::value(up["tools"]), json::parse(R"([{"type":"function","function":{"name":"weather","description":"d","parameters":{"type":"object"},"strict":true}}])"));
  EXPECT_EQ(json::value(up["tool_choice"]), json::parse(R"({"type":"function","function":{"name":"weather"}})"));
  EXPECT_EQ(up["parallel_tool_calls"], false);
  EXPECT_EQ(up["messages"].as_array()[2].as_object()["content"], "18C");
}

TEST(ResponsesRequest, AssistantTextAndItsCallsAreOneTurn) {
  auto r = parsed(R"({"model":"m","input":[
      {"role":"user","content":"go"},
      {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Checking."}]},
      {"type":"function_call","call_id":"c1","name":"f","arguments":"{}"},
      {"type":"function_call_output","call_id":"c1","output":"ok"}]})");
  ASSERT_EQ(r.chat.messages.size(), 3u);
  EXPECT_EQ(r.chat.messages[1].text(), "Checking.");
  ASSERT_EQ(r.chat.messages[1].tool_calls.size(), 1u);
  EXPECT_EQ(r.chat.messages[2].role, "tool");
}

TEST(ResponsesRequest, TextFormatBecomesResponseFormat) {
  auto r = parsed(R"({"model":"m","input":"x","text":{"format":{"type":"json_schema","name":"person","strict":true,
      "schema":{"type":"object","properties":{"name":{"type":"string"}}}}}})");
  EXPECT_EQ(json::value(r.chat.extensions["response_format"]),
            json::parse(R"({"type":"json_schema","json_schema":{"name":"person","schema":{"type":"object","properties":{"name":{"type":"string"}}},"strict":true}})"));
  auto plain = parsed(R"({"model":"m","input":"x","text":{"format":{"type":"text"}}})");
  EXPECT_FALSE(plain.chat.extensions.contains("response_format"));
  auto object = parsed(R"({"model":"m","input":"x","text":{"format":{"type":"json_object"}}})");
  EXPECT_EQ(json::value(object.chat.extensions["response_format"]), json::parse(R"({"type":"json_object"})"));
}

TEST(ResponsesRequest, ImagesAndResponsesOnlyFieldsStayHome) {
  auto r = parsed(R"({"model":"m","stream":true,"store":false,"include":["reasoning.encrypted_content"],
      "reasoning":{"effort":"low"},"truncation":"auto","metadata":{"a":"b"},"prompt_cache_key":"k","user":"u1",
      "input":[{"role":"user","content":[{"type":"input_text","text":"what is this"},
                                         {"type":"input_image","image_url":"data:image/png;base64,AAAA","detail":"low"}]}]})");
  EXPECT_TRUE(r.chat.stream);
  EXPECT_FALSE(r.store);
  ASSERT_EQ(r.chat.messages.size(), 1u);
  ASSERT_EQ(r.chat.messages[0].parts.size(), 2u);
  EXPECT_TRUE(r.chat.messages[0].content_is_parts);
  EXPECT_EQ(r.chat.messages[0].parts[1].url, "data:image/png;base64,AAAA");
  EXPECT_EQ(r.chat.messages[0].parts[1].detail, "low");
  auto up = upstream_body(r);
  for (const char* key : {"include", "reasoning", "truncation", "metadata", "prompt_cache_key", "store", "text"}) {
    EXPECT_FALSE(up.contains(key)) << key << " would be refused by a chat upstream";
  }
  EXPECT_EQ(up["user"], "u1");
  EXPECT_EQ(r.echo["metadata"], json::parse(R"({"a":"b"})"));
}

TEST(ResponsesRequest, PreviousResponseAndItemReferencesComeFromHistory) {
  FakeHistory history;
  history.conversations["resp_1"] = {text_message("user", "My name is Ann."), text_message("assistant", "Hello Ann.")};
  core::Message call;
  call.role = "assistant";
  call.tool_calls.push_back({"call_9", "lookup", "{}"});
  history.items["fc_9"] = call;
  history.items["msg_7"] = text_message("assistant", "Earlier answer.");
  auto r = parsed(R"({"model":"m","previous_response_id":"resp_1","instructions":"new rules","input":"What is my name?"})", &history);
  ASSERT_EQ(r.chat.messages.size(), 4u);
  EXPECT_EQ(r.chat.messages[0].text(), "new rules");
  EXPECT_EQ(r.chat.messages[1].text(), "My name is Ann.");
  EXPECT_EQ(r.chat.messages[2].text(), "Hello Ann.");
  EXPECT_EQ(r.chat.messages[3].text(), "What is my name?");
  EXPECT_EQ(r.input.size(), 3u);

  auto refs = parsed(R"({"model":"m","input":[{"role":"user","content":"q"},{"type":"item_reference","id":"msg_7"},
      {"type":"item_reference","id":"fc_9"},{"type":"function_call_output","call_id":"call_9","output":"r"}]})", &history);
  ASSERT_EQ(refs.chat.messages.size(), 3u);
  EXPECT_EQ(refs.chat.messages[1].text(), "Earlier answer.");
  ASSERT_EQ(refs.chat.messages[1].tool_calls.size(), 1u);  // the referenced call joins the turn
  EXPECT_EQ(refs.chat.messages[1].tool_calls[0].id, "call_9");

  auto missing = refused(R"({"model":"m","previous_response_id":"resp_other","input":"x"})", &history);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.param, "previous_response_id");
  EXPECT_NE(missing.message.find("resp_other"), std::string::npos);
  auto no_item = refused(R"({"model":"m","input":[{"type":"item_reference","id":"msg_x"}]})", &history);
  EXPECT_EQ(no_item.status, 404);
  EXPECT_EQ(no_item.param, "input[0].id");
  // Without a history (storing off) nothing is found.
  EXPECT_EQ(refused(R"({"model":"m","previous_response_id":"resp_1","input":"x"})").status, 404);
}

TEST(ResponsesRequest, BadInputNamesTheField) {
  struct Case {
    const char* body;
    const char* param;
  } cases[] = {
      {R"({"input":"x"})", "model"},
      {R"({"model":"m"})", "input"},
      {R"({"model":"m","input":[]})", "input"},
      {R"({"model":"m","input":5})", "input"},
      {R"({"model":"m","input":[{"role":"robot","content":"x"}]})", "input[0].role"},
      {R"({"model":"m","input":[{"role":"user"}]})", "input[0].content"},
      {R"({"model":"m","input":[{"role":"user","content":[{"type":"input_file","file_id":"f"}]}]})", "input[0].content[0].type"},
      {R"({"model":"m","input":[{"type":"function_call","name":"f","arguments":"{}"}]})", "input[0].call_id"},
      {R"({"model":"m","input":[{"type":"function_call_output","call_id":"c"}]})", "input[0].output"},
      {R"({"model":"m","input":[{"type":"web_search_call","id":"w"}]})", "input[0].type"},
      {R"({"model":"m","input":"x","tools":[{"type":"web_search"}]})", "tools[0].type"},
      {R"({"model":"m","input":"x","tools":[{"type":"function"}]})", "tools[0].name"},
      {R"({"model":"m","input":"x","tool_choice":"sometimes"})", "tool_choice"},
      {R"({"model":"m","input":"x","text":{"format":{"type":"json_schema"}}})", "text.format.schema"},
      {R"({"model":"m","input":"x","max_output_tokens":0})", "max_output_tokens"},
      {R"({"model":"m","input":"x","temperature":3})", "temperature"},
      {R"({"model":"m","input":"x","top_p":-1})", "top_p"},
      {R"({"model":"m","input":"x","stream":"yes"})", "stream"},
      {R"({"model":"m","input":"x","background":true})", "background"},
      {R"({"model":"m","input":"x","conversation":"conv_1"})", "conversation"},
      {R"({"model":"m","input":"x","metadata":{"n":1}})", "metadata.n"},
  };
  for (const auto& c : cases) {
    auto e = refused(c.body);
    EXPECT_EQ(e.status, 400) << c.body;
    EXPECT_EQ(e.type, "invalid_request_error") << c.body;
    EXPECT_EQ(e.param, c.param) << c.body << ": " << e.message;
  }
  EXPECT_EQ(refused("not json").status, 400);
}

ResponseHead head() {
  ResponseHead h;
  h.id = "resp_abc";
  h.created_at = 1700000000;
  h.model = "m";
  h.instructions = "rules";
  h.echo["metadata"] = json::object{{"k", "v"}};
  return h;
}

core::ChatResponse answer(std::string text, std::string finish = "stop") {
  core::ChatResponse r;
  r.model = "m-2025";
  core::Choice c;
  c.message = text_message("assistant", std::move(text));
  c.finish_reason = std::move(finish);
  r.choices.push_back(std::move(c));
  r.usage = core::Usage{10, 4, 2, {}};
  return r;
}

TEST(ResponsesResponse, WholeAnswer) {
  auto r = answer("Hello.");
  r.choices[0].message.tool_calls.push_back({"call_1", "f", R"({"a":1})"});
  auto out = output_of(r, "resp_abc");
  auto o = json::parse(format_response(head(), out)).as_object();
  EXPECT_EQ(o["id"], "resp_abc");
  EXPECT_EQ(o["object"], "response");
  EXPECT_EQ(o["status"], "completed");
  EXPECT_EQ(o["instructions"], "rules");
  EXPECT_EQ(o["metadata"], json::parse(R"({"k":"v"})"));
  auto& items = o["output"].as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0], json::parse(R"({"type":"message","id":"msg_abc","status":"completed","role":"assistant",
      "content":[{"type":"output_text","text":"Hello.","annotations":[],"logprobs":[]}]})"));
  EXPECT_EQ(items[1], json::parse(R"({"type":"function_call","id":"fc_abc_1","call_id":"call_1","name":"f","arguments":"{\"a\":1}","status":"completed"})"));
  EXPECT_EQ(o["usage"], json::parse(R"({"input_tokens":10,"input_tokens_details":{"cached_tokens":2},"output_tokens":4,
      "output_tokens_details":{"reasoning_tokens":0},"total_tokens":14})"));
  auto turn = out.as_message();
  EXPECT_EQ(turn.text(), "Hello.");
  ASSERT_EQ(turn.tool_calls.size(), 1u);

  auto cut = json::parse(format_response(head(), output_of(answer("Hel", "length"), "resp_abc"))).as_object();
  EXPECT_EQ(cut["status"], "incomplete");
  EXPECT_EQ(cut["incomplete_details"], json::parse(R"({"reason":"max_output_tokens"})"));
}

std::vector<json::object> events(const std::string& sse) {
  std::vector<json::object> out;
  http::SseReader reader;
  reader.feed(sse, [&](http::SseEvent& ev) {
    auto o = json::parse(ev.data).as_object();
    EXPECT_EQ(ev.event, o["type"].as_string()) << "the event line names the event";
    out.push_back(std::move(o));
    return true;
  });
  EXPECT_FALSE(reader.has_partial());
  return out;
}

core::ChatChunk text_chunk(std::string text) {
  core::ChatChunk c;
  c.model = "m-2025";
  core::ChunkChoice choice;
  choice.content = std::move(text);
  choice.has_content = true;
  c.choices.push_back(std::move(choice));
  return c;
}

core::ChatChunk call_chunk(int index, std::string id, std::string name, std::string args) {
  core::ChatChunk c;
  core::ChunkChoice choice;
  choice.tool_calls.push_back({index, std::move(id), std::move(name), std::move(args), true});
  c.choices.push_back(std::move(choice));
  return c;
}

TEST(ResponsesStream, TextThenToolCallsInTheDocumentedOrder) {
  ResponsesStreamEncoder enc(head());
  // One call per statement: the operands of + are evaluated in no set order.
  std::string sse = enc.chunk(text_chunk("Hel"));
  sse += enc.chunk(text_chunk("lo"));
  sse += enc.chunk(call_chunk(0, "call_1", "f", "{\"a\""));
  sse += enc.chunk(call_chunk(0, "", "", ":1}"));
  sse += enc.chunk(call_chunk(1, "call_2", "g", "{}"));
  core::ChatChunk finish;
  finish.choices.push_back({});
  finish.choices[0].finish_reason = "tool_calls";
  finish.usage = core::Usage{5, 6, 0, {}};
  sse += enc.chunk(finish);
  sse += enc.done();
  auto ev = events(sse);
  std::vector<std::string> types;
  for (auto& e : ev) types.emplace_back(e["type"].as_string());
  std::vector<std::string> want = {
      "response.created", "response.in_progress",
      "response.output_item.added", "response.content_part.added",
      "response.output_text.delta", "response.output_text.delta",
      "response.output_text.done", "response.content_part.done", "response.output_item.done",
      "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.delta",
      "response.output_item.added", "response.function_call_arguments.delta",
      "response.function_call_arguments.done", "response.output_item.done",
      "response.function_call_arguments.done", "response.output_item.done",
      "response.completed"};
  EXPECT_EQ(types, want);
  for (size_t i = 0; i < ev.size(); ++i) EXPECT_EQ(ev[i]["sequence_number"], static_cast<int64_t>(i));
  EXPECT_EQ(ev[0]["response"].as_object()["status"], "in_progress");
  EXPECT_EQ(ev[0]["response"].as_object()["model"], "m-2025");
  EXPECT_EQ(ev[4]["delta"], "Hel");
  EXPECT_EQ(ev[4]["item_id"], "msg_abc");
  EXPECT_EQ(ev[6]["text"], "Hello");
  EXPECT_EQ(ev[9]["item"].as_object()["call_id"], "call_1");
  EXPECT_EQ(ev[9]["output_index"], 1);
  EXPECT_EQ(ev[14]["arguments"], "{\"a\":1}");
  auto& done = ev.back()["response"].as_object();
  EXPECT_EQ(done["status"], "completed");
  ASSERT_EQ(done["output"].as_array().size(), 3u);
  EXPECT_EQ(done["output"].as_array()[0].as_object()["content"].as_array()[0].as_object()["text"], "Hello");
  EXPECT_EQ(done["usage"].as_object()["output_tokens"], 6);
  EXPECT_EQ(enc.output().as_message().tool_calls.size(), 2u);
}

TEST(ResponsesStream, LengthEndsIncompleteAndAnErrorFails) {
  ResponsesStreamEncoder cut(head());
  core::ChatChunk c = text_chunk("abc");
  c.choices[0].finish_reason = "length";
  std::string sse = cut.chunk(c);
  sse += cut.done();
  auto ev = events(sse);
  EXPECT_EQ(ev.back()["type"], "response.incomplete");
  EXPECT_EQ(ev.back()["response"].as_object()["incomplete_details"], json::parse(R"({"reason":"max_output_tokens"})"));

  ResponsesStreamEncoder failed(head());
  auto e = core::Error::upstream("The upstream broke off.");
  sse = failed.chunk(text_chunk("par"));
  sse += failed.error(e);
  auto fev = events(sse);
  auto& last = fev.back();
  EXPECT_EQ(last["type"], "response.failed");
  EXPECT_EQ(last["response"].as_object()["status"], "failed");
  EXPECT_EQ(last["response"].as_object()["error"].as_object()["message"], "The upstream broke off.");

  ResponsesStreamEncoder empty(head());
  auto eev = events(empty.done());
  EXPECT_EQ(eev.front()["type"], "response.created");
  EXPECT_EQ(eev.back()["type"], "response.completed");
}

}  // namespace
}  // namespace sy::wire::openai
