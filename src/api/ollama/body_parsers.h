#pragma once
// Ollama's reading of request bodies, for the pipeline's parse stage.
#include "pipeline/parse/parse_stage.h"
#include "wire/ollama/ollama_response.h"

namespace sy::api::ollama {

// /api/chat (messages) or /api/generate (prompt).
class AnswerParser final : public pipeline::BodyParser {
 public:
  explicit AnswerParser(wire::ollama::AnswerShape shape) : shape_(shape) {}
  core::Status parse(std::string_view body, pipeline::RequestState& state) const override;

 private:
  wire::ollama::AnswerShape shape_;
};

// /api/embed: {model, input: string | [string], truncate?, options?, keep_alive?}; read as
// OpenAI's embeddings (the same fields where they overlap), the model's ":latest" dropped.
class EmbedParser final : public pipeline::BodyParser {
 public:
  core::Status parse(std::string_view body, pipeline::RequestState& state) const override;
};

}  // namespace sy::api::ollama
