#include "pipeline/execute/attempt.h"

namespace sy::pipeline {

core::Result<Attempt> prepare_attempt(const RequestState& s, const Target& target, const privacy::Scanner* scanner) {
  Attempt a;
  const auto privacy = s.privacy.privacy;
  if (target.cloud() && privacy == router::PrivacyClass::local_only) {
    return core::Error::privacy_policy("This request contains sensitive data; it may not go to cloud target '" + target.model->name + "'.");
  }
  if (target.cloud() && privacy == router::PrivacyClass::redact) {
    if (!scanner) return core::Error::privacy_policy("No privacy scanner is running; nothing can be redacted for a cloud target.");
    auto r = redact_request(s.chat, *scanner);
    if (!r) return r.error();
    a.redacted = std::move(*r);
    a.restorer.emplace(a.redacted->redactor.mapping());
  }
  if (target.deployment && !target.deployment->parameters.empty()) {
    a.adjusted = std::make_unique<core::ChatRequest>(a.request(s.chat));
    target.deployment->parameters.apply(*a.adjusted);
  }
  return a;
}

http::awaitable<bool> AttemptSink::on_chunk(core::ChatChunk chunk) {
  if (restorer_) {
    for (auto& c : chunk.choices) {
      if (c.has_content) c.content = restorer_->push(c.content);
      if (!c.finish_reason.empty()) {
        c.content += restorer_->flush();
        c.has_content = c.has_content || !c.content.empty();
      }
    }
  }
  if (chunk.usage) s_.usage = chunk.usage;
  for (const auto& c : chunk.choices) {
    if (!s_.first_token && (c.has_content || !c.tool_calls.empty())) s_.first_token = std::chrono::steady_clock::now();
    if (keep_text_) s_.answer_text += c.content;
  }
  forwarded_ = true;
  co_return co_await s_.answer->on_chunk(std::move(chunk));
}

}  // namespace sy::pipeline
