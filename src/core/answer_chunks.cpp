#include "core/answer_chunks.h"

namespace sy::core {

namespace {

// Streamed extensions come in pieces: log probabilities as arrays to append; anything else as
// values where the last one given wins.
void merge(Extensions& into, const Extensions& from) {
  for (const auto& kv : from) {
    auto* existing = into.if_contains(kv.key());
    if (existing && existing->is_object() && kv.value().is_object()) {
      auto& target = existing->as_object();
      for (const auto& inner : kv.value().as_object()) {
        auto* have = target.if_contains(inner.key());
        if (have && have->is_array() && inner.value().is_array()) {
          for (const auto& item : inner.value().as_array()) have->as_array().push_back(item);
        } else {
          target[inner.key()] = inner.value();
        }
      }
    } else {
      into[kv.key()] = kv.value();
    }
  }
}

}  // namespace

std::vector<ChatChunk> as_chunks(const ChatResponse& answer) {
  std::vector<ChatChunk> out;
  for (const auto& choice : answer.choices) {
    ChatChunk c;
    c.id = answer.id;
    c.model = answer.model;
    c.created = answer.created;
    c.extensions = answer.extensions;
    ChunkChoice cc;
    cc.index = choice.index;
    cc.role = choice.message.role;
    cc.has_content = !choice.message.content_is_null && !(choice.message.parts.empty() && !choice.message.tool_calls.empty());
    cc.content = choice.message.text();
    for (size_t i = 0; i < choice.message.tool_calls.size(); ++i) {
      const auto& call = choice.message.tool_calls[i];
      ToolCallDelta d;
      d.index = static_cast<int>(i);
      d.id = call.id;
      d.name = call.name;
      d.arguments = call.arguments;
      d.has_arguments = true;
      cc.tool_calls.push_back(std::move(d));
    }
    cc.finish_reason = choice.finish_reason;
    cc.delta_extensions = choice.message.extensions;
    cc.extensions = choice.extensions;
    c.choices.push_back(std::move(cc));
    out.push_back(std::move(c));
  }
  if (answer.usage || answer.choices.empty()) {
    ChatChunk u;
    u.id = answer.id;
    u.model = answer.model;
    u.created = answer.created;
    u.extensions = answer.extensions;
    u.usage = answer.usage;
    out.push_back(std::move(u));
  }
  return out;
}

void AnswerCollector::add(const ChatChunk& chunk) {
  if (!has_head_ || head_.id.empty()) head_.id = chunk.id;
  if (!has_head_ || head_.model.empty()) head_.model = chunk.model;
  if (!has_head_ || head_.created == 0) head_.created = chunk.created;
  has_head_ = true;
  merge(head_.extensions, chunk.extensions);
  if (chunk.usage) head_.usage = chunk.usage;
  for (const auto& cc : chunk.choices) {
    auto& p = choices_[cc.index];
    p.choice.index = cc.index;
    if (!cc.role.empty() && p.choice.message.role.empty()) p.choice.message.role = cc.role;
    if (cc.has_content) {
      p.text += cc.content;
      p.has_text = true;
    }
    for (const auto& d : cc.tool_calls) {
      auto& call = p.tool_calls[d.index];
      if (!d.id.empty()) call.id = d.id;
      if (!d.name.empty()) call.name = d.name;
      call.arguments += d.arguments;
    }
    if (!cc.finish_reason.empty()) p.choice.finish_reason = cc.finish_reason;
    merge(p.choice.message.extensions, cc.delta_extensions);
    merge(p.choice.extensions, cc.extensions);
  }
}

ChatResponse AnswerCollector::answer() const {
  ChatResponse r = head_;
  for (const auto& [index, p] : choices_) {
    Choice c = p.choice;
    if (c.message.role.empty()) c.message.role = "assistant";
    if (p.has_text) {
      ContentPart part;
      part.text = p.text;
      c.message.parts.push_back(std::move(part));
    }
    c.message.content_is_null = !p.has_text;
    for (const auto& [i, call] : p.tool_calls) c.message.tool_calls.push_back(call);
    r.choices.push_back(std::move(c));
  }
  return r;
}

bool AnswerCollector::empty() const {
  for (const auto& [index, p] : choices_) {
    if (!p.text.empty() || !p.tool_calls.empty()) return false;
  }
  return true;
}

}  // namespace sy::core
