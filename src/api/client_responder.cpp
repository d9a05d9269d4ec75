#include "api/client_responder.h"

namespace sy::api {

namespace bhttp = http::bhttp;

ClientResponder::ClientResponder(Exchange& ex) : ex_(ex) {}

StreamFormat& ClientResponder::format() {
  if (!format_) format_ = ex_.dialect->stream_format(ex_.state.chat);
  return *format_;
}

http::awaitable<bool> ClientResponder::begin() {
  http::ResponseHeader h;
  h.result(bhttp::status::ok);
  h.set(bhttp::field::content_type, format().content_type());
  h.set(bhttp::field::cache_control, "no-cache");
  ex_.decorate(h);
  ex_.state.record.status = 200;
  co_return co_await ex_.writer.begin_stream(std::move(h));
}

http::awaitable<bool> ClientResponder::on_chunk(core::ChatChunk chunk) {
  if (!streaming()) {
    collected_.add(std::move(chunk));
    co_return !ex_.writer.client_gone();
  }
  // (GCC 12 miscompiles co_await inside && and ?:, so each await is its own statement.)
  if (!ex_.writer.started()) {
    bool began = co_await begin();
    if (!began) co_return false;
  }
  auto bytes = format().chunk(chunk);
  if (bytes.empty()) co_return true;
  co_return co_await ex_.writer.write(bytes);
}

http::awaitable<void> ClientResponder::finish(const core::Status& outcome) {
  if (!outcome) {
    ex_.state.record.error_type = outcome.error().type;
    if (!ex_.writer.started()) {
      co_await ex_.send_error(outcome.error());
      co_return;
    }
    // Mid-stream: the head already said 200. An error event in the client's format ends it.
    auto event = format().error(outcome.error());
    bool written = co_await ex_.writer.write(event);
    if (!written) co_return;
    co_await ex_.writer.end_stream();
    co_return;
  }
  if (!streaming()) {
    auto body = ex_.dialect->format_response(collected_.take(), ex_.state.chat);
    co_await ex_.send_json(200, std::move(body));
    ex_.state.delivered = !ex_.writer.client_gone();
    co_return;
  }
  if (!ex_.writer.started()) {
    bool began = co_await begin();
    if (!began) co_return;
  }
  auto end = format().done();
  bool written = co_await ex_.writer.write(end);
  if (!written) co_return;
  ex_.state.delivered = co_await ex_.writer.end_stream();
}

}  // namespace sy::api
