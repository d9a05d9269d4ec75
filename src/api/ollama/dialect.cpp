// The dialect /api/chat and /api/generate answer in: Ollama's JSON, its NDJSON stream
// (application/x-ndjson, one object a line) and its error shape (wire/ollama/ollama_response).
#include "api/ollama/dialect.h"

namespace sy::api::ollama {

namespace {

namespace wo = wire::ollama;

class ErrorDialect final : public ClientDialect {
 public:
  std::string format_response(const core::ChatResponse& r, const core::ChatRequest& request) const override {
    return wo::format_response(r, wo::AnswerShape::chat, request.model, {});
  }
  std::string format_error(const core::Error& e) const override { return wo::format_error(e); }
  std::unique_ptr<StreamFormat> stream_format(const core::ChatRequest& request) const override;
};

class NdjsonStream final : public StreamFormat {
 public:
  NdjsonStream(wo::AnswerShape shape, std::string model, const pipeline::RequestState* state)
      : encoder_(shape, std::move(model)), state_(state) {}
  std::string chunk(const core::ChatChunk& c) override { return encoder_.chunk(c); }
  std::string done() override { return encoder_.done(state_ ? timings_of(*state_) : wo::Timings{}); }
  std::string error(const core::Error& e) override { return encoder_.error(e); }
  std::string_view content_type() const override { return "application/x-ndjson"; }

 private:
  wo::StreamEncoder encoder_;
  const pipeline::RequestState* state_;
};

std::unique_ptr<StreamFormat> ErrorDialect::stream_format(const core::ChatRequest& request) const {
  return std::make_unique<NdjsonStream>(wo::AnswerShape::chat, request.model, nullptr);
}

int64_t ns_between(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(to - from).count();
}

}  // namespace

wo::Timings timings_of(const pipeline::RequestState& state) {
  auto now = std::chrono::steady_clock::now();
  wo::Timings t;
  t.total_ns = ns_between(state.started, now);
  if (state.first_token) {
    t.prompt_eval_ns = ns_between(state.started, *state.first_token);
    t.eval_ns = ns_between(*state.first_token, now);
  }
  return t;
}

const ClientDialect& error_dialect() {
  static const ErrorDialect d;
  return d;
}

std::string AnswerDialect::format_response(const core::ChatResponse& r, const core::ChatRequest& request) const {
  return wo::format_response(r, shape_, request.model, timings_of(state_));
}

std::string AnswerDialect::format_error(const core::Error& e) const { return wo::format_error(e); }

std::unique_ptr<StreamFormat> AnswerDialect::stream_format(const core::ChatRequest& request) const {
  return std::make_unique<NdjsonStream>(shape_, request.model, &state_);
}

}  // namespace sy::api::ollama
