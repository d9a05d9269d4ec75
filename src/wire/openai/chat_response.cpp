#include "wire/openai/chat_response.h"

#include <algorithm>

#include "wire/openai/chat_request.h"
#include "wire/json_fields.h"

namespace sy::wire::openai {

using core::Error;

namespace {

core::Result<json::object> parse_upstream_object(std::string_view body, const char* what,
                                                 json::storage_ptr storage) {
  boost::system::error_code ec;
  auto value = json::parse(body, ec, std::move(storage));
  if (ec || !value.is_object()) {
    return Error::upstream(std::string("The upstream returned a malformed ") + what + " (not a JSON object).");
  }
  if (has_non_finite_number(value)) {
    return Error::upstream(std::string("The upstream returned a malformed ") + what +
                           " (a number too large to represent).");
  }
  return std::move(value.get_object());
}

void copy_header_fields(json::object& o, std::string& id, std::string& model, int64_t& created,
                        core::Extensions& ext, std::initializer_list<std::string_view> skip) {
  for (auto& [key, value] : o) {
    if (key == "id" && value.is_string()) id = std::string(value.get_string());
    else if (key == "model" && value.is_string()) model = std::string(value.get_string());
    else if (key == "created") created = integer_of(value).value_or(0);
    else if (std::find(skip.begin(), skip.end(), std::string_view(key)) == skip.end()) ext[key] = std::move(value);
  }
}

}  // namespace

core::Usage parse_usage(const json::object& o) {
  // A negative count is nonsense from the upstream; as 0 it cannot wind the token counters back.
  auto count = [](const json::object& obj, std::string_view key) { return std::max<int64_t>(0, int_or(obj, key)); };
  core::Usage u;
  u.prompt_tokens = count(o, "prompt_tokens");
  u.completion_tokens = count(o, "completion_tokens");
  if (auto* d = field(o, "prompt_tokens_details"); d && d->is_object()) u.cached_tokens = count(d->get_object(), "cached_tokens");
  // Breakdowns switchyard does not meter (reasoning, audio, prediction tokens) go back as they came.
  for (const auto& [key, value] : o) {
    if (key != "prompt_tokens" && key != "completion_tokens" && key != "total_tokens") u.extensions[key] = value;
  }
  return u;
}

json::object format_usage(const core::Usage& u, json::storage_ptr storage) {
  json::object o({{"prompt_tokens", u.prompt_tokens}, {"completion_tokens", u.completion_tokens}, {"total_tokens", u.total()}},
                 4 + u.extensions.size(), storage);
  for (const auto& [key, value] : u.extensions) o[key] = value;
  if (u.cached_tokens > 0) {
    auto& details = o["prompt_tokens_details"];
    if (!details.is_object()) details.emplace_object();
    details.get_object()["cached_tokens"] = u.cached_tokens;
  }
  return o;
}

core::Result<core::ChatResponse> parse_response(std::string_view body, Kind kind) {
  JsonScratch scratch;
  auto obj = parse_upstream_object(body, "response", scratch.storage());
  if (!obj) return obj.error();
  core::ChatResponse r;
  copy_header_fields(*obj, r.id, r.model, r.created, r.extensions, {"choices", "usage", "object"});
  auto* choices = field(*obj, "choices");
  if (!choices || !choices->is_array()) return Error::upstream("The upstream response has no 'choices' array.");
  for (const auto& item : choices->get_array()) {
    if (!item.is_object()) return Error::upstream("The upstream response has a malformed choice.");
    const auto& co = item.get_object();
    core::Choice c;
    c.index = static_cast<int>(int_or(co, "index"));
    c.finish_reason = string_or(co, "finish_reason");
    for (const auto& [key, value] : co) {
      if (key != "index" && key != "finish_reason" && key != "message" && key != "text") c.extensions[key] = value;
    }
    if (kind == Kind::completion) {
      c.message.role = "assistant";
      c.message.parts.push_back({core::ContentPart::Kind::text, string_or(co, "text"), {}, {}});
    } else {
      auto* msg = field(co, "message");
      if (!msg || !msg->is_object()) return Error::upstream("The upstream response has a choice without a message.");
      auto m = parse_message(msg->get_object(), false);
      if (!m) return Error::upstream("The upstream response has a malformed message.");
      c.message = std::move(*m);
    }
    r.choices.push_back(std::move(c));
  }
  if (auto* u = field(*obj, "usage"); u && u->is_object()) r.usage = parse_usage(u->get_object());
  return r;
}

std::string format_response(const core::ChatResponse& r, Kind kind) {
  // The tree only lives to be serialized: built in the arena, it costs no allocation per key.
  JsonScratch scratch;
  auto storage = scratch.storage();
  json::object o(6 + r.extensions.size(), storage);  // sized once: no regrowing as keys go in
  o["id"] = r.id;
  o["object"] = kind == Kind::completion ? "text_completion" : "chat.completion";
  o["created"] = r.created;
  o["model"] = r.model;
  json::array choices(storage);
  choices.reserve(r.choices.size());
  for (const auto& c : r.choices) {
    json::object co(4 + c.extensions.size(), storage);
    co["index"] = c.index;
    if (kind == Kind::completion) co["text"] = c.message.text();
    else co["message"] = format_message(c.message, storage);
    for (const auto& [k, v] : c.extensions) co[k] = v;
    if (kind == Kind::chat && !co.contains("logprobs")) co["logprobs"] = nullptr;
    put_string_or_null(co, "finish_reason", c.finish_reason);
    choices.push_back(std::move(co));
  }
  o["choices"] = std::move(choices);
  if (r.usage) o["usage"] = format_usage(*r.usage, storage);
  for (const auto& [k, v] : r.extensions) o[k] = v;
  return json::serialize(o);
}

core::Result<core::ChatChunk> parse_chunk(std::string_view data, Kind kind) {
  JsonScratch scratch;
  auto obj = parse_upstream_object(data, "stream chunk", scratch.storage());
  if (!obj) return obj.error();
  if (auto* err = field(*obj, "error"); err && err->is_object()) {
    auto e = Error::upstream("The upstream reported an error mid-stream.");
    e.upstream_message = string_or(err->get_object(), "message");
    return e;
  }
  core::ChatChunk c;
  copy_header_fields(*obj, c.id, c.model, c.created, c.extensions, {"choices", "usage", "object"});
  if (auto* choices = field(*obj, "choices"); choices && choices->is_array()) {
    for (const auto& item : choices->get_array()) {
      if (!item.is_object()) return Error::upstream("The upstream sent a malformed stream choice.");
      const auto& co = item.get_object();
      core::ChunkChoice cc;
      cc.index = static_cast<int>(int_or(co, "index"));
      cc.finish_reason = string_or(co, "finish_reason");
      for (const auto& [key, value] : co) {
        if (key != "index" && key != "finish_reason" && key != "delta" && key != "text") cc.extensions[key] = value;
      }
      if (kind == Kind::completion) {
        if (auto* t = field(co, "text"); t && t->is_string()) {
          cc.content = std::string(t->get_string());
          cc.has_content = true;
        }
      } else if (auto* delta = field(co, "delta"); delta && delta->is_object()) {
        for (const auto& [key, value] : delta->get_object()) {
          if (key == "role" && value.is_string()) {
            cc.role = std::string(value.get_string());
          } else if (key == "content") {
            if (value.is_string()) {
              cc.content = std::string(value.get_string());
              cc.has_content = true;
            }
          } else if (key == "tool_calls" && value.is_array()) {
            for (const auto& tc : value.get_array()) {
              if (!tc.is_object()) continue;
              const auto& to = tc.get_object();
              core::ToolCallDelta d;
              d.index = static_cast<int>(int_or(to, "index"));
              d.id = string_or(to, "id");
              if (auto* fn = field(to, "function"); fn && fn->is_object()) {
                d.name = string_or(fn->get_object(), "name");
                if (auto* a = field(fn->get_object(), "arguments"); a && a->is_string()) {
                  d.arguments = std::string(a->get_string());
                  d.has_arguments = true;
                }
              }
              cc.tool_calls.push_back(std::move(d));
            }
          } else {
            cc.delta_extensions[key] = value;
          }
        }
      }
      c.choices.push_back(std::move(cc));
    }
  }
  if (auto* u = field(*obj, "usage"); u && u->is_object()) c.usage = parse_usage(u->get_object());
  return c;
}

std::string format_chunk(const core::ChatChunk& c, Kind kind) {
  JsonScratch scratch;  // as in format_response: a tree that only lives to be serialized
  auto storage = scratch.storage();
  json::object o(storage);
  o["id"] = c.id;
  o["object"] = kind == Kind::completion ? "text_completion" : "chat.completion.chunk";
  o["created"] = c.created;
  o["model"] = c.model;
  json::array choices(storage);
  for (const auto& cc : c.choices) {
    json::object co(storage);
    co["index"] = cc.index;
    if (kind == Kind::completion) {
      co["text"] = cc.content;
    } else {
      json::object delta(storage);
      if (!cc.role.empty()) delta["role"] = cc.role;
      if (cc.has_content) delta["content"] = cc.content;
      if (!cc.tool_calls.empty()) {
        json::array calls(storage);
        for (const auto& d : cc.tool_calls) {
          json::object call(storage);
          call["index"] = d.index;
          if (!d.id.empty()) {
            call["id"] = d.id;
            call["type"] = "function";
          }
          json::object fn(storage);
          if (!d.name.empty()) fn["name"] = d.name;
          if (d.has_arguments) fn["arguments"] = d.arguments;
          call["function"] = std::move(fn);
          calls.push_back(std::move(call));
        }
        delta["tool_calls"] = std::move(calls);
      }
      for (const auto& [k, v] : cc.delta_extensions) delta[k] = v;
      co["delta"] = std::move(delta);
    }
    for (const auto& [k, v] : cc.extensions) co[k] = v;
    put_string_or_null(co, "finish_reason", cc.finish_reason);
    choices.push_back(std::move(co));
  }
  o["choices"] = std::move(choices);
  if (c.usage) o["usage"] = format_usage(*c.usage, storage);
  for (const auto& [k, v] : c.extensions) o[k] = v;
  return json::serialize(o);
}

}  // namespace sy::wire::openai
