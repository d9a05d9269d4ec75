#include "pipeline/privacy_scan/privacy_scan_stage.h"

#include <set>

#include "core/request_text.h"
#include "http/offload.h"

namespace sy::pipeline {

namespace {

// A request of thousands of messages is megabytes of text to gather and scan: off the I/O thread.
constexpr size_t kOffloadMessages = 4096;

class PrivacyScanFilter final : public Filter {
 public:
  explicit PrivacyScanFilter(const PrivacyScanStage& stage) : stage_(stage) {}
  unsigned hooks() const override { return kRequest; }
  http::awaitable<core::Result<Verdict>> on_request(RequestState& s) override {
    core::Status scanned = core::Ok{};
    if (s.chat.messages.size() > kOffloadMessages) {
      scanned = co_await http::offload([this, &s] { return stage_.check(s); });
    } else {
      scanned = stage_.check(s);
    }
    if (!scanned) co_return scanned.error();
    co_return Verdict::next;
  }

 private:
  const PrivacyScanStage& stage_;
};

}  // namespace

PrivacyScanStage::PrivacyScanStage(std::shared_ptr<const privacy::Scanner> scanner, std::string on_sensitive)
    : scanner_(std::move(scanner)), on_sensitive_(std::move(on_sensitive)), filter_(std::make_unique<PrivacyScanFilter>(*this)) {}

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
  if (p.sensitive) p.privacy = on_sensitive_ == "redact" ? router::PrivacyClass::redact : router::PrivacyClass::local_only;
  s.record.privacy = router::to_string(p.privacy);
  s.record.kinds = p.kinds;
  if (p.sensitive && on_sensitive_ == "block") {
    s.record.rule = "privacy:block";
    return core::Error::privacy_policy("This request contains sensitive data (" + std::to_string(p.kinds.size()) +
                                       " kinds found) and the privacy policy blocks it.");
  }
  return core::Ok{};
}

}  // namespace sy::pipeline
