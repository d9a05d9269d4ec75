#pragma once
// The output guard: the privacy scanner over the answer on its way to the client, streams
// included (pipeline/output_guard/text_guard: a bounded hold-back, so a stream's first token is
// barely delayed). By policy, per route or for all: `redact` puts typed placeholders in place of
// what it finds, `block` ends the answer with an error in the client's format (an error event
// once a stream has begun), `log` only records. Blocked terms (and the configured confidential
// dictionaries) follow `on_blocked_term`. An answer to response_format json_schema is held whole
// and checked against its schema: a local target gets one repair try, then an answer off its
// schema is an error. Every intervention goes to the audit record and the metrics.
#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <optional>

#include "config/config.h"
#include "pipeline/output_guard/text_guard.h"
#include "pipeline/stage.h"

namespace sy::pipeline {

class OutputGuardStage final : public Stage {
 public:
  // `scanner` must know the blocked terms (as dictionary terms).
  OutputGuardStage(const config::Config& config, std::shared_ptr<const privacy::Scanner> scanner);
  std::string_view name() const override { return "output_guard"; }
  FilterPtr start(RequestState& state) const override;

  // The policy for a request to `model` (a route may have its own); null = answers pass unscanned.
  const GuardPolicy* policy_for(const std::string& model) const;
  const privacy::Scanner& scanner() const { return *scanner_; }
  void count(const std::string& intervention) const;
  void render_metrics(std::string& out) const;

  // Whether any output guard is configured, and the scanner options it needs (blocked terms).
  static bool wanted(const config::Config& config);
  static std::vector<std::string> blocked_terms(const config::Config& config);

 private:
  std::shared_ptr<const privacy::Scanner> scanner_;
  std::optional<GuardPolicy> global_;
  std::map<std::string, GuardPolicy> by_route_;
  mutable std::mutex counts_mu_;
  mutable std::map<std::string, uint64_t> counts_;  // "action:kind" -> interventions
};

}  // namespace sy::pipeline
