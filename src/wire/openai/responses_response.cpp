#include "wire/openai/responses_response.h"

#include <algorithm>

#include <boost/json.hpp>

#include "http/sse.h"
#include "wire/json_fields.h"

namespace sy::wire::openai {

namespace {

std::string id_suffix(const std::string& response_id) {
  std::string_view s = response_id;
  if (s.starts_with("resp_")) s.remove_prefix(5);
  return std::string(s);
}

std::string message_item_id(const std::string& response_id, size_t n) {
  return "msg_" + id_suffix(response_id) + (n ? "_" + std::to_string(n) : "");
}

std::string call_item_id(const std::string& response_id, size_t n) {
  return "fc_" + id_suffix(response_id) + "_" + std::to_string(n);
}

// Upstreams name their calls (call_...); a call without a name gets one from its item.
std::string call_id_or(const std::string& id, const std::string& item_id) {
  return id.empty() ? "call_" + item_id.substr(3) : id;
}

json::object usage_object(const std::optional<core::Usage>& usage) {
  core::Usage u = usage.value_or(core::Usage{});
  int64_t reasoning = 0;
  if (auto* d = u.extensions.if_contains("completion_tokens_details"); d && d->is_object()) {
    if (auto* r = d->get_object().if_contains("reasoning_tokens")) reasoning = integer_of(*r).value_or(0);
  }
  return json::object{{"input_tokens", u.prompt_tokens},
                      {"input_tokens_details", json::object{{"cached_tokens", u.cached_tokens}}},
                      {"output_tokens", u.completion_tokens},
                      {"output_tokens_details", json::object{{"reasoning_tokens", reasoning}}},
                      {"total_tokens", u.total()}};
}

json::object text_part(const std::string& text) {
  return json::object{{"type", "output_text"}, {"text", text}, {"annotations", json::array{}}, {"logprobs", json::array{}}};
}

json::object item_object(const OutputItem& item, const char* status) {
  if (item.kind == OutputItem::Kind::function_call) {
    return json::object{{"type", "function_call"}, {"id", item.id},       {"call_id", item.call_id},
                        {"name", item.name},       {"arguments", item.arguments}, {"status", status}};
  }
  json::array content;
  if (std::string_view(status) == "completed") content.push_back(text_part(item.text));
  return json::object{{"type", "message"}, {"id", item.id}, {"status", status}, {"role", "assistant"}, {"content", std::move(content)}};
}

// completed | incomplete (and why), from the chat finish reason.
std::pair<const char*, const char*> status_of(const std::string& finish_reason) {
  if (finish_reason == "length") return {"incomplete", "max_output_tokens"};
  if (finish_reason == "content_filter") return {"incomplete", "content_filter"};
  return {"completed", nullptr};
}

json::value echoed(const ResponseHead& head, std::string_view key, json::value fallback) {
  auto* v = head.echo.if_contains(key);
  return v ? *v : fallback;
}

}  // namespace

core::Message ResponseOutput::as_message() const {
  core::Message m;
  m.role = "assistant";
  for (const auto& item : items) {
    if (item.kind == OutputItem::Kind::message) {
      m.parts.push_back({core::ContentPart::Kind::text, item.text, {}, {}});
    } else {
      m.tool_calls.push_back({item.call_id, item.name, item.arguments});
    }
  }
  if (m.parts.size() > 1) m.parts = {{core::ContentPart::Kind::text, m.text(), {}, {}}};
  m.content_is_null = m.parts.empty();
  return m;
}

ResponseOutput output_of(const core::ChatResponse& r, const std::string& response_id) {
  ResponseOutput out;
  out.usage = r.usage;
  if (r.choices.empty()) return out;
  const auto& c = r.choices.front();
  out.finish_reason = c.finish_reason;
  if (auto text = c.message.text(); !text.empty() || c.message.tool_calls.empty()) {
    out.items.push_back({OutputItem::Kind::message, message_item_id(response_id, 0), std::move(text), {}, {}, {}});
  }
  for (const auto& call : c.message.tool_calls) {
    OutputItem item{OutputItem::Kind::function_call, call_item_id(response_id, out.items.size()), {}, {}, call.name,
                    call.arguments};
    item.call_id = call_id_or(call.id, item.id);
    out.items.push_back(std::move(item));
  }
  return out;
}

json::object response_object(const ResponseHead& head, const ResponseOutput& output, const core::Error* error) {
  auto [status, incomplete] = status_of(output.finish_reason);
  if (error) status = "failed", incomplete = nullptr;
  json::array items;
  for (const auto& item : output.items) items.push_back(item_object(item, "completed"));
  json::object o;
  o["id"] = head.id;
  o["object"] = "response";
  o["created_at"] = head.created_at;
  o["status"] = status;
  o["background"] = false;
  o["error"] = error ? json::value(json::object{{"code", error->type.empty() ? "server_error" : error->type},
                                                {"message", error->message}})
                     : json::value(nullptr);
  o["incomplete_details"] = incomplete ? json::value(json::object{{"reason", incomplete}}) : json::value(nullptr);
  put_string_or_null(o, "instructions", head.instructions);
  o["max_output_tokens"] = echoed(head, "max_output_tokens", nullptr);
  o["metadata"] = echoed(head, "metadata", json::object{});
  o["model"] = head.model;
  o["output"] = std::move(items);
  o["parallel_tool_calls"] = echoed(head, "parallel_tool_calls", true);
  put_string_or_null(o, "previous_response_id", head.previous_response_id);
  o["reasoning"] = echoed(head, "reasoning", json::object{{"effort", nullptr}, {"summary", nullptr}});
  o["service_tier"] = echoed(head, "service_tier", "default");
  o["store"] = head.store;
  o["temperature"] = echoed(head, "temperature", 1.0);
  o["text"] = echoed(head, "text", json::object{{"format", json::object{{"type", "text"}}}});
  o["tool_choice"] = echoed(head, "tool_choice", "auto");
  o["tools"] = echoed(head, "tools", json::array{});
  o["top_p"] = echoed(head, "top_p", 1.0);
  o["truncation"] = echoed(head, "truncation", "disabled");
  o["usage"] = !error ? json::value(usage_object(output.usage)) : json::value(nullptr);
  o["user"] = echoed(head, "user", nullptr);
  return o;
}

std::string format_response(const ResponseHead& head, const ResponseOutput& output) {
  return json::serialize(response_object(head, output));
}

// ---- the stream ----------------------------------------------------------------------------

void ResponsesStreamEncoder::emit(std::string& out, const char* type, json::object event) {
  event["type"] = type;
  event["sequence_number"] = sequence_++;
  out += http::sse_event(json::serialize(event), type);
}

void ResponsesStreamEncoder::start(std::string& out) {
  started_ = true;
  auto skeleton = response_object(head_, ResponseOutput{});
  skeleton["status"] = "in_progress";
  skeleton["usage"] = nullptr;
  emit(out, "response.created", json::object{{"response", skeleton}});
  emit(out, "response.in_progress", json::object{{"response", std::move(skeleton)}});
}

void ResponsesStreamEncoder::open_text(std::string& out) {
  size_t index = output_.items.size();
  output_.items.push_back({OutputItem::Kind::message, message_item_id(head_.id, index), {}, {}, {}, {}});
  closed_.push_back(false);
  open_text_ = index;
  const auto& item = output_.items.back();
  emit(out, "response.output_item.added", json::object{{"output_index", index}, {"item", item_object(item, "in_progress")}});
  emit(out, "response.content_part.added",
       json::object{{"item_id", item.id}, {"output_index", index}, {"content_index", 0}, {"part", text_part("")}});
}

void ResponsesStreamEncoder::close_text(std::string& out) {
  if (!open_text_) return;
  close_item(*open_text_, out);
  open_text_.reset();
}

void ResponsesStreamEncoder::close_item(size_t index, std::string& out) {
  if (closed_[index]) return;
  closed_[index] = true;
  const auto& item = output_.items[index];
  if (item.kind == OutputItem::Kind::message) {
    emit(out, "response.output_text.done",
         json::object{{"item_id", item.id}, {"output_index", index}, {"content_index", 0}, {"text", item.text}, {"logprobs", json::array{}}});
    emit(out, "response.content_part.done",
         json::object{{"item_id", item.id}, {"output_index", index}, {"content_index", 0}, {"part", text_part(item.text)}});
  } else {
    emit(out, "response.function_call_arguments.done",
         json::object{{"item_id", item.id}, {"output_index", index}, {"name", item.name}, {"arguments", item.arguments}});
  }
  emit(out, "response.output_item.done", json::object{{"output_index", index}, {"item", item_object(item, "completed")}});
}

std::string ResponsesStreamEncoder::chunk(const core::ChatChunk& c) {
  std::string out;
  if (!c.model.empty() && !started_) head_.model = c.model;
  if (!started_) start(out);
  if (c.usage) output_.usage = *c.usage;
  for (const auto& choice : c.choices) {
    if (choice.index != 0) continue;  // one answer per response
    if (choice.has_content && !choice.content.empty()) {
      if (!open_text_) open_text(out);
      auto& item = output_.items[*open_text_];
      item.text += choice.content;
      emit(out, "response.output_text.delta",
           json::object{{"item_id", item.id}, {"output_index", *open_text_}, {"content_index", 0},
                        {"delta", choice.content}, {"logprobs", json::array{}}});
    }
    for (const auto& d : choice.tool_calls) {
      close_text(out);
      auto known = std::find_if(calls_.begin(), calls_.end(), [&](const auto& p) { return p.first == d.index; });
      size_t index;
      if (known == calls_.end()) {
        index = output_.items.size();
        OutputItem item{OutputItem::Kind::function_call, call_item_id(head_.id, index), {}, {}, d.name, {}};
        item.call_id = call_id_or(d.id, item.id);
        output_.items.push_back(std::move(item));
        closed_.push_back(false);
        calls_.emplace_back(d.index, index);
        emit(out, "response.output_item.added",
             json::object{{"output_index", index}, {"item", item_object(output_.items.back(), "in_progress")}});
      } else {
        index = known->second;
        if (output_.items[index].name.empty()) output_.items[index].name = d.name;
      }
      if (d.has_arguments && !d.arguments.empty()) {
        auto& item = output_.items[index];
        item.arguments += d.arguments;
        emit(out, "response.function_call_arguments.delta",
             json::object{{"item_id", item.id}, {"output_index", index}, {"delta", d.arguments}});
      }
    }
    if (!choice.finish_reason.empty()) output_.finish_reason = choice.finish_reason;
  }
  return out;
}

std::string ResponsesStreamEncoder::done() {
  std::string out;
  if (!started_) start(out);
  for (size_t i = 0; i < output_.items.size(); ++i) close_item(i, out);
  open_text_.reset();
  const char* type = std::string_view(status_of(output_.finish_reason).first) == "completed" ? "response.completed" : "response.incomplete";
  emit(out, type, json::object{{"response", response_object(head_, output_)}});
  return out;
}

std::string ResponsesStreamEncoder::error(const core::Error& e) {
  std::string out;
  if (!started_) start(out);
  emit(out, "response.failed", json::object{{"response", response_object(head_, output_, &e)}});
  return out;
}

}  // namespace sy::wire::openai
