#pragma once
// Each ingress's reading of a request body, for the pipeline's parse stage.
#include "pipeline/parse/parse_stage.h"
#include "wire/anthropic/messages_request.h"

namespace sy::api {

// OpenAI's chat/completions or legacy completions.
class OpenAIParser final : public pipeline::BodyParser {
 public:
  explicit OpenAIParser(core::ChatRequest::Kind kind) : kind_(kind) {}
  core::Status parse(std::string_view body, pipeline::RequestState& state) const override;

 private:
  core::ChatRequest::Kind kind_;
};

// Anthropic's messages (or count_tokens).
class AnthropicParser final : public pipeline::BodyParser {
 public:
  explicit AnthropicParser(wire::anthropic::RequestPurpose purpose) : purpose_(purpose) {}
  core::Status parse(std::string_view body, pipeline::RequestState& state) const override;

 private:
  wire::anthropic::RequestPurpose purpose_;
};

// OpenAI's embeddings: {model, input: string | [string], encoding_format?}.
class EmbeddingsParser final : public pipeline::BodyParser {
 public:
  core::Status parse(std::string_view body, pipeline::RequestState& state) const override;
};

}  // namespace sy::api
