#include "wire/anthropic/messages_upstream.h"

#include <algorithm>
#include <charconv>
#include <ctime>

#include <boost/json.hpp>

#include "wire/json_fields.h"
#include "wire/error_text.h"

namespace sy::wire::anthropic {

namespace json = boost::json;
using wire::field;
using wire::has_non_finite_number;
using wire::int_or;
using wire::string_or;
using core::Error;

namespace {

json::object text_block(std::string text) { return json::object{{"type", "text"}, {"text", std::move(text)}}; }

// data:image/png;base64,AAAA -> a base64 source; anything else (https:) -> a url source.
json::object image_block(const core::ContentPart& p) {
  std::string_view url = p.url;
  json::object source;
  if (url.starts_with("data:")) {
    auto comma = url.find(',');
    auto meta = url.substr(5, comma == std::string_view::npos ? std::string_view::npos : comma - 5);
    source["type"] = "base64";
    source["media_type"] = std::string(meta.substr(0, meta.find(';')));
    source["data"] = comma == std::string_view::npos ? std::string() : std::string(url.substr(comma + 1));
  } else {
    source["type"] = "url";
    source["url"] = p.url;
  }
  return json::object{{"type", "image"}, {"source", std::move(source)}};
}

// A tool call's arguments (JSON text) as the object Anthropic's tool_use.input wants.
json::value tool_input(const std::string& arguments) {
  if (arguments.empty()) return json::object{};
  boost::system::error_code ec;
  auto v = json::parse(arguments, ec);
  if (ec || !v.is_object() || has_non_finite_number(v)) return json::object{};
  return v;
}

// One Anthropic turn under construction. Consecutive messages of the same role merge into one.
struct Turn {
  std::string role;
  json::array blocks;
  int sources = 0;          // messages merged into this turn
  bool plain_text = false;  // the one source message had string content
};

void add_parts(json::array& blocks, const core::Message& m, bool keep_empty) {
  for (const auto& p : m.parts) {
    if (p.kind == core::ContentPart::Kind::image_url) blocks.push_back(image_block(p));
    else if (!p.text.empty() || keep_empty) blocks.push_back(text_block(p.text));
  }
}

json::value tool_result_content(const core::Message& m) {
  bool images = std::any_of(m.parts.begin(), m.parts.end(),
                            [](const auto& p) { return p.kind == core::ContentPart::Kind::image_url; });
  if (!images) return json::value(m.text());
  json::array blocks;
  add_parts(blocks, m, false);
  return blocks;
}

std::string json_instruction(const core::Extensions& ext) {
  auto* rf = ext.if_contains("response_format");
  if (!rf || !rf->is_object()) return {};
  auto type = string_or(rf->get_object(), "type");
  if (type == "json_object") return "Respond with a single valid JSON object and nothing else.";
  if (type == "json_schema") {
    std::string text = "Respond with a single valid JSON object and nothing else";
    if (auto* js = field(rf->get_object(), "json_schema"); js && js->is_object()) {
      if (auto* schema = field(js->get_object(), "schema")) {
        text += ". It must conform to this JSON schema: " + json::serialize(*schema);
      }
    }
    return text;
  }
  return {};
}

json::array tools_of(const json::array& tools) {
  json::array out;
  for (const auto& t : tools) {
    if (!t.is_object()) continue;
    auto* fn = field(t.get_object(), "function");
    if (!fn || !fn->is_object()) continue;  // only function tools translate
    const auto& f = fn->get_object();
    json::object tool{{"name", string_or(f, "name")}};
    if (auto d = string_or(f, "description"); !d.empty()) tool["description"] = d;
    auto* params = field(f, "parameters");
    tool["input_schema"] = params && params->is_object() ? *params : json::value(json::object{{"type", "object"}, {"properties", json::object{}}});
    out.push_back(std::move(tool));
  }
  return out;
}

std::optional<json::object> tool_choice_of(const core::Extensions& ext) {
  std::optional<json::object> choice;
  if (auto* tc = ext.if_contains("tool_choice")) {
    if (tc->is_string()) {
      auto s = tc->get_string();
      if (s == "none") choice = json::object{{"type", "none"}};
      else if (s == "required") choice = json::object{{"type", "any"}};
      else choice = json::object{{"type", "auto"}};
    } else if (tc->is_object()) {
      auto* fn = field(tc->get_object(), "function");
      if (fn && fn->is_object()) choice = json::object{{"type", "tool"}, {"name", string_or(fn->get_object(), "name")}};
    }
  }
  if (auto* p = ext.if_contains("parallel_tool_calls"); p && p->is_bool() && !p->get_bool()) {
    if (!choice) choice = json::object{{"type", "auto"}};
    if ((*choice)["type"] != "none") (*choice)["disable_parallel_tool_use"] = true;
  }
  return choice;
}

}  // namespace

json::object format_request(const core::ChatRequest& r, const std::string& upstream_model) {
  json::object o;
  o["model"] = upstream_model;
  std::vector<std::string> system;
  std::vector<Turn> turns;
  auto turn_for = [&](const std::string& role) -> Turn& {
    if (turns.empty() || turns.back().role != role) turns.push_back(Turn{role, {}, 0, false});
    return turns.back();
  };
  std::vector<core::Message> prompt_only;
  if (r.kind == core::ChatRequest::Kind::completion) {
    core::Message m;
    m.role = "user";
    m.parts.push_back({core::ContentPart::Kind::text, r.prompt, {}, {}});
    prompt_only.push_back(std::move(m));
  }
  const auto& messages = r.kind == core::ChatRequest::Kind::completion ? prompt_only : r.messages;
  for (const auto& m : messages) {
    if (m.role == "system" || m.role == "developer") {
      if (auto t = m.text(); !t.empty()) system.push_back(std::move(t));
    } else if (m.role == "tool" || m.role == "function") {
      auto& turn = turn_for("user");
      json::object result{{"type", "tool_result"}, {"tool_use_id", m.tool_call_id.empty() ? m.name : m.tool_call_id}};
      result["content"] = tool_result_content(m);
      turn.blocks.push_back(std::move(result));
      ++turn.sources;
    } else if (m.role == "assistant") {
      json::array blocks;
      add_parts(blocks, m, false);
      for (const auto& call : m.tool_calls) {
        blocks.push_back(json::object{{"type", "tool_use"}, {"id", call.id}, {"name", call.name}, {"input", tool_input(call.arguments)}});
      }
      if (blocks.empty()) continue;  // Anthropic refuses empty turns; an empty assistant message says nothing
      auto& turn = turn_for("assistant");
      for (auto& b : blocks) turn.blocks.push_back(std::move(b));
      turn.plain_text = ++turn.sources == 1 && !m.content_is_parts && m.tool_calls.empty();
    } else {  // user, and any role Anthropic lacks
      auto& turn = turn_for("user");
      add_parts(turn.blocks, m, !m.content_is_parts);
      turn.plain_text = ++turn.sources == 1 && !m.content_is_parts;
    }
  }
  if (auto j = json_instruction(r.extensions); !j.empty()) system.push_back(std::move(j));
  if (system.size() == 1) {
    o["system"] = system.front();
  } else if (!system.empty()) {
    json::array blocks;
    for (auto& s : system) blocks.push_back(text_block(std::move(s)));
    o["system"] = std::move(blocks);
  }
  json::array out;
  for (auto& t : turns) {
    json::object msg{{"role", t.role}};
    if (t.sources == 1 && t.plain_text && t.blocks.size() == 1) msg["content"] = t.blocks[0].get_object()["text"];
    else msg["content"] = std::move(t.blocks);
    out.push_back(std::move(msg));
  }
  o["messages"] = std::move(out);
  o["max_tokens"] = r.max_tokens.value_or(kDefaultMaxTokens);
  if (!r.stop.empty()) o["stop_sequences"] = json::array(r.stop.begin(), r.stop.end());
  if (r.temperature) o["temperature"] = std::clamp(*r.temperature, 0.0, 1.0);
  if (r.top_p) o["top_p"] = *r.top_p;
  if (auto* tools = r.extensions.if_contains("tools"); tools && tools->is_array()) {
    auto translated = tools_of(tools->get_array());
    if (!translated.empty()) {
      o["tools"] = std::move(translated);
      if (auto choice = tool_choice_of(r.extensions)) o["tool_choice"] = std::move(*choice);
    }
  }
  if (auto* user = r.extensions.if_contains("user"); user && user->is_string() && !user->get_string().empty()) {
    o["metadata"] = json::object{{"user_id", *user}};
  }
  if (r.stream) o["stream"] = true;
  return o;
}

std::string finish_reason_of(std::string_view stop_reason) {
  if (stop_reason.empty()) return {};
  if (stop_reason == "max_tokens" || stop_reason == "model_context_window_exceeded") return "length";
  if (stop_reason == "tool_use") return "tool_calls";
  if (stop_reason == "refusal") return "content_filter";
  return "stop";  // end_turn, stop_sequence, pause_turn
}

core::Usage usage_of(const json::object& u) {
  auto count = [&](std::string_view key) { return std::clamp<int64_t>(int_or(u, key), 0, int64_t{1} << 50); };
  core::Usage usage;
  usage.cached_tokens = count("cache_read_input_tokens");
  usage.prompt_tokens = count("input_tokens") + usage.cached_tokens + count("cache_creation_input_tokens");
  usage.completion_tokens = count("output_tokens");
  return usage;
}

core::Result<core::ChatResponse> parse_response(std::string_view body) {
  wire::JsonScratch scratch;
  boost::system::error_code ec;
  auto v = json::parse(body, ec, scratch.storage());
  if (ec || !v.is_object() || has_non_finite_number(v)) {
    return Error::upstream("The upstream returned a malformed response (not a JSON object).");
  }
  const auto& o = v.get_object();
  auto* content = field(o, "content");
  if (!content || !content->is_array()) return Error::upstream("The upstream response has no 'content' array.");
  core::ChatResponse r;
  r.id = string_or(o, "id");
  r.model = string_or(o, "model");
  r.created = static_cast<int64_t>(std::time(nullptr));
  core::Choice choice;
  choice.message.role = "assistant";
  std::string text;
  bool any_text = false;
  for (const auto& b : content->get_array()) {
    if (!b.is_object()) return Error::upstream("The upstream response has a malformed content block.");
    const auto& block = b.get_object();
    auto type = string_or(block, "type");
    if (type == "text") {
      text += string_or(block, "text");
      any_text = true;
    } else if (type == "tool_use") {
      core::ToolCall call;
      call.id = string_or(block, "id");
      call.name = string_or(block, "name");
      auto* input = field(block, "input");
      call.arguments = input ? json::serialize(*input) : "{}";
      choice.message.tool_calls.push_back(std::move(call));
    }
  }
  if (any_text || choice.message.tool_calls.empty()) {
    choice.message.parts.push_back({core::ContentPart::Kind::text, std::move(text), {}, {}});
  } else {
    choice.message.content_is_null = true;  // tool calls only, as OpenAI says it
  }
  choice.finish_reason = finish_reason_of(string_or(o, "stop_reason"));
  r.choices.push_back(std::move(choice));
  if (auto* u = field(o, "usage"); u && u->is_object()) r.usage = usage_of(u->get_object());
  return r;
}

// {"type":"error","error":{"type","message"}} -> (type, message); empty when not that shape.
std::pair<std::string, std::string> error_fields(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  auto* err = field(v.get_object(), "error");
  if (!err || !err->is_object()) return {};
  return {string_or(err->get_object(), "type"), clip_message(string_or(err->get_object(), "message"))};
}

core::Error stream_error_of(std::string_view data) {
  auto [type, message] = error_fields(data);
  if (type == "overloaded_error") {
    auto e = Error::unavailable("The upstream is overloaded.");
    e.code = "upstream_overloaded";
    e.upstream_message = message;
    return e;
  }
  if (type == "rate_limit_error") return Error::rate_limited("The upstream is rate limiting requests; retry later.", std::nullopt);
  auto e = Error::upstream("The upstream reported an error mid-stream (" + error_code_or(type, "unknown error") + ").");
  e.upstream_message = message;
  return e;
}

core::ChatChunk StreamDecoder::make_chunk() const {
  core::ChatChunk c;
  c.id = id_;
  c.model = model_;
  c.created = created_;
  return c;
}

core::Result<std::vector<core::ChatChunk>> StreamDecoder::on_event(std::string_view event, std::string_view data) {
  std::vector<core::ChatChunk> out;
  if (event == "ping") return out;
  if (event == "error") return stream_error_of(data);
  wire::JsonScratch scratch;
  boost::system::error_code ec;
  auto v = json::parse(data, ec, scratch.storage());
  if (ec || !v.is_object() || has_non_finite_number(v)) return Error::upstream("The upstream sent a malformed stream event.");
  const auto& o = v.get_object();
  std::string type = string_or(o, "type", std::string(event));
  if (type == "error") return stream_error_of(data);
  auto text_chunk = [&](std::string text) {
    auto c = make_chunk();
    core::ChunkChoice choice;
    choice.content = std::move(text);
    choice.has_content = true;
    c.choices.push_back(std::move(choice));
    out.push_back(std::move(c));
  };
  auto tool_chunk = [&](core::ToolCallDelta d) {
    auto c = make_chunk();
    core::ChunkChoice choice;
    choice.tool_calls.push_back(std::move(d));
    c.choices.push_back(std::move(choice));
    out.push_back(std::move(c));
  };
  if (type == "message_start") {
    created_ = static_cast<int64_t>(std::time(nullptr));
    if (auto* m = field(o, "message"); m && m->is_object()) {
      const auto& msg = m->get_object();
      id_ = string_or(msg, "id");
      if (auto model = string_or(msg, "model"); !model.empty()) model_ = std::move(model);
      if (auto* u = field(msg, "usage"); u && u->is_object()) {
        for (const auto& [k, val] : u->get_object()) usage_raw_[k] = val;
        has_usage_ = true;
      }
    }
    auto c = make_chunk();
    core::ChunkChoice choice;
    choice.role = "assistant";
    choice.has_content = true;
    c.choices.push_back(std::move(choice));
    out.push_back(std::move(c));
  } else if (type == "content_block_start") {
    auto index = int_or(o, "index");
    auto* b = field(o, "content_block");
    if (!b || !b->is_object()) return out;
    const auto& block = b->get_object();
    auto kind = string_or(block, "type");
    if (kind == "text") {
      if (auto t = string_or(block, "text"); !t.empty()) text_chunk(std::move(t));
    } else if (kind == "tool_use") {
      int k = next_tool_++;
      tool_index_[index] = k;
      core::ToolCallDelta d;
      d.index = k;
      d.id = string_or(block, "id");
      d.name = string_or(block, "name");
      d.has_arguments = true;
      // Streamed tool_use blocks start with an empty input and send it as input_json_delta.
      if (auto* in = field(block, "input"); in && in->is_object() && !in->get_object().empty()) {
        d.arguments = json::serialize(*in);
      }
      tool_chunk(std::move(d));
    }
  } else if (type == "content_block_delta") {
    auto* d = field(o, "delta");
    if (!d || !d->is_object()) return out;
    const auto& delta = d->get_object();
    auto kind = string_or(delta, "type");
    if (kind == "text_delta") {
      text_chunk(string_or(delta, "text"));
    } else if (kind == "input_json_delta") {
      auto it = tool_index_.find(int_or(o, "index"));
      auto fragment = string_or(delta, "partial_json");
      if (it != tool_index_.end() && !fragment.empty()) {
        core::ToolCallDelta td;
        td.index = it->second;
        td.arguments = std::move(fragment);
        td.has_arguments = true;
        tool_chunk(std::move(td));
      }
    }
    // thinking_delta, signature_delta, citations_delta: not part of the OpenAI answer.
  } else if (type == "message_delta") {
    if (auto* u = field(o, "usage"); u && u->is_object()) {
      for (const auto& [k, val] : u->get_object()) {
        if (!val.is_null()) usage_raw_[k] = val;
      }
      has_usage_ = true;
    }
    auto* d = field(o, "delta");
    auto stop = d && d->is_object() ? string_or(d->get_object(), "stop_reason") : std::string();
    if (!stop.empty()) {
      auto c = make_chunk();
      core::ChunkChoice choice;
      choice.finish_reason = finish_reason_of(stop);
      c.choices.push_back(std::move(choice));
      out.push_back(std::move(c));
    }
  } else if (type == "message_stop") {
    finished_ = true;
    if (has_usage_) {
      auto c = make_chunk();
      c.usage = usage_of(usage_raw_);
      out.push_back(std::move(c));
    }
  }
  // content_block_stop, and event types added later: nothing to say.
  return out;
}

}  // namespace sy::wire::anthropic
