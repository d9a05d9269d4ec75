#include "providers/gemini/gemini_translate.h"

#include <set>

#include <boost/json.hpp>

#include "wire/json_fields.h"
#include "providers/data_url.h"
#include "providers/json_values.h"
#include "providers/turns.h"
#include "providers/upstream_errors.h"

namespace sy::providers::gemini {

namespace json = boost::json;
using wire::field;
using wire::int_or;
using wire::integer_of;
using wire::number_of;
using wire::string_or;
using core::ChatRequest;
using core::Error;

namespace {



// ---- JSON Schema -> Gemini Schema ----

const std::set<std::string_view> kSchemaKeys = {
    "type",    "format",  "title",   "description",   "nullable",      "enum",      "maxItems",
    "minItems", "properties", "required", "minProperties", "maxProperties", "minLength", "maxLength",
    "pattern", "example", "anyOf",   "propertyOrdering", "default",     "items",     "minimum",
    "maximum"};

const json::value* resolve_ref(std::string_view ref, const json::value& root) {
  // Local references only: "#/$defs/Name", "#/definitions/Name".
  if (ref.substr(0, 2) != "#/" || !root.is_object()) return nullptr;
  const json::value* at = &root;
  std::string_view rest = ref.substr(2);
  while (!rest.empty()) {
    auto slash = rest.find('/');
    auto key = rest.substr(0, slash);
    if (!at->is_object()) return nullptr;
    at = field(at->get_object(), key);
    if (!at) return nullptr;
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  }
  return at;
}

json::value convert_schema(const json::value& v, const json::value& root, int depth) {
  if (!v.is_object() || depth > 32) return json::object{};
  const auto& o = v.get_object();
  if (auto* ref = field(o, "$ref"); ref && ref->is_string()) {
    if (auto* target = resolve_ref(ref->get_string(), root)) return convert_schema(*target, root, depth + 1);
    return json::object{};
  }
  json::object out;
  for (const auto& [key, value] : o) {
    if (key == "type" && value.is_array()) {
      // ["string", "null"] -> type string, nullable.
      for (const auto& t : value.get_array()) {
        if (!t.is_string()) continue;
        if (t.get_string() == "null") out["nullable"] = true;
        else if (!out.contains("type")) out["type"] = t;
      }
    } else if (key == "const") {
      out["enum"] = json::array{value};
    } else if (key == "properties" && value.is_object()) {
      json::object props;
      for (const auto& [name, sub] : value.get_object()) props[name] = convert_schema(sub, root, depth + 1);
      if (!props.empty()) out["properties"] = std::move(props);
    } else if (key == "items") {
      out["items"] = convert_schema(value, root, depth + 1);
    } else if ((key == "anyOf" || key == "oneOf") && value.is_array()) {
      json::array alts;
      bool nullable = false;
      for (const auto& alt : value.get_array()) {
        if (alt.is_object() && string_or(alt.get_object(), "type") == "null") {
          nullable = true;
          continue;
        }
        alts.push_back(convert_schema(alt, root, depth + 1));
      }
      if (nullable) out["nullable"] = true;
      if (alts.size() == 1 && alts[0].is_object()) {
        for (auto& [k, sub] : alts[0].get_object()) out[k] = sub;
      } else if (!alts.empty()) {
        out["anyOf"] = std::move(alts);
      }
    } else if (key == "required") {
      if (value.is_array() && !value.get_array().empty()) out["required"] = value;
    } else if (kSchemaKeys.count(key)) {
      out[key] = value;
    }
  }
  if (out.contains("enum") && !out.contains("type")) out["type"] = "string";
  if (auto* req = field(out, "required"); req && !out.contains("properties")) out.erase("required");
  return out;
}

// ---- request ----

class RequestBuilder {
 public:
  explicit RequestBuilder(const ChatRequest& r) : r_(r) {}

  core::Result<json::object> build() {
    if (r_.kind == ChatRequest::Kind::completion) {
      push("user", json::array{json::object{{"text", r_.prompt}}});
    }
    for (size_t i = 0; i < r_.messages.size(); ++i) {
      auto s = message(r_.messages[i], "messages[" + std::to_string(i) + "]");
      if (!s) return s.error();
    }
    json::object body;
    if (!system_.empty()) body["systemInstruction"] = json::object{{"parts", std::move(system_)}};
    body["contents"] = std::move(contents_);
    if (auto s = tools(body); !s) return s.error();
    auto config = generation_config();
    if (!config) return config.error();
    if (!config->empty()) body["generationConfig"] = std::move(*config);
    // Gemini-native fields a client may pass through (same dialect as the upstream).
    for (const char* key : {"safetySettings", "cachedContent", "labels"}) {
      if (auto* v = field(r_.extensions, key)) body[key] = *v;
    }
    return body;
  }

 private:
  void push(const char* role, json::array parts) { append_turn(contents_, role, "parts", std::move(parts)); }

  core::Status message(const core::Message& m, const std::string& param) {
    if (m.role == "system" || m.role == "developer") {
      for (const auto& p : m.parts) {
        if (p.kind != core::ContentPart::Kind::text) {
          return Error::invalid_request("Gemini takes only text in system instructions.", param + ".content");
        }
        system_.push_back(json::object{{"text", p.text}});
      }
      return core::Ok{};
    }
    if (m.role == "user") {
      json::array parts;
      for (size_t j = 0; j < m.parts.size(); ++j) {
        const auto& p = m.parts[j];
        if (p.kind == core::ContentPart::Kind::text) {
          parts.push_back(json::object{{"text", p.text}});
          continue;
        }
        auto data = parse_data_url(p.url);
        if (!data) {
          auto where = param + ".content[" + std::to_string(j) + "].image_url.url";
          return Error::invalid_request("Gemini takes images only as base64 data: URLs.", where);
        }
        parts.push_back(json::object{{"inlineData", json::object{{"mimeType", data->mime}, {"data", data->base64}}}});
      }
      if (parts.empty()) parts.push_back(json::object{{"text", ""}});
      push("user", std::move(parts));
      return core::Ok{};
    }
    if (m.role == "assistant") {
      json::array parts;
      auto text = m.text();
      if (!text.empty()) parts.push_back(json::object{{"text", text}});
      for (size_t j = 0; j < m.tool_calls.size(); ++j) {
        const auto& call = m.tool_calls[j];
        auto parsed_args = arguments_object(call, param + ".tool_calls[" + std::to_string(j) + "].function.arguments", "Gemini");
        if (!parsed_args) return parsed_args.error();
        json::value args = std::move(*parsed_args);
        if (!call.id.empty()) call_names_[call.id] = call.name;
        parts.push_back(json::object{{"functionCall", json::object{{"name", call.name}, {"args", std::move(args)}}}});
      }
      push("model", std::move(parts));
      return core::Ok{};
    }
    if (m.role == "tool" || m.role == "function") {
      std::string name = m.name;
      if (auto it = call_names_.find(m.tool_call_id); it != call_names_.end()) name = it->second;
      if (name.empty()) {
        return Error::invalid_request("A tool message must answer a tool call of an earlier assistant message "
                                      "(Gemini needs the function's name).",
                                      param + ".tool_call_id");
      }
      auto text = m.text();
      json::value response;
      auto parsed = parse_model_json(text);
      if (parsed && parsed->is_object()) response = std::move(*parsed);
      else if (parsed) response = json::object{{"content", std::move(*parsed)}};
      else response = json::object{{"content", text}};
      push("user", json::array{json::object{
                       {"functionResponse", json::object{{"name", name}, {"response", std::move(response)}}}}});
      return core::Ok{};
    }
    return Error::invalid_request("Gemini has no equivalent of role '" + m.role + "'.", param + ".role");
  }

  core::Status tools(json::object& body) {
    auto* tools = field(r_.extensions, "tools");
    if (tools && tools->is_array() && !tools->get_array().empty()) {
      json::array decls;
      const auto& arr = tools->get_array();
      for (size_t i = 0; i < arr.size(); ++i) {
        std::string p = "tools[" + std::to_string(i) + "]";
        if (!arr[i].is_object()) return Error::invalid_request("'" + p + "' must be an object.", p);
        const auto& t = arr[i].get_object();
        auto type = string_or(t, "type", "function");
        auto* fn = field(t, "function");
        if (type != "function" || !fn || !fn->is_object()) {
          return Error::invalid_request("Gemini takes only function tools.", p + ".type");
        }
        const auto& f = fn->get_object();
        json::object decl{{"name", string_or(f, "name")}};
        if (auto d = string_or(f, "description"); !d.empty()) decl["description"] = d;
        if (auto* params = field(f, "parameters"); params && params->is_object()) {
          auto schema = to_gemini_schema(*params);
          // An object schema with no properties is refused by Gemini: no parameters at all.
          if (schema.is_object() && schema.get_object().contains("properties")) decl["parameters"] = std::move(schema);
        }
        decls.push_back(std::move(decl));
      }
      body["tools"] = json::array{json::object{{"functionDeclarations", std::move(decls)}}};
    }
    if (auto* choice = field(r_.extensions, "tool_choice"); choice && !choice->is_null()) {
      json::object cfg;
      if (choice->is_string()) {
        auto c = choice->get_string();
        if (c == "none") cfg["mode"] = "NONE";
        else if (c == "required") cfg["mode"] = "ANY";
        else cfg["mode"] = "AUTO";
      } else if (choice->is_object()) {
        auto* fn = field(choice->get_object(), "function");
        auto name = fn && fn->is_object() ? string_or(fn->get_object(), "name") : std::string();
        if (name.empty()) return Error::invalid_request("'tool_choice.function.name' is required.", "tool_choice");
        cfg["mode"] = "ANY";
        cfg["allowedFunctionNames"] = json::array{json::value(name)};
      }
      if (!cfg.empty() && body.contains("tools")) {
        body["toolConfig"] = json::object{{"functionCallingConfig", std::move(cfg)}};
      }
    }
    return core::Ok{};
  }

  core::Result<json::object> generation_config() {
    json::object g;
    if (r_.temperature) g["temperature"] = *r_.temperature;
    if (r_.top_p) g["topP"] = *r_.top_p;
    if (r_.max_tokens) g["maxOutputTokens"] = *r_.max_tokens;
    if (!r_.stop.empty()) g["stopSequences"] = json::array(r_.stop.begin(), r_.stop.end());
    const auto& ext = r_.extensions;
    if (auto* n = field(ext, "n"); n && integer_of(*n).value_or(1) > 1) g["candidateCount"] = *integer_of(*n);
    if (auto* s = field(ext, "seed"); s && integer_of(*s)) g["seed"] = *integer_of(*s);
    if (auto* p = field(ext, "presence_penalty"); p && number_of(*p)) g["presencePenalty"] = *number_of(*p);
    if (auto* p = field(ext, "frequency_penalty"); p && number_of(*p)) g["frequencyPenalty"] = *number_of(*p);
    if (auto* rf = field(ext, "response_format"); rf && rf->is_object()) {
      auto type = string_or(rf->get_object(), "type");
      if (type == "json_object") {
        g["responseMimeType"] = "application/json";
      } else if (type == "json_schema") {
        g["responseMimeType"] = "application/json";
        auto* js = field(rf->get_object(), "json_schema");
        auto* schema = js && js->is_object() ? field(js->get_object(), "schema") : nullptr;
        if (schema && schema->is_object()) g["responseSchema"] = to_gemini_schema(*schema);
      } else if (!type.empty() && type != "text") {
        return Error::invalid_request("'response_format.type' '" + type + "' is not supported for Gemini.",
                                      "response_format.type");
      }
    }
    return g;
  }

  const ChatRequest& r_;
  json::array contents_;
  json::array system_;
  std::map<std::string, std::string> call_names_;  // tool_call_id -> function name
};

core::Result<json::object> parse_object(std::string_view body, const char* what) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  // A JSON array of responses is how Gemini answers some error cases; take its first element.
  if (!ec && v.is_array() && !v.get_array().empty()) v = json::value(v.get_array()[0]);
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

std::string tool_call_id(const json::object& fc, const ResponseMeta& meta, int& generated) {
  auto id = string_or(fc, "id");
  if (!id.empty()) return id;
  return meta.call_id_prefix + std::to_string(generated++);
}

// An error object in a 200 body or a stream event: mapped as its HTTP code would be.
std::optional<Error> error_of(const json::object& o) {
  auto* err = field(o, "error");
  if (!err || !err->is_object()) return std::nullopt;
  const auto& e = err->get_object();
  int code = static_cast<int>(int_or(e, "code", 500));
  if (code < 400 || code > 599) code = 500;
  return map_upstream_status(code, string_or(e, "message", "unknown error"), "");
}

}  // namespace

json::value to_gemini_schema(const json::value& schema) { return convert_schema(schema, schema, 0); }

core::Result<json::object> format_request(const ChatRequest& request) { return RequestBuilder(request).build(); }

std::string error_message(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec) return {};
  if (v.is_array() && !v.get_array().empty()) v = json::value(v.get_array()[0]);
  if (!v.is_object()) return {};
  auto* err = field(v.get_object(), "error");
  if (!err || !err->is_object()) return {};
  return string_or(err->get_object(), "message");
}

std::string finish_reason(std::string_view r, bool had_tool_calls) {
  if (r.empty()) return {};
  if (r == "MAX_TOKENS") return "length";
  static const std::set<std::string_view> filtered = {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT",
                                                      "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT",
                                                      "IMAGE_RECITATION"};
  if (filtered.count(r)) return "content_filter";
  return had_tool_calls ? "tool_calls" : "stop";
}

core::Usage parse_usage(const json::object& um) {
  core::Usage u;
  u.prompt_tokens = count(um, "promptTokenCount") + count(um, "toolUsePromptTokenCount");
  int64_t thoughts = count(um, "thoughtsTokenCount");
  u.completion_tokens = count(um, "candidatesTokenCount") + thoughts;
  u.cached_tokens = count(um, "cachedContentTokenCount");
  if (thoughts > 0) u.extensions["completion_tokens_details"] = json::object{{"reasoning_tokens", thoughts}};
  return u;
}

core::Result<core::ChatResponse> parse_response(std::string_view body, ChatRequest::Kind kind,
                                                const ResponseMeta& meta) {
  auto obj = parse_object(body, "response");
  if (!obj) return obj.error();
  if (auto e = error_of(*obj)) return *e;
  core::ChatResponse r;
  r.id = meta.id;
  r.model = string_or(*obj, "modelVersion", meta.model);
  r.created = meta.created;
  int generated = 0;
  auto* candidates = field(*obj, "candidates");
  if (candidates && !candidates->is_array()) return Error::upstream("The upstream response has a malformed 'candidates'.");
  if (!candidates || candidates->get_array().empty()) {
    // The prompt itself was blocked (promptFeedback.blockReason): no candidates.
    core::Choice c;
    c.message.role = "assistant";
    c.message.parts.push_back({core::ContentPart::Kind::text, "", {}, {}});
    c.finish_reason = "content_filter";
    r.choices.push_back(std::move(c));
  } else {
    const auto& arr = candidates->get_array();
    for (size_t i = 0; i < arr.size(); ++i) {
      if (!arr[i].is_object()) return Error::upstream("The upstream response has a malformed candidate.");
      const auto& co = arr[i].get_object();
      core::Choice c;
      c.index = static_cast<int>(int_or(co, "index", static_cast<int64_t>(i)));
      c.message.role = "assistant";
      std::string text;
      if (auto* content = field(co, "content"); content && content->is_object()) {
        if (auto* parts = field(content->get_object(), "parts"); parts && parts->is_array()) {
          for (const auto& p : parts->get_array()) {
            if (!p.is_object()) continue;
            const auto& po = p.get_object();
            if (auto* thought = field(po, "thought"); thought && thought->is_bool() && thought->get_bool()) continue;
            if (auto* t = field(po, "text"); t && t->is_string()) text += t->get_string();
            if (auto* fc = field(po, "functionCall"); fc && fc->is_object()) {
              const auto& f = fc->get_object();
              core::ToolCall call;
              call.id = tool_call_id(f, meta, generated);
              call.name = string_or(f, "name");
              auto* args = field(f, "args");
              call.arguments = args && !args->is_null() ? json::serialize(*args) : "{}";
              c.message.tool_calls.push_back(std::move(call));
            }
          }
        }
      }
      if (kind == ChatRequest::Kind::completion || !text.empty() || c.message.tool_calls.empty()) {
        c.message.parts.push_back({core::ContentPart::Kind::text, std::move(text), {}, {}});
      } else {
        c.message.content_is_null = true;
      }
      c.finish_reason = finish_reason(string_or(co, "finishReason"), !c.message.tool_calls.empty());
      r.choices.push_back(std::move(c));
    }
  }
  if (auto* um = field(*obj, "usageMetadata"); um && um->is_object()) r.usage = parse_usage(um->get_object());
  return r;
}

StreamTranslator::StreamTranslator(ChatRequest::Kind kind, ResponseMeta meta) : kind_(kind), meta_(std::move(meta)) {}

core::ChatChunk StreamTranslator::chunk() const {
  core::ChatChunk c;
  c.id = meta_.id;
  c.model = meta_.model;
  c.created = meta_.created;
  return c;
}

core::Status StreamTranslator::on_event(std::string_view data, std::vector<core::ChatChunk>& out) {
  auto obj = parse_object(data, "stream event");
  if (!obj) return obj.error();
  if (auto e = error_of(*obj)) return *e;
  if (auto mv = string_or(*obj, "modelVersion"); !mv.empty()) meta_.model = mv;
  if (auto* um = field(*obj, "usageMetadata"); um && um->is_object()) usage_ = parse_usage(um->get_object());
  auto start = [&](int index) -> Candidate& {
    auto [it, fresh] = candidates_.try_emplace(index);
    if (fresh && kind_ == ChatRequest::Kind::chat) {
      auto c = chunk();
      core::ChunkChoice cc;
      cc.index = index;
      cc.role = "assistant";
      cc.has_content = true;
      c.choices.push_back(std::move(cc));
      out.push_back(std::move(c));
    }
    return it->second;
  };
  auto* candidates = field(*obj, "candidates");
  if (!candidates || !candidates->is_array() || candidates->get_array().empty()) {
    auto* feedback = field(*obj, "promptFeedback");
    if (feedback && feedback->is_object() && field(feedback->get_object(), "blockReason")) {
      auto& cand = start(0);
      cand.finished = true;
      auto c = chunk();
      core::ChunkChoice cc;
      cc.finish_reason = "content_filter";
      c.choices.push_back(std::move(cc));
      out.push_back(std::move(c));
    }
    return core::Ok{};
  }
  const auto& arr = candidates->get_array();
  for (size_t i = 0; i < arr.size(); ++i) {
    if (!arr[i].is_object()) return Error::upstream("The upstream sent a malformed stream candidate.");
    const auto& co = arr[i].get_object();
    int index = static_cast<int>(int_or(co, "index", static_cast<int64_t>(i)));
    auto& cand = start(index);
    if (auto* content = field(co, "content"); content && content->is_object()) {
      if (auto* parts = field(content->get_object(), "parts"); parts && parts->is_array()) {
        for (const auto& p : parts->get_array()) {
          if (!p.is_object()) continue;
          const auto& po = p.get_object();
          if (auto* thought = field(po, "thought"); thought && thought->is_bool() && thought->get_bool()) continue;
          if (auto* t = field(po, "text"); t && t->is_string()) {
            if (t->get_string().empty()) continue;
            auto c = chunk();
            core::ChunkChoice cc;
            cc.index = index;
            cc.content = std::string(t->get_string());
            cc.has_content = true;
            c.choices.push_back(std::move(cc));
            out.push_back(std::move(c));
          }
          if (auto* fc = field(po, "functionCall"); fc && fc->is_object() && kind_ == ChatRequest::Kind::chat) {
            const auto& f = fc->get_object();
            core::ToolCallDelta d;
            d.index = cand.tool_calls++;
            d.id = tool_call_id(f, meta_, generated_ids_);
            d.name = string_or(f, "name");
            auto* args = field(f, "args");
            d.arguments = args && !args->is_null() ? json::serialize(*args) : "{}";
            d.has_arguments = true;
            auto c = chunk();
            core::ChunkChoice cc;
            cc.index = index;
            cc.tool_calls.push_back(std::move(d));
            c.choices.push_back(std::move(cc));
            out.push_back(std::move(c));
          }
        }
      }
    }
    auto reason = string_or(co, "finishReason");
    if (!reason.empty() && !cand.finished) {
      cand.finished = true;
      auto c = chunk();
      core::ChunkChoice cc;
      cc.index = index;
      cc.finish_reason = finish_reason(reason, cand.tool_calls > 0);
      c.choices.push_back(std::move(cc));
      out.push_back(std::move(c));
    }
  }
  return core::Ok{};
}

core::Status StreamTranslator::finish(std::vector<core::ChatChunk>& out) {
  bool finished = !candidates_.empty();
  for (const auto& [index, cand] : candidates_) finished = finished && cand.finished;
  if (!finished) return Error::upstream("The upstream's stream ended before it was complete.");
  if (usage_) {
    auto c = chunk();
    c.usage = *usage_;
    out.push_back(std::move(c));
  }
  return core::Ok{};
}

}  // namespace sy::providers::gemini
