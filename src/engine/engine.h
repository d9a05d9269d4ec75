#pragma once
// One loaded GGUF model and the thread that runs it.
//
// Shaped after llama.cpp's own server: a fixed set of slots (one sequence each, with its own KV
// stream), a bounded queue in front of them, and one thread that owns the llama_context. Each
// step of that thread puts every running slot's next token and a budgeted chunk of pending prompt
// tokens into one llama_batch, so long prompts are taken in pieces and never stall the streams
// already running. Other threads only talk to it through the queue, under one mutex.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "core/chat.h"
#include "core/result.h"
#include "engine/generation.h"

struct llama_model;
struct llama_context;
struct llama_vocab;

namespace sy::engine {

struct EngineOptions {
  std::string name;           // the model's name in the config, for logs
  std::string path;           // GGUF file
  int slots = 1;              // concurrent sequences
  int context = 0;            // tokens per slot; 0 = the model's training context, at most 4096
  int threads = 0;            // 0 = every hardware thread
  int batch = 512;            // most tokens in one decode step
  int queue = 0;              // requests waiting beyond the slots; 0 = 4 per slot
  std::string chat_template;  // overrides the GGUF's
};

// Live numbers for /metrics; read without the engine's lock.
struct EngineCounters {
  std::atomic<int> busy_slots{0};
  std::atomic<int> queued{0};
  std::atomic<uint64_t> prompt_tokens{0};      // evaluated (not reused) prompt tokens
  std::atomic<uint64_t> cached_tokens{0};      // prompt tokens whose KV was reused
  std::atomic<uint64_t> generated_tokens{0};
  std::atomic<uint64_t> decode_steps{0};
  std::atomic<uint64_t> decode_micros{0};      // time inside llama_decode
  std::atomic<uint64_t> rejected_full{0};      // admissions refused because the queue was full
  std::atomic<int64_t> kv_cells_used{0};
  std::atomic<uint64_t> ttft_count{0};
  std::atomic<uint64_t> ttft_micros_sum{0};
};

// What a model file says about itself, for clients that list models (Ollama's /api/show).
struct ModelFacts {
  std::string architecture;   // general.architecture: llama, qwen2, gemma3, ...
  uint64_t parameters = 0;
  uint64_t size_bytes = 0;    // of its weights
  std::string description;    // llama.cpp's: "llama 8B Q4_K - Medium"
  int context_length = 0;     // what it was trained on
};

class Engine : public std::enable_shared_from_this<Engine> {
 public:
  static core::Result<std::shared_ptr<Engine>> load(EngineOptions options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Prompt building; any thread.
  core::Result<std::vector<Token>> chat_prompt(const core::ChatRequest& request) const;
  core::Result<std::vector<Token>> tokenize(std::string_view text, bool add_special) const;

  // Queues a generation. Refused at once (never a wait) when the queue is full: 429 with
  // Retry-After, code "local_queue_full", which the router reads as overload.
  core::Result<uint64_t> submit(GenerationRequest request, EventSink sink);
  // The sequence stops at the next step and its slot is free for the next request.
  void cancel(uint64_t id);
  core::Status submit_embeddings(EmbeddingJob job);

  // Stops taking requests; what is queued or running finishes, then the thread ends.
  void drain();
  bool accepting() const { return accepting_.load(); }

  // Read-only after load: any thread.
  ModelFacts facts() const;
  const std::string& chat_template() const { return template_; }

  const EngineOptions& options() const { return options_; }
  int context_per_slot() const { return n_ctx_slot_; }
  int64_t kv_cells_total() const { return int64_t{n_ctx_slot_} * options_.slots; }
  const EngineCounters& counters() const { return counters_; }
  size_t queue_limit() const { return queue_limit_; }

 private:
  struct Task {
    uint64_t id = 0;
    GenerationRequest request;
    EventSink sink;
    std::chrono::steady_clock::time_point enqueued;
  };
  class Scheduler;
  friend class Scheduler;

  explicit Engine(EngineOptions options);
  void run();  // the engine thread

  EngineOptions options_;
  llama_model* model_ = nullptr;
  llama_context* ctx_ = nullptr;
  const llama_vocab* vocab_ = nullptr;
  std::string template_;
  int n_ctx_slot_ = 0;
  size_t queue_limit_ = 0;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Task> queue_;
  std::deque<EmbeddingJob> embedding_jobs_;
  std::unordered_set<uint64_t> cancelled_;
  bool stopping_ = false;
  uint64_t next_id_ = 1;
  int active_ = 0;  // tasks in slots, under mu_ (the thread updates it)
  std::atomic<bool> accepting_{true};
  EngineCounters counters_;
  std::thread thread_;
};

}  // namespace sy::engine
