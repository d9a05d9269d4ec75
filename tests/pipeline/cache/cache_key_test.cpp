#include "pipeline/cache/cache_key.h"

#include <gtest/gtest.h>

namespace sy::pipeline {
namespace {

RequestState request(const std::string& text, const std::string& key = "alice") {
  RequestState s;
  s.principal.key_name = key;
  s.principal.team = "risk";
  s.chat.model = "mini";
  s.chat.temperature = 0;
  core::Message m;
  m.role = "user";
  core::ContentPart p;
  p.text = text;
  m.parts.push_back(p);
  s.chat.messages.push_back(m);
  return s;
}

TEST(CacheKey, TheSameRequestIsTheSameEntryStreamedOrNot) {
  config::CacheConfig c;
  auto a = request("hi");
  a.chat.max_tokens = 64;
  a.chat.stop = {"\n"};
  auto b = a;
  b.chat.stream = true;
  b.chat.stream_options.include_usage = true;
  EXPECT_EQ(cache_key(a, c), cache_key(b, c));
  EXPECT_EQ(cache_key(a, c).size(), 64u);
  EXPECT_EQ(cache_key(a, c).find("hi"), std::string::npos);
}

TEST(CacheKey, AnythingThatChangesTheAnswerChangesTheEntry) {
  config::CacheConfig c;
  auto base = cache_key(request("hi"), c);
  EXPECT_NE(cache_key(request("hi!"), c), base);
  auto sampled = request("hi");
  sampled.chat.temperature = 0.5;
  EXPECT_NE(cache_key(sampled, c), base);
  auto pinned = request("hi");
  pinned.pinned = "v2";
  EXPECT_NE(cache_key(pinned, c), base);
  auto tools = request("hi");
  tools.chat.extensions["tools"] = boost::json::array{boost::json::object{{"type", "function"}}};
  EXPECT_NE(cache_key(tools, c), base);
}

TEST(CacheKey, ScopesAndPrivacyClassesNeverShare) {
  config::CacheConfig c;
  EXPECT_NE(cache_key(request("hi", "alice"), c), cache_key(request("hi", "bob"), c));
  auto sensitive = request("hi");
  sensitive.privacy.privacy = router::PrivacyClass::local_only;
  EXPECT_NE(cache_key(sensitive, c), cache_key(request("hi"), c));
  c.scope = "team";
  EXPECT_EQ(cache_key(request("hi", "alice"), c), cache_key(request("hi", "bob"), c));  // same team
  c.scope = "global";
  EXPECT_NE(cache_key(sensitive, c), cache_key(request("hi"), c));  // even when everyone shares
}

}  // namespace
}  // namespace sy::pipeline
