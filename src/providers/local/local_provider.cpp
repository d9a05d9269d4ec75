#include "providers/local/local_provider.h"

#include <chrono>
#include <filesystem>

#include <boost/asio/this_coro.hpp>
#include <spdlog/spdlog.h>

#include "config/preflight.h"
#include "http/event_queue.h"
#include "providers/local/request_mapping.h"

namespace sy::providers {

namespace {

engine::EngineOptions engine_options(const config::ModelConfig& m) {
  engine::EngineOptions o;
  o.name = m.name;
  o.path = m.path;
  o.slots = m.slots;
  o.context = m.context;
  o.threads = m.threads;
  o.batch = m.batch;
  o.queue = m.queue;
  o.chat_template = m.chat_template;
  return o;
}

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

struct LocalProvider::Outcome {
  std::string text;  // only when not streaming
  std::string finish_reason;
  core::Usage usage;
};

LocalProvider::LocalProvider(config::ModelConfig model) : model_(std::move(model)) {}

core::Status LocalProvider::load() {
  {
    std::lock_guard lock(mu_);
    if (engine_) return core::Ok{};
    if (loading_) return core::Error::unavailable("model '" + model_.name + "' is already loading");
    loading_ = true;
    down_reason_ = "loading";
  }
  // A missing or foreign file is a configuration problem, not a failure: /readyz says
  // "unconfigured", and the reason shown to clients names no path (the log has it).
  if (auto why = config::gguf_problem(model_.path); !why.empty()) {
    std::error_code ec;
    bool missing = !std::filesystem::exists(model_.path, ec);
    std::lock_guard lock(mu_);
    loading_ = false;
    unconfigured_ = true;
    down_reason_ = missing ? "unconfigured: the model file does not exist" : "unconfigured: the model file is not GGUF";
    auto e = core::Error::unavailable(why);
    e.code = "unconfigured";
    return e;
  }
  auto loaded = engine::Engine::load(engine_options(model_));
  std::lock_guard lock(mu_);
  loading_ = false;
  unconfigured_ = false;
  if (!loaded) {
    down_reason_ = loaded.error().message;
    return loaded.error();
  }
  engine_ = std::move(*loaded);
  return core::Ok{};
}

core::Status LocalProvider::unload() {
  std::shared_ptr<engine::Engine> engine;
  {
    std::lock_guard lock(mu_);
    if (!engine_) return core::Error::not_found("model '" + model_.name + "' is not loaded");
    engine.swap(engine_);
    down_reason_ = "unloaded";
  }
  engine->drain();
  spdlog::info("model '{}': unloading once its {} running requests finish", model_.name, engine->counters().busy_slots.load());
  return core::Ok{};  // the last request holding `engine` frees it
}

std::shared_ptr<engine::Engine> LocalProvider::engine() const {
  std::lock_guard lock(mu_);
  return engine_;
}

Health LocalProvider::health() const {
  std::lock_guard lock(mu_);
  if (engine_) return {};
  return {false, down_reason_, unconfigured_};
}

http::awaitable<core::Result<LocalProvider::Outcome>> LocalProvider::generate(const core::ChatRequest& request,
                                                                             CallContext& ctx, ChunkSink* sink) {
  auto engine = this->engine();
  if (!engine) co_return core::Error::unavailable("model '" + model_.name + "' is not loaded (" + health().reason + ")");
  auto gen = local::generation_request(request);
  if (!gen) co_return gen.error();
  auto prompt = engine->chat_prompt(request);
  if (!prompt) co_return prompt.error();
  gen->prompt = std::move(*prompt);

  auto queue = std::make_shared<http::EventQueue<engine::GenerationEvent>>(co_await boost::asio::this_coro::executor);
  auto id = engine->submit(std::move(*gen), [queue](engine::GenerationEvent ev) { queue->push(std::move(ev)); });
  if (!id) co_return id.error();
  ctx.set_canceller([engine, task = *id] { engine->cancel(task); });

  Outcome out;
  const std::string chunk_id = "chatcmpl-" + ctx.request_id;
  const int64_t created = unix_now();
  auto chunk_with = [&](std::string text, std::string finish, std::string role) {
    core::ChatChunk c;
    c.id = chunk_id;
    c.model = model_.name;
    c.created = created;
    core::ChunkChoice choice;
    choice.role = std::move(role);
    choice.has_content = !text.empty() || !choice.role.empty();
    choice.content = std::move(text);
    choice.finish_reason = std::move(finish);
    c.choices.push_back(std::move(choice));
    return c;
  };
  bool began = false;
  for (;;) {
    auto events = co_await queue->pop_all();
    for (auto& ev : events) {
      if (ev.error) co_return *ev.error;
      if (!sink) {
        out.text += ev.text;
      } else if (!ev.text.empty() || !began) {
        auto c = chunk_with(std::move(ev.text), "", began ? "" : "assistant");
        began = true;
        bool alive = co_await sink->on_chunk(std::move(c));
        if (!alive) {
          engine->cancel(*id);
          co_return core::Error::unavailable("the client went away");
        }
      }
      if (!ev.done) continue;
      out.finish_reason = ev.finish_reason == "length" ? "length" : "stop";
      out.usage.prompt_tokens = ev.prompt_tokens;
      out.usage.completion_tokens = ev.completion_tokens;
      out.usage.cached_tokens = ev.cached_tokens;
      if (ev.finish_reason == "cancelled") co_return core::Error::unavailable("the request was cancelled");
      if (sink) {
        auto last = chunk_with("", out.finish_reason, "");
        bool alive = co_await sink->on_chunk(std::move(last));
        if (!alive) co_return core::Error::unavailable("the client went away");
        core::ChatChunk usage;
        usage.id = chunk_id;
        usage.model = model_.name;
        usage.created = created;
        usage.usage = out.usage;
        alive = co_await sink->on_chunk(std::move(usage));
        if (!alive) co_return core::Error::unavailable("the client went away");
      }
      co_return out;
    }
  }
}

http::awaitable<core::Result<core::ChatResponse>> LocalProvider::complete(const core::ChatRequest& request, CallContext& ctx) {
  auto out = co_await generate(request, ctx, nullptr);
  if (!out) co_return out.error();
  core::ChatResponse r;
  r.id = (request.kind == core::ChatRequest::Kind::chat ? "chatcmpl-" : "cmpl-") + ctx.request_id;
  r.model = model_.name;
  r.created = unix_now();
  core::Choice choice;
  choice.message.role = "assistant";
  core::ContentPart part;
  part.text = std::move(out->text);
  choice.message.parts.push_back(std::move(part));
  choice.finish_reason = out->finish_reason;
  r.choices.push_back(std::move(choice));
  r.usage = out->usage;
  co_return r;
}

http::awaitable<core::Status> LocalProvider::stream(const core::ChatRequest& request, CallContext& ctx, ChunkSink& sink) {
  auto out = co_await generate(request, ctx, &sink);
  if (!out) co_return out.error();
  co_return core::Ok{};
}

http::awaitable<core::Result<Embeddings>> LocalProvider::embed(const std::vector<std::string>& inputs) {
  auto engine = this->engine();
  if (!engine) co_return core::Error::unavailable("model '" + model_.name + "' is not loaded (" + health().reason + ")");
  Embeddings result;
  std::vector<std::vector<engine::Token>> tokens;
  for (const auto& text : inputs) {
    auto t = engine->tokenize(text, true);
    if (!t) co_return t.error();
    result.prompt_tokens += static_cast<int64_t>(t->size());
    tokens.push_back(std::move(*t));
  }
  using Answer = core::Result<std::vector<std::vector<float>>>;
  auto queue = std::make_shared<http::EventQueue<Answer>>(co_await boost::asio::this_coro::executor);
  auto submitted = engine->submit_embeddings({std::move(tokens), [queue](Answer a) { queue->push(std::move(a)); }});
  if (!submitted) co_return submitted.error();
  auto answers = co_await queue->pop_all();
  auto& answer = answers.front();
  if (!answer) co_return answer.error();
  result.vectors = std::move(*answer);
  co_return result;
}

}  // namespace sy::providers
