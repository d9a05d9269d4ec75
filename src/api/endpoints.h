#pragma once
// Every endpoint of the server, and the table that finds one for a request. An endpoint is
// parse → chain → format: it names its body parser and its chain, and writes the answer in its
// client's format; everything between is the pipeline's.
#include <string_view>
#include <vector>

#include "api/exchange.h"
#include "api/services.h"

namespace sy::api {

using Endpoint = http::awaitable<void> (*)(Exchange& ex, const Services& services);

// OpenAI: POST /v1/chat/completions, /v1/completions, /v1/embeddings, /v1/route/explain; GET /v1/models.
http::awaitable<void> serve_chat_completions(Exchange& ex, const Services& services);
http::awaitable<void> serve_completions(Exchange& ex, const Services& services);
http::awaitable<void> serve_embeddings(Exchange& ex, const Services& services);
http::awaitable<void> serve_route_explain(Exchange& ex, const Services& services);
http::awaitable<void> serve_models(Exchange& ex, const Services& services);
// OpenAI's Responses API: POST /v1/responses; GET and DELETE /v1/responses/{id}.
http::awaitable<void> serve_responses(Exchange& ex, const Services& services);
http::awaitable<void> serve_stored_response(Exchange& ex, const Services& services);
// POST /v1/feedback: a rating of one of the caller's own answers.
http::awaitable<void> serve_feedback(Exchange& ex, const Services& services);
// Anthropic: POST /v1/messages, /v1/messages/count_tokens.
http::awaitable<void> serve_messages(Exchange& ex, const Services& services);
http::awaitable<void> serve_count_tokens(Exchange& ex, const Services& services);
// Ollama: POST /api/chat, /api/generate, /api/embed, /api/show; GET /api/tags, /api/version.
http::awaitable<void> serve_ollama_chat(Exchange& ex, const Services& services);
http::awaitable<void> serve_ollama_generate(Exchange& ex, const Services& services);
http::awaitable<void> serve_ollama_embed(Exchange& ex, const Services& services);
http::awaitable<void> serve_ollama_show(Exchange& ex, const Services& services);
http::awaitable<void> serve_ollama_tags(Exchange& ex, const Services& services);
http::awaitable<void> serve_ollama_version(Exchange& ex, const Services& services);
// Operations: GET /healthz, /readyz, /metrics.
http::awaitable<void> serve_healthz(Exchange& ex, const Services& services);
http::awaitable<void> serve_readyz(Exchange& ex, const Services& services);
http::awaitable<void> serve_metrics(Exchange& ex, const Services& services);
// The admin API: /admin/models[/...] (the registry, loading local models), /admin/usage.
http::awaitable<void> serve_admin_models(Exchange& ex, const Services& services);
http::awaitable<void> serve_admin_usage(Exchange& ex, const Services& services);
// GET /admin/drift: drift per route, model and version; POST /admin/drift/pin and /admin/drift/reset.
http::awaitable<void> serve_admin_drift(Exchange& ex, const Services& services);
// For the dashboard: GET /admin/overview (targets, routes, budgets), POST /admin/cost/plan (the
// cost planner), GET /admin/audit (search) and POST /admin/audit/verify (the chain checked).
http::awaitable<void> serve_admin_overview(Exchange& ex, const Services& services);
http::awaitable<void> serve_admin_cost_plan(Exchange& ex, const Services& services);
http::awaitable<void> serve_admin_audit(Exchange& ex, const Services& services);
http::awaitable<void> serve_admin_audit_verify(Exchange& ex, const Services& services);
// The dashboard: GET /ui[/...], its static files (embedded at build time), without a key.
http::awaitable<void> serve_ui(Exchange& ex, const Services& services);

struct EndpointRoute {
  http::bhttp::verb method;
  std::string_view path;
  bool prefix = false;  // the path and anything below it ("/admin/models" covers "/admin/models/m/promote")
  Endpoint serve = nullptr;
};

class EndpointTable {
 public:
  explicit EndpointTable(std::vector<EndpointRoute> routes) : routes_(std::move(routes)) {}
  // The endpoint for a request; an error (404 unknown path, 405 with the allowed method) otherwise.
  core::Result<Endpoint> find(http::bhttp::verb method, std::string_view path) const;

 private:
  std::vector<EndpointRoute> routes_;
};

// The server's endpoints, in one place.
const EndpointTable& endpoint_table();

}  // namespace sy::api
