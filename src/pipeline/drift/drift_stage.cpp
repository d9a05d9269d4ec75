#include "pipeline/drift/drift_stage.h"

#include <algorithm>
#include <cstring>

namespace sy::pipeline {

namespace {

using ops::drift::Sample;

// The first text of the last user message, as a view (the FAQ matcher reads the same message).
std::string_view last_user_words(const core::ChatRequest& chat) {
  if (chat.kind == core::ChatRequest::Kind::completion) return chat.prompt;
  for (auto it = chat.messages.rbegin(); it != chat.messages.rend(); ++it) {
    if (it->role != "user") continue;
    for (const auto& p : it->parts) {
      if (p.kind == core::ContentPart::Kind::text && !p.text.empty()) return p.text;
    }
    return {};
  }
  return {};
}

// Forwards every chunk, noting the answer's first bytes and whether it had anything at all.
class AnswerWatch final : public providers::ChunkSink {
 public:
  AnswerWatch(AnswerHead& head, providers::ChunkSink& next) : head_(head), next_(next) {}
  http::awaitable<bool> on_chunk(core::ChatChunk chunk) override {
    for (const auto& c : chunk.choices) {
      if (!c.tool_calls.empty()) head_.content = true;
      if (c.content.empty()) continue;
      head_.content = true;
      size_t room = head_.bytes.size() - head_.size;
      size_t n = std::min(room, c.content.size());
      std::memcpy(head_.bytes.data() + head_.size, c.content.data(), n);
      head_.size += n;
    }
    co_return co_await next_.on_chunk(std::move(chunk));
  }

 private:
  AnswerHead& head_;
  providers::ChunkSink& next_;
};

class DriftFilter final : public Filter {
 public:
  explicit DriftFilter(const DriftStage& stage) : stage_(stage) {}
  unsigned hooks() const override { return kAnswer | kEnd; }
  providers::ChunkSink& on_answer(RequestState&, providers::ChunkSink& next) override {
    watch_.emplace(head_, next);
    return *watch_;
  }
  void on_end(RequestState& s) override { stage_.observe(s, head_); }

 private:
  const DriftStage& stage_;
  AnswerHead head_;
  std::optional<AnswerWatch> watch_;
};

bool guard_blocked(const ops::RequestRecord& r) {
  return std::any_of(r.guard.begin(), r.guard.end(), [](const std::string& g) { return g.starts_with("block"); });
}

}  // namespace

DriftStage::DriftStage(ops::drift::DriftMonitor& monitor, const router::FaqMatcher* faq, double topic_min_score)
    : monitor_(monitor), topics_(faq, topic_min_score) {}

FilterPtr DriftStage::start(RequestState& state) const {
  if (state.dry_run) return nullptr;
  return own_filter<DriftFilter>(*this);
}

Sample DriftStage::sample_of(const RequestState& s, const AnswerHead& answer) const {
  const auto& r = s.record;
  Sample x;
  x.text = ops::drift::text_features(last_user_words(s.chat));
  if (s.decision) {
    x.prompt_tokens = static_cast<float>(s.decision->prompt_tokens);
    if (!s.decision->faq_id.empty() || topics_.names().size() > 1) {
      x.faq_score = static_cast<float>(s.decision->faq_score);
      x.topic = topics_.index(s.decision->faq_id, s.decision->faq_score);
    }
  } else if (r.prompt_tokens > 0) {
    x.prompt_tokens = static_cast<float>(r.prompt_tokens);
  }
  const bool answered = r.status == 200 && !s.stopped;
  if (answered && r.completion_tokens > 0) x.answer_tokens = static_cast<float>(r.completion_tokens);
  else if (answered) x.answer_tokens = 0;
  if (r.latency_ms > 0) x.latency_ms = static_cast<float>(r.latency_ms);
  if (r.ttft_ms >= 0) x.ttft_ms = static_cast<float>(r.ttft_ms);
  // A refusal: the model's words, a guard that blocked the answer, or a policy that refused it.
  x.refusal = (answered && ops::drift::looks_like_refusal(answer.text())) || guard_blocked(r) ||
              r.error_type == "privacy_policy";
  x.empty = answered && !answer.content;
  x.privacy = !s.findings.empty() || s.privacy.sensitive;
  return x;
}

void DriftStage::observe(const RequestState& s, const AnswerHead& answer) const {
  const auto& r = s.record;
  if (!s.model_call || r.target.empty() || r.cache == "hit") return;
  auto sample = sample_of(s, answer);
  ops::drift::SeriesKey key{r.model, r.target, r.version.empty() ? std::string_view("config") : std::string_view(r.version)};
  monitor_.observe(key, sample, r.rule);
  // The route as a whole, whatever answered: traffic that moves from one target to another (a new
  // topic the FAQ no longer answers goes to the model) shows here, in its route mix above all.
  if (r.model != r.target) monitor_.observe({r.model, ops::drift::kAnyTarget, ops::drift::kAnyTarget}, sample, r.rule);
}

}  // namespace sy::pipeline
