#include "wire/anthropic/messages_response.h"

#include <boost/json.hpp>

#include "http/sse.h"

namespace sy::wire::anthropic {

namespace json = boost::json;

std::string stop_reason_of(const std::string& finish_reason) {
  if (finish_reason == "length") return "max_tokens";
  if (finish_reason == "tool_calls" || finish_reason == "function_call") return "tool_use";
  if (finish_reason == "content_filter") return "refusal";
  return "end_turn";
}

std::string message_id(const std::string& id) {
  if (id.starts_with("msg_")) return id;
  std::string_view rest = id;
  if (rest.starts_with("chatcmpl-")) rest.remove_prefix(9);
  if (rest.empty()) return "msg_switchyard";
  return "msg_" + std::string(rest);
}

json::object format_usage(const core::Usage& u) {
  int64_t cached = std::min(u.cached_tokens, u.prompt_tokens);
  return json::object{{"input_tokens", u.prompt_tokens - cached},
                      {"cache_creation_input_tokens", 0},
                      {"cache_read_input_tokens", cached},
                      {"output_tokens", u.completion_tokens}};
}

namespace {
json::value tool_input(const std::string& arguments) {
  if (arguments.empty()) return json::object{};
  boost::system::error_code ec;
  auto v = json::parse(arguments, ec);
  if (ec || !v.is_object()) return json::object{};  // Anthropic's input is always an object
  return v;
}
}  // namespace

std::string format_response(const core::ChatResponse& r, const core::ChatRequest& request) {
  json::object o;
  o["id"] = message_id(r.id);
  o["type"] = "message";
  o["role"] = "assistant";
  o["model"] = r.model.empty() ? request.model : r.model;
  json::array content;
  std::string finish;
  if (!r.choices.empty()) {
    const auto& c = r.choices.front();  // Anthropic answers have one
    finish = c.finish_reason;
    if (auto text = c.message.text(); !text.empty()) content.push_back(json::object{{"type", "text"}, {"text", text}});
    for (const auto& call : c.message.tool_calls) {
      content.push_back(json::object{{"type", "tool_use"}, {"id", call.id}, {"name", call.name}, {"input", tool_input(call.arguments)}});
    }
    if (finish.empty() && !c.message.tool_calls.empty()) finish = "tool_calls";
  }
  o["content"] = std::move(content);
  o["stop_reason"] = stop_reason_of(finish);
  o["stop_sequence"] = nullptr;
  o["usage"] = format_usage(r.usage.value_or(core::Usage{}));
  return json::serialize(o);
}

std::string error_type(const core::Error& e) {
  switch (e.status) {
    case 400: case 405: case 422: return "invalid_request_error";
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 413: return "request_too_large";
    case 429: return "rate_limit_error";
    case 503: case 529: return "overloaded_error";
    default: return e.status >= 400 && e.status < 500 ? "invalid_request_error" : "api_error";
  }
}

std::string format_error(const core::Error& e) {
  return json::serialize(json::object{{"type", "error"}, {"error", json::object{{"type", error_type(e)}, {"message", e.message}}}});
}

namespace {
void emit(std::string& out, const char* event, const json::object& data) { out += http::sse_event(json::serialize(data), event); }
}  // namespace

void StreamEncoder::start(const core::ChatChunk& c, std::string& out) {
  started_ = true;
  if (!c.model.empty()) model_ = c.model;
  json::object message{{"id", message_id(c.id)},
                       {"type", "message"},
                       {"role", "assistant"},
                       {"model", model_},
                       {"content", json::array{}},
                       {"stop_reason", nullptr},
                       {"stop_sequence", nullptr},
                       {"usage", format_usage(c.usage.value_or(core::Usage{}))}};
  emit(out, "message_start", json::object{{"type", "message_start"}, {"message", std::move(message)}});
}

void StreamEncoder::close_block(std::string& out) {
  if (open_ == Block::none) return;
  emit(out, "content_block_stop", json::object{{"type", "content_block_stop"}, {"index", open_index_}});
  open_ = Block::none;
  open_tool_ = -1;
}

void StreamEncoder::open_block(Block kind, json::object content_block, std::string& out) {
  close_block(out);
  open_ = kind;
  open_index_ = next_index_++;
  emit(out, "content_block_start",
       json::object{{"type", "content_block_start"}, {"index", open_index_}, {"content_block", std::move(content_block)}});
}

std::string StreamEncoder::chunk(const core::ChatChunk& c) {
  std::string out;
  if (!started_) start(c, out);
  if (c.usage) usage_ = *c.usage;
  for (const auto& choice : c.choices) {
    if (choice.index != 0) continue;  // one answer per message
    if (choice.has_content && !choice.content.empty()) {
      if (open_ != Block::text) open_block(Block::text, json::object{{"type", "text"}, {"text", ""}}, out);
      emit(out, "content_block_delta",
           json::object{{"type", "content_block_delta"},
                        {"index", open_index_},
                        {"delta", json::object{{"type", "text_delta"}, {"text", choice.content}}}});
    }
    for (const auto& d : choice.tool_calls) {
      if (!tool_blocks_.count(d.index)) {
        std::string id = d.id.empty() ? "toolu_" + std::to_string(d.index) : d.id;
        open_block(Block::tool,
                   json::object{{"type", "tool_use"}, {"id", id}, {"name", d.name}, {"input", json::object{}}}, out);
        open_tool_ = d.index;
        tool_blocks_[d.index] = open_index_;
      }
      // Content blocks cannot interleave: fragments of a tool call whose block was closed are
      // dropped (OpenAI-compatible hosts stream tool calls one after another).
      if (d.has_arguments && !d.arguments.empty() && open_ == Block::tool && open_tool_ == d.index) {
        emit(out, "content_block_delta",
             json::object{{"type", "content_block_delta"},
                          {"index", open_index_},
                          {"delta", json::object{{"type", "input_json_delta"}, {"partial_json", d.arguments}}}});
      }
    }
    if (!choice.finish_reason.empty()) stop_reason_ = stop_reason_of(choice.finish_reason);
  }
  return out;
}

std::string StreamEncoder::done() {
  std::string out;
  if (!started_) start(core::ChatChunk{}, out);
  close_block(out);
  if (stop_reason_.empty()) stop_reason_ = tool_blocks_.empty() ? "end_turn" : "tool_use";
  emit(out, "message_delta",
       json::object{{"type", "message_delta"},
                    {"delta", json::object{{"stop_reason", stop_reason_}, {"stop_sequence", nullptr}}},
                    {"usage", format_usage(usage_)}});
  emit(out, "message_stop", json::object{{"type", "message_stop"}});
  return out;
}

std::string StreamEncoder::error(const core::Error& e) { return http::sse_event(format_error(e), "error"); }

}  // namespace sy::wire::anthropic
