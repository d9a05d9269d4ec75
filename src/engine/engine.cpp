#include "engine/engine.h"

#include <algorithm>
#include <filesystem>

#include <llama.h>
#include <spdlog/spdlog.h>

#include "engine/llama_runtime.h"

namespace sy::engine {

namespace {

constexpr int kDefaultMaxContext = 4096;

bool report_progress(float progress, void* user) {
  auto* last = static_cast<int*>(user);
  int pct = static_cast<int>(progress * 100);
  if (pct >= *last + 25 || (pct == 100 && *last != 100)) {
    *last = pct;
    spdlog::info("loading model: {}%", pct);
  }
  return true;
}

std::string role_for_template(const std::string& role) {
  // Templates know system/user/assistant (some tool); OpenAI's newer "developer" is a system prompt.
  return role == "developer" ? "system" : role;
}

}  // namespace

Engine::Engine(EngineOptions options) : options_(std::move(options)) {}

core::Result<std::shared_ptr<Engine>> Engine::load(EngineOptions options) {
  ensure_llama_runtime();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(options.path, ec)) {
    return core::Error::unavailable("model file '" + options.path + "' does not exist");
  }
  std::shared_ptr<Engine> engine(new Engine(std::move(options)));
  auto& o = engine->options_;

  auto mparams = llama_model_default_params();
  int last_pct = -25;
  mparams.progress_callback = report_progress;
  mparams.progress_callback_user_data = &last_pct;
  spdlog::info("model '{}': loading {}", o.name, o.path);
  engine->model_ = llama_model_load_from_file(o.path.c_str(), mparams);
  if (!engine->model_) return core::Error::unavailable("model file '" + o.path + "' could not be loaded (not a valid GGUF model?)");
  engine->vocab_ = llama_model_get_vocab(engine->model_);

  int train_ctx = llama_model_n_ctx_train(engine->model_);
  engine->n_ctx_slot_ = o.context > 0 ? o.context : std::min(train_ctx > 0 ? train_ctx : kDefaultMaxContext, kDefaultMaxContext);
  int threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

  auto cparams = llama_context_default_params();
  cparams.n_seq_max = static_cast<uint32_t>(o.slots);
  cparams.n_ctx = static_cast<uint32_t>(engine->n_ctx_slot_) * static_cast<uint32_t>(o.slots);
  cparams.n_batch = static_cast<uint32_t>(std::max(o.batch, o.slots));
  cparams.n_ubatch = cparams.n_batch;
  cparams.n_threads = threads;
  cparams.n_threads_batch = threads;
  // One KV stream per slot: a slot's attention only looks at its own cells, which keeps a
  // request's output the same whatever else runs beside it.
  cparams.kv_unified = false;
  cparams.no_perf = true;
  engine->ctx_ = llama_init_from_model(engine->model_, cparams);
  if (!engine->ctx_) return core::Error::unavailable("model '" + o.name + "': the context could not be created (out of memory?)");
  engine->n_ctx_slot_ = static_cast<int>(llama_n_ctx_seq(engine->ctx_));

  if (!o.chat_template.empty()) {
    engine->template_ = o.chat_template;
  } else if (const char* t = llama_model_chat_template(engine->model_, nullptr)) {
    engine->template_ = t;
  }
  engine->queue_limit_ = static_cast<size_t>(o.queue > 0 ? o.queue : 4 * o.slots);
  engine->thread_ = std::thread([raw = engine.get()] { raw->run(); });
  char desc[128];
  llama_model_desc(engine->model_, desc, sizeof desc);
  spdlog::info("model '{}': ready ({}, {} slots × {} tokens, {} threads, batch {})", o.name, desc, o.slots,
               engine->n_ctx_slot_, threads, cparams.n_batch);
  return engine;
}

Engine::~Engine() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    accepting_ = false;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (ctx_) llama_free(ctx_);
  if (model_) llama_model_free(model_);
}

core::Result<std::vector<Token>> Engine::tokenize(std::string_view text, bool add_special) const {
  int32_t n = -llama_tokenize(vocab_, text.data(), static_cast<int32_t>(text.size()), nullptr, 0, add_special, true);
  std::vector<Token> tokens(static_cast<size_t>(std::max(n, 0)));
  if (n > 0 && llama_tokenize(vocab_, text.data(), static_cast<int32_t>(text.size()), tokens.data(), n, add_special, true) != n) {
    return core::Error::internal("tokenizer failed");
  }
  return tokens;
}

ModelFacts Engine::facts() const {
  ModelFacts f;
  char buf[256];
  if (llama_model_meta_val_str(model_, "general.architecture", buf, sizeof buf) > 0) f.architecture = buf;
  if (llama_model_desc(model_, buf, sizeof buf) > 0) f.description = buf;
  f.parameters = llama_model_n_params(model_);
  f.size_bytes = llama_model_size(model_);
  f.context_length = llama_model_n_ctx_train(model_);
  return f;
}

core::Result<std::vector<Token>> Engine::chat_prompt(const core::ChatRequest& request) const {
  if (request.kind == core::ChatRequest::Kind::completion) return tokenize(request.prompt, true);
  if (template_.empty()) {
    return core::Error::invalid_request("model '" + options_.name + "' has no chat template in its GGUF and none is configured (set chat_template in its config entry, or use /v1/completions)");
  }
  std::vector<std::string> roles, texts;
  roles.reserve(request.messages.size());
  texts.reserve(request.messages.size());
  for (const auto& m : request.messages) {
    roles.push_back(role_for_template(m.role));
    texts.push_back(m.text());
  }
  std::vector<llama_chat_message> chat;
  for (size_t i = 0; i < roles.size(); ++i) chat.push_back({roles[i].c_str(), texts[i].c_str()});
  std::string buf(4096, '\0');
  int32_t n = llama_chat_apply_template(template_.c_str(), chat.data(), chat.size(), true, buf.data(), static_cast<int32_t>(buf.size()));
  if (n > static_cast<int32_t>(buf.size())) {
    buf.resize(static_cast<size_t>(n));
    n = llama_chat_apply_template(template_.c_str(), chat.data(), chat.size(), true, buf.data(), n);
  }
  if (n < 0) {
    return core::Error::invalid_request("model '" + options_.name + "': its chat template is not one llama.cpp supports (set chat_template in its config entry)");
  }
  buf.resize(static_cast<size_t>(n));
  return tokenize(buf, true);
}

core::Result<uint64_t> Engine::submit(GenerationRequest request, EventSink sink) {
  if (request.prompt.empty()) return core::Error::invalid_request("the prompt is empty");
  if (static_cast<int64_t>(request.prompt.size()) >= n_ctx_slot_) {
    auto e = core::Error::invalid_request("the prompt is " + std::to_string(request.prompt.size()) + " tokens; model '" +
                                          options_.name + "' takes at most " + std::to_string(n_ctx_slot_ - 1) +
                                          " per request", "messages");
    e.code = "context_length_exceeded";
    return e;
  }
  std::lock_guard lock(mu_);
  if (!accepting_ || stopping_) return core::Error::unavailable("model '" + options_.name + "' is being unloaded");
  // Slots that are free take waiting work at the next step, so only the excess over them queues.
  size_t free_slots = static_cast<size_t>(std::max(0, options_.slots - active_));
  if (queue_.size() >= queue_limit_ + free_slots) {
    counters_.rejected_full.fetch_add(1, std::memory_order_relaxed);
    auto e = core::Error::rate_limited("model '" + options_.name + "' is at capacity (" + std::to_string(options_.slots) +
                                       " slots busy, " + std::to_string(queue_.size()) + " waiting); retry shortly", 1);
    e.code = "local_queue_full";
    return e;
  }
  uint64_t id = next_id_++;
  queue_.push_back(Task{id, std::move(request), std::move(sink), std::chrono::steady_clock::now()});
  counters_.queued.store(static_cast<int>(queue_.size()), std::memory_order_relaxed);
  wake_.notify_one();
  return id;
}

void Engine::cancel(uint64_t id) {
  {
    std::lock_guard lock(mu_);
    cancelled_.insert(id);
  }
  wake_.notify_one();
}

core::Status Engine::submit_embeddings(EmbeddingJob job) {
  for (const auto& input : job.inputs) {
    if (input.empty()) return core::Error::invalid_request("an input is empty", "input");
    if (static_cast<int64_t>(input.size()) > n_ctx_slot_) {
      return core::Error::invalid_request("an input is " + std::to_string(input.size()) + " tokens; model '" + options_.name +
                                          "' takes at most " + std::to_string(n_ctx_slot_), "input");
    }
  }
  std::lock_guard lock(mu_);
  if (!accepting_ || stopping_) return core::Error::unavailable("model '" + options_.name + "' is being unloaded");
  if (embedding_jobs_.size() >= queue_limit_) {
    auto e = core::Error::rate_limited("model '" + options_.name + "' is at capacity; retry shortly", 1);
    e.code = "local_queue_full";
    return e;
  }
  embedding_jobs_.push_back(std::move(job));
  wake_.notify_one();
  return core::Ok{};
}

void Engine::drain() {
  {
    std::lock_guard lock(mu_);
    accepting_ = false;
  }
  wake_.notify_one();
}

}  // namespace sy::engine
