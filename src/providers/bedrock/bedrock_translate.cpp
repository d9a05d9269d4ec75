#include "providers/bedrock/bedrock_translate.h"

#include <algorithm>

#include <boost/json.hpp>

#include "wire/error_text.h"
#include "wire/json_fields.h"
#include "providers/data_url.h"
#include "providers/json_values.h"
#include "providers/turns.h"
#include "providers/upstream_errors.h"

namespace sy::providers::bedrock {

namespace json = boost::json;
using wire::field;
using wire::int_or;
using wire::string_or;
using core::ChatRequest;
using core::Error;

namespace {


// Converse names image formats, not media types.
std::string image_format(std::string_view mime) {
  if (mime == "image/png") return "png";
  if (mime == "image/jpeg" || mime == "image/jpg") return "jpeg";
  if (mime == "image/gif") return "gif";
  if (mime == "image/webp") return "webp";
  return {};
}


bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

class RequestBuilder {
 public:
  explicit RequestBuilder(const ChatRequest& r) : r_(r) {}

  core::Result<ConverseRequest> build() {
    if (r_.kind == ChatRequest::Kind::completion) push("user", json::array{json::object{{"text", r_.prompt}}});
    for (size_t i = 0; i < r_.messages.size(); ++i) {
      auto s = message(r_.messages[i], "messages[" + std::to_string(i) + "]");
      if (!s) return s.error();
    }
    ConverseRequest out;
    auto& body = out.body;
    body["messages"] = std::move(messages_);
    if (!system_.empty()) body["system"] = std::move(system_);
    json::object inference;
    if (r_.max_tokens) inference["maxTokens"] = *r_.max_tokens;
    if (r_.temperature) inference["temperature"] = *r_.temperature;
    if (r_.top_p) inference["topP"] = *r_.top_p;
    if (!r_.stop.empty()) inference["stopSequences"] = json::array(r_.stop.begin(), r_.stop.end());
    if (!inference.empty()) body["inferenceConfig"] = std::move(inference);
    auto tools = tool_config(out.json_tool);
    if (!tools) return tools.error();
    if (!tools->empty()) body["toolConfig"] = std::move(*tools);
    // Bedrock-native fields a client may pass through.
    for (const char* key : {"additionalModelRequestFields", "additionalModelResponseFieldPaths", "guardrailConfig",
                            "performanceConfig", "promptVariables", "requestMetadata"}) {
      if (auto* v = field(r_.extensions, key)) body[key] = *v;
    }
    return out;
  }

 private:
  void push(const char* role, json::array content) { append_turn(messages_, role, "content", std::move(content)); }

  core::Status message(const core::Message& m, const std::string& param) {
    if (m.role == "system" || m.role == "developer") {
      for (const auto& p : m.parts) {
        if (p.kind != core::ContentPart::Kind::text) {
          return Error::invalid_request("Bedrock takes only text in system prompts.", param + ".content");
        }
        if (!p.text.empty()) system_.push_back(json::object{{"text", p.text}});
      }
      return core::Ok{};
    }
    if (m.role == "user") {
      json::array content;
      for (size_t j = 0; j < m.parts.size(); ++j) {
        const auto& p = m.parts[j];
        if (p.kind == core::ContentPart::Kind::text) {
          if (!p.text.empty()) content.push_back(json::object{{"text", p.text}});
          continue;
        }
        auto where = param + ".content[" + std::to_string(j) + "].image_url.url";
        auto data = parse_data_url(p.url);
        if (!data) return Error::invalid_request("Bedrock takes images only as base64 data: URLs.", where);
        auto format = image_format(data->mime);
        if (format.empty()) {
          return Error::invalid_request("Bedrock takes png, jpeg, gif and webp images, not " + data->mime + ".", where);
        }
        content.push_back(json::object{
            {"image", json::object{{"format", format}, {"source", json::object{{"bytes", data->base64}}}}}});
      }
      // Converse refuses blank text blocks and empty turns: an empty message stays one space.
      if (content.empty()) content.push_back(json::object{{"text", " "}});
      push("user", std::move(content));
      return core::Ok{};
    }
    if (m.role == "assistant") {
      json::array content;
      auto text = m.text();
      if (!text.empty()) content.push_back(json::object{{"text", text}});
      for (size_t j = 0; j < m.tool_calls.size(); ++j) {
        const auto& call = m.tool_calls[j];
        auto parsed_args = arguments_object(call, param + ".tool_calls[" + std::to_string(j) + "].function.arguments", "Bedrock");
        if (!parsed_args) return parsed_args.error();
        json::value input = std::move(*parsed_args);
        history_tools_.insert(call.name);
        content.push_back(json::object{
            {"toolUse", json::object{{"toolUseId", call.id}, {"name", call.name}, {"input", std::move(input)}}}});
      }
      push("assistant", std::move(content));
      return core::Ok{};
    }
    if (m.role == "tool" || m.role == "function") {
      if (m.tool_call_id.empty()) {
        return Error::invalid_request("A tool message needs the 'tool_call_id' it answers.", param + ".tool_call_id");
      }
      auto text = m.text();
      json::object block;
      auto parsed = parse_model_json(text);
      if (parsed && parsed->is_object()) block["json"] = std::move(*parsed);
      else block["text"] = text.empty() ? std::string(" ") : text;
      history_has_tool_blocks_ = true;
      push("user", json::array{json::object{
                       {"toolResult", json::object{{"toolUseId", m.tool_call_id},
                                                   {"content", json::array{std::move(block)}}}}}});
      return core::Ok{};
    }
    return Error::invalid_request("Bedrock has no equivalent of role '" + m.role + "'.", param + ".role");
  }

  core::Result<json::object> tool_config(std::string& json_tool) {
    json::array specs;
    std::set<std::string> declared;
    bool history = history_has_tool_blocks_ || !history_tools_.empty();
    if (auto* tools = field(r_.extensions, "tools"); tools && tools->is_array()) {
      const auto& arr = tools->get_array();
      for (size_t i = 0; i < arr.size(); ++i) {
        std::string p = "tools[" + std::to_string(i) + "]";
        if (!arr[i].is_object()) return Error::invalid_request("'" + p + "' must be an object.", p);
        const auto& t = arr[i].get_object();
        auto* fn = field(t, "function");
        if (string_or(t, "type", "function") != "function" || !fn || !fn->is_object()) {
          return Error::invalid_request("Bedrock takes only function tools.", p + ".type");
        }
        const auto& f = fn->get_object();
        auto name = string_or(f, "name");
        json::object spec{{"name", name}};
        if (auto d = string_or(f, "description"); !d.empty()) spec["description"] = d;
        auto* params = field(f, "parameters");
        json::value schema = params && params->is_object() ? *params : json::value(json::object{{"type", "object"}, {"properties", json::object{}}});
        spec["inputSchema"] = json::object{{"json", std::move(schema)}};
        specs.push_back(json::object{{"toolSpec", std::move(spec)}});
        declared.insert(name);
      }
    }
    bool user_tools = !specs.empty();
    json::object choice;
    bool none = false;
    if (auto* tc = field(r_.extensions, "tool_choice"); tc && !tc->is_null()) {
      if (tc->is_string()) {
        auto c = tc->get_string();
        if (c == "required") choice["any"] = json::object{};
        else if (c == "auto") choice["auto"] = json::object{};
        else if (c == "none") none = true;
      } else if (tc->is_object()) {
        auto* fn = field(tc->get_object(), "function");
        auto name = fn && fn->is_object() ? string_or(fn->get_object(), "name") : std::string();
        if (name.empty()) return Error::invalid_request("'tool_choice.function.name' is required.", "tool_choice");
        choice["tool"] = json::object{{"name", name}};
      }
    }
    // "none": Converse has no such choice; the tools are left out unless the history needs them.
    if (none && !history) specs.clear();
    // Tools the history uses but this request does not declare.
    for (const auto& name : history_tools_) {
      if (declared.count(name) || name.empty()) continue;
      json::object spec{{"name", name},
                        {"inputSchema", json::object{{"json", json::object{{"type", "object"}, {"properties", json::object{}}}}}}};
      specs.push_back(json::object{{"toolSpec", std::move(spec)}});
    }
    // JSON modes: a tool whose input is the answer, which the model must call.
    if (auto* rf = field(r_.extensions, "response_format"); rf && rf->is_object()) {
      const auto& rfo = rf->get_object();
      auto type = string_or(rfo, "type");
      if (type == "json_object" || type == "json_schema") {
        json_tool = "json_response";
        json::value schema = json::object{{"type", "object"}};
        std::string description = "Respond with a JSON object.";
        if (type == "json_schema") {
          if (auto* js = field(rfo, "json_schema"); js && js->is_object()) {
            auto name = string_or(js->get_object(), "name");
            if (!name.empty() && !declared.count(name)) json_tool = name;
            if (auto* s = field(js->get_object(), "schema"); s && s->is_object()) schema = *s;
            if (auto d = string_or(js->get_object(), "description"); !d.empty()) description = d;
          }
        }
        json::object spec{{"name", json_tool}, {"description", description},
                          {"inputSchema", json::object{{"json", std::move(schema)}}}};
        specs.push_back(json::object{{"toolSpec", std::move(spec)}});
        choice.clear();
        if (user_tools && !none) choice["any"] = json::object{};
        else choice["tool"] = json::object{{"name", json_tool}};
      } else if (!type.empty() && type != "text") {
        return Error::invalid_request("'response_format.type' '" + type + "' is not supported for Bedrock.",
                                      "response_format.type");
      }
    }
    json::object config;
    if (specs.empty()) return config;
    config["tools"] = std::move(specs);
    if (!choice.empty()) config["toolChoice"] = std::move(choice);
    return config;
  }

  const ChatRequest& r_;
  json::array messages_;
  json::array system_;
  std::set<std::string> history_tools_;
  bool history_has_tool_blocks_ = false;
};

core::Result<json::object> parse_object(std::string_view body, const char* what) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) {
    return Error::upstream(std::string("The upstream returned a malformed ") + what + " (not a JSON object).");
  }
  if (wire::has_non_finite_number(v)) {
    return Error::upstream(std::string("The upstream returned a malformed ") + what +
                           " (a number too large to represent).");
  }
  return std::move(v.get_object());
}

int64_t count(const json::object& o, std::string_view key) { return std::max<int64_t>(0, int_or(o, key)); }

}  // namespace

core::Result<ConverseRequest> format_request(const ChatRequest& request) { return RequestBuilder(request).build(); }

std::string error_message(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  auto m = string_or(v.get_object(), "message");
  return m.empty() ? string_or(v.get_object(), "Message") : m;
}

int exception_status(std::string_view type) {
  // Bedrock names these in camelCase in streams and PascalCase in x-amzn-errortype.
  auto colon = type.find(':');
  type = type.substr(0, colon);
  struct Entry {
    const char* name;
    int status;
  };
  static const Entry table[] = {
      {"throttlingException", 429},       {"modelNotReadyException", 429},     {"serviceQuotaExceededException", 429},
      {"validationException", 400},       {"accessDeniedException", 403},      {"resourceNotFoundException", 404},
      {"modelTimeoutException", 408},     {"modelErrorException", 424},        {"modelStreamErrorException", 424},
      {"internalServerException", 500},   {"serviceUnavailableException", 503},
  };
  for (const auto& e : table) {
    if (iequals(type, e.name)) return e.status;
  }
  return 500;
}

std::string finish_reason(std::string_view r) {
  if (r.empty()) return {};
  if (r == "max_tokens" || r == "model_context_window_exceeded") return "length";
  if (r == "tool_use") return "tool_calls";
  if (r == "guardrail_intervened" || r == "content_filtered") return "content_filter";
  return "stop";  // end_turn, stop_sequence
}

core::Usage parse_usage(const json::object& o) {
  core::Usage u;
  int64_t cache_read = count(o, "cacheReadInputTokens");
  int64_t cache_write = count(o, "cacheWriteInputTokens");
  // Converse's inputTokens leave out the cached ones; OpenAI's prompt_tokens include them.
  u.prompt_tokens = count(o, "inputTokens") + cache_read + cache_write;
  u.completion_tokens = count(o, "outputTokens");
  u.cached_tokens = cache_read;
  return u;
}

core::Result<core::ChatResponse> parse_response(std::string_view body, ChatRequest::Kind kind,
                                                const ResponseMeta& meta, const std::string& json_tool) {
  auto obj = parse_object(body, "response");
  if (!obj) return obj.error();
  core::ChatResponse r;
  r.id = meta.id;
  r.model = meta.model;
  r.created = meta.created;
  auto* output = field(*obj, "output");
  auto* message = output && output->is_object() ? field(output->get_object(), "message") : nullptr;
  if (!message || !message->is_object()) return Error::upstream("The upstream response has no 'output.message'.");
  core::Choice c;
  c.message.role = "assistant";
  std::string text;
  if (auto* content = field(message->get_object(), "content"); content && content->is_array()) {
    for (const auto& block : content->get_array()) {
      if (!block.is_object()) continue;
      const auto& b = block.get_object();
      if (auto* t = field(b, "text"); t && t->is_string()) text += t->get_string();
      if (auto* tu = field(b, "toolUse"); tu && tu->is_object()) {
        const auto& u = tu->get_object();
        auto* input = field(u, "input");
        auto args = input && !input->is_null() ? json::serialize(*input) : std::string("{}");
        auto name = string_or(u, "name");
        if (!json_tool.empty() && name == json_tool) {
          text = args;  // the JSON-mode answer replaces any preamble
          continue;
        }
        c.message.tool_calls.push_back({string_or(u, "toolUseId"), std::move(name), std::move(args)});
      }
    }
  }
  if (kind == ChatRequest::Kind::completion || !text.empty() || c.message.tool_calls.empty()) {
    c.message.parts.push_back({core::ContentPart::Kind::text, std::move(text), {}, {}});
  } else {
    c.message.content_is_null = true;
  }
  auto stop = string_or(*obj, "stopReason");
  c.finish_reason = finish_reason(stop);
  // The JSON-mode tool call is the answer, not a call for the client to make.
  if (c.finish_reason == "tool_calls" && c.message.tool_calls.empty()) c.finish_reason = "stop";
  r.choices.push_back(std::move(c));
  if (auto* u = field(*obj, "usage"); u && u->is_object()) r.usage = parse_usage(u->get_object());
  return r;
}

StreamTranslator::StreamTranslator(ChatRequest::Kind kind, ResponseMeta meta, std::string json_tool)
    : kind_(kind), meta_(std::move(meta)), json_tool_(std::move(json_tool)) {}

core::ChatChunk StreamTranslator::chunk() const {
  core::ChatChunk c;
  c.id = meta_.id;
  c.model = meta_.model;
  c.created = meta_.created;
  return c;
}

void StreamTranslator::ensure_started(std::vector<core::ChatChunk>& out) {
  if (started_) return;
  started_ = true;
  if (kind_ != ChatRequest::Kind::chat) return;
  auto c = chunk();
  core::ChunkChoice cc;
  cc.role = "assistant";
  cc.has_content = true;
  c.choices.push_back(std::move(cc));
  out.push_back(std::move(c));
}

void StreamTranslator::content(std::string text, std::vector<core::ChatChunk>& out) {
  if (text.empty()) return;
  auto c = chunk();
  core::ChunkChoice cc;
  cc.content = std::move(text);
  cc.has_content = true;
  c.choices.push_back(std::move(cc));
  out.push_back(std::move(c));
}

core::Status StreamTranslator::on_message(const event_stream::Message& m, std::vector<core::ChatChunk>& out) {
  auto message_type = m.header(":message-type");
  if (message_type == "exception") {
    auto type = m.header(":exception-type");
    auto message = error_message(m.payload);
    if (message.empty()) message = std::string(type);
    return map_upstream_status(exception_status(type), message, "");
  }
  if (message_type == "error") {
    auto e = Error::upstream("The upstream reported an error mid-stream (" +
                             wire::error_code_or(m.header(":error-code"), "unknown error") + ").");
    e.upstream_message = std::string(m.header(":error-message"));
    return e;
  }
  if (message_type != "event") return core::Ok{};
  auto event = m.header(":event-type");
  auto parsed = parse_object(m.payload.empty() ? std::string_view("{}") : std::string_view(m.payload), "stream event");
  if (!parsed) return parsed.error();
  const auto& p = *parsed;
  if (event == "messageStart") {
    ensure_started(out);
  } else if (event == "contentBlockStart") {
    ensure_started(out);
    int64_t block = int_or(p, "contentBlockIndex");
    auto* start = field(p, "start");
    auto* tu = start && start->is_object() ? field(start->get_object(), "toolUse") : nullptr;
    if (tu && tu->is_object()) {
      auto name = string_or(tu->get_object(), "name");
      if (!json_tool_.empty() && name == json_tool_) {
        json_blocks_.insert(block);
      } else if (kind_ == ChatRequest::Kind::chat) {
        int index = tool_calls_++;
        block_tool_[block] = index;
        auto c = chunk();
        core::ChunkChoice cc;
        core::ToolCallDelta d;
        d.index = index;
        d.id = string_or(tu->get_object(), "toolUseId");
        d.name = std::move(name);
        d.has_arguments = true;
        cc.tool_calls.push_back(std::move(d));
        c.choices.push_back(std::move(cc));
        out.push_back(std::move(c));
      }
    }
  } else if (event == "contentBlockDelta") {
    ensure_started(out);
    int64_t block = int_or(p, "contentBlockIndex");
    auto* delta = field(p, "delta");
    if (!delta || !delta->is_object()) return core::Ok{};
    const auto& d = delta->get_object();
    if (auto* t = field(d, "text"); t && t->is_string()) content(std::string(t->get_string()), out);
    if (auto* tu = field(d, "toolUse"); tu && tu->is_object()) {
      auto input = string_or(tu->get_object(), "input");
      if (json_blocks_.count(block)) {
        content(std::move(input), out);
      } else if (auto it = block_tool_.find(block); it != block_tool_.end()) {
        auto c = chunk();
        core::ChunkChoice cc;
        core::ToolCallDelta td;
        td.index = it->second;
        td.arguments = std::move(input);
        td.has_arguments = true;
        cc.tool_calls.push_back(std::move(td));
        c.choices.push_back(std::move(cc));
        out.push_back(std::move(c));
      } else if (kind_ == ChatRequest::Kind::chat) {
        return Error::upstream("The upstream sent tool input for a content block it never started.");
      }
    }
  } else if (event == "messageStop") {
    ensure_started(out);
    stopped_ = true;
    auto reason = finish_reason(string_or(p, "stopReason"));
    if (reason.empty()) reason = "stop";
    if (reason == "tool_calls" && tool_calls_ == 0) reason = "stop";
    auto c = chunk();
    core::ChunkChoice cc;
    cc.finish_reason = std::move(reason);
    c.choices.push_back(std::move(cc));
    out.push_back(std::move(c));
  } else if (event == "metadata") {
    if (auto* u = field(p, "usage"); u && u->is_object()) usage_ = parse_usage(u->get_object());
  }
  return core::Ok{};
}

core::Status StreamTranslator::finish(std::vector<core::ChatChunk>& out) {
  if (!stopped_) return Error::upstream("The upstream's stream ended before it was complete.");
  if (usage_) {
    auto c = chunk();
    c.usage = *usage_;
    out.push_back(std::move(c));
  }
  return core::Ok{};
}

}  // namespace sy::providers::bedrock
