#include "pipeline/execute/failure_summary.h"

namespace sy::pipeline {

std::string short_reason(const core::Error& e) {
  if (e.code == "unconfigured") return e.message.starts_with("unconfigured") ? e.message : "unconfigured";
  if (e.upstream_status) return std::to_string(e.upstream_status) + " from upstream";
  if (e.status == 504) return "timeout";
  if (!e.cause.empty()) return e.cause;
  if (e.code == "local_queue_full") return "queue full";
  if (e.code == "empty_answer") return "empty answer";
  if (e.code == "circuit_open") return "circuit open";
  return e.message;  // our own words, written for clients
}

core::Error FailureSummary::apply(core::Error last) const {
  if (tried_ == 0 || entries_.size() < 2) return last;
  std::string list;
  for (const auto& [target, why] : entries_) list += (list.empty() ? "" : ", ") + target + " (" + why + ")";
  if (!last.message.empty() && last.message.back() != '.') last.message += '.';
  last.message += " Every target failed: " + list + ".";
  return last;
}

}  // namespace sy::pipeline
