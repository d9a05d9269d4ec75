#pragma once
// The application behind the HTTP server: endpoints, the admission chain, and the call to the
// chosen target, with metrics and an access log line for every request.
#include <functional>
#include <memory>
#include <unordered_map>

#include "config/config.h"
#include "http/response_writer.h"
#include "ops/access_log.h"
#include "ops/audit_log.h"
#include "ops/budgets.h"
#include "ops/metrics.h"
#include "ops/pricing.h"
#include "ops/registry.h"
#include "pipeline/auth_stage.h"
#include "pipeline/chain.h"
#include "pipeline/redaction.h"
#include "privacy/restorer.h"
#include "router/router.h"
#include "providers/provider.h"

namespace sy::providers {
class LocalProvider;
}

namespace sy::api {

struct Exchange;

class Gateway final : public http::Handler {
 public:
  Gateway(std::shared_ptr<const config::Config> config, ops::AccessLog& access_log);
  ~Gateway() override;

  // Opens the store, follows the registry (making a provider for each serving version), starts
  // the audit writer. A target that cannot start is kept, unhealthy, with its reason; a store
  // that cannot be opened is an error: nothing may be served without its audit trail.
  core::Status start();
  // Lets /readyz and the metrics see the server's state.
  void attach_server_state(std::function<bool()> draining, std::function<size_t()> open_connections);

  http::awaitable<void> handle(http::Request& request, http::ResponseWriter& writer) override;
  http::Response protocol_error(int status, std::string_view message, std::string_view target) override;

  // For the start-up log: name -> reason, for each target that is not healthy.
  std::vector<std::pair<std::string, std::string>> unhealthy_targets() const;
  ops::Metrics& metrics() { return *metrics_; }
  // Commits what the audit log holds (at shutdown).
  void flush_audit();
  // The end of every exchange (api/accounting.cpp): settle its numbers, metrics and budget (once),
  // then, unless a success already did, hand its audit record to the writer without waiting.
  void settle(Exchange& ex);
  void audit_detached(Exchange& ex);

 private:
  http::awaitable<void> dispatch(Exchange& ex);
  http::awaitable<void> serve_chat(Exchange& ex, core::ChatRequest::Kind kind);
  // After an ingress parsed ex.ctx.chat (and set ex.dialect): the chain, then the candidates.
  http::awaitable<void> execute_chat(Exchange& ex);
  http::awaitable<void> serve_models(Exchange& ex);
  http::awaitable<void> serve_readyz(Exchange& ex);
  http::awaitable<void> relay_stream(Exchange& ex);
  http::awaitable<void> relay_whole(Exchange& ex);
  // One try at one candidate of the route decision.
  struct Attempt {
    std::unique_ptr<pipeline::Redacted> redacted;  // redact mode, cloud target: what it gets
    std::optional<privacy::Restorer> restorer;     // ... and how the values come back
    std::unique_ptr<core::ChatRequest> adjusted;   // with the version's defaults (system prompt, sampling)
    // What the target is sent: the client's request, redacted and/or with the version's defaults.
    const core::ChatRequest& request(const core::ChatRequest& client) const {
      if (adjusted) return *adjusted;
      return redacted ? redacted->request : client;
    }
  };
  core::Result<Attempt> prepare_attempt(Exchange& ex, const router::Candidate& candidate);
  void note_decision(Exchange& ex);
  http::awaitable<void> serve_embeddings(Exchange& ex);
  http::awaitable<void> serve_route_explain(Exchange& ex);
  // Anthropic's Messages API as an ingress (api/anthropic/): any target behind it.
  http::awaitable<void> serve_messages(Exchange& ex);
  http::awaitable<void> serve_count_tokens(Exchange& ex);
  http::awaitable<void> serve_admin_model(Exchange& ex);
  http::awaitable<void> serve_admin_registry(Exchange& ex);
  http::awaitable<void> serve_admin_usage(Exchange& ex);
  std::string local_metrics() const;
  std::string ops_metrics() const;  // the audit writer and the registry (api/accounting.cpp)
  providers::LocalProvider* local_provider(const std::string& model) const;  // its serving version's

  // Accounting (api/accounting.cpp). conclude: settle and write the audit record, waiting for it
  // in durable mode; a success is sent only after it returns ok.
  ops::AuditRecord audit_record(const Exchange& ex) const;
  http::awaitable<core::Status> conclude(Exchange& ex);
  // What an answer cost: cloud from the price table, local (and on-premises) from the local cost model.
  double cost_usd(const config::ModelConfig& target, const core::Usage& usage) const;
  // A copy of the answered request to the model's shadow version, if it has one and the request
  // falls in its share: recorded, never shown, never sent to a cloud target when sensitive.
  void start_shadow(Exchange& ex);
  http::awaitable<void> run_shadow(std::shared_ptr<core::ChatRequest> request, ops::Resolved shadow,
                                   std::string request_id, core::Principal principal);

  std::shared_ptr<const config::Config> config_;
  ops::AccessLog& access_log_;
  std::unique_ptr<ops::Metrics> metrics_;
  std::unique_ptr<pipeline::AuthStage> auth_;
  pipeline::Chain chain_;
  std::shared_ptr<store::Store> store_;
  std::unique_ptr<ops::Registry> registry_;
  std::unique_ptr<ops::AuditLog> audit_;
  std::unique_ptr<ops::Budgets> budgets_;
  std::atomic<int> shadows_in_flight_{0};
  std::shared_ptr<const privacy::Scanner> scanner_;
  std::shared_ptr<const router::FaqMatcher> faq_;
  std::unique_ptr<providers::Provider> faq_provider_;
  std::unique_ptr<router::Router> router_;
  std::shared_ptr<const ops::PriceTable> prices_;  // cloud prices for the cost of each answer
  std::function<bool()> draining_ = [] { return false; };
  std::function<size_t()> open_connections_ = [] { return size_t{0}; };
};

}  // namespace sy::api
