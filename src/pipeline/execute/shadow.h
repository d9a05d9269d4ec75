#pragma once
// A copy of an answered request to the model's shadow version, when it has one and the request
// falls in its share: run off the request path, recorded in the version's metrics and the audit
// trail (under shadow:<key>, so the caller's usage and budget do not pay for the platform's
// experiment), never shown to anyone, and never sent to a cloud target when the request was
// sensitive. At most 32 run at once; a drain waits for those running.
#include <memory>

#include "core/in_flight.h"
#include "ops/audit_log.h"
#include "ops/cost_model.h"
#include "pipeline/request_state.h"
#include "privacy/scanner.h"
#include "serving/registry.h"

namespace sy::pipeline {

class ShadowRunner {
 public:
  ShadowRunner(const serving::Registry& registry, ops::AuditLog* audit, const ops::CostModel& costs,
               std::shared_ptr<const privacy::Scanner> scanner, bool include_text)
      : registry_(registry), audit_(audit), costs_(costs), scanner_(std::move(scanner)), include_text_(include_text) {}

  // After `s` was answered by a registry version: its shadow copy, if any, on `executor`.
  void maybe_start(const RequestState& s, const boost::asio::any_io_executor& executor);
  core::InFlight& in_flight() { return in_flight_; }

 private:
  http::awaitable<void> run(std::shared_ptr<core::ChatRequest> request, serving::Resolved shadow, std::string request_id,
                            std::string key_name, core::InFlight::Ticket ticket);

  const serving::Registry& registry_;
  ops::AuditLog* audit_;
  const ops::CostModel& costs_;
  std::shared_ptr<const privacy::Scanner> scanner_;
  bool include_text_;
  core::InFlight in_flight_;
};

// Text for the audit trail: every sensitive value replaced by its placeholder. Text that cannot be
// scanned is not kept at all.
std::string redacted_for_audit(const privacy::Scanner* scanner, std::string_view text);

}  // namespace sy::pipeline
