#include "wire/openai/error_json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace sy::wire::openai {
namespace {

namespace json = boost::json;

TEST(FormatError, AllFourFieldsWithParamAndCode) {
  auto text = format_error(core::Error::model_not_found("gpt-9"));
  EXPECT_EQ(json::parse(text), json::parse(R"({"error":{
      "message":"The model 'gpt-9' does not exist or you do not have access to it.",
      "type":"invalid_request_error","param":"model","code":"model_not_found"}})"))
      << text;
}

TEST(FormatError, EmptyParamAndCodeAreNull) {
  auto text = format_error(core::Error::internal("boom"));
  auto v = json::parse(text);
  EXPECT_EQ(v, json::parse(R"({"error":{"message":"boom","type":"internal_error","param":null,"code":null}})"))
      << text;
  // The keys are present, as null, not missing.
  const auto& err = v.at("error").as_object();
  ASSERT_TRUE(err.contains("param"));
  ASSERT_TRUE(err.contains("code"));
  EXPECT_TRUE(err.at("param").is_null());
  EXPECT_TRUE(err.at("code").is_null());
}

TEST(FormatError, ParamWithoutCode) {
  auto text = format_error(core::Error::invalid_request("'temperature' must be a number from 0 to 2.", "temperature"));
  EXPECT_EQ(json::parse(text), json::parse(R"({"error":{"message":"'temperature' must be a number from 0 to 2.",
      "type":"invalid_request_error","param":"temperature","code":null}})"));
}

TEST(FormatError, MessageIsEscaped) {
  auto text = format_error(core::Error::upstream("quote \" backslash \\ newline \n"));
  EXPECT_EQ(json::parse(text).at("error").at("message"), json::value("quote \" backslash \\ newline \n"));
}

TEST(UpstreamErrorMessage, ExtractsOnlyTheMessage) {
  auto msg = upstream_error_message(R"({"error":{"message":"Rate limit reached for gpt-4o","type":"requests",
      "param":null,"code":"rate_limit_exceeded"},"request":{"messages":[{"role":"user","content":"secret"}]}})");
  EXPECT_EQ(msg, "Rate limit reached for gpt-4o");
}

TEST(UpstreamErrorMessage, StringError) {
  EXPECT_EQ(upstream_error_message(R"({"error":"model overloaded"})"), "model overloaded");
}

TEST(UpstreamErrorMessage, NothingUsableGivesEmpty) {
  EXPECT_EQ(upstream_error_message(""), "");
  EXPECT_EQ(upstream_error_message("<html>Bad Gateway</html>"), "");
  EXPECT_EQ(upstream_error_message(R"(["error"])"), "");
  EXPECT_EQ(upstream_error_message(R"({"detail":"Not Found"})"), "");
  EXPECT_EQ(upstream_error_message(R"({"error":{"code":500}})"), "");
  EXPECT_EQ(upstream_error_message(R"({"error":42})"), "");
}

TEST(UpstreamErrorMessage, LongMessagesAreCut) {
  std::string long_message(2000, 'x');
  auto body = json::serialize(json::object{{"error", json::object{{"message", long_message}}}});
  EXPECT_EQ(upstream_error_message(body), std::string(500, 'x'));
}

TEST(UpstreamErrorMessage, CutNeverSplitsACharacter) {
  // 499 ASCII bytes, then a two-byte 'é': a cut at 500 bytes would keep half of it.
  std::string message = std::string(499, 'x') + "\xc3\xa9" + "tail";
  auto body = json::serialize(json::object{{"error", json::object{{"message", message}}}});
  auto cut = upstream_error_message(body);
  EXPECT_EQ(cut, std::string(499, 'x'));
  // What the client finally receives must still be valid JSON (valid UTF-8).
  boost::system::error_code ec;
  json::parse(format_error(core::Error::upstream(cut)), ec);
  EXPECT_FALSE(ec) << ec.message();
}

}  // namespace
}  // namespace sy::wire::openai
