#include "providers/remote/remote_provider.h"

#include "http/offload.h"

namespace sy::providers {

namespace {

constexpr uint64_t kMaxErrorBody = 64 * 1024;

http::awaitable<core::Result<std::unique_ptr<RemoteCall>>> start_call(const Codec& codec, const core::ChatRequest& request,
                                                                      const CallContext& ctx) {
  // Writing out a request of thousands of messages is work for the offload pool, not the I/O thread.
  if (request.messages.size() <= http::kOffloadMessages) co_return codec.start(request, ctx);
  co_return co_await http::offload([&codec, &request, &ctx] { return codec.start(request, ctx); });
}

}  // namespace

core::Result<std::unique_ptr<Provider>> RemoteProvider::create(const config::ModelConfig& model,
                                                               const config::Limits& limits, std::unique_ptr<Codec> codec) {
  auto ep = http::make_endpoint(model.base_url, model.ca_file);
  if (!ep) return ep.error();
  return std::unique_ptr<Provider>(new RemoteProvider(model, std::move(*ep), limits.max_upstream_body_bytes, std::move(codec)));
}

RemoteProvider::RemoteProvider(const config::ModelConfig& model, http::Endpoint endpoint, uint64_t max_body,
                               std::unique_ptr<Codec> codec)
    : endpoint_(std::move(endpoint)), max_body_(max_body), codec_(std::move(codec)) {
  deadlines_.connect = model.timeouts.connect;
  deadlines_.first_byte = model.timeouts.first_byte;
  deadlines_.idle = model.timeouts.idle;
  deadlines_.total = model.timeouts.total;
}

http::awaitable<core::Result<std::unique_ptr<http::UpstreamCall>>> RemoteProvider::send(RemoteCall& call, CallContext& ctx) {
  // The client may leave at any time, before the upstream's response head too (a whole answer's
  // head comes only once it is generated): from now on that closes the upstream connection.
  auto cancel = std::make_shared<http::Cancel>();
  if (ctx.set_canceller) ctx.set_canceller([cancel] { cancel->cancel(); });
  auto started = co_await http::UpstreamCall::start(endpoint_, std::move(call.request), deadlines_, cancel);
  if (!started) co_return started.error();
  auto& up = *started;
  if (up->status() / 100 != 2) {
    auto body = co_await up->read_body(kMaxErrorBody);
    std::string text = body ? std::move(*body) : std::string();
    co_return codec_->error_of(up->status(), text, up->header("retry-after"));
  }
  co_return std::move(up);
}

http::awaitable<core::Result<core::ChatResponse>> RemoteProvider::complete(const core::ChatRequest& request,
                                                                          CallContext& ctx) {
  auto call = co_await start_call(*codec_, request, ctx);
  if (!call) co_return call.error();
  auto up = co_await send(**call, ctx);
  if (!up) co_return up.error();
  auto body = co_await (*up)->read_body(max_body_);
  if (!body) co_return body.error();
  co_return (*call)->parse_whole(*body);
}

http::awaitable<core::Status> RemoteProvider::stream(const core::ChatRequest& request, CallContext& ctx, ChunkSink& sink) {
  auto call = co_await start_call(*codec_, request, ctx);
  if (!call) co_return call.error();
  auto up = co_await send(**call, ctx);
  if (!up) co_return up.error();
  if ((*up)->header("content-type").find(codec_->stream_content_type()) == std::string_view::npos) {
    co_return core::Error::upstream("The upstream answered a streaming request without an event stream.");
  }
  auto decoder = (*call)->stream_decoder();
  std::vector<core::ChatChunk> ready;
  // Chunks decoded from one piece go out before any error found later in the same piece.
  auto deliver = [&]() -> http::awaitable<bool> {
    for (auto& chunk : ready) {
      bool delivered = co_await sink.on_chunk(std::move(chunk));
      if (!delivered) co_return false;
    }
    ready.clear();
    co_return true;
  };
  uint64_t received = 0;
  while (!decoder->complete()) {
    auto piece = co_await (*up)->read_some();
    if (!piece) co_return piece.error();
    if (piece->empty()) break;  // the body ended
    received += piece->size();
    if (received > max_body_) co_return core::Error::upstream("The upstream's answer is larger than this server accepts.");
    auto fed = decoder->feed(*piece, ready);
    bool delivered = co_await deliver();
    if (!delivered) co_return core::Error::upstream("The client went away.");
    if (!fed) co_return fed.error();
  }
  auto end = decoder->finish(ready);
  bool delivered = co_await deliver();
  if (!delivered) co_return core::Error::upstream("The client went away.");
  if (!end) co_return end.error();
  // Read the body's end too, so the connection can go back to the pool.
  while (!(*up)->done()) {
    auto rest = co_await (*up)->read_some();
    if (!rest || rest->empty()) break;
  }
  co_return core::Ok{};
}

}  // namespace sy::providers
