#include "config/env_interpolate.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace sy::config {
namespace {

class Interpolate : public ::testing::Test {
 protected:
  InterpolationResult run(const std::string& text) {
    return interpolate_env(text, [this](const std::string& name) -> std::optional<std::string> {
      looked_up.push_back(name);
      auto it = env.find(name);
      if (it == env.end()) return std::nullopt;
      return it->second;
    });
  }

  std::map<std::string, std::string> env{{"HOST", "example.com"}, {"PORT", "8443"}, {"EMPTY", ""}};
  std::vector<std::string> looked_up;
};

TEST_F(Interpolate, PlainTextIsUnchanged) {
  auto r = run("no variables here");
  EXPECT_EQ(r.value, "no variables here");
  EXPECT_EQ(r.missing_variable, "");
  EXPECT_TRUE(looked_up.empty());
}

TEST_F(Interpolate, ReplacesVariables) {
  auto r = run("https://${HOST}:${PORT}/v1");
  EXPECT_EQ(r.value, "https://example.com:8443/v1");
  EXPECT_EQ(r.missing_variable, "");
  EXPECT_EQ(looked_up, (std::vector<std::string>{"HOST", "PORT"}));
}

TEST_F(Interpolate, DoubleDollarIsALiteralDollar) {
  EXPECT_EQ(run("pa$$word").value, "pa$word");
  EXPECT_EQ(run("$${HOST}").value, "${HOST}");
  EXPECT_EQ(run("$$$${HOST}").value, "$${HOST}");
  EXPECT_EQ(run("$$${HOST}").value, "$example.com");
  EXPECT_EQ(looked_up, (std::vector<std::string>{"HOST"}));
}

TEST_F(Interpolate, LoneDollarsAreKept) {
  EXPECT_EQ(run("cost $5").value, "cost $5");
  EXPECT_EQ(run("ends with $").value, "ends with $");
  EXPECT_EQ(run("$HOST").value, "$HOST");
  EXPECT_EQ(run("${HOST").value, "${HOST");  // unterminated
  EXPECT_TRUE(looked_up.empty());
}

TEST_F(Interpolate, MissingVariableFailsWithItsName) {
  auto r = run("a-${HOST}-${NOPE}-${ALSO_NOPE}");
  EXPECT_EQ(r.missing_variable, "NOPE");
}

TEST_F(Interpolate, DefaultUsedWhenMissing) {
  auto r = run("${NOPE:-http://localhost:8000}/v1");
  EXPECT_EQ(r.value, "http://localhost:8000/v1");
  EXPECT_EQ(r.missing_variable, "");
  EXPECT_EQ(looked_up, (std::vector<std::string>{"NOPE"}));
}

TEST_F(Interpolate, DefaultIgnoredWhenSet) {
  auto r = run("${HOST:-fallback}");
  EXPECT_EQ(r.value, "example.com");
  EXPECT_EQ(r.missing_variable, "");
}

TEST_F(Interpolate, EmptyVariableTakesTheDefault) {
  auto r = run("[${EMPTY:-dflt}]");
  EXPECT_EQ(r.value, "[dflt]");
  EXPECT_EQ(r.missing_variable, "");
}

TEST_F(Interpolate, EmptyVariableWithoutDefaultIsEmptyNotMissing) {
  auto r = run("[${EMPTY}]");
  EXPECT_EQ(r.value, "[]");
  EXPECT_EQ(r.missing_variable, "");
}

TEST_F(Interpolate, EmptyDefaultAllowsMissing) {
  auto r = run("[${NOPE:-}]");
  EXPECT_EQ(r.value, "[]");
  EXPECT_EQ(r.missing_variable, "");
}

TEST(ProcessEnv, ReadsTheRealEnvironment) {
  ::setenv("SY_PROCESS_ENV_TEST", "value", 1);
  EXPECT_EQ(process_env("SY_PROCESS_ENV_TEST"), std::optional<std::string>("value"));
  ::unsetenv("SY_PROCESS_ENV_TEST");
  EXPECT_EQ(process_env("SY_PROCESS_ENV_TEST"), std::nullopt);
}

}  // namespace
}  // namespace sy::config
