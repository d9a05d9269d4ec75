#include "pipeline/privacy_scan/privacy_scan_stage.h"

#include <set>

#include "core/request_text.h"

namespace sy::pipeline {

PrivacyScanStage::PrivacyScanStage(std::shared_ptr<const privacy::Scanner> scanner, std::string on_sensitive)
    : scanner_(std::move(scanner)), on_sensitive_(std::move(on_sensitive)), filter_(std::make_unique<CheckFilter<PrivacyScanStage>>(*this)) {}

bool PrivacyScanStage::heavy(const RequestState& s) const { return s.chat.messages.size() > http::kOffloadMessages; }

FilterPtr PrivacyScanStage::start(RequestState&) const { return shared_filter(*filter_); }

core::Status PrivacyScanStage::check(RequestState& s) const {
  s.text = core::request_text(s.chat);
  auto& p = s.privacy;
  if (scanner_) {
    auto result = scanner_->scan(s.text);
    p.sensitive = result.sensitive;
    p.scan_failed = result.failed;
    s.findings = std::move(result.findings);
  } else {
    p.sensitive = true;  // no scanner, no proof of safety
    p.scan_failed = true;
  }
  std::set<std::string> kinds;
  for (const auto& f : s.findings) kinds.insert(privacy::to_string(f.kind));
  p.kinds.assign(kinds.begin(), kinds.end());
  p.because = p.scan_failed ? "scan failed" : privacy::sensitive_because(s.findings);
  if (p.sensitive) p.privacy = on_sensitive_ == "redact" ? router::PrivacyClass::redact : router::PrivacyClass::local_only;
  s.record.privacy = router::to_string(p.privacy);
  s.record.kinds = p.kinds;
  if (p.sensitive && on_sensitive_ == "block") {
    s.record.rule = "privacy:block";
    return core::Error::privacy_policy("This request contains sensitive data (" + p.because +
                                       ") and the privacy policy blocks it.");
  }
  return core::Ok{};
}

}  // namespace sy::pipeline
