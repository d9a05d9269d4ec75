#include "api/gateway.h"

#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "api/exchange.h"
#include "wire/anthropic/messages_response.h"
#include "wire/openai/error_json.h"
#include "api/request_id.h"
#include "pipeline/route_stage.h"
#include "privacy/scanner.h"
#include "pipeline/quota_stage.h"
#include "providers/faq_provider.h"
#include "providers/local/local_provider.h"

namespace sy::api {

namespace bhttp = http::bhttp;
using core::Error;

namespace {

std::vector<std::string> client_visible_names(const config::Config& c) {
  std::vector<std::string> names;
  for (const auto& m : c.models) names.push_back(m.name);
  for (const auto& r : c.routes) names.push_back(r.name);
  return names;
}

// Settles, audits and logs an exchange however it ends, including when the handler is unwound
// because the client went away. Successful answers were audited (and waited for) before they
// were sent; everything else is audited here without waiting.
struct Finisher {
  Exchange& ex;
  Gateway& gateway;
  ops::AccessLog& log;
  ~Finisher() {
    gateway.settle(ex);
    gateway.audit_detached(ex);
    log.write(ex.record);
  }
};

struct InFlight {
  std::atomic<int64_t>& n;
  explicit InFlight(std::atomic<int64_t>& counter) : n(counter) { n.fetch_add(1, std::memory_order_relaxed); }
  ~InFlight() { n.fetch_sub(1, std::memory_order_relaxed); }
};

}  // namespace

Gateway::Gateway(std::shared_ptr<const config::Config> config, ops::AccessLog& access_log)
    : config_(std::move(config)),
      access_log_(access_log),
      metrics_(std::make_unique<ops::Metrics>(client_visible_names(*config_))),
      auth_(std::make_unique<pipeline::AuthStage>(config_->keys, config_->admin_key)) {}

Gateway::~Gateway() = default;

core::Status Gateway::start() {
  const auto url = config_->store_url();
  auto store = store::Store::open(url, store::DbOptions{.durable = config_->audit.durable});
  if (!store) return Error::unavailable("store: " + store.error().message);
  store_ = std::move(*store);
  if (config_->store.empty()) {
    spdlog::warn("no store configured: the registry, the audit trail and usage are kept in memory and lost at exit");
  }
  // Every serving version gets its provider here; local models load (a failure leaves the
  // server up with that target unhealthy).
  registry_ = std::make_unique<ops::Registry>(config_, store_, *metrics_);
  if (auto s = registry_->start(); !s) return Error::unavailable("registry: " + s.error().message);
  if (config_->audit.enabled) {
    ops::AuditOptions options;
    options.durable = config_->audit.durable;
    options.window = config_->audit.window;
    auto audit = ops::AuditLog::open(url, options);
    if (!audit) return Error::unavailable("audit: " + audit.error().message);
    audit_ = std::move(*audit);
  }
  budgets_ = std::make_unique<ops::Budgets>(*config_);
  if (auto s = budgets_->load_spend(*store_); !s) return Error::unavailable("budgets: " + s.error().message);

  router::Router::Targets targets;
  for (const auto& m : config_->models) targets.providers[m.name] = registry_->front(m.name);
  privacy::ScannerOptions scan_options;
  scan_options.dictionary_files = config_->dictionaries;
  if (auto scanner = privacy::Scanner::create(scan_options)) {
    scanner_ = *scanner;
  } else {
    // Without a scanner nothing can be called safe: every request is treated as sensitive.
    spdlog::error("privacy scanner: {}; every request will be treated as sensitive", scanner.error().message);
  }
  if (!config_->faq.file.empty()) {
    if (auto faq = router::FaqMatcher::load(config_->faq.file)) {
      faq_ = *faq;
      spdlog::info("FAQ: {} entries from {}", faq_->size(), config_->faq.file);
    } else {
      spdlog::error("FAQ: {}", faq.error().message);
    }
  }
  faq_provider_ = std::make_unique<providers::FaqProvider>(faq_.get());
  if (!config_->prices.empty()) {
    if (auto prices = ops::PriceTable::load(config_->prices)) {
      prices_ = *prices;
      spdlog::info("prices: {} models, as of {} ({})", prices_->size(), prices_->as_of(), config_->prices);
    } else {
      spdlog::warn("prices: {}; cloud answers are recorded without a cost", prices.error().message);
    }
  }
  targets.faq_provider = faq_provider_.get();
  targets.local_load = [this](const std::string& name) -> std::optional<router::LocalLoad> {
    auto* local = local_provider(name);
    if (!local) return std::nullopt;
    auto engine = local->engine();
    if (!engine) return std::nullopt;
    const auto& c = engine->counters();
    return router::LocalLoad{c.queued.load(), engine->options().slots - c.busy_slots.load(), engine->context_per_slot()};
  };
  router_ = std::make_unique<router::Router>(*config_, std::move(targets), scanner_, faq_);
  chain_.add(std::make_unique<pipeline::RouteStage>(*router_));
  chain_.add(std::make_unique<pipeline::QuotaStage>(
      *budgets_, [this](const pipeline::RequestContext& ctx, int64_t prompt, int64_t completion) -> int64_t {
        if (ctx.decision->candidates.empty()) return 0;
        const auto& target = *ctx.decision->candidates.front().model;
        core::Usage usage;
        usage.prompt_tokens = prompt;
        usage.completion_tokens = completion;
        return static_cast<int64_t>(cost_usd(target, usage) * 1e6 + 0.5);
      }));
  return core::Ok{};
}

void Gateway::flush_audit() {
  if (audit_) audit_->flush();
}

providers::LocalProvider* Gateway::local_provider(const std::string& model) const {
  auto d = registry_ ? registry_->production(model) : nullptr;
  return d ? d->local : nullptr;
}

void Gateway::attach_server_state(std::function<bool()> draining, std::function<size_t()> open_connections) {
  draining_ = std::move(draining);
  open_connections_ = std::move(open_connections);
}

std::vector<std::pair<std::string, std::string>> Gateway::unhealthy_targets() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& m : config_->models) {
    auto h = registry_->front(m.name)->health();
    if (!h.healthy) out.emplace_back(m.name, h.reason);
  }
  return out;
}

http::Response Gateway::protocol_error(int status, std::string_view message, std::string_view target) {
  Error e{status, "invalid_request_error", std::string(message), {}, {}, {}};
  if (status == 413) e = Error::too_large(std::string(message));
  http::Response res{static_cast<bhttp::status>(status), 11};
  res.set(bhttp::field::content_type, "application/json");
  // The body was never parsed, but the path says which API the client speaks.
  bool anthropic = target.starts_with("/v1/messages");
  res.body() = anthropic ? wire::anthropic::format_error(e) : wire::openai::format_error(e);
  return res;
}

http::awaitable<void> Gateway::handle(http::Request& request, http::ResponseWriter& writer) {
  Exchange ex{request, writer, {}, {}, {}, {}};
  ex.ctx.http = &request;
  ex.ctx.request_id = request_id_for(request["x-request-id"]);
  ex.record.request_id = ex.ctx.request_id;
  ex.record.method = std::string(request.method_string());
  auto target = request.target();
  ex.record.path = std::string(target.substr(0, target.find('?')));
  ex.arrived_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
  ex.executor = co_await boost::asio::this_coro::executor;
  InFlight in_flight(metrics_->in_flight());
  Finisher finisher{ex, *this, access_log_};
  co_await dispatch(ex);
}

http::awaitable<void> Gateway::dispatch(Exchange& ex) {
  const auto& path = ex.record.path;
  const auto method = ex.request.method();
  auto only = [&](bhttp::verb v) { return method == v; };
  if (path == "/v1/chat/completions" || path == "/v1/completions") {
    if (method != bhttp::verb::post) {
      // A named Error, not a braced temporary in the co_await: GCC 12 copies such a temporary into
      // the coroutine frame bitwise, and destroying it then frees a pointer into the frame (a
      // short string's inline buffer) — heap corruption on every GET here (found by ASan).
      auto e = Error::method_not_allowed(path, "POST");
      co_await ex.send_error(e);
      co_return;
    }
    co_await serve_chat(ex, path == "/v1/completions" ? core::ChatRequest::Kind::completion
                                                      : core::ChatRequest::Kind::chat);
  } else if (path == "/healthz" && only(bhttp::verb::get)) {
    co_await ex.send_json(200, R"({"status":"ok"})");
  } else if (path == "/readyz" && only(bhttp::verb::get)) {
    co_await serve_readyz(ex);
  } else if (path == "/metrics" && only(bhttp::verb::get)) {
    co_await ex.send_text(200, metrics_->render(open_connections_()) + local_metrics() + ops_metrics(),
                          "text/plain; version=0.0.4");
  } else if (path == "/v1/models" && only(bhttp::verb::get)) {
    co_await serve_models(ex);
  } else if (path == "/v1/messages" && only(bhttp::verb::post)) {
    co_await serve_messages(ex);
  } else if (path == "/v1/messages/count_tokens" && only(bhttp::verb::post)) {
    co_await serve_count_tokens(ex);
  } else if (path == "/v1/route/explain" && only(bhttp::verb::post)) {
    co_await serve_route_explain(ex);
  } else if (path == "/v1/embeddings" && only(bhttp::verb::post)) {
    co_await serve_embeddings(ex);
  } else if (path.starts_with("/admin/models/") && only(bhttp::verb::post) &&
             (path.ends_with("/load") || path.ends_with("/unload"))) {
    co_await serve_admin_model(ex);
  } else if (path == "/admin/models" || path.starts_with("/admin/models/")) {
    co_await serve_admin_registry(ex);
  } else if (path == "/admin/usage") {
    co_await serve_admin_usage(ex);
  } else if (path == "/healthz" || path == "/readyz" || path == "/metrics" || path == "/v1/models") {
    auto e = Error::method_not_allowed(path, "GET");
    co_await ex.send_error(e);  // a named Error: see above
  } else {
    co_await ex.send_error(Error::not_found("Unknown endpoint: " + std::string(ex.request.method_string()) + " " + path));
  }
}

http::awaitable<void> Gateway::serve_readyz(Exchange& ex) {
  boost::json::object targets;
  bool any_healthy = false;
  for (const auto& m : config_->models) {
    auto h = registry_->front(m.name)->health();
    any_healthy = any_healthy || h.healthy;
    targets[m.name] = h.healthy ? boost::json::value("healthy") : boost::json::value("unhealthy: " + h.reason);
  }
  bool draining = draining_();
  bool ready = !draining && any_healthy;
  boost::json::object body{{"status", std::string(draining ? "draining" : ready ? "ready" : "no healthy target")},
                           {"targets", std::move(targets)}};
  co_await ex.send_json(ready ? 200 : 503, boost::json::serialize(body));
}

http::awaitable<void> Gateway::serve_models(Exchange& ex) {
  if (auto v = auth_->on_request(ex.ctx); !v) {
    co_await ex.send_error(v.error());
    co_return;
  }
  boost::json::array data;
  auto add = [&](const std::string& name, const char* owner) {
    if (!ex.ctx.principal.may_use(name)) return;
    boost::json::object entry;
    entry["id"] = name;
    entry["object"] = "model";
    entry["created"] = 0;
    entry["owned_by"] = owner;
    data.push_back(std::move(entry));
  };
  for (const auto& m : config_->models) add(m.name, config::to_string(m.provider));
  for (const auto& r : config_->routes) add(r.name, "switchyard-route");
  boost::json::object list;
  list["object"] = "list";
  list["data"] = std::move(data);
  co_await ex.send_json(200, boost::json::serialize(list));
}

}  // namespace sy::api
