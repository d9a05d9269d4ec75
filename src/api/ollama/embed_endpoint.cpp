// POST /api/embed: Ollama's embeddings, through the same path as /v1/embeddings (a local model's
// serving version, behind the key, its quota, the accounting and the audit).
#include <boost/json.hpp>

#include "api/embedding_call.h"
#include "api/endpoints.h"
#include "api/ollama/body_parsers.h"
#include "api/ollama/dialect.h"
#include "wire/ollama/ollama_response.h"

namespace sy::api {

http::awaitable<void> serve_ollama_embed(Exchange& ex, const Services& services) {
  static const ollama::EmbedParser parser;
  ex.dialect = &ollama::error_dialect();
  // Named, not a temporary in the co_await's arguments (GCC 12: see src/README.md).
  EmbeddingBody body = [](const providers::Embeddings& result, const pipeline::RequestState& s) {
    return wire::ollama::format_embed(s.chat.model, result.vectors, result.prompt_tokens, ollama::timings_of(s).total_ns);
  };
  co_await serve_embedding_call(ex, services, parser, std::move(body));
}

}  // namespace sy::api
