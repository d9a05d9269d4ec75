#pragma once
// The stages a request passes, in order. The order of the chat path is written once, where the
// gateway composes it (api/gateway.cpp); each stage lives in its own folder under pipeline/.
#include <memory>
#include <vector>

#include "pipeline/responder.h"
#include "pipeline/stage.h"

namespace sy::pipeline {

class Chain {
 public:
  Chain() = default;
  explicit Chain(std::vector<std::shared_ptr<const Stage>> stages) : stages_(std::move(stages)) {}

  // The whole request: request hooks in order until one replies or fails, then the commit hooks
  // and the responder's finish with the outcome, then every filter's on_end (also if the
  // coroutine is torn down early).
  http::awaitable<void> run(RequestState& state, Responder& responder) const;

  // Admission only, with state.dry_run set: the request hooks of the admission stages, until one
  // fails (its error) or all passed. Nothing is held or called, nothing answered.
  http::awaitable<core::Status> dry_run(RequestState& state) const;

  // Admission for an endpoint that answers by itself (/v1/models, the admin API): the request
  // hooks of every stage in order; the returned Run ends its filters when it goes.
  class Run {
   public:
    Run(Run&&) = default;
    ~Run();
    const core::Status& admitted() const { return admitted_; }

   private:
    friend class Chain;
    Run(RequestState& state) : state_(&state) {}
    RequestState* state_;
    std::vector<FilterPtr> filters_;
    core::Status admitted_ = core::Ok{};
  };
  http::awaitable<Run> admit(RequestState& state) const;

  const std::vector<std::shared_ptr<const Stage>>& stages() const { return stages_; }

 private:
  std::vector<std::shared_ptr<const Stage>> stages_;
};

}  // namespace sy::pipeline
