// The gateway's own upstream credentials never reach a client, whatever the upstream echoes back:
// error bodies that quote the request's Authorization and OpenAI-Organization headers, in a 400
// (relayed, as the client can fix its request), a 500 and a 503 (not relayed), and mid-stream.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "harness.h"

namespace sy::testing {
namespace {

const std::string kKey = "sk-proj-7Hq2LmX9vRt4Wc8Zp1Ks";
const std::string kOrg = "org-Bq7TnR2mWx5Yz8Hc";

std::string config_for(const FakeUpstream& up) {
  return "log: {access: off}\nmodels:\n  - name: cloud\n    provider: openai_compat\n    base_url: " + up.base_url() +
         "\n    api_key: " + kKey + "\n    headers: {OpenAI-Organization: " + kOrg + "}\n    retries: 0\n";
}

// What a careless upstream or proxy writes: the request's headers, quoted back.
std::string echo_of(const ReceivedRequest& req) {
  std::string echoed;
  for (const auto& [name, value] : req.headers) echoed += name + ": " + value + "\n";
  return echoed;
}

std::string error_body(const ReceivedRequest& req) {
  boost::json::object err{{"message", "Rejected. Request headers:\n" + echo_of(req)}, {"type", "invalid_request_error"}};
  return boost::json::serialize(boost::json::object{{"error", err}});
}

void expect_no_credentials(const std::string& text) {
  EXPECT_EQ(text.find(kKey), std::string::npos) << text;
  EXPECT_EQ(text.find("7Hq2LmX9"), std::string::npos) << text;
  EXPECT_EQ(text.find(kOrg), std::string::npos) << text;
  EXPECT_EQ(text.find("Bq7TnR2m"), std::string::npos) << text;
}

TEST(CredentialLeak, EchoedHeadersInErrorBodiesNeverReachTheClient) {
  for (int status : {400, 422, 500, 503}) {
    FakeUpstream up([status](const ReceivedRequest& req, FakeConnection& c) { c.send(status, error_body(req)); });
    Switchyard sy(config_for(up));
    ASSERT_TRUE(sy.ready()) << sy.log();
    auto r = post_json(sy.port(), "/v1/chat/completions", R"({"model":"cloud","messages":[{"role":"user","content":"hi"}]})");
    EXPECT_NE(r.status, 200) << status;
    expect_no_credentials(r.body);
    ASSERT_EQ(up.requests().size(), 1u);
    EXPECT_EQ(up.requests()[0].headers.at("authorization"), "Bearer " + kKey);  // it was sent, and echoed
    if (status == 400 || status == 422) {
      // The client's own mistake: the upstream's words stay, minus the credentials.
      EXPECT_NE(r.body.find("Rejected. Request headers"), std::string::npos) << r.body;
    } else {
      EXPECT_EQ(r.body.find("Rejected"), std::string::npos) << r.body;
    }
    // Nor in the server's own log, where the upstream's words go for the operator.
    expect_no_credentials(sy.log());
  }
}

TEST(CredentialLeak, AnErrorEventMidStreamIsScrubbedToo) {
  FakeUpstream up([](const ReceivedRequest& req, FakeConnection& c) {
    c.start_stream();
    c.send_chunk(chunk_event("partial "));
    c.send_chunk("data: " + error_body(req) + "\n\n");
    c.end_stream();
  });
  Switchyard sy(config_for(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = stream_request(sy.port(), "/v1/chat/completions",
                          R"({"model":"cloud","stream":true,"messages":[{"role":"user","content":"hi"}]})",
                          [](const std::string&, auto) { return true; });
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("partial "), std::string::npos) << r.body;
  expect_no_credentials(r.body);
  expect_no_credentials(sy.log());
}

}  // namespace
}  // namespace sy::testing
