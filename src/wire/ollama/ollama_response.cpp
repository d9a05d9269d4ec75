#include "wire/ollama/ollama_response.h"

#include <chrono>
#include <cstdio>
#include <ctime>

#include <boost/json.hpp>

namespace sy::wire::ollama {

namespace json = boost::json;

std::string done_reason_of(const std::string& finish_reason) {
  if (finish_reason == "length") return "length";
  return "stop";
}

std::string created_at_now() { return rfc3339(std::chrono::system_clock::now()); }

std::string rfc3339(std::chrono::system_clock::time_point t) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(us / 1'000'000);
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char buf[64];  // room for any int year: GCC checks the widest the fields can print
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<long long>(us % 1'000'000));
  return buf;
}

namespace {

// Ollama's arguments are an object; text that is not one (a model's broken JSON) cannot be shown
// as it is, so it becomes an empty object.
json::value arguments_object(const std::string& arguments) {
  boost::system::error_code ec;
  auto v = json::parse(arguments, ec);
  if (ec || !v.is_object()) return json::object{};
  return v;
}

json::object tool_call_json(const core::ToolCall& call, int index) {
  json::object fn{{"index", index}, {"name", call.name}, {"arguments", arguments_object(call.arguments)}};
  json::object o;
  if (!call.id.empty()) o["id"] = call.id;
  o["function"] = std::move(fn);
  return o;
}

json::object head(const std::string& model) { return json::object{{"model", model}, {"created_at", created_at_now()}}; }

void put_text(json::object& o, AnswerShape shape, const std::string& text, json::array tool_calls) {
  if (shape == AnswerShape::generate) {
    o["response"] = text;
    return;
  }
  json::object message{{"role", "assistant"}, {"content", text}};
  if (!tool_calls.empty()) message["tool_calls"] = std::move(tool_calls);
  o["message"] = std::move(message);
}

void put_totals(json::object& o, const std::string& finish_reason, const core::Usage& usage, const Timings& t) {
  o["done"] = true;
  o["done_reason"] = done_reason_of(finish_reason);
  o["total_duration"] = t.total_ns;
  o["load_duration"] = 0;
  o["prompt_eval_count"] = usage.prompt_tokens;
  o["prompt_eval_duration"] = t.prompt_eval_ns;
  o["eval_count"] = usage.completion_tokens;
  o["eval_duration"] = t.eval_ns;
}

}  // namespace

std::string format_response(const core::ChatResponse& r, AnswerShape shape, const std::string& model, const Timings& t) {
  auto o = head(model);
  std::string text;
  json::array calls;
  std::string finish;
  if (!r.choices.empty()) {
    const auto& c = r.choices.front();  // Ollama answers have one
    text = c.message.text();
    for (size_t i = 0; i < c.message.tool_calls.size(); ++i) calls.push_back(tool_call_json(c.message.tool_calls[i], static_cast<int>(i)));
    finish = c.finish_reason;
  }
  put_text(o, shape, text, std::move(calls));
  put_totals(o, finish, r.usage.value_or(core::Usage{}), t);
  return json::serialize(o);
}

std::string format_embed(const std::string& model, const std::vector<std::vector<float>>& vectors, int64_t prompt_tokens,
                         int64_t total_ns) {
  json::array embeddings;
  for (const auto& v : vectors) {
    json::array values;
    values.reserve(v.size());
    for (float f : v) values.emplace_back(static_cast<double>(f));
    embeddings.push_back(std::move(values));
  }
  return json::serialize(json::object{{"model", model},
                                      {"embeddings", std::move(embeddings)},
                                      {"total_duration", total_ns},
                                      {"load_duration", 0},
                                      {"prompt_eval_count", prompt_tokens}});
}

std::string format_error(const core::Error& e) { return json::serialize(json::object{{"error", e.message}}); }

std::string StreamEncoder::line(const std::string& text, json::array tool_calls) const {
  auto o = head(model_);
  put_text(o, shape_, text, std::move(tool_calls));
  o["done"] = false;
  return json::serialize(o) + "\n";
}

std::string StreamEncoder::flush_tool_calls() {
  if (pending_calls_.empty()) return {};
  json::array calls;
  for (const auto& [index, call] : pending_calls_) calls.push_back(tool_call_json(call, calls_written_++));
  pending_calls_.clear();
  return line("", std::move(calls));
}

std::string StreamEncoder::chunk(const core::ChatChunk& c) {
  std::string out;
  if (c.usage) usage_ = *c.usage;
  for (const auto& choice : c.choices) {
    if (choice.index != 0) continue;  // one answer per request
    if (choice.has_content && !choice.content.empty()) out += line(choice.content);
    for (const auto& d : choice.tool_calls) {
      auto& call = pending_calls_[d.index];
      if (!d.id.empty()) call.id = d.id;
      if (!d.name.empty()) call.name = d.name;
      if (d.has_arguments) call.arguments += d.arguments;
    }
    if (!choice.finish_reason.empty()) {
      finish_reason_ = choice.finish_reason;
      out += flush_tool_calls();
    }
  }
  return out;
}

std::string StreamEncoder::done(const Timings& t) {
  std::string out = flush_tool_calls();
  auto o = head(model_);
  put_text(o, shape_, "", {});
  put_totals(o, finish_reason_, usage_, t);
  out += json::serialize(o) + "\n";
  return out;
}

std::string StreamEncoder::error(const core::Error& e) { return format_error(e) + "\n"; }

}  // namespace sy::wire::ollama
