#pragma once
// The FAQ as a target: a route whose rule says `to: faq` answers with the matched entry's answer,
// no model involved. Nothing leaves the process, so any privacy class may use it.
#include "providers/provider.h"
#include "router/faq_matcher.h"

namespace sy::providers {

class FaqProvider final : public Provider {
 public:
  explicit FaqProvider(const router::FaqMatcher* faq) : faq_(faq) {}
  http::awaitable<core::Result<core::ChatResponse>> complete(const core::ChatRequest& request, CallContext& ctx) override;
  http::awaitable<core::Status> stream(const core::ChatRequest& request, CallContext& ctx, ChunkSink& sink) override;
  Health health() const override;

 private:
  core::Result<std::string> answer_for(const core::ChatRequest& request) const;
  const router::FaqMatcher* faq_;
};

}  // namespace sy::providers
