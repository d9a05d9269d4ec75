#pragma once
// Whether a request holds sensitive data, and what follows from it. Every piece of text the
// request carries (core::request_text) is scanned once; the findings (kinds and offsets, never
// values) and the privacy class go on the state for the stages after: local_only keeps the
// request on targets that keep data in-house, redact sends cloud targets placeholders, block
// refuses it here. Fails closed: without a scanner, or when a scan fails, the request is sensitive.
#include <memory>
#include <string>

#include "pipeline/stage.h"
#include "privacy/scanner.h"

namespace sy::pipeline {

class PrivacyScanStage final : public Stage {
 public:
  // `on_sensitive`: local_only | redact | block. A null scanner treats every request as sensitive.
  PrivacyScanStage(std::shared_ptr<const privacy::Scanner> scanner, std::string on_sensitive);
  std::string_view name() const override { return "privacy_scan"; }
  bool admission() const override { return true; }
  FilterPtr start(RequestState& state) const override;

  // Scans the request, sets its privacy facts and class; the block policy refuses here.
  core::Status check(RequestState& s) const;
  // Thousands of messages are megabytes of text to gather and scan: done on the offload pool.
  bool heavy(const RequestState& s) const;

 private:
  std::shared_ptr<const privacy::Scanner> scanner_;
  std::string on_sensitive_;
  std::unique_ptr<Filter> filter_;  // stateless: one for every request
};

}  // namespace sy::pipeline
