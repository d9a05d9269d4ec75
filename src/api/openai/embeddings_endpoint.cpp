// POST /v1/embeddings: vectors from a local model's serving version (api/embedding_call), in
// OpenAI's list shape, as floats or base64.
#include <boost/json.hpp>
#include <openssl/evp.h>

#include "api/body_parsers.h"
#include "api/embedding_call.h"
#include "api/endpoints.h"

namespace sy::api {

namespace json = boost::json;

namespace {

// OpenAI's base64 form: the float32 values, little-endian, base64-encoded.
std::string base64_floats(const std::vector<float>& v) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(v.data());
  int n = static_cast<int>(v.size() * sizeof(float));
  std::string out(static_cast<size_t>(4 * ((n + 2) / 3)), '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes, n);
  out.resize(static_cast<size_t>(written));
  return out;
}

std::string openai_list(const providers::Embeddings& result, const pipeline::RequestState& s) {
  const bool base64 = s.chat.extensions.contains("encoding_format");
  json::array data;
  for (size_t i = 0; i < result.vectors.size(); ++i) {
    json::object item{{"object", "embedding"}, {"index", i}};
    if (base64) {
      item["embedding"] = base64_floats(result.vectors[i]);
    } else {
      json::array values;
      values.reserve(result.vectors[i].size());
      for (float f : result.vectors[i]) values.emplace_back(static_cast<double>(f));
      item["embedding"] = std::move(values);
    }
    data.push_back(std::move(item));
  }
  json::object body{{"object", "list"},
                    {"data", std::move(data)},
                    {"model", s.chat.model},
                    {"usage", {{"prompt_tokens", result.prompt_tokens}, {"total_tokens", result.prompt_tokens}}}};
  return json::serialize(body);
}

}  // namespace

http::awaitable<void> serve_embeddings(Exchange& ex, const Services& services) {
  static const EmbeddingsParser parser;
  EmbeddingBody body = openai_list;  // named: no temporary in the co_await's arguments (GCC 12)
  co_await serve_embedding_call(ex, services, parser, std::move(body));
}

}  // namespace sy::api
