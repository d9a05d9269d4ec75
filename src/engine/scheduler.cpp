// The engine thread: slots, one shared batch per step, sampling, and the embedding jobs between
// steps. Everything here runs on that one thread, except the short critical sections on `mu_`.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

#include <llama.h>
#include <spdlog/spdlog.h>

#include "engine/embedder.h"
#include "engine/engine.h"
#include "engine/text_stream.h"

namespace sy::engine {

namespace {

using Clock = std::chrono::steady_clock;

uint64_t micros_since(Clock::time_point t) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t).count());
}

size_t common_prefix(const std::vector<Token>& a, const std::vector<Token>& b) {
  size_t n = std::min(a.size(), b.size()), i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

}  // namespace

class Engine::Scheduler {
 public:
  explicit Scheduler(Engine& e)
      : e_(e), mem_(llama_get_memory(e.ctx_)), embedder_(e.model_, e.n_ctx_slot_, e.options_.threads) {
    slots_.resize(static_cast<size_t>(e.options_.slots));
    for (size_t i = 0; i < slots_.size(); ++i) slots_[i].seq = static_cast<llama_seq_id>(i);
    batch_ = llama_batch_init(static_cast<int32_t>(llama_n_batch(e.ctx_)), 0, 1);
  }
  ~Scheduler() {
    llama_batch_free(batch_);
  }

  void run() {
    for (;;) {
      std::vector<Task> admitted;
      std::optional<EmbeddingJob> job;
      {
        std::unique_lock lock(e_.mu_);
        e_.wake_.wait(lock, [&] {
          return e_.stopping_ || busy() || !e_.queue_.empty() || !e_.embedding_jobs_.empty() || !e_.cancelled_.empty() ||
                 (!e_.accepting_ && !busy());
        });
        if (e_.stopping_) {
          fail_everything(lock);
          return;
        }
        apply_cancels();
        while (!e_.queue_.empty() && idle_count() > admitted.size()) {
          admitted.push_back(std::move(e_.queue_.front()));
          e_.queue_.pop_front();
        }
        if (!e_.embedding_jobs_.empty()) {
          job = std::move(e_.embedding_jobs_.front());
          e_.embedding_jobs_.pop_front();
        }
        e_.active_ = active_count() + static_cast<int>(admitted.size());
        e_.counters_.queued.store(static_cast<int>(e_.queue_.size()), std::memory_order_relaxed);
        if (!e_.accepting_ && !busy() && admitted.empty() && e_.queue_.empty() && !job) return;
      }
      for (auto& task : admitted) start(std::move(task));
      if (job) job->done(embedder_.embed(job->inputs));
      if (busy()) step();
      e_.counters_.busy_slots.store(active_count(), std::memory_order_relaxed);
    }
  }

 private:
  enum class Phase { idle, prompt, generate };

  struct Slot {
    llama_seq_id seq = 0;
    Phase phase = Phase::idle;
    std::optional<Task> task;
    std::vector<Token> cache;  // the tokens whose KV this slot's sequence holds, in order
    size_t prompt_done = 0;    // prompt tokens in the KV so far
    int64_t cached = 0;        // of which reused from the previous request
    int64_t generated = 0;
    Token next = 0;            // sampled, to be decoded at the next step
    int32_t logits_at = -1;    // this step's batch index whose logits are ours
    SamplerPtr sampler;
    std::optional<TextStream> text;
    bool first_token_seen = false;
  };

  bool busy() const {
    return std::any_of(slots_.begin(), slots_.end(), [](const Slot& s) { return s.phase != Phase::idle; });
  }
  int active_count() const {
    return static_cast<int>(std::count_if(slots_.begin(), slots_.end(), [](const Slot& s) { return s.phase != Phase::idle; }));
  }
  size_t idle_count() const { return slots_.size() - static_cast<size_t>(active_count()); }

  // Under mu_: cancelled tasks leave the queue or their slot.
  void apply_cancels() {
    if (e_.cancelled_.empty()) return;
    for (auto it = e_.queue_.begin(); it != e_.queue_.end();) {
      if (e_.cancelled_.count(it->id)) {
        finish_task(*it, "cancelled", 0, 0, 0, std::nullopt);
        it = e_.queue_.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& s : slots_) {
      if (s.task && e_.cancelled_.count(s.task->id)) finish(s, "cancelled");
    }
    e_.cancelled_.clear();
  }

  void fail_everything(std::unique_lock<std::mutex>&) {
    auto err = core::Error::unavailable("model '" + e_.options_.name + "' was unloaded");
    for (auto& t : e_.queue_) finish_task(t, "error", 0, 0, 0, err);
    e_.queue_.clear();
    for (auto& s : slots_) {
      if (s.task) finish(s, "error", err);
    }
    for (auto& j : e_.embedding_jobs_) j.done(err);
    e_.embedding_jobs_.clear();
  }

  // Picks the idle slot whose cached tokens share the longest prefix with the prompt, so a
  // system prompt or an earlier turn of the same chat is not evaluated again.
  Slot& choose_slot(const std::vector<Token>& prompt) {
    Slot* best = nullptr;
    size_t best_len = 0;
    for (auto& s : slots_) {
      if (s.phase != Phase::idle) continue;
      size_t len = common_prefix(s.cache, prompt);
      if (!best || len > best_len) {
        best = &s;
        best_len = len;
      }
    }
    return *best;
  }

  void start(Task task) {
    Slot& s = choose_slot(task.request.prompt);
    const auto& prompt = task.request.prompt;
    auto sampler = make_sampler(task.request.sampling, e_.vocab_);
    if (!sampler) {
      finish_task(task, "error", 0, 0, 0, sampler.error());
      return;
    }
    // Keep the shared prefix, drop the rest; at least the last prompt token is evaluated again,
    // since its logits are what the first sample needs.
    size_t keep = std::min(common_prefix(s.cache, prompt), prompt.size() - 1);
    if (!llama_memory_seq_rm(mem_, s.seq, static_cast<llama_pos>(keep), -1)) {
      llama_memory_seq_rm(mem_, s.seq, -1, -1);
      keep = 0;
    }
    s.cache.resize(keep);
    s.prompt_done = keep;
    s.cached = static_cast<int64_t>(keep);
    s.generated = 0;
    s.sampler = std::move(*sampler);
    s.text.emplace(task.request.stop);
    s.first_token_seen = false;
    s.task = std::move(task);
    s.phase = Phase::prompt;
    e_.counters_.cached_tokens.fetch_add(keep, std::memory_order_relaxed);
  }

  // One llama_decode for every running slot: first the token each generating slot sampled last
  // step, then prompt chunks in the remaining budget.
  void step() {
    batch_.n_tokens = 0;
    const int32_t budget = static_cast<int32_t>(llama_n_batch(e_.ctx_));
    for (auto& s : slots_) {
      s.logits_at = -1;
      if (s.phase != Phase::generate) continue;
      s.logits_at = add(s.next, static_cast<llama_pos>(s.cache.size()), s.seq, true);
      s.cache.push_back(s.next);
    }
    // Rotate which prompt goes first so two long prompts share the budget over steps.
    size_t n = slots_.size();
    for (size_t k = 0; k < n && batch_.n_tokens < budget; ++k) {
      auto& s = slots_[(rotate_ + k) % n];
      if (s.phase != Phase::prompt) continue;
      const auto& prompt = s.task->request.prompt;
      while (s.prompt_done < prompt.size() && batch_.n_tokens < budget) {
        bool last = s.prompt_done + 1 == prompt.size();
        int32_t at = add(prompt[s.prompt_done], static_cast<llama_pos>(s.prompt_done), s.seq, last);
        if (last) s.logits_at = at;
        s.cache.push_back(prompt[s.prompt_done]);
        ++s.prompt_done;
      }
    }
    rotate_ = (rotate_ + 1) % n;
    if (batch_.n_tokens == 0) return;

    auto t0 = Clock::now();
    int32_t rc = llama_decode(e_.ctx_, batch_);
    e_.counters_.decode_micros.fetch_add(micros_since(t0), std::memory_order_relaxed);
    e_.counters_.decode_steps.fetch_add(1, std::memory_order_relaxed);
    if (rc != 0) {
      spdlog::error("model '{}': llama_decode failed ({}) for a batch of {} tokens", e_.options_.name, rc, batch_.n_tokens);
      auto err = core::Error::internal("the local model failed to evaluate the batch");
      for (auto& s : slots_) {
        if (s.phase == Phase::idle) continue;
        llama_memory_seq_rm(mem_, s.seq, -1, -1);
        s.cache.clear();
        finish(s, "error", err);
      }
      return;
    }
    int64_t used = 0;
    for (auto& s : slots_) {
      if (s.logits_at >= 0) sample(s);  // a prompt still in progress has none yet
      used += static_cast<int64_t>(s.cache.size());
    }
    e_.counters_.kv_cells_used.store(used, std::memory_order_relaxed);
  }

  int32_t add(Token token, llama_pos pos, llama_seq_id seq, bool logits) {
    int32_t i = batch_.n_tokens++;
    batch_.token[i] = token;
    batch_.pos[i] = pos;
    batch_.n_seq_id[i] = 1;
    batch_.seq_id[i][0] = seq;
    batch_.logits[i] = logits;
    return i;
  }

  void sample(Slot& s) {
    auto& task = *s.task;
    if (s.phase == Phase::prompt) {
      e_.counters_.prompt_tokens.fetch_add(task.request.prompt.size() - static_cast<size_t>(s.cached), std::memory_order_relaxed);
      s.phase = Phase::generate;
    }
    Token token = llama_sampler_sample(s.sampler.get(), e_.ctx_, s.logits_at);
    if (!s.first_token_seen) {
      s.first_token_seen = true;
      e_.counters_.ttft_count.fetch_add(1, std::memory_order_relaxed);
      e_.counters_.ttft_micros_sum.fetch_add(micros_since(task.enqueued), std::memory_order_relaxed);
    }
    if (llama_vocab_is_eog(e_.vocab_, token)) {
      finish(s, "stop");
      return;
    }
    ++s.generated;
    e_.counters_.generated_tokens.fetch_add(1, std::memory_order_relaxed);
    char buf[256];
    int32_t len = llama_token_to_piece(e_.vocab_, token, buf, sizeof buf, 0, false);
    auto step = s.text->push(std::string_view(buf, static_cast<size_t>(std::max(len, 0))));
    if (!step.text.empty() && !step.stopped) {
      GenerationEvent ev;
      ev.text = std::move(step.text);
      task.sink(std::move(ev));
    }
    if (step.stopped) {
      finish(s, "stop", std::nullopt, std::move(step.text));
      return;
    }
    bool out_of_tokens = task.request.max_tokens >= 0 && s.generated >= task.request.max_tokens;
    bool out_of_context = static_cast<int64_t>(s.cache.size()) >= e_.n_ctx_slot_;
    if (out_of_tokens || out_of_context) {
      finish(s, "length");
      return;
    }
    s.next = token;
  }

  void finish(Slot& s, const char* reason, std::optional<core::Error> error = std::nullopt, std::string tail = {}) {
    if (!s.task) return;
    if (s.text && !error) tail += s.text->flush();
    auto prompt = static_cast<int64_t>(s.task->request.prompt.size());
    finish_task(*s.task, reason, prompt, s.generated, s.cached, std::move(error), std::move(tail));
    // The slot's cells stay as they are: the next request that shares a prefix with them skips
    // that much prompt; one that does not overwrites them at admission.
    s.task.reset();
    s.sampler.reset();
    s.text.reset();
    s.phase = Phase::idle;
  }

  static void finish_task(Task& task, const char* reason, int64_t prompt, int64_t generated, int64_t cached,
                          std::optional<core::Error> error, std::string tail = {}) {
    GenerationEvent ev;
    ev.text = std::move(tail);
    ev.done = true;
    ev.finish_reason = reason;
    ev.error = std::move(error);
    ev.prompt_tokens = prompt;
    ev.completion_tokens = generated;
    ev.cached_tokens = cached;
    task.sink(std::move(ev));
  }

  Engine& e_;
  llama_memory_t mem_;
  std::vector<Slot> slots_;
  llama_batch batch_{};
  size_t rotate_ = 0;
  Embedder embedder_;
};

void Engine::run() {
  Scheduler scheduler(*this);
  scheduler.run();
}

}  // namespace sy::engine
