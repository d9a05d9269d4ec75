#pragma once
// Ollama's API as a client dialect: `{"error": "..."}` for every /api/ endpoint, and the answers
// of /api/chat and /api/generate, whole or as NDJSON lines.
#include "api/exchange.h"
#include "wire/ollama/ollama_response.h"

namespace sy::api::ollama {

// Errors only: what /api/ endpoints that answer by themselves (tags, show, embed) and unknown
// /api/ paths write.
const ClientDialect& error_dialect();

// The answers of one /api/chat or /api/generate request. Made per request: Ollama reports
// durations, which it measures on the request's state (its start, its first token).
class AnswerDialect final : public ClientDialect {
 public:
  AnswerDialect(wire::ollama::AnswerShape shape, const pipeline::RequestState& state) : shape_(shape), state_(state) {}
  std::string format_response(const core::ChatResponse& r, const core::ChatRequest& request) const override;
  std::string format_error(const core::Error& e) const override;
  std::unique_ptr<StreamFormat> stream_format(const core::ChatRequest& request) const override;

 private:
  wire::ollama::AnswerShape shape_;
  const pipeline::RequestState& state_;
};

// The durations of a request so far, as Ollama reports them.
wire::ollama::Timings timings_of(const pipeline::RequestState& state);

}  // namespace sy::api::ollama
