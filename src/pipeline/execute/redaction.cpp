#include "pipeline/execute/redaction.h"

#include "core/request_text.h"
#include "privacy/scanner.h"

namespace sy::pipeline {

core::Result<std::unique_ptr<Redacted>> redact_request(const core::ChatRequest& request, const privacy::Scanner& scanner) {
  auto out = std::make_unique<Redacted>();
  out->request = request;
  bool failed = false;
  for_each_text(out->request, [&](std::string& piece) {
    auto scan = scanner.scan(piece);
    if (scan.failed) failed = true;
    if (!scan.findings.empty()) piece = out->redactor.redact(piece, scan.findings);
  });
  if (failed) return core::Error::privacy_policy("The request could not be scanned for redaction; it was not sent to a cloud target.");
  return out;
}

}  // namespace sy::pipeline
