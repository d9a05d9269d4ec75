#include "pipeline/execute/redaction.h"

#include "core/request_text.h"
#include "privacy/scanner.h"

namespace sy::pipeline {

core::Result<std::unique_ptr<Redacted>> redact_request(const core::ChatRequest& request, const privacy::Scanner& scanner) {
  auto out = std::make_unique<Redacted>();
  out->request = request;
  // Two passes: every piece is scanned first, so that a value found in one (a name next to a fact)
  // is also hidden in the others, and where the same piece says it again.
  std::vector<std::vector<privacy::Finding>> found;
  std::vector<std::pair<privacy::Kind, std::string>> values;
  bool failed = false;
  for_each_text(out->request, [&](std::string& piece) {
    auto scan = scanner.scan(piece);
    if (scan.failed) failed = true;
    for (const auto& f : scan.findings) {
      if (!privacy::is_personal_fact(f.kind)) values.emplace_back(f.kind, piece.substr(f.start, f.end - f.start));
    }
    found.push_back(std::move(scan.findings));
  });
  if (failed) return core::Error::privacy_policy("The request could not be scanned for redaction; it was not sent to a cloud target.");
  size_t i = 0;
  for_each_text(out->request, [&](std::string& piece) {
    auto findings = privacy::every_mention(piece, std::move(found[i++]), values);
    if (!findings.empty()) piece = out->redactor.redact(piece, findings);
  });
  return out;
}

}  // namespace sy::pipeline
