#pragma once
// One try at one target: the request it is sent (the client's, or a redacted copy for a cloud
// target in redact mode, with the version's request defaults), and the sink between the provider
// and the answer path, which puts redacted values back, notes the first token, the usage and
// (when the audit keeps text) the answer's text, and whether anything went on (after that, no
// other target may answer instead).
#include <memory>
#include <optional>

#include "core/result.h"
#include "pipeline/execute/redaction.h"
#include "pipeline/request_state.h"
#include "privacy/restorer.h"

namespace sy::pipeline {

struct Attempt {
  std::unique_ptr<Redacted> redacted;            // redact mode, cloud target: what it gets
  std::optional<privacy::Restorer> restorer;     // ... and how the values come back
  std::unique_ptr<core::ChatRequest> adjusted;   // with the version's defaults

  const core::ChatRequest& request(const core::ChatRequest& client) const {
    if (adjusted) return *adjusted;
    return redacted ? redacted->request : client;
  }
};

// Fails for a cloud target the request's privacy class forbids: the router already left such
// targets out; this is the second lock on the same door.
core::Result<Attempt> prepare_attempt(const RequestState& s, const Target& target, const privacy::Scanner* scanner);

class AttemptSink final : public providers::ChunkSink {
 public:
  AttemptSink(RequestState& s, privacy::Restorer* restorer, bool keep_text) : s_(s), restorer_(restorer), keep_text_(keep_text) {}
  http::awaitable<bool> on_chunk(core::ChatChunk chunk) override;
  bool forwarded() const { return forwarded_; }

 private:
  RequestState& s_;
  privacy::Restorer* restorer_;
  bool keep_text_;
  bool forwarded_ = false;
};

}  // namespace sy::pipeline
