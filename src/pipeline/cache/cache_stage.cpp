#include "pipeline/cache/cache_stage.h"

#include <boost/algorithm/string/predicate.hpp>

#include "core/answer_chunks.h"
#include "core/metrics_text.h"
#include "pipeline/cache/cache_key.h"

namespace sy::pipeline {

namespace {

enum class Directive { use, refresh, skip };

// The client's say for this request: Cache-Control or x-switchyard-cache.
Directive directive_of(const http::Request& r) {
  auto control = r[http::bhttp::field::cache_control];
  if (boost::algorithm::icontains(control, "no-store")) return Directive::skip;
  if (boost::algorithm::icontains(control, "no-cache") || boost::algorithm::iequals(r["x-switchyard-cache"], "bypass")) {
    return Directive::refresh;
  }
  return Directive::use;
}

// Records the answer as it goes to the client, to keep it once committed.
class CacheFilter final : public Filter, public providers::ChunkSink {
 public:
  explicit CacheFilter(const CacheStage& stage) : stage_(stage) {}
  unsigned hooks() const override { return kRequest | kAnswer | kCommit; }

  providers::ChunkSink& on_answer(RequestState&, providers::ChunkSink& next) override {
    next_ = &next;
    return *this;
  }

  http::awaitable<bool> on_chunk(core::ChatChunk chunk) override {
    if (recording_) collected_.add(chunk);
    co_return co_await next_->on_chunk(std::move(chunk));
  }

  http::awaitable<core::Result<Verdict>> on_request(RequestState& s) override {
    const auto& config = stage_.config();
    bool deterministic = s.chat.temperature && *s.chat.temperature == 0;
    if (!config.sampled && !deterministic) co_return Verdict::next;  // not cacheable: not consulted
    auto directive = directive_of(*s.http);
    key_ = cache_key(s, config);
    if (directive != Directive::use) {
      s.record.cache = "bypass";
      stage_.bypasses.fetch_add(1, std::memory_order_relaxed);
      recording_ = directive == Directive::refresh;
      co_return Verdict::next;
    }
    auto hit = co_await stage_.store().get(key_);
    if (!hit) {
      s.record.cache = "miss";
      stage_.misses.fetch_add(1, std::memory_order_relaxed);
      recording_ = true;
      co_return Verdict::next;
    }
    s.record.cache = "hit";
    s.record.target = hit->target;
    s.record.version = hit->version;
    s.record.cost_saved_usd = hit->cost_usd;
    s.usage = hit->answer.usage;
    s.first_token = std::chrono::steady_clock::now();
    stage_.hits.fetch_add(1, std::memory_order_relaxed);
    stage_.saved_micro_usd.fetch_add(static_cast<uint64_t>(ops::micro_usd(hit->cost_usd)), std::memory_order_relaxed);
    // Straight to what follows the cache on the answer path: the answer was guarded when it was kept.
    for (auto& chunk : core::as_chunks(hit->answer)) {
      bool delivered = co_await next_->on_chunk(std::move(chunk));
      if (!delivered) co_return core::Error{499, "client_closed", "The client closed the connection.", {}, {}, {}, 0, {}};
    }
    co_return Verdict::replied;
  }

  http::awaitable<core::Status> on_commit(RequestState& s) override {
    if (!recording_ || !s.answered_by || s.stopped) co_return core::Ok{};
    // A sensitive request's answer is kept only when the config says so, and a local target gave it.
    if (s.privacy.privacy != router::PrivacyClass::any && (!stage_.config().sensitive || s.answered_by->cloud())) {
      co_return core::Ok{};
    }
    auto entry = std::make_shared<CachedAnswer>();
    entry->answer = collected_.take();
    entry->target = s.answered_by->model->name;
    entry->version = s.answered_by->version();
    if (s.usage) entry->cost_usd = stage_.costs().cost_usd(s.answered_by->config(), *s.usage);
    co_await stage_.store().put(key_, std::move(entry), stage_.config().ttl);
    stage_.stored.fetch_add(1, std::memory_order_relaxed);
    co_return core::Ok{};
  }

 private:
  const CacheStage& stage_;
  providers::ChunkSink* next_ = nullptr;
  std::string key_;
  bool recording_ = false;
  core::AnswerCollector collected_;
};

}  // namespace

FilterPtr CacheStage::start(RequestState&) const { return own_filter<CacheFilter>(*this); }

void CacheStage::render_metrics(std::string& out) const {
  core::metric_header(out, "switchyard_cache_requests_total", "counter", "Requests the response cache was consulted for, by result.");
  core::metric_sample(out, "switchyard_cache_requests_total", "result=\"hit\"", hits.load());
  core::metric_sample(out, "switchyard_cache_requests_total", "result=\"miss\"", misses.load());
  core::metric_sample(out, "switchyard_cache_requests_total", "result=\"bypass\"", bypasses.load());
  core::metric_header(out, "switchyard_cache_stored_total", "counter", "Answers kept by the response cache.");
  core::metric_sample(out, "switchyard_cache_stored_total", "", stored.load());
  core::metric_header(out, "switchyard_cache_saved_usd_total", "counter", "What the answers served from the cache cost when they were made.");
  core::metric_sample(out, "switchyard_cache_saved_usd_total", "", static_cast<double>(saved_micro_usd.load()) / 1e6);
  store_->render_metrics(out);
}

}  // namespace sy::pipeline
