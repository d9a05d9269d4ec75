#pragma once
// Vectors from a local model, for every ingress that asks for them (/v1/embeddings, Ollama's
// /api/embed): the embeddings chain's admission (the key, its quota and budget) with the
// ingress's body parser, the model's local serving version (held until the answer is written, so
// a retirement waits for it), and the accounting and audit record of what it used. Errors go out
// in the exchange's dialect; the answer in the ingress's format, which `body` writes.
#include <functional>

#include "api/exchange.h"
#include "api/services.h"
#include "pipeline/parse/parse_stage.h"
#include "providers/local/local_provider.h"

namespace sy::api {

using EmbeddingBody = std::function<std::string(const providers::Embeddings& result, const pipeline::RequestState& state)>;

http::awaitable<void> serve_embedding_call(Exchange& ex, const Services& services, const pipeline::BodyParser& parser,
                                           EmbeddingBody body);

}  // namespace sy::api
