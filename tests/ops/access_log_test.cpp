#include "ops/access_log.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace sy::ops {
namespace {

TEST(AccessLogLine, IsOneValidJsonObjectWithEscapedStrings) {
  RequestRecord r;
  r.request_id = "id-\"quoted\"\\slash\n";
  r.method = "POST";
  r.path = "/v1/chat/completions";
  r.status = 200;
  r.model = "cloud-fast";
  r.target = "cloud-fast";
  r.key_name = "alice";
  r.stream = true;
  r.latency_ms = 12.3456;
  r.kinds = {"email", "phone"};
  r.cache = "hit";
  r.guard = {"redact:email"};
  r.ttft_ms = 1.5;
  r.prompt_tokens = 9;
  r.completion_tokens = 3;
  auto line = to_json_line(r);
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line per record";
  auto v = boost::json::parse(line).as_object();
  EXPECT_EQ(v["request_id"].as_string(), "id-\"quoted\"\\slash\n");
  EXPECT_EQ(v["status"].to_number<int>(), 200);
  EXPECT_EQ(v["key"].as_string(), "alice");
  EXPECT_TRUE(v["stream"].as_bool());
  EXPECT_DOUBLE_EQ(v["duration_ms"].to_number<double>(), 12.346);
  EXPECT_EQ(v["prompt_tokens"].to_number<int>(), 9);
  EXPECT_EQ(std::string(v["ts"].as_string()).size(), 24u);
  EXPECT_EQ(v["route"].as_string(), "cloud-fast");
  EXPECT_EQ(v["findings"].as_string(), "email,phone");
  EXPECT_EQ(v["cache"].as_string(), "hit");
  EXPECT_EQ(v["guard"].as_string(), "redact:email");
  EXPECT_FALSE(v.contains("error"));
}

TEST(AccessLogLine, OmitsWhatDoesNotApply) {
  RequestRecord r;
  r.request_id = "x";
  r.status = 401;
  r.key_name = "anonymous";
  r.error_type = "authentication_error";
  auto v = boost::json::parse(to_json_line(r)).as_object();
  EXPECT_FALSE(v.contains("model"));
  EXPECT_FALSE(v.contains("ttft_ms"));
  EXPECT_FALSE(v.contains("prompt_tokens"));
  EXPECT_EQ(v["error"].as_string(), "authentication_error");
}

}  // namespace
}  // namespace sy::ops
