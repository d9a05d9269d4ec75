#pragma once
// Provider `anthropic`: Anthropic's Messages API (POST {base_url}/v1/messages, x-api-key,
// anthropic-version), answers whole or as Anthropic's SSE events, translated to core types.
#include "config/config.h"
#include "http/upstream.h"
#include "providers/provider.h"

namespace sy::providers {

class AnthropicProvider final : public Provider {
 public:
  static core::Result<std::unique_ptr<Provider>> create(const config::ModelConfig& model, const config::Limits& limits);

  http::awaitable<core::Result<core::ChatResponse>> complete(const core::ChatRequest& request,
                                                            CallContext& ctx) override;
  http::awaitable<core::Status> stream(const core::ChatRequest& request, CallContext& ctx, ChunkSink& sink) override;
  Health health() const override { return {}; }

 private:
  AnthropicProvider(const config::ModelConfig& model, http::Endpoint endpoint, uint64_t max_body);
  http::Request build(const core::ChatRequest& request, const CallContext& ctx) const;
  http::awaitable<core::Result<std::unique_ptr<http::UpstreamCall>>> call(const core::ChatRequest& request,
                                                                          CallContext& ctx);

  config::ModelConfig model_;
  http::Endpoint endpoint_;
  http::Deadlines deadlines_;
  uint64_t max_body_;
};

}  // namespace sy::providers
