#pragma once
// A target that exists in the config but cannot serve: its provider has not landed, or it failed
// to start. Routes skip it; asking for it by name answers 503 with the reason.
#include "providers/provider.h"

namespace sy::providers {

class UnavailableProvider final : public Provider {
 public:
  // `unconfigured`: it lacks what it needs to work (credentials); calls fail at once with code
  // "unconfigured", which nobody retries.
  explicit UnavailableProvider(std::string reason, bool unconfigured = false)
      : reason_(std::move(reason)), unconfigured_(unconfigured) {}
  http::awaitable<core::Result<core::ChatResponse>> complete(const core::ChatRequest&, CallContext&) override {
    co_return error();
  }
  http::awaitable<core::Status> stream(const core::ChatRequest&, CallContext&, ChunkSink&) override {
    co_return error();
  }
  Health health() const override { return {false, reason_, unconfigured_}; }

 private:
  core::Error error() const {
    auto e = core::Error::unavailable(reason_);
    if (unconfigured_) e.code = "unconfigured";
    return e;
  }
  std::string reason_;
  bool unconfigured_;
};

}  // namespace sy::providers
