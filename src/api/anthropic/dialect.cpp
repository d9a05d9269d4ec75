// The dialect /v1/messages answers in: Anthropic's message JSON, its SSE event sequence and its
// error shape (wire/anthropic/messages_response).
#include "api/anthropic/dialect.h"

#include "wire/anthropic/messages_response.h"

namespace sy::api::anthropic {

namespace {

class AnthropicStreamFormat final : public StreamFormat {
 public:
  explicit AnthropicStreamFormat(std::string model) : encoder_(std::move(model)) {}
  std::string chunk(const core::ChatChunk& c) override { return encoder_.chunk(c); }
  std::string done() override { return encoder_.done(); }
  std::string error(const core::Error& e) override { return encoder_.error(e); }

 private:
  wire::anthropic::StreamEncoder encoder_;
};

class AnthropicDialect final : public ClientDialect {
 public:
  std::string format_response(const core::ChatResponse& r, const core::ChatRequest& request) const override {
    return wire::anthropic::format_response(r, request);
  }
  std::string format_error(const core::Error& e) const override { return wire::anthropic::format_error(e); }
  std::unique_ptr<StreamFormat> stream_format(const core::ChatRequest& request) const override {
    return std::make_unique<AnthropicStreamFormat>(request.model);
  }
};

}  // namespace

const ClientDialect& dialect() {
  static const AnthropicDialect d;
  return d;
}

}  // namespace sy::api::anthropic
