#pragma once
// A target that exists in the config but cannot serve: its provider has not landed, or it failed
// to start. Routes skip it; asking for it by name answers 503 with the reason.
#include "providers/provider.h"

namespace sy::providers {

class UnavailableProvider final : public Provider {
 public:
  explicit UnavailableProvider(std::string reason) : reason_(std::move(reason)) {}
  http::awaitable<core::Result<core::ChatResponse>> complete(const core::ChatRequest&, CallContext&) override {
    co_return core::Error::unavailable(reason_);
  }
  http::awaitable<core::Status> stream(const core::ChatRequest&, CallContext&, ChunkSink&) override {
    co_return core::Error::unavailable(reason_);
  }
  Health health() const override { return {false, reason_}; }

 private:
  std::string reason_;
};

}  // namespace sy::providers
