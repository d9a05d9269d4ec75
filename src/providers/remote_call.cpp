#include "providers/remote_call.h"

namespace sy::providers {

namespace {
constexpr uint64_t kMaxErrorBody = 64 * 1024;
}

http::awaitable<core::Result<std::unique_ptr<http::UpstreamCall>>> start_remote_call(const http::Endpoint& endpoint,
                                                                                    http::Request request,
                                                                                    http::Deadlines deadlines,
                                                                                    CallContext& ctx,
                                                                                    const ErrorFromBody& to_error) {
  auto started = co_await http::UpstreamCall::start(endpoint, std::move(request), deadlines);
  if (!started) co_return started.error();
  auto& up = *started;
  if (ctx.set_canceller) ctx.set_canceller(up->canceller());
  if (up->status() / 100 != 2) {
    auto body = co_await up->read_body(kMaxErrorBody);
    std::string text = body ? std::move(*body) : std::string();
    co_return to_error(up->status(), text, up->header("retry-after"));
  }
  co_return std::move(up);
}

}  // namespace sy::providers
