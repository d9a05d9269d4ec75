#include "pipeline/cache/cache_key.h"

#include <openssl/sha.h>

#include <boost/json/serialize.hpp>

#include "wire/openai/chat_request.h"

namespace sy::pipeline {

std::string cache_key(const RequestState& s, const config::CacheConfig& config) {
  // The request as an OpenAI-compatible upstream would get it: one normal form for every ingress.
  // (Boost.JSON's erase moves the last field into the gap: the order would depend on the stream flag.)
  boost::json::object body;
  for (auto& kv : wire::openai::format_request(s.chat, s.chat.model)) {
    if (kv.key() != "stream" && kv.key() != "stream_options") body.emplace(kv.key(), std::move(kv.value()));
  }
  std::string scope = config.scope == "global" ? std::string("*")
                      : config.scope == "team" ? "team:" + s.principal.team
                                               : "key:" + s.principal.key_name;
  std::string material = scope;
  material += '\n';
  material += router::to_string(s.privacy.privacy);
  material += '\n';
  material += s.chat.kind == core::ChatRequest::Kind::chat ? "chat" : "completion";
  material += '\n';
  material += s.pinned;
  material += '\n';
  material += boost::json::serialize(body);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(material.data()), material.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string key;
  key.reserve(2 * SHA256_DIGEST_LENGTH);
  for (unsigned char b : digest) {
    key += kHex[b >> 4];
    key += kHex[b & 15];
  }
  return key;
}

}  // namespace sy::pipeline
