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

std::vector<ChatChunk> as_chunks(ChatResponse answer) {
  std::vector<ChatChunk> out;
  out.reserve(answer.choices.size() + 1);
  auto head = [&answer, &out] {
    ChatChunk c;
    c.id = answer.id;
    c.model = answer.model;
    c.created = answer.created;
    if (out.empty()) c.extensions = std::move(answer.extensions);
    return c;
  };
  for (auto& choice : answer.choices) {
    auto c = head();
    ChunkChoice cc;
    cc.index = choice.index;
    cc.role = std::move(choice.message.role);
    auto& m = choice.message;
    cc.has_content = !m.content_is_null && !(m.parts.empty() && !m.tool_calls.empty());
    cc.content = m.parts.size() == 1 && m.parts[0].kind == ContentPart::Kind::text ? std::move(m.parts[0].text) : m.text();
    cc.tool_calls.reserve(m.tool_calls.size());
    for (size_t i = 0; i < m.tool_calls.size(); ++i) {
      auto& call = m.tool_calls[i];
      cc.tool_calls.push_back({static_cast<int>(i), std::move(call.id), std::move(call.name), std::move(call.arguments), true});
    }
    cc.finish_reason = std::move(choice.finish_reason);
    cc.delta_extensions = std::move(m.extensions);
    cc.extensions = std::move(choice.extensions);
    c.choices.push_back(std::move(cc));
    out.push_back(std::move(c));
  }
  if (answer.usage || answer.choices.empty()) {
    auto u = head();
    u.usage = std::move(answer.usage);
    out.push_back(std::move(u));
  }
  return out;
}

void AnswerCollector::add(ChatChunk chunk) {
  if (!has_head_ || head_.id.empty()) head_.id = std::move(chunk.id);
  if (!has_head_ || head_.model.empty()) head_.model = std::move(chunk.model);
  if (!has_head_ || head_.created == 0) head_.created = chunk.created;
  if (!chunk.extensions.empty()) {
    if (head_.extensions.empty()) head_.extensions = std::move(chunk.extensions);
    else merge(head_.extensions, chunk.extensions);
  }
  has_head_ = true;
  if (chunk.usage) head_.usage = std::move(chunk.usage);
  for (auto& cc : chunk.choices) {
    auto& p = choices_[cc.index];
    p.choice.index = cc.index;
    if (!cc.role.empty() && p.choice.message.role.empty()) p.choice.message.role = std::move(cc.role);
    if (cc.has_content) {
      if (p.text.empty()) p.text = std::move(cc.content);
      else p.text += cc.content;
      p.has_text = true;
    }
    for (auto& d : cc.tool_calls) {
      auto& call = p.tool_calls[d.index];
      if (!d.id.empty()) call.id = std::move(d.id);
      if (!d.name.empty()) call.name = std::move(d.name);
      call.arguments += d.arguments;
    }
    if (!cc.finish_reason.empty()) p.choice.finish_reason = std::move(cc.finish_reason);
    if (!cc.delta_extensions.empty()) merge(p.choice.message.extensions, cc.delta_extensions);
    if (!cc.extensions.empty()) merge(p.choice.extensions, cc.extensions);
  }
}

ChatResponse AnswerCollector::take() {
  ChatResponse r = std::move(head_);
  for (auto& [index, p] : choices_) {
    Choice c = std::move(p.choice);
    if (c.message.role.empty()) c.message.role = "assistant";
    if (p.has_text) {
      ContentPart part;
      part.text = std::move(p.text);
      c.message.parts.push_back(std::move(part));
    }
    c.message.content_is_null = !p.has_text;
    for (auto& [i, call] : p.tool_calls) c.message.tool_calls.push_back(std::move(call));
    r.choices.push_back(std::move(c));
  }
  clear();
  return r;
}

bool AnswerCollector::empty() const {
  for (const auto& [index, p] : choices_) {
    if (!p.text.empty() || !p.tool_calls.empty()) return false;
  }
  return true;
}

}  // namespace sy::core
