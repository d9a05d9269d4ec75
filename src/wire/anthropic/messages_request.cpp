#include "wire/anthropic/messages_request.h"

#include <optional>

#include "wire/json_fields.h"
#include "wire/request_body.h"

namespace sy::wire::anthropic {

namespace json = boost::json;
using core::Error;
using wire::field;
using wire::has_non_finite_number;
using wire::integer_of;
using wire::number_of;
using wire::string_or;

namespace {

Error bad(const std::string& param, const std::string& why) { return Error::invalid_request(param + ": " + why, param); }


core::ContentPart text_part(std::string text) { return {core::ContentPart::Kind::text, std::move(text), {}, {}}; }

core::Result<std::string> text_of_block(const json::object& b, const std::string& p) {
  auto* t = field(b, "text");
  if (!t || !t->is_string()) return bad(p + ".text", "Field required (a string).");
  return std::string(t->get_string());
}

// {"type":"image","source":{"type":"base64","media_type","data"} | {"type":"url","url"}}
core::Result<core::ContentPart> image_of_block(const json::object& b, const std::string& p) {
  auto* s = field(b, "source");
  if (!s || !s->is_object()) return bad(p + ".source", "Field required (an object).");
  const auto& src = s->get_object();
  auto type = string_or(src, "type");
  core::ContentPart part;
  part.kind = core::ContentPart::Kind::image_url;
  if (type == "base64") {
    auto media = string_or(src, "media_type");
    auto data = string_or(src, "data");
    if (media.empty() || data.empty()) return bad(p + ".source", "base64 sources need 'media_type' and 'data'.");
    part.url = "data:" + media + ";base64," + data;
  } else if (type == "url") {
    part.url = string_or(src, "url");
    if (part.url.empty()) return bad(p + ".source.url", "Field required.");
  } else {
    return bad(p + ".source.type", "Input should be 'base64' or 'url'.");
  }
  return part;
}

// A text or image block as a content part; nullopt for any other type (the caller says which
// types it takes).
core::Result<std::optional<core::ContentPart>> media_part(const json::object& b, const std::string& type,
                                                          const std::string& p) {
  if (type == "text") {
    auto t = text_of_block(b, p);
    if (!t) return t.error();
    return std::optional(text_part(std::move(*t)));
  }
  if (type == "image") {
    auto img = image_of_block(b, p);
    if (!img) return img.error();
    return std::optional(std::move(*img));
  }
  return std::optional<core::ContentPart>();
}

// Calls on_block(block, its path, its type) for each content block, in order; a block that is not
// an object, or an error from on_block, ends it.
template <typename OnBlock>
core::Status each_block(const json::array& blocks, const std::string& p, OnBlock&& on_block) {
  for (size_t i = 0; i < blocks.size(); ++i) {
    auto bp = p + ".content." + std::to_string(i);
    if (!blocks[i].is_object()) return bad(bp, "Input should be an object.");
    const auto& b = blocks[i].get_object();
    if (auto s = on_block(b, bp, string_or(b, "type")); !s) return s;
  }
  return core::Ok{};
}

// A tool_result's content: a string, or text and image blocks.
core::Result<core::Message> tool_result_of(const json::object& b, const std::string& p) {
  core::Message m;
  m.role = "tool";
  m.tool_call_id = string_or(b, "tool_use_id");
  if (m.tool_call_id.empty()) return bad(p + ".tool_use_id", "Field required.");
  auto* c = field(b, "content");
  if (!c || c->is_null()) {
    m.parts.push_back(text_part(""));
  } else if (c->is_string()) {
    m.parts.push_back(text_part(std::string(c->get_string())));
  } else if (c->is_array()) {
    auto read = each_block(c->get_array(), p, [&](const json::object& inner, const std::string& bp,
                                                   const std::string& type) -> core::Status {
      auto part = media_part(inner, type, bp);
      if (!part) return part.error();
      if (!*part) return bad(bp + ".type", "tool_result content blocks must be 'text' or 'image', got '" + type + "'.");
      if ((*part)->kind == core::ContentPart::Kind::image_url) m.content_is_parts = true;
      m.parts.push_back(std::move(**part));
      return core::Ok{};
    });
    if (!read) return read.error();
    if (m.parts.empty()) m.parts.push_back(text_part(""));
    if (!m.content_is_parts && m.parts.size() > 1) {
      // Text only: one string, as every OpenAI-compatible host takes it.
      auto joined = m.text();
      m.parts.clear();
      m.parts.push_back(text_part(std::move(joined)));
    }
  } else {
    return bad(p + ".content", "Input should be a string or a list of content blocks.");
  }
  if (auto* e = field(b, "is_error"); e && e->is_bool() && e->get_bool()) {
    // OpenAI's tool messages have no error flag: the model learns it from the text.
    if (!m.content_is_parts) m.parts.front().text = "Error: " + m.parts.front().text;
  }
  return m;
}

// One Anthropic message -> one or more core messages (a user turn's tool results come first).
core::Status add_message(const json::value& v, const std::string& p, std::vector<core::Message>& out) {
  if (!v.is_object()) return bad(p, "Input should be an object.");
  const auto& o = v.get_object();
  auto* role_v = field(o, "role");
  if (!role_v || !role_v->is_string()) return bad(p + ".role", "Field required.");
  std::string role(role_v->get_string());
  if (role != "user" && role != "assistant") return bad(p + ".role", "Input should be 'user' or 'assistant'.");
  auto* content = field(o, "content");
  if (!content || content->is_null()) return bad(p + ".content", "Field required.");
  core::Message m;
  m.role = role;
  if (content->is_string()) {
    m.parts.push_back(text_part(std::string(content->get_string())));
    out.push_back(std::move(m));
    return core::Ok{};
  }
  if (!content->is_array()) return bad(p + ".content", "Input should be a string or a list of content blocks.");
  const auto& blocks = content->get_array();
  if (role == "user") {
    m.content_is_parts = true;
    auto read = each_block(blocks, p, [&](const json::object& b, const std::string& bp, const std::string& type) -> core::Status {
      if (type == "tool_result") {
        auto r = tool_result_of(b, bp);
        if (!r) return r.error();
        out.push_back(std::move(*r));
        return core::Ok{};
      }
      auto part = media_part(b, type, bp);
      if (!part) return part.error();
      if (!*part) return bad(bp + ".type", "content block type '" + type + "' is not supported here (text, image, tool_result).");
      m.parts.push_back(std::move(**part));
      return core::Ok{};
    });
    if (!read) return read;
    if (!m.parts.empty() || blocks.empty()) out.push_back(std::move(m));
    return core::Ok{};
  }
  // assistant
  std::string text;
  bool any_text = false;
  auto read = each_block(blocks, p, [&](const json::object& b, const std::string& bp, const std::string& type) -> core::Status {
    if (type == "text") {
      auto t = text_of_block(b, bp);
      if (!t) return t.error();
      text += *t;
      any_text = true;
    } else if (type == "tool_use") {
      core::ToolCall call;
      call.id = string_or(b, "id");
      call.name = string_or(b, "name");
      if (call.id.empty() || call.name.empty()) return bad(bp, "tool_use blocks need 'id' and 'name'.");
      auto* input = field(b, "input");
      call.arguments = input ? json::serialize(*input) : "{}";
      m.tool_calls.push_back(std::move(call));
    } else if (type == "thinking" || type == "redacted_thinking") {
      // The model's reasoning of an earlier turn: not part of what other targets read.
    } else {
      return bad(bp + ".type", "content block type '" + type + "' is not supported here (text, tool_use).");
    }
    return core::Ok{};
  });
  if (!read) return read;
  if (any_text || m.tool_calls.empty()) m.parts.push_back(text_part(std::move(text)));
  else m.content_is_null = true;
  out.push_back(std::move(m));
  return core::Ok{};
}

core::Status add_system(const json::value& v, std::vector<core::Message>& out) {
  core::Message m;
  m.role = "system";
  if (v.is_string()) {
    if (v.get_string().empty()) return core::Ok{};
    m.parts.push_back(text_part(std::string(v.get_string())));
  } else if (v.is_array()) {
    std::string joined;
    const auto& arr = v.get_array();
    for (size_t i = 0; i < arr.size(); ++i) {
      auto p = "system." + std::to_string(i);
      if (!arr[i].is_object() || string_or(arr[i].get_object(), "type") != "text") return bad(p, "system blocks must be text blocks.");
      auto t = text_of_block(arr[i].get_object(), p);
      if (!t) return t.error();
      if (!joined.empty()) joined += "\n";
      joined += *t;
    }
    if (joined.empty()) return core::Ok{};
    m.parts.push_back(text_part(std::move(joined)));
  } else if (!v.is_null()) {
    return bad("system", "Input should be a string or a list of text blocks.");
  } else {
    return core::Ok{};
  }
  out.insert(out.begin(), std::move(m));
  return core::Ok{};
}

core::Result<json::array> tools_of(const json::value& v) {
  if (!v.is_array()) return bad("tools", "Input should be a list.");
  json::array out;
  const auto& arr = v.get_array();
  for (size_t i = 0; i < arr.size(); ++i) {
    auto p = "tools." + std::to_string(i);
    if (!arr[i].is_object()) return bad(p, "Input should be an object.");
    const auto& t = arr[i].get_object();
    auto type = string_or(t, "type", "custom");
    if (type != "custom") return bad(p + ".type", "tool type '" + type + "' is not supported by this gateway; only client tools (name, input_schema).");
    auto name = string_or(t, "name");
    if (name.empty()) return bad(p + ".name", "Field required.");
    auto* schema = field(t, "input_schema");
    if (!schema || !schema->is_object()) return bad(p + ".input_schema", "Field required (an object).");
    json::object fn{{"name", name}};
    if (auto d = string_or(t, "description"); !d.empty()) fn["description"] = d;
    fn["parameters"] = *schema;
    out.push_back(json::object{{"type", "function"}, {"function", std::move(fn)}});
  }
  return out;
}

core::Status apply_tool_choice(const json::value& v, core::ChatRequest& r) {
  if (!v.is_object()) return bad("tool_choice", "Input should be an object.");
  const auto& o = v.get_object();
  auto type = string_or(o, "type");
  if (type == "auto") r.extensions["tool_choice"] = "auto";
  else if (type == "any") r.extensions["tool_choice"] = "required";
  else if (type == "none") r.extensions["tool_choice"] = "none";
  else if (type == "tool") {
    auto name = string_or(o, "name");
    if (name.empty()) return bad("tool_choice.name", "Field required.");
    r.extensions["tool_choice"] = json::object{{"type", "function"}, {"function", json::object{{"name", name}}}};
  } else {
    return bad("tool_choice.type", "Input should be 'auto', 'any', 'tool' or 'none'.");
  }
  if (auto* d = field(o, "disable_parallel_tool_use"); d && d->is_bool() && d->get_bool() && type != "none") {
    r.extensions["parallel_tool_calls"] = false;
  }
  return core::Ok{};
}

}  // namespace

core::Result<core::ChatRequest> parse_messages_request(std::string_view body, RequestPurpose purpose) {
  wire::JsonScratch scratch;
  auto parsed = wire::parse_request_body(body, scratch.storage());
  if (!parsed) return parsed.error();
  const auto& o = *parsed;
  core::ChatRequest r;
  auto* model = field(o, "model");
  if (!model || !model->is_string() || model->get_string().empty()) return bad("model", "Field required (a non-empty string).");
  r.model = std::string(model->get_string());

  auto* messages = field(o, "messages");
  if (!messages || !messages->is_array()) return bad("messages", "Field required (a list of messages).");
  const auto& arr = messages->get_array();
  if (arr.empty()) return bad("messages", "At least one message is required.");
  r.messages.reserve(arr.size() + 1);  // a system message may come first
  for (size_t i = 0; i < arr.size(); ++i) {
    if (auto s = add_message(arr[i], "messages." + std::to_string(i), r.messages); !s) return s.error();
  }
  if (auto* system = field(o, "system")) {
    if (auto s = add_system(*system, r.messages); !s) return s.error();
  }

  if (auto* mt = field(o, "max_tokens"); mt && !mt->is_null()) {
    auto n = integer_of(*mt);
    if (!n || *n < 1) return bad("max_tokens", "Input should be a positive integer.");
    r.max_tokens = *n;
  } else if (purpose == RequestPurpose::messages) {
    return bad("max_tokens", "Field required.");
  }
  if (auto* t = field(o, "temperature"); t && !t->is_null()) {
    auto x = number_of(*t);
    if (!x || *x < 0 || *x > 1) return bad("temperature", "Input should be a number from 0 to 1.");
    r.temperature = *x;
  }
  if (auto* t = field(o, "top_p"); t && !t->is_null()) {
    auto x = number_of(*t);
    if (!x || *x < 0 || *x > 1) return bad("top_p", "Input should be a number from 0 to 1.");
    r.top_p = *x;
  }
  if (auto* t = field(o, "top_k"); t && !t->is_null()) {
    auto x = integer_of(*t);
    if (!x || *x < 0) return bad("top_k", "Input should be a non-negative integer.");
  }
  if (auto* s = field(o, "stop_sequences"); s && !s->is_null()) {
    if (!s->is_array()) return bad("stop_sequences", "Input should be a list of strings.");
    for (const auto& x : s->get_array()) {
      if (!x.is_string()) return bad("stop_sequences", "Input should be a list of strings.");
      r.stop.emplace_back(x.get_string());
    }
  }
  if (auto* s = field(o, "stream"); s && !s->is_null()) {
    if (!s->is_bool()) return bad("stream", "Input should be a boolean.");
    r.stream = purpose == RequestPurpose::messages && s->get_bool();
  }
  // Every Anthropic answer reports its usage, streamed or not: ask every target for it.
  r.stream_options.include_usage = true;
  if (auto* m = field(o, "metadata"); m && m->is_object()) {
    if (auto user = string_or(m->get_object(), "user_id"); !user.empty()) r.extensions["user"] = user;
  }
  if (auto* t = field(o, "tools"); t && !t->is_null()) {
    auto tools = tools_of(*t);
    if (!tools) return tools.error();
    if (!tools->empty()) r.extensions["tools"] = std::move(*tools);
  }
  if (auto* tc = field(o, "tool_choice"); tc && !tc->is_null() && r.extensions.contains("tools")) {
    if (auto s = apply_tool_choice(*tc, r); !s) return s.error();
  }
  return r;
}

}  // namespace sy::wire::anthropic
