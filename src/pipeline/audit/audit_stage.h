#pragma once
// The audit record of every request (ops/audit_log: one writer, group commit, hash chain). A
// complete answer is acknowledged only once its record is kept: in durable mode its last byte
// waits for the commit, and an answer whose record cannot be written is withheld (503 or an error
// event). Requests that ended otherwise are recorded without waiting. Probes and scrapes
// (/healthz, /readyz, /metrics) are not recorded. With audit.include_text the prompt and answer
// are kept, every sensitive value replaced by its placeholder.
#include <memory>

#include "ops/audit_log.h"
#include "pipeline/stage.h"
#include "privacy/scanner.h"

namespace sy::pipeline {

class AuditStage final : public Stage {
 public:
  AuditStage(ops::AuditLog& log, std::shared_ptr<const privacy::Scanner> scanner, bool include_text);
  std::string_view name() const override { return "audit"; }
  FilterPtr start(RequestState& state) const override;

  http::awaitable<core::Status> record_and_wait(RequestState& s) const;
  void record_detached(RequestState& s) const;

 private:
  void add_text(RequestState& s) const;

  ops::AuditLog& log_;
  std::shared_ptr<const privacy::Scanner> scanner_;
  bool include_text_;
  std::unique_ptr<Filter> filter_;  // stateless: one for every request
};

}  // namespace sy::pipeline
