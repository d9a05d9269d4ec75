// POST /api/chat and /api/generate: Ollama's chat and generate as an ingress. The request runs
// the same chain as chat/completions (auth, privacy scan, quota, cache, route, execute with
// fallback, output guard, account, audit), so any target can answer an Ollama client; only the
// answer's format differs (ollama::AnswerDialect: JSON, or NDJSON lines, Ollama's default).
#include "api/endpoints.h"
#include "api/model_call.h"
#include "api/ollama/body_parsers.h"
#include "api/ollama/dialect.h"

namespace sy::api {

namespace {

http::awaitable<void> serve_answer(Exchange& ex, const Services& services, wire::ollama::AnswerShape shape) {
  static const ollama::AnswerParser chat_parser(wire::ollama::AnswerShape::chat);
  static const ollama::AnswerParser generate_parser(wire::ollama::AnswerShape::generate);
  // Lives in this frame, which outlasts the chain and the responder that use it; the exchange
  // points at a dialect that lives on once it goes.
  const ollama::AnswerDialect dialect(shape, ex.state);
  ex.dialect = &dialect;
  struct Restore {
    Exchange& ex;
    ~Restore() { ex.dialect = &ollama::error_dialect(); }
  } restore{ex};
  const auto& parser = shape == wire::ollama::AnswerShape::chat ? chat_parser : generate_parser;
  co_await serve_model_call(ex, services, parser);
}

}  // namespace

http::awaitable<void> serve_ollama_chat(Exchange& ex, const Services& services) {
  co_await serve_answer(ex, services, wire::ollama::AnswerShape::chat);
}

http::awaitable<void> serve_ollama_generate(Exchange& ex, const Services& services) {
  co_await serve_answer(ex, services, wire::ollama::AnswerShape::generate);
}

}  // namespace sy::api
