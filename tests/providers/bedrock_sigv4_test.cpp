// The SigV4 signer against AWS's published Signature Version 4 test suite (aws-sig-v4-test-suite:
// credentials AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, region us-east-1, service
// "service", x-amz-date 20150830T123600Z). Each case checks the suite's canonical request (.creq),
// string to sign (.sts) and Authorization header (.authz).
#include <gtest/gtest.h>

#include "providers/bedrock/sigv4.h"

namespace sy::providers::sigv4 {
namespace {

const Credentials kCreds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
const Scope kScope{"us-east-1", "service"};
constexpr const char* kDate = "20150830T123600Z";
constexpr const char* kEmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* kAuthPrefix = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ";

Request vanilla(const char* method, std::string path = "/", std::string query = "") {
  Request r;
  r.method = method;
  r.path = std::move(path);
  r.query = std::move(query);
  r.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", kDate}};
  r.payload_sha256 = kEmptyHash;
  return r;
}

std::string sts(const std::string& creq_hash) {
  return std::string("AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n") + creq_hash;
}

TEST(SigV4, GetVanilla) {
  auto s = sign(vanilla("GET"), kCreds, kScope, kDate);
  EXPECT_EQ(s.canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" +
                std::string(kEmptyHash));
  EXPECT_EQ(s.string_to_sign, sts("bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"));
  EXPECT_EQ(s.authorization, std::string(kAuthPrefix) +
                                 "SignedHeaders=host;x-amz-date, "
                                 "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4, PostVanilla) {
  auto s = sign(vanilla("POST"), kCreds, kScope, kDate);
  EXPECT_EQ(s.canonical_request,
            "POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" +
                std::string(kEmptyHash));
  EXPECT_EQ(s.string_to_sign, sts("553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87"));
  EXPECT_EQ(s.authorization, std::string(kAuthPrefix) +
                                 "SignedHeaders=host;x-amz-date, "
                                 "Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
}

TEST(SigV4, GetVanillaQueryOrderKeyCase) {
  auto s = sign(vanilla("GET", "/", "Param2=value2&Param1=value1"), kCreds, kScope, kDate);
  EXPECT_EQ(s.canonical_request,
            "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\n" + std::string(kEmptyHash));
  EXPECT_EQ(s.string_to_sign, sts("816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0"));
  EXPECT_EQ(s.signature, "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(SigV4, PostXWwwFormUrlencoded) {
  Request r = vanilla("POST");
  r.headers.insert(r.headers.begin(), {"Content-Type", "application/x-www-form-urlencoded"});
  r.payload_sha256 = sha256_hex("Param1=value1");
  EXPECT_EQ(r.payload_sha256, "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
  auto s = sign(r, kCreds, kScope, kDate);
  EXPECT_EQ(s.canonical_request,
            "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\n"
            "x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n"
            "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
  EXPECT_EQ(s.string_to_sign, sts("42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281"));
  EXPECT_EQ(s.authorization, std::string(kAuthPrefix) +
                                 "SignedHeaders=content-type;host;x-amz-date, "
                                 "Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
}

TEST(SigV4, GetUtf8) {
  auto s = sign(vanilla("GET", "/\xE1\x88\xB4"), kCreds, kScope, kDate);
  EXPECT_EQ(s.canonical_request.substr(0, 15), "GET\n/%E1%88%B4\n");
  EXPECT_EQ(s.string_to_sign, sts("2a0a97d02205e45ce2e994789806b19270cfbbb0921b278ccf58f5249ac42102"));
  EXPECT_EQ(s.signature, "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85");
}

TEST(SigV4, HeaderValuesAreTrimmedAndNamesLowerCasedAndSorted) {
  Request r = vanilla("GET");
  r.headers.emplace_back("My-Header2", "  \"a   b   c\"  ");
  r.headers.emplace_back("My-Header1", "value2");
  r.headers.emplace_back("my-header1", "value1");
  auto s = sign(r, kCreds, kScope, kDate);
  EXPECT_NE(s.canonical_request.find("host:example.amazonaws.com\nmy-header1:value2,value1\nmy-header2:\"a b c\"\n"
                                     "x-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\n"),
            std::string::npos)
      << s.canonical_request;
}

TEST(SigV4, PathIsEncodedOnceMoreSoAnEscapedColonSignsAsPercent25) {
  // Bedrock model ids contain ':', sent as %3A; non-S3 services sign the path encoded again.
  Request r = vanilla("POST", "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse");
  auto s = sign(r, kCreds, {"us-east-1", "bedrock"}, kDate);
  EXPECT_EQ(s.canonical_request.substr(0, s.canonical_request.find('\n', 5)),
            "POST\n/model/anthropic.claude-3-haiku-20240307-v1%253A0/converse");
  EXPECT_EQ(uri_encode("anthropic.claude-v2:1", false), "anthropic.claude-v2%3A1");
  EXPECT_EQ(uri_encode("a/b c~", true), "a/b%20c~");
}

TEST(SigV4, SessionTokenIsASignedHeader) {
  Request r = vanilla("GET");
  r.headers.emplace_back("X-Amz-Security-Token", "token");
  auto s = sign(r, {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "token"}, kScope, kDate);
  EXPECT_NE(s.authorization.find("SignedHeaders=host;x-amz-date;x-amz-security-token, "), std::string::npos);
  EXPECT_NE(s.signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4, CanonicalQueryDecodesThenEncodesAndSorts) {
  EXPECT_EQ(canonical_query("b=2&a=x%20y&A=0&c"), "A=0&a=x%20y&b=2&c=");
  EXPECT_EQ(canonical_query(""), "");
}

TEST(SigV4, AmzDateIsUtcBasicFormat) {
  auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1440938160));
  EXPECT_EQ(amz_date(t), "20150830T123600Z");
}

}  // namespace
}  // namespace sy::providers::sigv4
