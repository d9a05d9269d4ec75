#include "pipeline/chain.h"

namespace sy::pipeline {

namespace {

// Ends every started filter once, in chain order, however the run finishes.
struct Ending {
  RequestState& state;
  std::vector<FilterPtr>& filters;
  ~Ending() {
    for (auto& f : filters) {
      if (f->hooks() & kEnd) f->on_end(state);
    }
  }
};

std::vector<FilterPtr> start_all(const std::vector<std::shared_ptr<const Stage>>& stages,
                                               RequestState& state, bool admission_only) {
  std::vector<FilterPtr> filters;
  filters.reserve(stages.size());
  for (const auto& stage : stages) {
    if (admission_only && !stage->admission()) continue;
    if (auto f = stage->start(state)) filters.push_back(std::move(f));
  }
  return filters;
}

}  // namespace

http::awaitable<void> Chain::run(RequestState& state, Responder& responder) const {
  auto filters = start_all(stages_, state, false);
  Ending ending{state, filters};
  // The answer path: each filter wraps what is downstream of it, so the last stage sees the
  // answer first and the client last.
  providers::ChunkSink* sink = &responder;
  for (auto& f : filters) {
    if (f->hooks() & kAnswer) sink = &f->on_answer(state, *sink);
  }
  state.answer = sink;

  core::Status outcome = core::Error::internal("no stage answered the request");
  for (auto& f : filters) {
    if (!(f->hooks() & kRequest)) continue;
    auto verdict = co_await f->on_request(state);
    if (!verdict) {
      outcome = verdict.error();
      break;
    }
    if (*verdict == Verdict::replied) {
      outcome = core::Ok{};
      break;
    }
  }
  if (outcome) {
    state.record.status = 200;  // a complete answer; the commit hooks record it as such
    for (auto& f : filters) {
      if (!(f->hooks() & kCommit)) continue;
      auto committed = co_await f->on_commit(state);
      if (!committed) {
        outcome = committed.error();
        break;
      }
    }
  }
  if (!state.client_gone()) co_await responder.finish(outcome);
  else if (!outcome) state.record.error_type = outcome.error().type;
}

http::awaitable<core::Status> Chain::dry_run(RequestState& state) const {
  state.dry_run = true;
  auto filters = start_all(stages_, state, true);
  Ending ending{state, filters};
  for (auto& f : filters) {
    if (!(f->hooks() & kRequest)) continue;
    auto verdict = co_await f->on_request(state);
    if (!verdict) co_return verdict.error();
  }
  co_return core::Ok{};
}

Chain::Run::~Run() {
  if (!state_) return;
  for (auto& f : filters_) {
    if (f->hooks() & kEnd) f->on_end(*state_);
  }
}

http::awaitable<Chain::Run> Chain::admit(RequestState& state) const {
  Run run(state);
  run.filters_ = start_all(stages_, state, false);
  for (auto& f : run.filters_) {
    if (!(f->hooks() & kRequest)) continue;
    auto verdict = co_await f->on_request(state);
    if (!verdict) {
      run.admitted_ = verdict.error();
      break;
    }
  }
  co_return run;
}

}  // namespace sy::pipeline
