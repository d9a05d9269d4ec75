#pragma once
// When every candidate failed, the client's error names each target and what went wrong with it
// ("cloud-a (503 from upstream), cloud-b (connection refused), cloud-c (unconfigured: no API
// key)"), so a newcomer sees which target to fix instead of only the last one's words. The reasons
// are short and made from fields that are already safe for a client: never an upstream's own text,
// never an address, never a secret.
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace sy::pipeline {

// A few words for one failed try: "503 from upstream", "timeout", "connection refused", ...
std::string short_reason(const core::Error& e);

class FailureSummary {
 public:
  // Targets the router left out (unhealthy, unconfigured, circuit open), with its reason.
  void skipped(const std::string& target, const std::string& why) { entries_.emplace_back(target, why); }
  void failed(const std::string& target, const core::Error& e) { entries_.emplace_back(target, short_reason(e)); ++tried_; }

  // `last` with the list appended, when there is more than one target to tell apart.
  core::Error apply(core::Error last) const;

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
  int tried_ = 0;
};

}  // namespace sy::pipeline
