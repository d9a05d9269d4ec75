#pragma once
// The answer's last stop: the client, in its dialect. A stream is written as it comes (the
// response head with the first chunk, so a failure before it is still an ordinary error
// response); a whole answer is gathered from its chunks and written once the chain committed it.
// Which of the two the request is, the parsed request says (it is parsed inside the chain).
#include <memory>

#include "api/exchange.h"
#include "core/answer_chunks.h"
#include "pipeline/responder.h"

namespace sy::api {

class ClientResponder final : public pipeline::Responder {
 public:
  explicit ClientResponder(Exchange& ex);
  http::awaitable<bool> on_chunk(core::ChatChunk chunk) override;
  http::awaitable<void> finish(const core::Status& outcome) override;
  bool started() const override { return ex_.writer.started(); }

 private:
  http::awaitable<bool> begin();
  bool streaming() const { return ex_.state.chat.stream; }
  StreamFormat& format();

  Exchange& ex_;
  std::unique_ptr<StreamFormat> format_;  // stream only, made on first use
  core::AnswerCollector collected_;       // whole answers only
};

}  // namespace sy::api
