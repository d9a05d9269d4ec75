#include "providers/faq_provider.h"

#include <chrono>

#include "core/request_text.h"

namespace sy::providers {

namespace {
int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
}  // namespace

Health FaqProvider::health() const {
  if (!faq_ || faq_->size() == 0) return {false, "no FAQ file is configured"};
  return {};
}

core::Result<std::string> FaqProvider::answer_for(const core::ChatRequest& request) const {
  auto match = faq_ ? faq_->best(core::last_user_text(request)) : router::FaqMatch{};
  if (!match.entry) return core::Error::unavailable("no FAQ entry matches this request");
  return match.entry->answer;
}

http::awaitable<core::Result<core::ChatResponse>> FaqProvider::complete(const core::ChatRequest& request, CallContext& ctx) {
  auto answer = answer_for(request);
  if (!answer) co_return answer.error();
  core::ChatResponse r;
  r.id = "chatcmpl-" + ctx.request_id;
  r.model = "faq";
  r.created = unix_now();
  core::Choice choice;
  choice.message.role = "assistant";
  core::ContentPart part;
  part.text = std::move(*answer);
  choice.message.parts.push_back(std::move(part));
  choice.finish_reason = "stop";
  r.choices.push_back(std::move(choice));
  r.usage = core::Usage{};
  co_return r;
}

http::awaitable<core::Status> FaqProvider::stream(const core::ChatRequest& request, CallContext& ctx, ChunkSink& sink) {
  auto answer = answer_for(request);
  if (!answer) co_return answer.error();
  const int64_t created = unix_now();
  auto chunk = [&](std::string text, std::string finish) {
    core::ChatChunk c;
    c.id = "chatcmpl-" + ctx.request_id;
    c.model = "faq";
    c.created = created;
    core::ChunkChoice choice;
    choice.role = finish.empty() ? "assistant" : "";
    choice.has_content = finish.empty();
    choice.content = std::move(text);
    choice.finish_reason = std::move(finish);
    c.choices.push_back(std::move(choice));
    return c;
  };
  auto body = chunk(std::move(*answer), "");
  bool alive = co_await sink.on_chunk(std::move(body));
  if (!alive) co_return core::Ok{};
  auto last = chunk("", "stop");
  alive = co_await sink.on_chunk(std::move(last));
  if (!alive) co_return core::Ok{};
  core::ChatChunk usage;
  usage.id = "chatcmpl-" + ctx.request_id;
  usage.model = "faq";
  usage.created = created;
  usage.usage = core::Usage{};
  co_await sink.on_chunk(std::move(usage));
  co_return core::Ok{};
}

}  // namespace sy::providers
