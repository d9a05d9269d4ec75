#pragma once
// What a registry version may set besides its artifact: defaults for the requests it answers.
// A version is then "this model with this system prompt and these sampling defaults", which is
// what a refreshed FAQ bot or a prompt change usually is. The client's own values always win.
//   {"system_prompt": "...", "temperature": 0.2, "top_p": 0.9, "max_tokens": 512}
#include <optional>
#include <string>
#include <string_view>

#include "core/chat.h"
#include "core/result.h"

namespace sy::ops {

struct VersionParameters {
  std::string system_prompt;           // prepended when the request brings no system message
  std::optional<double> temperature;   // 0..2
  std::optional<double> top_p;         // 0..1
  std::optional<int64_t> max_tokens;   // 1..1,000,000

  bool empty() const { return system_prompt.empty() && !temperature && !top_p && !max_tokens; }
  // Fills what the request leaves unset.
  void apply(core::ChatRequest& request) const;
};

// Parses a version's `parameters` JSON text ("" = none). Unknown keys and values out of range
// are errors (400): a typo must not pass as a silently ignored setting.
core::Result<VersionParameters> parse_version_parameters(std::string_view json_text);

}  // namespace sy::ops
