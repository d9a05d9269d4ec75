#include "wire/openai/responses_request.h"

#include "wire/json_fields.h"
#include "wire/request_body.h"

namespace sy::wire::openai {

using core::Error;

namespace {

Error bad(const std::string& param, const std::string& what) {
  return Error::invalid_request("'" + param + "' " + what, param);
}

core::ContentPart text_part(std::string text) { return {core::ContentPart::Kind::text, std::move(text), {}, {}}; }

// A message item's content: a string, or parts. Input and output parts are both accepted in any
// role: clients replay earlier answers as output_text and some send input_text for them too.
core::Status read_content(const json::value& content, const std::string& param, core::Message& m) {
  if (content.is_string()) {
    m.parts.push_back(text_part(std::string(content.get_string())));
    return core::Ok{};
  }
  if (!content.is_array()) return bad(param, "must be a string or an array of content parts.");
  const auto& parts = content.get_array();
  for (size_t i = 0; i < parts.size(); ++i) {
    auto p = param + "[" + std::to_string(i) + "]";
    if (!parts[i].is_object()) return bad(p, "must be an object.");
    const auto& o = parts[i].get_object();
    auto type = string_or(o, "type");
    if (type == "input_text" || type == "output_text" || type == "text") {
      auto* t = field(o, "text");
      if (!t || !t->is_string()) return bad(p + ".text", "must be a string.");
      m.parts.push_back(text_part(std::string(t->get_string())));
    } else if (type == "refusal") {
      m.parts.push_back(text_part(string_or(o, "refusal")));
    } else if (type == "input_image") {
      core::ContentPart part;
      part.kind = core::ContentPart::Kind::image_url;
      part.url = string_or(o, "image_url");
      part.detail = string_or(o, "detail");
      if (part.detail == "auto") part.detail.clear();
      if (part.url.empty()) {
        return bad(p + ".image_url", "is required: images by file_id are not supported (switchyard keeps no files).");
      }
      m.parts.push_back(std::move(part));
    } else {
      return bad(p + ".type", "must be input_text, output_text, input_image or refusal, got '" + type + "'.");
    }
  }
  // One text part is the same message as a string; keep it plain for upstreams and templates.
  m.content_is_parts = !(m.parts.size() == 1 && m.parts.front().kind == core::ContentPart::Kind::text);
  return core::Ok{};
}

// A function call joins the assistant turn it belongs to: the assistant message right before it
// (text, or other calls of the same turn), else a new assistant message of its own.
void add_tool_call(std::vector<core::Message>& messages, core::ToolCall call) {
  if (messages.empty() || messages.back().role != "assistant") {
    core::Message m;
    m.role = "assistant";
    m.content_is_null = true;
    messages.push_back(std::move(m));
  }
  messages.back().tool_calls.push_back(std::move(call));
}

void add_message(std::vector<core::Message>& messages, core::Message m) {
  // A stored function-call item comes back as an assistant message holding one call.
  if (m.role == "assistant" && m.parts.empty() && m.tool_calls.size() == 1) {
    add_tool_call(messages, std::move(m.tool_calls.front()));
    return;
  }
  messages.push_back(std::move(m));
}

core::Status read_message_item(const json::object& o, const std::string& param, std::vector<core::Message>& out) {
  core::Message m;
  m.role = string_or(o, "role");
  if (m.role != "user" && m.role != "assistant" && m.role != "system" && m.role != "developer") {
    return bad(param + ".role", "must be user, assistant, system or developer.");
  }
  auto* content = field(o, "content");
  if (!content) return bad(param + ".content", "is required.");
  if (auto s = read_content(*content, param + ".content", m); !s) return s;
  add_message(out, std::move(m));
  return core::Ok{};
}

core::Status read_item(const json::object& o, const std::string& param, const ResponseHistory* history,
                       std::vector<core::Message>& out) {
  auto type = string_or(o, "type", "message");
  if (type == "message") return read_message_item(o, param, out);
  if (type == "function_call") {
    core::ToolCall call;
    call.id = string_or(o, "call_id");
    call.name = string_or(o, "name");
    call.arguments = string_or(o, "arguments");
    if (call.id.empty()) return bad(param + ".call_id", "is required.");
    if (call.name.empty()) return bad(param + ".name", "is required.");
    add_tool_call(out, std::move(call));
    return core::Ok{};
  }
  if (type == "function_call_output") {
    core::Message m;
    m.role = "tool";
    m.tool_call_id = string_or(o, "call_id");
    if (m.tool_call_id.empty()) return bad(param + ".call_id", "is required.");
    auto* output = field(o, "output");
    if (!output) return bad(param + ".output", "is required.");
    if (auto s = read_content(*output, param + ".output", m); !s) return s;
    m.content_is_parts = false;  // chat tool messages carry text
    if (m.parts.size() > 1) m.parts = {text_part(m.text())};
    out.push_back(std::move(m));
    return core::Ok{};
  }
  if (type == "item_reference") {
    auto id = string_or(o, "id");
    auto item = history ? history->item(id) : std::nullopt;
    if (!item) {
      auto e = Error::not_found("Item with id '" + id + "' not found.");
      e.param = param + ".id";
      return e;
    }
    add_message(out, std::move(*item));
    return core::Ok{};
  }
  if (type == "reasoning") return core::Ok{};  // switchyard's targets are given no reasoning items back
  return bad(param + ".type", "'" + type + "' is not supported: switchyard takes message, function_call, "
                              "function_call_output and item_reference items.");
}

core::Status read_input(const json::value& input, const ResponseHistory* history, std::vector<core::Message>& out) {
  if (input.is_string()) {
    core::Message m;
    m.role = "user";
    m.parts.push_back(text_part(std::string(input.get_string())));
    out.push_back(std::move(m));
    return core::Ok{};
  }
  if (!input.is_array()) return bad("input", "must be a string or an array of input items.");
  const auto& items = input.get_array();
  for (size_t i = 0; i < items.size(); ++i) {
    auto param = "input[" + std::to_string(i) + "]";
    if (!items[i].is_object()) return bad(param, "must be an object.");
    if (auto s = read_item(items[i].get_object(), param, history, out); !s) return s;
  }
  return core::Ok{};
}

// Responses function tools are flat ({type, name, parameters}); chat nests them under `function`.
core::Result<json::array> chat_tools(const json::value& tools) {
  if (!tools.is_array()) return bad("tools", "must be an array.");
  json::array out;
  const auto& arr = tools.get_array();
  for (size_t i = 0; i < arr.size(); ++i) {
    auto p = "tools[" + std::to_string(i) + "]";
    if (!arr[i].is_object()) return bad(p, "must be an object.");
    const auto& t = arr[i].get_object();
    auto type = string_or(t, "type");
    if (type != "function") {
      return bad(p + ".type", "'" + type + "' is not supported: switchyard serves function tools only.");
    }
    json::object fn;
    auto name = string_or(t, "name");
    if (name.empty()) return bad(p + ".name", "is required.");
    fn["name"] = name;
    for (const char* key : {"description", "parameters", "strict"}) {
      if (auto* v = field(t, key); v && !v->is_null()) fn[key] = *v;
    }
    out.push_back(json::object{{"type", "function"}, {"function", std::move(fn)}});
  }
  return out;
}

core::Result<json::value> chat_tool_choice(const json::value& choice) {
  if (choice.is_string()) {
    auto s = choice.get_string();
    if (s == "auto" || s == "none" || s == "required") return json::value(s);
    return bad("tool_choice", "must be auto, none, required or a function.");
  }
  if (choice.is_object() && string_or(choice.get_object(), "type") == "function") {
    auto name = string_or(choice.get_object(), "name");
    if (name.empty()) return bad("tool_choice.name", "is required.");
    return json::value(json::object{{"type", "function"}, {"function", json::object{{"name", name}}}});
  }
  return bad("tool_choice", "must be auto, none, required or {type: function, name}.");
}

// text.format -> chat's response_format; plain text needs none.
core::Result<std::optional<json::object>> response_format(const json::value& text) {
  if (!text.is_object()) return bad("text", "must be an object.");
  auto* format = field(text.get_object(), "format");
  if (!format || format->is_null()) return std::optional<json::object>{};
  if (!format->is_object()) return bad("text.format", "must be an object.");
  const auto& f = format->get_object();
  auto type = string_or(f, "type");
  if (type == "text") return std::optional<json::object>{};
  if (type == "json_object") return std::optional<json::object>{json::object{{"type", "json_object"}}};
  if (type != "json_schema") return bad("text.format.type", "must be text, json_object or json_schema.");
  auto* schema = field(f, "schema");
  if (!schema || !schema->is_object()) return bad("text.format.schema", "is required and must be an object.");
  json::object js{{"name", string_or(f, "name", "response")}, {"schema", *schema}};
  if (auto* strict = field(f, "strict"); strict && strict->is_bool()) js["strict"] = *strict;
  if (auto* d = field(f, "description"); d && d->is_string()) js["description"] = *d;
  return std::optional<json::object>{json::object{{"type", "json_schema"}, {"json_schema", std::move(js)}}};
}

core::Result<double> ranged(const json::value& v, const char* key, double high) {
  auto n = number_of(v);
  if (!n || *n < 0 || *n > high) {
    return bad(key, "must be a number from 0 to " + std::string(high == 2 ? "2." : "1."));
  }
  return *n;
}

// One field of the body. `echo` keeps what the response object repeats.
core::Status read_field(std::string_view key, const json::value& value, ResponsesRequest& r) {
  auto& chat = r.chat;
  auto k = std::string(key);
  if (key == "stream") {
    if (!value.is_bool()) return bad(k, "must be a boolean.");
    chat.stream = value.get_bool();
  } else if (key == "store") {
    if (!value.is_bool()) return bad(k, "must be a boolean.");
    r.store = value.get_bool();
  } else if (key == "instructions") {
    if (!value.is_string()) return bad(k, "must be a string.");
    r.instructions = std::string(value.get_string());
  } else if (key == "previous_response_id") {
    if (!value.is_string()) return bad(k, "must be a string.");
    r.previous_response_id = std::string(value.get_string());
  } else if (key == "max_output_tokens") {
    auto n = integer_of(value);
    if (!n || *n < 1) return bad(k, "must be a positive integer.");
    chat.max_tokens = *n;
    r.echo[key] = *n;
  } else if (key == "temperature") {
    auto t = ranged(value, "temperature", 2);
    if (!t) return t.error();
    chat.temperature = *t;
    r.echo[key] = *t;
  } else if (key == "top_p") {
    auto t = ranged(value, "top_p", 1);
    if (!t) return t.error();
    chat.top_p = *t;
    r.echo[key] = *t;
  } else if (key == "tools") {
    auto tools = chat_tools(value);
    if (!tools) return tools.error();
    if (!tools->empty()) chat.extensions["tools"] = std::move(*tools);
    r.echo[key] = value;
  } else if (key == "tool_choice") {
    auto choice = chat_tool_choice(value);
    if (!choice) return choice.error();
    chat.extensions["tool_choice"] = std::move(*choice);
    r.echo[key] = value;
  } else if (key == "text") {
    auto format = response_format(value);
    if (!format) return format.error();
    if (*format) chat.extensions["response_format"] = std::move(**format);
    r.echo[key] = value;
  } else if (key == "parallel_tool_calls") {
    if (!value.is_bool()) return bad(k, "must be a boolean.");
    chat.extensions[key] = value;
    r.echo[key] = value;
  } else if (key == "user") {
    if (!value.is_string()) return bad(k, "must be a string.");
    chat.extensions[key] = value;
    r.echo[key] = value;
  } else if (key == "metadata") {
    if (!value.is_object()) return bad(k, "must be an object of strings.");
    for (const auto& kv : value.get_object()) {
      if (!kv.value().is_string()) return bad("metadata." + std::string(kv.key()), "must be a string.");
    }
    r.echo[key] = value;
  } else if (key == "background") {
    if (value.is_bool() && value.get_bool()) return bad(k, "is not supported: switchyard answers while the request is open.");
  } else if (key == "conversation") {
    return bad(k, "is not supported: use previous_response_id, or send the conversation as input.");
  } else if (key == "prompt") {
    return bad(k, "is not supported: switchyard keeps no prompt templates; send instructions and input.");
  } else if (key == "truncation" || key == "reasoning" || key == "service_tier") {
    r.echo[key] = value;
  }
  // include, stream_options, prompt_cache_key, safety_identifier, top_logprobs, max_tool_calls and
  // anything newer: accepted, not forwarded.
  return core::Ok{};
}

}  // namespace

core::Result<ResponsesRequest> parse_responses_request(std::string_view body, const ResponseHistory* history) {
  JsonScratch scratch;
  auto obj = wire::parse_request_body(body, scratch.storage());
  if (!obj) return obj.error();
  ResponsesRequest r;
  auto* model = field(*obj, "model");
  if (!model || !model->is_string() || model->get_string().empty()) {
    return Error::invalid_request("'model' is required and must be a non-empty string.", "model");
  }
  r.chat.model = std::string(model->get_string());
  for (const auto& [key, value] : *obj) {
    if (key == "model" || key == "input" || value.is_null()) continue;
    if (auto s = read_field(key, value, r); !s) return s.error();
  }
  if (!r.previous_response_id.empty()) {
    auto earlier = history ? history->conversation(r.previous_response_id) : std::nullopt;
    if (!earlier) {
      auto e = Error::not_found("Previous response with id '" + r.previous_response_id + "' not found.");
      e.param = "previous_response_id";
      return e;
    }
    r.input = std::move(*earlier);
  }
  auto* input = field(*obj, "input");
  if (!input || input->is_null()) return bad("input", "is required: a string or an array of input items.");
  if (auto s = read_input(*input, history, r.input); !s) return s.error();
  if (r.input.empty()) return bad("input", "must hold at least one item.");

  r.chat.messages.reserve(r.input.size() + 1);
  if (!r.instructions.empty()) {
    core::Message system;
    system.role = "system";
    system.parts.push_back(text_part(r.instructions));
    r.chat.messages.push_back(std::move(system));
  }
  r.chat.messages.insert(r.chat.messages.end(), r.input.begin(), r.input.end());
  return r;
}

}  // namespace sy::wire::openai
