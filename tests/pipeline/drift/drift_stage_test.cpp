// The drift stage reads a finished request's state: what the route stage measured, the prompt's
// script and terms, the answer's head (refusal, empty), latency; it counts the request in its
// target version's series and in its route's own, and skips cache hits and dry runs.
#include "pipeline/drift/drift_stage.h"

#include <gtest/gtest.h>

#include <cstring>

namespace sy::pipeline {
namespace {

using ops::drift::Script;
using ops::drift::State;

class DriftStageTest : public ::testing::Test {
 protected:
  DriftStageTest() {
    router::FaqEntry leave{"leave-zh-02", "請病假需要附醫生證明嗎？", "需要。", {}, "leave"};
    router::FaqEntry vpn{"vpn-en-01", "How do I connect to the VPN?", "Use the client.", {}, "vpn"};
    faq_ = router::FaqMatcher::from_entries({leave, vpn});
    monitor_ = std::make_unique<ops::drift::DriftMonitor>(config::DriftConfig{}, DriftTopics(faq_.get(), 0.5).names());
    stage_ = std::make_unique<DriftStage>(*monitor_, faq_.get(), 0.5);
  }
  RequestState answered(const std::string& prompt) {
    RequestState s;
    s.model_call = true;
    core::Message m;
    m.role = "user";
    m.parts.push_back(core::ContentPart{core::ContentPart::Kind::text, prompt, {}, {}});
    s.chat.messages.push_back(m);
    router::RouteDecision d;
    d.faq_id = "leave-zh-02";
    d.faq_score = 0.95;
    d.prompt_tokens = 11;
    s.decision = d;
    s.record.model = "auto";
    s.record.target = "faq-local";
    s.record.version = "v2";
    s.record.rule = "default:short";
    s.record.status = 200;
    s.record.completion_tokens = 12;
    s.record.latency_ms = 50;
    s.record.ttft_ms = 10;
    return s;
  }
  static AnswerHead head(std::string_view text) {
    AnswerHead h;
    h.content = !text.empty();
    h.size = std::min(text.size(), h.bytes.size());
    std::memcpy(h.bytes.data(), text.data(), h.size);
    return h;
  }

  std::shared_ptr<const router::FaqMatcher> faq_;
  std::unique_ptr<ops::drift::DriftMonitor> monitor_;
  std::unique_ptr<DriftStage> stage_;
};

TEST_F(DriftStageTest, ReadsTheRequestState) {
  auto s = answered("請病假需要附醫生證明嗎？");
  auto x = stage_->sample_of(s, head("需要，請附上醫生證明。"));
  EXPECT_EQ(x.prompt_tokens, 11);
  EXPECT_FLOAT_EQ(x.faq_score, 0.95f);
  EXPECT_EQ(x.topic, 1);  // "leave", the FAQ's first topic
  EXPECT_EQ(x.text.script, Script::han);
  EXPECT_GT(x.text.terms_n, 5);
  EXPECT_EQ(x.answer_tokens, 12);
  EXPECT_EQ(x.latency_ms, 50);
  EXPECT_EQ(x.ttft_ms, 10);
  EXPECT_FALSE(x.refusal);
  EXPECT_FALSE(x.empty);
  EXPECT_FALSE(x.privacy);

  EXPECT_TRUE(stage_->sample_of(s, head("抱歉，我無法回答。")).refusal);
  EXPECT_TRUE(stage_->sample_of(s, head("")).empty);
  s.record.guard.push_back("block:credit_card");
  EXPECT_TRUE(stage_->sample_of(s, head("")).refusal);
  s.findings.push_back(privacy::Finding{});
  EXPECT_TRUE(stage_->sample_of(s, head("ok")).privacy);
  // A match below the level is no topic.
  s.decision->faq_score = 0.3;
  EXPECT_EQ(stage_->sample_of(s, head("ok")).topic, 0);
}

TEST_F(DriftStageTest, CountsTheVersionAndTheRoute) {
  auto s = answered("請病假需要附醫生證明嗎？");
  stage_->observe(s, head("需要。"));
  stage_->observe(s, head("需要。"));
  EXPECT_EQ(monitor_->status("auto", "faq-local", "v2")->seen, 2);
  EXPECT_EQ(monitor_->status("auto", ops::drift::kAnyTarget, ops::drift::kAnyTarget)->seen, 2);
  // A model asked for by name has no route series apart from its own.
  auto direct = answered("hello");
  direct.record.model = "faq-local";
  stage_->observe(direct, head("hi"));
  EXPECT_EQ(monitor_->status("faq-local", "faq-local", "v2")->seen, 1);
  EXPECT_FALSE(monitor_->status("faq-local", ops::drift::kAnyTarget, ops::drift::kAnyTarget));
}

TEST_F(DriftStageTest, SkipsCacheHitsDryRunsAndUnansweredRequests) {
  auto hit = answered("請病假需要附醫生證明嗎？");
  hit.record.cache = "hit";
  stage_->observe(hit, head("需要。"));
  auto nobody = answered("請病假需要附醫生證明嗎？");
  nobody.record.target.clear();
  stage_->observe(nobody, head(""));
  EXPECT_TRUE(monitor_->report().empty());
  RequestState dry;
  dry.dry_run = true;
  EXPECT_EQ(stage_->start(dry), nullptr);
  RequestState real;
  EXPECT_NE(stage_->start(real), nullptr);
}

}  // namespace
}  // namespace sy::pipeline
