#include "wire/openai/chat_request.h"

#include <set>

#include "wire/json_fields.h"
#include "wire/request_body.h"

namespace sy::wire::openai {

using core::Error;

namespace {


core::Result<std::vector<core::ContentPart>> parse_parts(const json::array& arr, const std::string& param) {
  std::vector<core::ContentPart> parts;
  for (size_t i = 0; i < arr.size(); ++i) {
    auto p = param + "[" + std::to_string(i) + "]";
    if (!arr[i].is_object()) return Error::invalid_request("'" + p + "' must be an object.", p);
    const auto& o = arr[i].get_object();
    auto type = string_or(o, "type");
    core::ContentPart part;
    if (type == "text") {
      auto* t = field(o, "text");
      if (!t || !t->is_string()) return Error::invalid_request("'" + p + ".text' must be a string.", p + ".text");
      part.text = std::string(t->get_string());
    } else if (type == "image_url") {
      auto* img = field(o, "image_url");
      if (!img || !img->is_object()) return Error::invalid_request("'" + p + ".image_url' must be an object.", p);
      part.kind = core::ContentPart::Kind::image_url;
      part.url = string_or(img->get_object(), "url");
      part.detail = string_or(img->get_object(), "detail");
      if (part.url.empty()) return Error::invalid_request("'" + p + ".image_url.url' is required.", p);
    } else {
      return Error::invalid_request("'" + p + ".type' must be 'text' or 'image_url', got '" + type + "'.", p + ".type");
    }
    parts.push_back(std::move(part));
  }
  return parts;
}

core::Result<std::vector<core::ToolCall>> parse_tool_calls(const json::value& v, const std::string& param) {
  std::vector<core::ToolCall> out;
  if (!v.is_array()) return Error::invalid_request("'" + param + "' must be an array.", param);
  for (const auto& item : v.get_array()) {
    if (!item.is_object()) return Error::invalid_request("'" + param + "' entries must be objects.", param);
    const auto& o = item.get_object();
    core::ToolCall call;
    call.id = string_or(o, "id");
    if (auto* fn = field(o, "function"); fn && fn->is_object()) {
      call.name = string_or(fn->get_object(), "name");
      call.arguments = string_or(fn->get_object(), "arguments");
    }
    out.push_back(std::move(call));
  }
  return out;
}

const std::set<std::string_view> kRoles = {"system", "developer", "user", "assistant", "tool", "function"};

}  // namespace

core::Result<core::Message> parse_message(const json::object& o, bool strict) {
  core::Message m;
  for (const auto& [key, value] : o) {
    if (key == "role") {
      if (!value.is_string()) return Error::invalid_request("'role' must be a string.", "role");
      m.role = std::string(value.get_string());
    } else if (key == "content") {
      if (value.is_null()) {
        m.content_is_null = true;
      } else if (value.is_string()) {
        m.parts.push_back({core::ContentPart::Kind::text, std::string(value.get_string()), {}, {}});
      } else if (value.is_array()) {
        auto parts = parse_parts(value.get_array(), "content");
        if (!parts) return parts.error();
        m.parts = std::move(*parts);
        m.content_is_parts = true;
      } else {
        return Error::invalid_request("'content' must be a string, an array of parts, or null.", "content");
      }
    } else if (key == "name" && value.is_string()) {
      m.name = std::string(value.get_string());
    } else if (key == "tool_call_id" && value.is_string()) {
      m.tool_call_id = std::string(value.get_string());
    } else if (key == "tool_calls" && !value.is_null()) {
      auto calls = parse_tool_calls(value, "tool_calls");
      if (!calls) return calls.error();
      m.tool_calls = std::move(*calls);
    } else {
      m.extensions[key] = value;
    }
  }
  if (!o.contains("content")) m.content_is_null = true;
  if (strict) {
    if (m.role.empty()) return Error::invalid_request("'role' is required.", "role");
    if (!kRoles.count(m.role)) return Error::invalid_request("'role' '" + m.role + "' is not a known role.", "role");
    if (m.content_is_null && m.role != "assistant") {
      return Error::invalid_request("'content' is required for role '" + m.role + "'.", "content");
    }
  }
  return m;
}

json::object format_message(const core::Message& m, json::storage_ptr storage) {
  json::object o(5 + m.extensions.size(), storage);  // sized once: no regrowing as keys go in
  o["role"] = m.role;
  if (m.content_is_null && m.parts.empty()) {
    o["content"] = nullptr;
  } else if (m.content_is_parts) {
    json::array parts(storage);
    for (const auto& p : m.parts) {
      json::object part(storage);
      if (p.kind == core::ContentPart::Kind::text) {
        part["type"] = "text";
        part["text"] = p.text;
      } else {
        json::object img(storage);
        img["url"] = p.url;
        if (!p.detail.empty()) img["detail"] = p.detail;
        part["type"] = "image_url";
        part["image_url"] = std::move(img);
      }
      parts.push_back(std::move(part));
    }
    o["content"] = std::move(parts);
  } else if (m.parts.size() == 1 && m.parts.front().kind == core::ContentPart::Kind::text) {
    o["content"] = m.parts.front().text;  // what text() gives for one text part, without its copy
  } else {
    o["content"] = m.text();
  }
  if (!m.name.empty()) o["name"] = m.name;
  if (!m.tool_call_id.empty()) o["tool_call_id"] = m.tool_call_id;
  if (!m.tool_calls.empty()) {
    json::array calls(storage);
    for (const auto& c : m.tool_calls) {
      json::object fn(storage);
      fn["name"] = c.name;
      fn["arguments"] = c.arguments;
      json::object call(storage);
      call["id"] = c.id;
      call["type"] = "function";
      call["function"] = std::move(fn);
      calls.push_back(std::move(call));
    }
    o["tool_calls"] = std::move(calls);
  }
  for (const auto& [k, v] : m.extensions) o[k] = v;
  return o;
}

namespace {

// Fields both endpoints share. Anything not interpreted here is kept verbatim in extensions.
core::Status parse_common(json::object& o, core::ChatRequest& r) {
  auto* model = field(o, "model");
  if (!model || !model->is_string() || model->get_string().empty()) {
    return Error::invalid_request("'model' is required and must be a non-empty string.", "model");
  }
  r.model = std::string(model->get_string());
  for (auto& [key, value] : o) {
    if (key == "model" || key == "messages" || key == "prompt") continue;
    if (key == "stream") {
      if (!value.is_bool() && !value.is_null()) return Error::invalid_request("'stream' must be a boolean.", "stream");
      r.stream = value.is_bool() && value.get_bool();
    } else if (key == "stream_options") {
      if (value.is_null()) continue;
      if (!value.is_object()) return Error::invalid_request("'stream_options' must be an object.", "stream_options");
      r.stream_options_given = true;
      if (auto* iu = field(value.get_object(), "include_usage")) {
        if (!iu->is_bool()) {
          return Error::invalid_request("'stream_options.include_usage' must be a boolean.",
                                        "stream_options.include_usage");
        }
        r.stream_options.include_usage = iu->get_bool();
      }
    } else if (key == "max_tokens" || key == "max_completion_tokens") {
      if (value.is_null()) continue;
      auto n = integer_of(value);
      if (!n || *n < 1) return Error::invalid_request("'" + std::string(key) + "' must be a positive integer.", key);
      r.max_tokens = *n;
      if (key == "max_completion_tokens") r.extensions["max_completion_tokens"] = value;
    } else if (key == "temperature") {
      if (value.is_null()) continue;
      auto t = number_of(value);
      if (!t || *t < 0 || *t > 2) return Error::invalid_request("'temperature' must be a number from 0 to 2.", key);
      r.temperature = *t;
    } else if (key == "top_p") {
      if (value.is_null()) continue;
      auto t = number_of(value);
      if (!t || *t < 0 || *t > 1) return Error::invalid_request("'top_p' must be a number from 0 to 1.", key);
      r.top_p = *t;
    } else if (key == "stop") {
      if (value.is_null()) continue;
      if (value.is_string()) {
        r.stop.emplace_back(value.get_string());
      } else if (value.is_array() && value.get_array().size() <= 4) {
        for (const auto& s : value.get_array()) {
          if (!s.is_string()) return Error::invalid_request("'stop' must be a string or up to 4 strings.", "stop");
          r.stop.emplace_back(s.get_string());
        }
      } else {
        return Error::invalid_request("'stop' must be a string or up to 4 strings.", "stop");
      }
    } else {
      r.extensions[key] = std::move(value);
    }
  }
  if (!r.stream && r.stream_options_given) {
    return Error::invalid_request("'stream_options' is only allowed when 'stream' is true.", "stream_options");
  }
  return core::Ok{};
}

}  // namespace

core::Result<core::ChatRequest> parse_chat_request(std::string_view body) {
  JsonScratch scratch;
  auto obj = wire::parse_request_body(body, scratch.storage());
  if (!obj) return obj.error();
  core::ChatRequest r;
  auto* messages = field(*obj, "messages");
  if (!messages || !messages->is_array() || messages->get_array().empty()) {
    return Error::invalid_request("'messages' is required and must be a non-empty array.", "messages");
  }
  const auto& arr = messages->get_array();
  r.messages.reserve(arr.size());  // exactly: a vector that doubles would hold up to twice the messages
  for (size_t i = 0; i < arr.size(); ++i) {
    auto where = [i] { return "messages[" + std::to_string(i) + "]"; };
    if (!arr[i].is_object()) return Error::invalid_request("'" + where() + "' must be an object.", where());
    auto m = parse_message(arr[i].get_object(), true);
    if (!m) {
      auto e = m.error();
      e.param = where() + "." + e.param;
      e.message = "In '" + where() + "': " + e.message;
      return e;
    }
    r.messages.push_back(std::move(*m));
  }
  if (auto s = parse_common(*obj, r); !s) return s.error();
  return r;
}

core::Result<core::ChatRequest> parse_completion_request(std::string_view body) {
  JsonScratch scratch;
  auto obj = wire::parse_request_body(body, scratch.storage());
  if (!obj) return obj.error();
  core::ChatRequest r;
  r.kind = core::ChatRequest::Kind::completion;
  auto* prompt = field(*obj, "prompt");
  if (prompt && prompt->is_string()) {
    r.prompt = std::string(prompt->get_string());
  } else if (prompt && prompt->is_array() && prompt->get_array().size() == 1 && prompt->get_array()[0].is_string()) {
    r.prompt = std::string(prompt->get_array()[0].get_string());
  } else {
    return Error::invalid_request("'prompt' is required and must be a string (or an array of one string).", "prompt");
  }
  if (auto s = parse_common(*obj, r); !s) return s.error();
  return r;
}

json::object format_request(const core::ChatRequest& r, const std::string& upstream_model, json::storage_ptr storage) {
  json::object o(8 + r.extensions.size(), storage);  // sized once: no regrowing as keys go in
  o["model"] = upstream_model;
  if (r.kind == core::ChatRequest::Kind::completion) {
    o["prompt"] = r.prompt;
  } else {
    json::array messages(storage);
    messages.reserve(r.messages.size());
    for (const auto& m : r.messages) messages.push_back(format_message(m, storage));
    o["messages"] = std::move(messages);
  }
  if (r.stream) {
    o["stream"] = true;
    // Usage is always asked for upstream: switchyard meters every stream; the client only sees
    // the usage chunk when it asked for it.
    o["stream_options"].emplace_object()["include_usage"] = true;
  }
  if (r.max_tokens && !r.extensions.contains("max_completion_tokens")) o["max_tokens"] = *r.max_tokens;
  if (r.temperature) o["temperature"] = *r.temperature;
  if (r.top_p) o["top_p"] = *r.top_p;
  if (r.stop.size() == 1) o["stop"] = r.stop.front();
  else if (!r.stop.empty()) o["stop"] = json::array(r.stop.begin(), r.stop.end(), storage);
  for (const auto& [k, v] : r.extensions) o[k] = v;
  return o;
}

}  // namespace sy::wire::openai
