#include "pipeline/privacy_scan/privacy_scan_stage.h"

#include <cstdio>
#include <set>

#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "core/request_text.h"
#include "line_model/features.h"

namespace sy::pipeline {
namespace {

// The question the second opinion answers, in the policy's words (issue 13, tests/data/privacy),
// kept short: a small local model's context (the demo model's is 256 tokens) holds it, the text and
// the answer.
constexpr const char* kQuestion =
    "Does the text hold personal data about a private person: a name with a personal fact (health, pay, "
    "performance, family, birth date, religion, address, account or ID number), a home address, or a labelled "
    "passport, bank account, medical record or case number? Famous or fictional people and topics with no person "
    "are not. Answer {\"personal\": \"yes\"} or {\"personal\": \"no\"}.";

// What the second opinion is shown: the window the line model scored highest (at most
// line_model::kMaxWindow bytes, cut at sentence ends), the part of the text it was unsure of. A
// request is borderline only with a model score, and the scan that gave it set the window.
std::string shown_text(const RequestState& s) {
  auto [start, end] = s.model_window;
  return s.text.substr(start, end - start);
}

core::ChatRequest second_opinion_request(const std::string& model, std::string text) {
  core::ChatRequest q;
  q.model = model;
  core::Message system, user;
  system.role = "system";
  system.parts.push_back(core::ContentPart{.text = kQuestion});
  user.role = "user";
  user.parts.push_back(core::ContentPart{.text = "Text:\n" + std::move(text)});
  q.messages = {std::move(system), std::move(user)};
  q.max_tokens = 32;  // the JSON answer and a little whitespace, with room for a byte-level vocabulary
  q.temperature = 0;
  // The answer is constrained to the two words (a grammar, for a local model).
  q.extensions["response_format"] = boost::json::object{
      {"type", "json_schema"},
      {"json_schema",
       boost::json::object{{"name", "personal_data"},
                           {"schema", boost::json::object{{"type", "object"},
                                                          {"properties", boost::json::object{{"personal", boost::json::object{{"enum", boost::json::array{"yes", "no"}}}}}},
                                                          {"required", boost::json::array{"personal"}},
                                                          {"additionalProperties", false}}}}}};
  return q;
}

// "yes", "no", or "" when the answer says neither.
std::string verdict_of(const core::ChatResponse& r) {
  if (r.choices.empty() || r.choices.front().message.parts.empty()) return "";
  boost::system::error_code ec;
  auto v = boost::json::parse(r.choices.front().message.parts.front().text, ec);
  const auto* o = ec ? nullptr : v.if_object();
  const auto* personal = o ? o->if_contains("personal") : nullptr;
  if (!personal || !personal->is_string()) return "";
  std::string_view answer = personal->as_string();
  return answer == "yes" || answer == "no" ? std::string(answer) : "";
}

std::string score_text(float score) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", score);
  return buf;
}

class ScanFilter final : public Filter {
 public:
  explicit ScanFilter(const PrivacyScanStage& stage) : stage_(stage) {}
  unsigned hooks() const override { return kRequest; }
  http::awaitable<core::Result<Verdict>> on_request(RequestState& s) override {
    if (stage_.heavy(s)) co_await http::offload([this, &s] { return stage_.scan(s), true; });
    else stage_.scan(s);
    if (stage_.borderline(s)) {
      if (!s.dry_run) {
        co_await stage_.ask_second_opinion(s);
      } else {  // a dry run calls nothing: nobody said no, so sensitive
        s.privacy.second_opinion = "not asked (dry run)";
        s.privacy.sensitive = true;
      }
    }
    auto settled = stage_.settle(s);
    if (!settled) co_return settled.error();
    co_return Verdict::next;
  }

 private:
  const PrivacyScanStage& stage_;
};

}  // namespace

PrivacyScanStage::PrivacyScanStage(std::shared_ptr<const privacy::Scanner> scanner, std::string on_sensitive,
                                   std::optional<config::PrivacyClassifierConfig> classifier, const serving::Registry* registry)
    : scanner_(std::move(scanner)),
      on_sensitive_(std::move(on_sensitive)),
      classifier_(registry ? std::move(classifier) : std::nullopt),
      registry_(registry),
      filter_(std::make_unique<ScanFilter>(*this)) {}

bool PrivacyScanStage::heavy(const RequestState& s) const { return s.chat.messages.size() > http::kOffloadMessages; }

FilterPtr PrivacyScanStage::start(RequestState&) const { return shared_filter(*filter_); }

void PrivacyScanStage::scan(RequestState& s) const {
  s.text = core::request_text(s.chat);
  auto& p = s.privacy;
  if (!scanner_) {
    p.sensitive = true;  // no scanner, no proof of safety
    p.scan_failed = true;
    return;
  }
  auto result = scanner_->scan(s.text);
  p.sensitive = result.sensitive;
  p.scan_failed = result.failed;
  p.model_score = result.model_score;
  s.findings = std::move(result.findings);
  s.model_window = {result.model_window_start, result.model_window_end};
}

bool PrivacyScanStage::borderline(const RequestState& s) const {
  const auto& p = s.privacy;
  return classifier_ && !p.scan_failed && s.findings.empty() && p.model_score >= 0 && p.model_score >= classifier_->low &&
         p.model_score <= classifier_->high;
}

http::awaitable<void> PrivacyScanStage::ask_second_opinion(RequestState& s) const {
  auto& p = s.privacy;
  p.sensitive = true;  // until a clear "no"
  // Held across the await: a retirement of this version waits for the answer.
  auto deployment = registry_->production(classifier_->model);
  if (!deployment || !deployment->provider) {
    p.second_opinion = "failed: '" + classifier_->model + "' is not deployed";
    co_return;
  }
  auto question = second_opinion_request(classifier_->model, shown_text(s));
  auto cancel = std::make_shared<std::function<void()>>();
  providers::CallContext ctx{s.record.request_id + ":privacy", [cancel](std::function<void()> c) { *cancel = std::move(c); }};
  auto timed_out = std::make_shared<bool>(false);
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, classifier_->timeout);
  timer.async_wait([cancel, timed_out](boost::system::error_code ec) {
    if (ec) return;  // cancelled: the answer came first
    *timed_out = true;
    if (*cancel) (*cancel)();
  });
  auto answer = co_await deployment->provider->complete(question, ctx);
  timer.cancel();
  if (*timed_out) {
    p.second_opinion = "timed out";
  } else if (!answer) {
    p.second_opinion = "failed: " + answer.error().message;
  } else {
    std::string verdict = verdict_of(*answer);
    p.second_opinion = verdict.empty() ? "failed: an answer neither yes nor no" : verdict;
    p.sensitive = verdict != "no";
  }
  // Said once per request, in words that hold no text of it: a classifier that keeps failing keeps
  // every borderline request in-house, and the operator should see why.
  if (p.second_opinion != "yes" && p.second_opinion != "no") {
    spdlog::warn("privacy: the second opinion from '{}' {}; request {} counted as sensitive", classifier_->model,
                 p.second_opinion, s.record.request_id);
  }
}

core::Status PrivacyScanStage::settle(RequestState& s) const {
  auto& p = s.privacy;
  std::set<std::string> kinds;
  for (const auto& f : s.findings) kinds.insert(privacy::to_string(f.kind));
  p.kinds.assign(kinds.begin(), kinds.end());
  if (p.scan_failed) {
    p.because = "scan failed";
  } else if (!s.findings.empty()) {
    p.because = privacy::sensitive_because(s.findings);
  } else if (p.model_score >= 0) {
    p.because = "line model " + score_text(p.model_score);
    if (!p.second_opinion.empty()) p.because += ", second opinion: " + p.second_opinion;
  }
  if (p.sensitive) {
    // Placeholders hide spans; a verdict without one (the model's, a failed scan) stays in-house.
    bool redactable = on_sensitive_ == "redact" && !s.findings.empty() && !p.scan_failed;
    p.privacy = redactable ? router::PrivacyClass::redact : router::PrivacyClass::local_only;
  }
  s.record.privacy = router::to_string(p.privacy);
  s.record.kinds = p.kinds;
  if (!p.second_opinion.empty()) s.record.privacy_judge = p.second_opinion;
  else if (p.sensitive && s.findings.empty() && !p.scan_failed && p.model_score >= 0) s.record.privacy_judge = "line_model";
  if (p.sensitive && on_sensitive_ == "block") {
    s.record.rule = "privacy:block";
    return core::Error::privacy_policy("This request contains sensitive data (" + p.because +
                                       ") and the privacy policy blocks it.");
  }
  return core::Ok{};
}

}  // namespace sy::pipeline
