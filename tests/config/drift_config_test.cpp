// drift: read strictly, with its defaults when absent.
#include <gtest/gtest.h>

#include "config/config.h"

namespace sy::config {
namespace {

TEST(DriftConfig, DefaultsWhenAbsent) {
  auto c = load_string("listen: 127.0.0.1:0\n", "t.yaml");
  ASSERT_TRUE(c) << c.error().message;
  const auto& d = (*c)->drift;
  EXPECT_TRUE(d.enabled);
  EXPECT_EQ(d.reference, 500);
  EXPECT_EQ(d.window, 500);
  EXPECT_EQ(d.min_samples, 200);
  EXPECT_DOUBLE_EQ(d.thresholds.psi_warning, 0.1);
  EXPECT_DOUBLE_EQ(d.thresholds.js_warning, 0.1);
  EXPECT_DOUBLE_EQ(d.thresholds.ks_warning, 0.05);
  EXPECT_TRUE(d.webhook.empty());
}

TEST(DriftConfig, ReadsEveryKey) {
  auto c = load_string(
      "drift:\n"
      "  enabled: true\n  reference: 100\n  window: 80\n  min_samples: 40\n  min_feedback: 10\n  interval: 250ms\n"
      "  webhook: http://127.0.0.1:9/hook?x=1\n  webhook_timeout: 2s\n"
      "  thresholds: {psi_warning: 0.15, psi_drift: 0.3, js_warning: 0.12, js_drift: 0.25, ks_warning: 0.1,"
      " ks_drift: 0.001, auc_warning: 0.6, auc_drift: 0.7}\n",
      "t.yaml");
  ASSERT_TRUE(c) << c.error().message;
  const auto& d = (*c)->drift;
  EXPECT_EQ(d.reference, 100);
  EXPECT_EQ(d.window, 80);
  EXPECT_EQ(d.min_samples, 40);
  EXPECT_EQ(d.min_feedback, 10);
  EXPECT_EQ(d.interval.count(), 250);
  EXPECT_EQ(d.webhook, "http://127.0.0.1:9/hook?x=1");
  EXPECT_EQ(d.webhook_timeout.count(), 2000);
  EXPECT_DOUBLE_EQ(d.thresholds.psi_drift, 0.3);
  EXPECT_DOUBLE_EQ(d.thresholds.ks_drift, 0.001);
  EXPECT_DOUBLE_EQ(d.thresholds.auc_drift, 0.7);
}

TEST(DriftConfig, RefusesWhatCannotWork) {
  auto error_of = [](const std::string& yaml) {
    auto c = load_string(yaml, "t.yaml");
    return c ? std::string() : c.error().message;
  };
  EXPECT_NE(error_of("drift: {windw: 10}\n").find("windw"), std::string::npos);
  EXPECT_NE(error_of("drift: {window: 100, min_samples: 200}\n").find("min_samples"), std::string::npos);
  EXPECT_NE(error_of("drift: {webhook: ftp://x}\n").find("webhook"), std::string::npos);
  EXPECT_NE(error_of("drift: {thresholds: {psi_warning: 0.3, psi_drift: 0.2}}\n").find("psi_drift"), std::string::npos);
  EXPECT_NE(error_of("drift: {thresholds: {ks_warning: 0.01, ks_drift: 0.05}}\n").find("ks_drift"), std::string::npos);
  EXPECT_NE(error_of("drift: {reference: 5}\n").find("reference"), std::string::npos);
}

}  // namespace
}  // namespace sy::config
