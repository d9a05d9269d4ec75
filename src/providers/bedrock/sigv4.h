#pragma once
// AWS Signature Version 4 (header form): canonical request -> string to sign -> signature, with
// the HMAC-SHA256 key chain "AWS4"+secret -> date -> region -> service -> "aws4_request".
// Checked against AWS's published SigV4 test suite (tests/providers/bedrock_sigv4_test.cpp).
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sy::providers::sigv4 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // temporary credentials (STS); empty = none
};

struct Scope {
  std::string region;   // us-east-1
  std::string service;  // bedrock
};

struct Request {
  std::string method;   // GET, POST, ...
  // The path as it goes on the wire (already percent-encoded where it needs to be). SigV4 for
  // every service but S3 encodes it once more for the canonical URI, so "%3A" signs as "%253A".
  std::string path;
  std::string query;    // without '?'; parameters are sorted and re-encoded canonically
  // Headers to sign (host and x-amz-date included); names in any case, repeated names allowed.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload_sha256;  // hex SHA-256 of the body
};

struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;   // "host;x-amz-date"
  std::string signature;        // hex
  std::string authorization;    // the Authorization header's value
};

// `amz_date` is the request's x-amz-date, e.g. "20150830T123600Z".
Signature sign(const Request& request, const Credentials& credentials, const Scope& scope, std::string_view amz_date);

// Helpers, exposed for tests and for the fakes that verify signatures.
std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string hex(std::string_view bytes);
std::string signing_key(std::string_view secret, std::string_view date, const Scope& scope);  // raw 32 bytes
// RFC 3986 encoding with AWS's unreserved set (A-Z a-z 0-9 - _ . ~); '/' kept when keep_slash.
std::string uri_encode(std::string_view s, bool keep_slash);
std::string canonical_query(std::string_view query);
// "20150830T123600Z" for a point in time (UTC).
std::string amz_date(std::chrono::system_clock::time_point t);

}  // namespace sy::providers::sigv4
