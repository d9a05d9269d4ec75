#include "wire/ollama/ollama_request.h"

#include <algorithm>
#include <optional>
#include <set>

#include "wire/json_fields.h"
#include "wire/request_body.h"

namespace sy::wire::ollama {

namespace json = boost::json;
using core::Error;

namespace {

Error bad(const std::string& param, const std::string& why) { return Error::invalid_request(param + ": " + why, param); }

core::ContentPart text_part(std::string text) { return {core::ContentPart::Kind::text, std::move(text), {}, {}}; }

// Ollama sends images as bare base64; OpenAI-shaped targets want a data: URL with a media type,
// which the first bytes of the image say (their base64 form is fixed by the signature).
std::optional<std::string_view> media_type_of(std::string_view base64) {
  if (base64.starts_with("iVBORw0KGgo")) return "image/png";
  if (base64.starts_with("/9j/")) return "image/jpeg";
  if (base64.starts_with("R0lGOD")) return "image/gif";
  if (base64.starts_with("UklGR")) return "image/webp";
  return std::nullopt;
}

core::Result<core::ContentPart> image_part(const json::value& v, const std::string& p) {
  if (!v.is_string() || v.get_string().empty()) return bad(p, "an image must be a non-empty base64 string.");
  std::string_view data = v.get_string();
  core::ContentPart part;
  part.kind = core::ContentPart::Kind::image_url;
  if (data.starts_with("data:")) {
    part.url = std::string(data);
    return part;
  }
  auto media = media_type_of(data);
  if (!media) return bad(p, "images must be base64-encoded PNG, JPEG, GIF or WebP.");
  part.url = "data:" + std::string(*media) + ";base64," + std::string(data);
  return part;
}

core::Result<std::vector<core::ContentPart>> images_of(const json::value* v, const std::string& p) {
  std::vector<core::ContentPart> parts;
  if (!v || v->is_null()) return parts;
  if (!v->is_array()) return bad(p, "must be a list of base64 strings.");
  const auto& arr = v->get_array();
  for (size_t i = 0; i < arr.size(); ++i) {
    auto part = image_part(arr[i], p + "[" + std::to_string(i) + "]");
    if (!part) return part.error();
    parts.push_back(std::move(*part));
  }
  return parts;
}

// A message's text (and images, when it has some) as its content.
void set_content(core::Message& m, std::string text, std::vector<core::ContentPart> images) {
  if (images.empty()) {
    m.parts.push_back(text_part(std::move(text)));
    return;
  }
  m.content_is_parts = true;
  if (!text.empty()) m.parts.push_back(text_part(std::move(text)));
  for (auto& image : images) m.parts.push_back(std::move(image));
}

// A call's arguments: an object in Ollama's API; a JSON string is taken too (what OpenAI-shaped
// clients hold).
core::Result<std::string> arguments_of(const json::value* v, const std::string& p) {
  if (!v || v->is_null()) return std::string("{}");
  if (v->is_object()) return json::serialize(*v);
  if (v->is_string()) return std::string(v->get_string());
  return bad(p, "must be an object.");
}

// The calls an assistant made that no tool message has answered yet, oldest first.
struct OpenCall {
  std::string id;
  std::string name;
};

core::Status read_tool_calls(const json::value& v, const std::string& p, size_t message_index, core::Message& m,
                             std::vector<OpenCall>& open) {
  if (!v.is_array()) return bad(p, "must be a list of tool calls.");
  const auto& arr = v.get_array();
  for (size_t k = 0; k < arr.size(); ++k) {
    auto cp = p + "[" + std::to_string(k) + "]";
    if (!arr[k].is_object()) return bad(cp, "must be an object.");
    const auto& o = arr[k].get_object();
    auto* fn = field(o, "function");
    if (!fn || !fn->is_object()) return bad(cp + ".function", "field required (an object with 'name' and 'arguments').");
    core::ToolCall call;
    call.name = string_or(fn->get_object(), "name");
    if (call.name.empty()) return bad(cp + ".function.name", "field required.");
    auto args = arguments_of(field(fn->get_object(), "arguments"), cp + ".function.arguments");
    if (!args) return args.error();
    call.arguments = std::move(*args);
    call.id = string_or(o, "id");
    if (call.id.empty()) call.id = "call_" + std::to_string(message_index) + "_" + std::to_string(k);
    open.push_back({call.id, call.name});
    m.tool_calls.push_back(std::move(call));
  }
  return core::Ok{};
}

// The id of the call a tool message answers: its own tool_call_id, else the earliest open call of
// its tool_name, else the earliest open call. A result with no call to answer keeps a made-up id.
std::string answered_call(const json::object& o, std::vector<OpenCall>& open) {
  auto take = [&](auto it) {
    std::string id = it->id;
    open.erase(it);
    return id;
  };
  if (auto id = string_or(o, "tool_call_id"); !id.empty()) {
    std::erase_if(open, [&](const OpenCall& c) { return c.id == id; });
    return id;
  }
  auto name = string_or(o, "tool_name");
  if (!name.empty()) {
    auto it = std::find_if(open.begin(), open.end(), [&](const OpenCall& c) { return c.name == name; });
    if (it != open.end()) return take(it);
  }
  if (!open.empty()) return take(open.begin());
  return "call_" + (name.empty() ? std::string("tool") : name);
}

const std::set<std::string_view> kRoles = {"system", "user", "assistant", "tool"};

core::Result<core::Message> message_of(const json::value& v, size_t index, std::vector<OpenCall>& open) {
  auto p = "messages[" + std::to_string(index) + "]";
  if (!v.is_object()) return bad(p, "must be an object.");
  const auto& o = v.get_object();
  core::Message m;
  m.role = string_or(o, "role");
  if (!kRoles.contains(m.role)) return bad(p + ".role", "must be 'system', 'user', 'assistant' or 'tool'.");
  std::string text;
  if (auto* c = field(o, "content"); c && !c->is_null()) {
    if (!c->is_string()) return bad(p + ".content", "must be a string.");
    text = std::string(c->get_string());
  }
  auto images = images_of(field(o, "images"), p + ".images");
  if (!images) return images.error();
  if (!images->empty() && m.role != "user") return bad(p + ".images", "only user messages may carry images.");
  if (auto* calls = field(o, "tool_calls"); calls && !calls->is_null()) {
    if (m.role != "assistant") return bad(p + ".tool_calls", "only assistant messages make tool calls.");
    if (auto s = read_tool_calls(*calls, p + ".tool_calls", index, m, open); !s) return s.error();
  }
  if (m.role == "tool") m.tool_call_id = answered_call(o, open);
  if (!m.tool_calls.empty() && text.empty()) {
    m.content_is_null = true;  // OpenAI's shape of an assistant turn that only calls tools
    return m;
  }
  set_content(m, std::move(text), std::move(*images));
  return m;
}

core::Result<json::array> tools_of(const json::value& v) {
  if (!v.is_array()) return bad("tools", "must be a list.");
  json::array out;
  const auto& arr = v.get_array();
  for (size_t i = 0; i < arr.size(); ++i) {
    auto p = "tools[" + std::to_string(i) + "]";
    if (!arr[i].is_object()) return bad(p, "must be an object.");
    const auto& t = arr[i].get_object();
    if (auto type = string_or(t, "type", "function"); type != "function") return bad(p + ".type", "must be 'function'.");
    auto* fn = field(t, "function");
    if (!fn || !fn->is_object()) return bad(p + ".function", "field required (an object).");
    const auto& f = fn->get_object();
    auto name = string_or(f, "name");
    if (name.empty()) return bad(p + ".function.name", "field required.");
    json::object out_fn{{"name", name}};
    if (auto d = string_or(f, "description"); !d.empty()) out_fn["description"] = d;
    if (auto* params = field(f, "parameters"); params && !params->is_null()) {
      if (!params->is_object()) return bad(p + ".function.parameters", "must be a JSON schema object.");
      out_fn["parameters"] = *params;
    }
    out.push_back(json::object{{"type", "function"}, {"function", std::move(out_fn)}});
  }
  return out;
}

core::Status apply_format(const json::value& v, core::ChatRequest& r) {
  if (v.is_null() || (v.is_string() && v.get_string().empty())) return core::Ok{};
  if (v.is_string()) {
    if (v.get_string() != "json") return bad("format", "must be \"json\" or a JSON schema object.");
    r.extensions["response_format"] = json::object{{"type", "json_object"}};
    return core::Ok{};
  }
  if (!v.is_object()) return bad("format", "must be \"json\" or a JSON schema object.");
  r.extensions["response_format"] =
      json::object{{"type", "json_schema"}, {"json_schema", json::object{{"name", "response"}, {"schema", v}}}};
  return core::Ok{};
}

core::Result<std::optional<double>> number_option(const json::object& o, std::string_view name) {
  auto* v = field(o, name);
  if (!v || v->is_null()) return std::optional<double>();
  auto x = number_of(*v);
  if (!x) return bad("options." + std::string(name), "must be a number.");
  return std::optional<double>(*x);
}

core::Status apply_options(const json::value& v, core::ChatRequest& r) {
  if (v.is_null()) return core::Ok{};
  if (!v.is_object()) return bad("options", "must be an object.");
  const auto& o = v.get_object();
  auto number = [&](std::string_view name, auto&& use) -> core::Status {
    auto x = number_option(o, name);
    if (!x) return x.error();
    if (*x) use(**x);
    return core::Ok{};
  };
  // Each knob with where it goes; the rest of Ollama's options tune its own runner. Knobs that
  // travel as extensions keep the client's JSON number as it was (40, not 4E1).
  auto to_extension = [&](std::string_view name, const char* as) {
    return [&r, &o, name, as](double) { r.extensions[as] = *field(o, name); };
  };
  for (auto s : {number("temperature", [&](double x) { r.temperature = x; }),
                 number("top_p", [&](double x) { r.top_p = x; }),
                 number("num_predict", [&](double x) {
                   if (x >= 1) r.max_tokens = static_cast<int64_t>(std::min(x, 1e9));
                 }),
                 number("presence_penalty", to_extension("presence_penalty", "presence_penalty")),
                 number("frequency_penalty", to_extension("frequency_penalty", "frequency_penalty")),
                 number("top_k", to_extension("top_k", "top_k")),
                 number("min_p", to_extension("min_p", "min_p")),
                 number("repeat_penalty", to_extension("repeat_penalty", "repetition_penalty"))}) {
    if (!s) return s;
  }
  if (auto* seed = field(o, "seed"); seed && !seed->is_null()) {
    auto n = integer_of(*seed);
    if (!n) return bad("options.seed", "must be an integer.");
    r.extensions["seed"] = *n;
  }
  if (auto* stop = field(o, "stop"); stop && !stop->is_null()) {
    if (stop->is_string()) {
      r.stop.emplace_back(stop->get_string());
    } else if (stop->is_array()) {
      for (const auto& s : stop->get_array()) {
        if (!s.is_string()) return bad("options.stop", "must be a list of strings.");
        r.stop.emplace_back(s.get_string());
      }
    } else {
      return bad("options.stop", "must be a list of strings.");
    }
  }
  return core::Ok{};
}

// What chat and generate share: model, stream (true unless false), format, options, and the
// fields taken and ignored or refused.
core::Status read_common(const json::object& o, core::ChatRequest& r) {
  auto* model = field(o, "model");
  if (!model || !model->is_string() || model->get_string().empty()) return bad("model", "field required (a non-empty string).");
  r.model = model_name(model->get_string());
  r.stream = true;
  if (auto* s = field(o, "stream"); s && !s->is_null()) {
    if (!s->is_bool()) return bad("stream", "must be a boolean.");
    r.stream = s->get_bool();
  }
  // The closing line of every answer carries its token counts: ask every target for them.
  r.stream_options.include_usage = true;
  if (auto* f = field(o, "format")) {
    if (auto s = apply_format(*f, r); !s) return s;
  }
  if (auto* opts = field(o, "options")) {
    if (auto s = apply_options(*opts, r); !s) return s;
  }
  if (auto* lp = field(o, "logprobs"); lp && lp->is_bool() && lp->get_bool()) {
    return bad("logprobs", "log probabilities are not returned by switchyard's Ollama API.");
  }
  return core::Ok{};
}

}  // namespace

std::string model_name(std::string_view name) {
  constexpr std::string_view kLatest = ":latest";
  if (name.size() > kLatest.size() && name.ends_with(kLatest)) name.remove_suffix(kLatest.size());
  return std::string(name);
}

core::Result<core::ChatRequest> parse_chat_request(std::string_view body) {
  wire::JsonScratch scratch;
  auto parsed = wire::parse_request_body(body, scratch.storage());
  if (!parsed) return parsed.error();
  const auto& o = *parsed;
  core::ChatRequest r;
  if (auto s = read_common(o, r); !s) return s.error();
  auto* messages = field(o, "messages");
  if (messages && !messages->is_null() && !messages->is_array()) return bad("messages", "must be a list of messages.");
  if (!messages || messages->is_null() || messages->get_array().empty()) {
    return bad("messages", "at least one message is required (switchyard loads its models from its config; there is nothing to preload).");
  }
  const auto& arr = messages->get_array();
  r.messages.reserve(arr.size());
  std::vector<OpenCall> open;
  for (size_t i = 0; i < arr.size(); ++i) {
    auto m = message_of(arr[i], i, open);
    if (!m) return m.error();
    r.messages.push_back(std::move(*m));
  }
  if (auto* t = field(o, "tools"); t && !t->is_null()) {
    auto tools = tools_of(*t);
    if (!tools) return tools.error();
    if (!tools->empty()) r.extensions["tools"] = std::move(*tools);
  }
  return r;
}

core::Result<core::ChatRequest> parse_generate_request(std::string_view body) {
  wire::JsonScratch scratch;
  auto parsed = wire::parse_request_body(body, scratch.storage());
  if (!parsed) return parsed.error();
  const auto& o = *parsed;
  core::ChatRequest r;
  if (auto s = read_common(o, r); !s) return s.error();
  // What only Ollama's own runner could do with the prompt.
  if (auto* s = field(o, "suffix"); s && !(s->is_null() || (s->is_string() && s->get_string().empty()))) {
    return bad("suffix", "fill-in-the-middle (a suffix after the answer) is not supported by switchyard's Ollama API.");
  }
  if (auto* t = field(o, "template"); t && !(t->is_null() || (t->is_string() && t->get_string().empty()))) {
    return bad("template", "a per-request prompt template is not supported; send raw: true with the whole prompt instead.");
  }
  if (auto* c = field(o, "context"); c && !(c->is_null() || (c->is_array() && c->get_array().empty()))) {
    return bad("context", "token context from an earlier answer is not supported (none is returned); use /api/chat for conversations.");
  }
  auto* prompt = field(o, "prompt");
  if (prompt && !prompt->is_null() && !prompt->is_string()) return bad("prompt", "must be a string.");
  std::string text = prompt && prompt->is_string() ? std::string(prompt->get_string()) : std::string();
  auto images = images_of(field(o, "images"), "images");
  if (!images) return images.error();
  if (text.empty() && images->empty()) {
    return bad("prompt", "a prompt is required (switchyard loads its models from its config; there is nothing to preload).");
  }
  auto* system = field(o, "system");
  if (system && !system->is_null() && !system->is_string()) return bad("system", "must be a string.");
  bool raw = false;
  if (auto* v = field(o, "raw"); v && !v->is_null()) {
    if (!v->is_bool()) return bad("raw", "must be a boolean.");
    raw = v->get_bool();
  }
  if (raw) {
    if (!images->empty()) return bad("images", "images cannot be sent with raw: true (a raw prompt is text only).");
    r.kind = core::ChatRequest::Kind::completion;
    r.prompt = std::move(text);
    return r;
  }
  if (system && system->is_string() && !system->get_string().empty()) {
    core::Message m;
    m.role = "system";
    m.parts.push_back(text_part(std::string(system->get_string())));
    r.messages.push_back(std::move(m));
  }
  core::Message user;
  user.role = "user";
  set_content(user, std::move(text), std::move(*images));
  r.messages.push_back(std::move(user));
  return r;
}

}  // namespace sy::wire::ollama
