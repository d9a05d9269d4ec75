#pragma once
// The call: the route's targets in order, each with its version's request defaults, a redacted
// copy for a cloud target in redact mode, and retries of the same remote target on 429/5xx with
// backoff (never past its timeout, and for a stream only before its first byte). The next target
// is tried when one fails before anything reached the client and another may do better. One loop
// for both shapes: a whole answer goes into the answer path as the chunks a stream of it would
// carry, and the client's responder gathers them again.
#include <memory>

#include "ops/metrics.h"
#include "pipeline/execute/shadow.h"
#include "pipeline/stage.h"
#include "privacy/scanner.h"
#include "router/breakers.h"

namespace sy::pipeline {

class ExecuteStage final : public Stage {
 public:
  ExecuteStage(std::shared_ptr<const privacy::Scanner> scanner, const router::Breakers& breakers, ops::Metrics& metrics,
               ShadowRunner& shadows, bool keep_answer_text)
      : scanner_(std::move(scanner)), breakers_(breakers), metrics_(metrics), shadows_(shadows), keep_answer_text_(keep_answer_text) {}
  std::string_view name() const override { return "execute"; }
  FilterPtr start(RequestState& state) const override;

  const privacy::Scanner* scanner() const { return scanner_.get(); }
  const router::Breakers& breakers() const { return breakers_; }
  ops::Metrics& metrics() const { return metrics_; }
  ShadowRunner& shadows() const { return shadows_; }
  bool keep_answer_text() const { return keep_answer_text_; }

 private:
  std::shared_ptr<const privacy::Scanner> scanner_;
  const router::Breakers& breakers_;
  ops::Metrics& metrics_;
  ShadowRunner& shadows_;
  bool keep_answer_text_;
};

}  // namespace sy::pipeline
