#pragma once
#include <memory>
#include <vector>

#include "pipeline/stage.h"

namespace sy::pipeline {

// Runs the admission stages in order; the first that does not say `next` ends the chain.
class Chain {
 public:
  void add(std::unique_ptr<Stage> stage) { stages_.push_back(std::move(stage)); }
  core::Result<Verdict> run(RequestContext& ctx) const {
    for (const auto& stage : stages_) {
      auto v = stage->on_request(ctx);
      if (!v || *v != Verdict::next) return v;
    }
    return Verdict::next;
  }

 private:
  std::vector<std::unique_ptr<Stage>> stages_;
};

}  // namespace sy::pipeline
