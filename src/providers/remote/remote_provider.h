#pragma once
// Every cloud API behind one call loop: connect (or reuse a pooled connection), send the codec's
// request, map a non-2xx answer through the codec, then read the answer whole or pump its stream
// through the codec's decoder into the sink. Bounded by the target's deadlines and
// max_upstream_body, stream included; a client that leaves closes the upstream connection.
#include <memory>

#include "config/config.h"
#include "http/upstream.h"
#include "providers/provider.h"
#include "providers/remote/codec.h"

namespace sy::providers {

class RemoteProvider final : public Provider {
 public:
  // The endpoint comes from model.base_url (and ca_file); an unusable URL is an error.
  static core::Result<std::unique_ptr<Provider>> create(const config::ModelConfig& model, const config::Limits& limits,
                                                        std::unique_ptr<Codec> codec);

  http::awaitable<core::Result<core::ChatResponse>> complete(const core::ChatRequest& request, CallContext& ctx) override;
  http::awaitable<core::Status> stream(const core::ChatRequest& request, CallContext& ctx, ChunkSink& sink) override;
  Health health() const override { return {}; }

 private:
  RemoteProvider(const config::ModelConfig& model, http::Endpoint endpoint, uint64_t max_body, std::unique_ptr<Codec> codec);
  // Sends the call and reads the response head; a non-2xx answer becomes the codec's error.
  http::awaitable<core::Result<std::unique_ptr<http::UpstreamCall>>> send(RemoteCall& call, CallContext& ctx);

  http::Endpoint endpoint_;
  http::Deadlines deadlines_;
  uint64_t max_body_;
  std::unique_ptr<Codec> codec_;
};

}  // namespace sy::providers
