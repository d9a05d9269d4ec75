// A version's request defaults: strict parsing, and the client's own values always win.
#include <gtest/gtest.h>

#include "ops/version_parameters.h"

namespace sy::ops {
namespace {

core::ChatRequest chat(const std::string& role, const std::string& text) {
  core::ChatRequest r;
  core::Message m;
  m.role = role;
  m.parts.push_back(core::ContentPart{core::ContentPart::Kind::text, text, {}, {}});
  r.messages.push_back(m);
  return r;
}

TEST(VersionParameters, ParsesWhatItKnowsAndRefusesTheRest) {
  auto p = parse_version_parameters(R"({"system_prompt":"Be brief.","temperature":0.2,"top_p":0.9,"max_tokens":64})");
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->system_prompt, "Be brief.");
  EXPECT_DOUBLE_EQ(*p->temperature, 0.2);
  EXPECT_DOUBLE_EQ(*p->top_p, 0.9);
  EXPECT_EQ(*p->max_tokens, 64);
  EXPECT_TRUE(parse_version_parameters("")->empty());
  for (const char* bad : {R"({"temprature":0.2})", R"({"temperature":3})", R"({"top_p":"high"})", R"({"max_tokens":1.5})",
                          R"({"max_tokens":0})", R"({"system_prompt":7})", R"([1])", "{"}) {
    auto r = parse_version_parameters(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().status, 400);
    EXPECT_EQ(r.error().param, "parameters");
  }
}

TEST(VersionParameters, FillsOnlyWhatTheClientLeftUnset) {
  auto p = *parse_version_parameters(R"({"system_prompt":"Answer in French.","temperature":0.1,"max_tokens":50})");
  auto r = chat("user", "hello");
  r.temperature = 0.9;
  p.apply(r);
  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_EQ(r.messages[0].role, "system");
  EXPECT_EQ(r.messages[0].text(), "Answer in French.");
  EXPECT_DOUBLE_EQ(*r.temperature, 0.9);  // the client's
  EXPECT_EQ(*r.max_tokens, 50);            // the version's
  EXPECT_FALSE(r.top_p);
  // A request with its own system message keeps it, alone.
  auto own = chat("system", "Answer in German.");
  p.apply(own);
  ASSERT_EQ(own.messages.size(), 1u);
  EXPECT_EQ(own.messages[0].text(), "Answer in German.");
}

}  // namespace
}  // namespace sy::ops
