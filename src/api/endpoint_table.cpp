#include "api/endpoints.h"

namespace sy::api {

namespace bhttp = http::bhttp;

core::Result<Endpoint> EndpointTable::find(bhttp::verb method, std::string_view path) const {
  const EndpointRoute* other_method = nullptr;
  for (const auto& r : routes_) {
    bool matches = path == r.path || (r.prefix && path.starts_with(r.path) && path[r.path.size()] == '/');
    if (!matches) continue;
    if (r.method == method) return r.serve;
    if (!other_method) other_method = &r;
  }
  if (other_method) {
    return core::Error::method_not_allowed(std::string(path), std::string(bhttp::to_string(other_method->method)).c_str());
  }
  return core::Error::not_found("Unknown endpoint: " + std::string(bhttp::to_string(method)) + " " + std::string(path));
}

const EndpointTable& endpoint_table() {
  using V = bhttp::verb;
  static const EndpointTable table({
      {V::post, "/v1/chat/completions", false, serve_chat_completions},
      {V::post, "/v1/completions", false, serve_completions},
      {V::post, "/v1/responses", false, serve_responses},
      {V::get, "/v1/responses", true, serve_stored_response},
      {V::delete_, "/v1/responses", true, serve_stored_response},
      {V::post, "/v1/feedback", false, serve_feedback},
      {V::post, "/v1/messages", false, serve_messages},
      {V::post, "/v1/messages/count_tokens", false, serve_count_tokens},
      {V::post, "/v1/embeddings", false, serve_embeddings},
      {V::post, "/v1/route/explain", false, serve_route_explain},
      {V::get, "/v1/models", false, serve_models},
      {V::post, "/api/chat", false, serve_ollama_chat},
      {V::post, "/api/generate", false, serve_ollama_generate},
      {V::post, "/api/embed", false, serve_ollama_embed},
      {V::post, "/api/show", false, serve_ollama_show},
      {V::get, "/api/tags", false, serve_ollama_tags},
      {V::get, "/api/version", false, serve_ollama_version},
      {V::get, "/healthz", false, serve_healthz},
      {V::get, "/readyz", false, serve_readyz},
      {V::get, "/metrics", false, serve_metrics},
      {V::get, "/admin/models", true, serve_admin_models},
      {V::post, "/admin/models", true, serve_admin_models},
      {V::get, "/admin/usage", false, serve_admin_usage},
      {V::get, "/admin/drift", false, serve_admin_drift},
      {V::post, "/admin/drift", true, serve_admin_drift},
      {V::get, "/admin/overview", false, serve_admin_overview},
      {V::post, "/admin/cost/plan", false, serve_admin_cost_plan},
      {V::get, "/admin/audit", false, serve_admin_audit},
      {V::post, "/admin/audit/verify", false, serve_admin_audit_verify},
      {V::get, "/ui", true, serve_ui},
  });
  return table;
}

}  // namespace sy::api
