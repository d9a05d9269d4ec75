#pragma once
// Whether a request holds sensitive data, and what follows from it. Every piece of text the
// request carries (core::request_text) is scanned once; the findings (kinds and offsets, never
// values) and the privacy class go on the state for the stages after: local_only keeps the
// request on targets that keep data in-house, redact sends cloud targets placeholders, block
// refuses it here. Fails closed: without a scanner, or when a scan fails, the request is sensitive.
//
// The scanner's rules find values and named people with facts; where they find nothing, its line
// model gives a score (privacy/scanner.h). With privacy.classifier, a score in the configured
// range is decided by a second opinion: a model that keeps data in-house is asked a yes/no question
// about the text (a constrained answer); a timeout, an error or an unclear answer counts as yes.
// A dry run (/v1/route/explain) asks nobody and counts the borderline request as sensitive.
//
// Sensitive with nothing to redact (the model's verdict, a failed scan): local_only even under the
// redact policy, since placeholders can hide only what has a span.
#include <memory>
#include <optional>
#include <string>

#include "config/config.h"
#include "pipeline/stage.h"
#include "privacy/scanner.h"
#include "serving/registry.h"

namespace sy::pipeline {

class PrivacyScanStage final : public Stage {
 public:
  // `on_sensitive`: local_only | redact | block. A null scanner treats every request as sensitive.
  // `classifier` needs `registry` (where its model's production version is found).
  PrivacyScanStage(std::shared_ptr<const privacy::Scanner> scanner, std::string on_sensitive,
                   std::optional<config::PrivacyClassifierConfig> classifier = std::nullopt,
                   const serving::Registry* registry = nullptr);
  std::string_view name() const override { return "privacy_scan"; }
  bool admission() const override { return true; }
  FilterPtr start(RequestState& state) const override;

  // Thousands of messages are megabytes of text to gather and scan: done on the offload pool.
  bool heavy(const RequestState& s) const;

  // The filter's steps: scan the request's text; if its score is borderline, ask the second
  // opinion (which leaves the request sensitive unless the answer is a clear no); then settle its
  // privacy class (the block policy refuses here).
  void scan(RequestState& s) const;
  bool borderline(const RequestState& s) const;
  http::awaitable<void> ask_second_opinion(RequestState& s) const;
  core::Status settle(RequestState& s) const;

 private:
  std::shared_ptr<const privacy::Scanner> scanner_;
  std::string on_sensitive_;
  std::optional<config::PrivacyClassifierConfig> classifier_;
  const serving::Registry* registry_;
  std::unique_ptr<Filter> filter_;  // stateless: one for every request
};

}  // namespace sy::pipeline
