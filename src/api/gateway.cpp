#include "api/gateway.h"

#include <spdlog/spdlog.h>

#include "api/endpoints.h"
#include "api/ollama/dialect.h"
#include "http/offload.h"
#include "ops/budgets.h"
#include "ops/cost_model.h"
#include "ops/key_secret.h"
#include "ops/process_metrics.h"
#include "ops/redis_link.h"
#include "ops/shared_limits.h"
#include "pipeline/account/account_stage.h"
#include "pipeline/audit/audit_stage.h"
#include "pipeline/auth/auth_stage.h"
#include "pipeline/cache/cache_stage.h"
#include "pipeline/cache/memory_store.h"
#include "pipeline/drift/drift_stage.h"
#include "pipeline/drift/drift_webhook.h"
#include "pipeline/cache/redis_store.h"
#include "pipeline/execute/execute_stage.h"
#include "pipeline/ground/ground_stage.h"
#include "pipeline/output_guard/output_guard_stage.h"
#include "pipeline/parse/parse_stage.h"
#include "pipeline/privacy_scan/privacy_scan_stage.h"
#include "pipeline/quota/quota_stage.h"
#include "pipeline/route/route_stage.h"
#include "privacy/embedded_line_model.h"
#include "privacy/scanner.h"
#include "providers/faq_provider.h"
#include "router/breakers.h"
#include "router/router.h"
#include "wire/anthropic/messages_response.h"
#include "wire/openai/error_json.h"

namespace sy::api {

namespace bhttp = http::bhttp;
using core::Error;

// Everything made at start, in the order it is made (and torn down in reverse).
struct Gateway::Parts {
  std::unique_ptr<ops::Metrics> metrics;
  std::shared_ptr<store::Store> store;
  std::unique_ptr<serving::Registry> registry;
  std::unique_ptr<ops::AuditLog> audit;
  std::unique_ptr<ops::Budgets> budgets;
  std::shared_ptr<pipeline::KeyRing> keys;
  std::unique_ptr<ops::RedisLink> redis;              // null without `redis:`
  std::unique_ptr<ops::SharedLimits> shared_limits;  // null without `redis:`
  std::unique_ptr<ops::CostModel> costs;
  std::shared_ptr<const privacy::Scanner> scanner;
  std::shared_ptr<const router::FaqMatcher> faq;
  std::unique_ptr<providers::Provider> faq_provider;
  std::unique_ptr<router::Router> router;
  std::unique_ptr<router::Breakers> breakers;
  std::unique_ptr<pipeline::ShadowRunner> shadows;
  std::shared_ptr<const pipeline::CacheStage> cache;          // null when no cache is configured
  std::shared_ptr<const pipeline::OutputGuardStage> guard;    // null when no output guard is configured
  std::unique_ptr<ops::StoredResponses> stored_responses;
  std::unique_ptr<pipeline::DriftWebhook> drift_webhook;  // null without drift.webhook; outlives the monitor
  std::unique_ptr<ops::drift::DriftMonitor> drift;         // null with drift.enabled: false
  core::InFlight background;
  Chains chains;
};

namespace {

std::vector<std::string> client_visible_names(const config::Config& c) {
  std::vector<std::string> names;
  for (const auto& m : c.models) names.push_back(m.name);
  for (const auto& r : c.routes) names.push_back(r.name);
  return names;
}

struct InFlightRequests {
  std::atomic<int64_t>& n;
  explicit InFlightRequests(std::atomic<int64_t>& counter) : n(counter) { n.fetch_add(1, std::memory_order_relaxed); }
  ~InFlightRequests() { n.fetch_sub(1, std::memory_order_relaxed); }
};

// Writes the access log line however the exchange ends (also when its coroutine is torn down).
struct AccessLine {
  Exchange& ex;
  ops::AccessLog& log;
  ~AccessLine() {
    auto& r = ex.state.record;
    if (r.status == 0 || (ex.writer.client_gone() && !ex.writer.started())) r.status = 499;
    if (r.latency_ms == 0) r.latency_ms = ex.state.elapsed_ms();
    log.write(r);
  }
};

}  // namespace

Gateway::Gateway(std::shared_ptr<const config::Config> config, ops::AccessLog& access_log)
    : config_(std::move(config)), access_log_(access_log), parts_(std::make_unique<Parts>()) {
  parts_->metrics = std::make_unique<ops::Metrics>(client_visible_names(*config_));
}

Gateway::~Gateway() = default;

core::Status Gateway::start() {
  auto& p = *parts_;
  const auto& cfg = *config_;
  const auto url = cfg.store_url();
  auto store = store::Store::open(url, store::DbOptions{.durable = cfg.audit.durable});
  if (!store) return Error::unavailable("store: " + store.error().message);
  p.store = std::move(*store);
  if (cfg.store.empty()) {
    spdlog::warn("no store configured: the registry, the audit trail and usage are kept in memory and lost at exit");
  }
  // Every serving version gets its provider here; local models load (a failure leaves the
  // server up with that target unhealthy).
  p.registry = std::make_unique<serving::Registry>(config_, p.store, *p.metrics);
  if (auto s = p.registry->start(); !s) return Error::unavailable("registry: " + s.error().message);
  if (cfg.audit.enabled) {
    ops::AuditOptions options;
    options.durable = cfg.audit.durable;
    options.window = cfg.audit.window;
    auto audit = ops::AuditLog::open(url, options);
    if (!audit) return Error::unavailable("audit: " + audit.error().message);
    p.audit = std::move(*audit);
  }
  p.budgets = std::make_unique<ops::Budgets>(cfg);
  // The store's keys before the spend is read back: their budgets count too.
  p.keys = std::make_shared<pipeline::KeyRing>(cfg, p.store, p.budgets.get());
  if (auto s = p.keys->start(); !s) return Error::unavailable("keys: " + s.error().message);
  if (auto s = p.budgets->load_spend(*p.store); !s) return Error::unavailable("budgets: " + s.error().message);
  if (cfg.redis) {
    if (auto url = store::parse_redis_url(cfg.redis->url); !url) return Error::unavailable(url.error().message);
    // Limits and the cache shared by every replica; scripts are registered before the connection starts.
    p.redis = std::make_unique<ops::RedisLink>(*cfg.redis);
    p.shared_limits = std::make_unique<ops::SharedLimits>(*cfg.redis, *p.redis, *p.budgets);
    p.redis->start();
  }

  std::shared_ptr<const ops::PriceTable> prices;
  if (!cfg.prices.empty()) {
    if (auto loaded = ops::PriceTable::load(cfg.prices)) {
      prices = *loaded;
      spdlog::info("prices: {} models, as of {} ({})", prices->size(), prices->as_of(), cfg.prices);
    } else {
      spdlog::warn("prices: {}; cloud answers are recorded without a cost", loaded.error().message);
    }
  }
  p.costs = std::make_unique<ops::CostModel>(prices, cfg.local_cost);

  privacy::ScannerOptions scan_options;
  scan_options.dictionary_files = cfg.dictionaries;
  scan_options.context_detectors = cfg.privacy_context;
  const bool line_model = cfg.privacy_model.enabled && cfg.privacy_context;
  if (line_model) {
    scan_options.line_model = privacy::embedded_line_model();
    scan_options.line_model_threshold = static_cast<float>(cfg.privacy_model.threshold);
    // Which model judges: the weights' digest, so an auditor can tell one build's judge from another's.
    auto bytes = privacy::embedded_line_model_bytes();
    auto digest = ops::sha256(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    spdlog::info("privacy: line model sha256:{}, threshold {}", ops::to_hex(digest).substr(0, 16), cfg.privacy_model.threshold);
  }
  if (line_model && scan_options.line_model == nullptr) {
    spdlog::error("privacy scanner: the embedded line model cannot be read (a build error); every request will be treated as sensitive");
  } else if (auto scanner = privacy::Scanner::create(scan_options)) {
    p.scanner = *scanner;
  } else {
    // Without a scanner nothing can be called safe: every request is treated as sensitive.
    spdlog::error("privacy scanner: {}; every request will be treated as sensitive", scanner.error().message);
  }
  if (!cfg.faq.file.empty()) {
    if (auto faq = router::FaqMatcher::load(cfg.faq.file)) {
      p.faq = *faq;
      spdlog::info("FAQ: {} entries from {}", p.faq->size(), cfg.faq.file);
    } else {
      spdlog::error("FAQ: {}", faq.error().message);
    }
  }
  p.faq_provider = std::make_unique<providers::FaqProvider>(p.faq.get());
  p.router = std::make_unique<router::Router>(cfg, p.faq);
  p.breakers = std::make_unique<router::Breakers>(cfg);
  p.shadows = std::make_unique<pipeline::ShadowRunner>(*p.registry, p.audit.get(), *p.costs, p.scanner, cfg.audit.include_text);

  // The stages, each made once, and the chains that order them.
  // Models are called only by keys whose role may (user, operator, admin); any key lists them.
  auto auth = std::make_shared<pipeline::AuthStage>(p.keys, pipeline::AuthStage::Access::inference);
  auto keyed_auth = std::make_shared<pipeline::AuthStage>(p.keys, pipeline::AuthStage::Access::any);
  auto admin_auth = std::make_shared<pipeline::AdminAuthStage>(p.keys);
  auto parse = std::make_shared<pipeline::ParseStage>();
  auto scan = std::make_shared<pipeline::PrivacyScanStage>(p.scanner, cfg.on_sensitive, cfg.privacy_classifier, p.registry.get());
  auto quota = std::make_shared<pipeline::QuotaStage>(cfg, *p.budgets, *p.costs);
  auto route = std::make_shared<pipeline::RouteStage>(cfg, *p.router, *p.registry, *p.breakers, p.faq_provider.get());
  auto execute = std::make_shared<pipeline::ExecuteStage>(p.scanner, *p.breakers, *p.metrics, *p.shadows, cfg.audit.include_text);
  auto account = std::make_shared<pipeline::AccountStage>(*p.metrics, *p.costs, *p.budgets);
  if (cfg.cache.enabled) {
    std::unique_ptr<pipeline::ResponseStore> answers;
    if (cfg.cache.backend == "redis" && p.redis) answers = std::make_unique<pipeline::RedisStore>(*p.redis, cfg.redis->prefix, cfg.cache.max_entry_bytes);
    else answers = std::make_unique<pipeline::MemoryStore>(cfg.cache.max_bytes);
    p.cache = std::make_shared<pipeline::CacheStage>(cfg.cache, std::move(answers), *p.costs);
  }
  if (pipeline::OutputGuardStage::wanted(cfg)) {
    // The guard's own scanner: the privacy patterns, the confidential dictionaries and the blocked terms.
    privacy::ScannerOptions guard_options = scan_options;
    guard_options.line_model = nullptr;  // the guard acts on spans it can name, not on a score
    guard_options.dictionary_terms = pipeline::OutputGuardStage::blocked_terms(cfg);
    auto guard_scanner = privacy::Scanner::create(guard_options);
    if (!guard_scanner) return Error::unavailable("output guard: " + guard_scanner.error().message);
    p.guard = std::make_shared<pipeline::OutputGuardStage>(cfg, *guard_scanner);
  }
  std::shared_ptr<const pipeline::GroundStage> ground;
  if (pipeline::GroundStage::wanted(cfg)) {
    auto made = pipeline::GroundStage::create(cfg, p.scanner, *p.registry);
    if (!made) return Error::unavailable("rag: " + made.error().message);
    ground = std::move(*made);
  }
  std::shared_ptr<const pipeline::Stage> drift;
  if (cfg.drift.enabled) {
    if (!cfg.drift.webhook.empty()) {
      auto hook = pipeline::DriftWebhook::create(cfg.drift);
      if (!hook) return Error::unavailable(hook.error().message);
      p.drift_webhook = std::move(*hook);
    }
    p.drift = std::make_unique<ops::drift::DriftMonitor>(cfg.drift, pipeline::DriftTopics(p.faq.get(), cfg.faq.local_threshold).names());
    if (p.drift_webhook) p.drift->on_change([hook = p.drift_webhook.get()](const ops::drift::StateChange& c) { hook->post(c); });
    p.drift->start_timer();
    drift = std::make_shared<pipeline::DriftStage>(*p.drift, p.faq.get(), cfg.faq.local_threshold);
  }
  std::shared_ptr<const pipeline::Stage> audit;
  if (p.audit) audit = std::make_shared<pipeline::AuditStage>(*p.audit, p.scanner, cfg.audit.include_text);
  // A stage that is not configured is not in the chain at all (the cache, the output guard, the audit).
  auto chain = [](std::vector<std::shared_ptr<const pipeline::Stage>> stages) {
    std::erase(stages, nullptr);
    return pipeline::Chain(std::move(stages));
  };
  // The request path, in order.
  p.chains.chat = chain({auth, parse, scan, quota, p.cache, route, ground, execute, p.guard, account, drift, audit});
  p.chains.embeddings = chain({auth, parse, quota, account, audit});
  p.chains.keyed = chain({keyed_auth, account, audit});
  p.chains.admin = chain({admin_auth, account, audit});

  p.stored_responses = std::make_unique<ops::StoredResponses>(cfg.responses.ttl, cfg.responses.max_bytes);

  services_ = std::make_unique<Services>(Services{cfg, p.chains, *p.registry, *p.store, p.audit.get(), *p.metrics,
                                                  p.background, [this] { return draining_(); },
                                                  [this] { return open_connections_(); }, [this] { return render_metrics(); },
                                                  *p.stored_responses, p.scanner, p.budgets.get()});
  services_->drift = p.drift.get();
  return core::Ok{};
}

void Gateway::attach_server_state(std::function<bool()> draining, std::function<size_t()> open_connections) {
  draining_ = std::move(draining);
  open_connections_ = std::move(open_connections);
}

std::string Gateway::render_metrics() const {
  auto out = parts_->metrics->render(open_connections_());
  if (parts_->audit) parts_->audit->render_metrics(out);
  parts_->registry->render_metrics(out);
  if (parts_->cache) parts_->cache->render_metrics(out);
  if (parts_->drift) parts_->drift->render_metrics(out);
  if (parts_->drift_webhook) parts_->drift_webhook->render_metrics(out);
  if (parts_->redis) parts_->redis->render_metrics(out);
  if (parts_->guard) parts_->guard->render_metrics(out);
  parts_->stored_responses->render_metrics(out);
  ops::render_process_metrics(out);
  return out;
}

bool Gateway::open() const { return !parts_->keys || parts_->keys->open(); }

std::vector<std::pair<std::string, std::string>> Gateway::unhealthy_targets() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& m : config_->models) {
    auto d = parts_->registry->production(m.name);
    auto h = d ? d->provider->health() : providers::Health{false, "no serving version"};
    if (!h.healthy) out.emplace_back(m.name, h.reason);
  }
  return out;
}

void Gateway::finish(std::chrono::milliseconds wait) {
  // Shadow copies are coroutines on the I/O threads: a drain that ended by itself waited for them
  // (they are work of their io_context); after the drain deadline they were cut off.
  if (int n = parts_->shadows ? parts_->shadows->in_flight().count() : 0; n > 0) {
    spdlog::warn("{} shadow calls were cut off by the drain deadline", n);
  }
  // Store calls run on threads of their own and report to an I/O thread's executor when done: they
  // must end before the I/O threads' contexts are destroyed.
  if (!parts_->background.wait_idle(wait)) spdlog::warn("{} store calls still running at exit", parts_->background.count());
  if (parts_->audit) parts_->audit->flush();
}

http::Response Gateway::protocol_error(int status, std::string_view message, std::string_view target) {
  Error e{status, "invalid_request_error", std::string(message), {}, {}, {}, 0, {}};
  if (status == 413) e = Error::too_large(std::string(message));
  http::Response res{static_cast<bhttp::status>(status), 11};
  res.set(bhttp::field::content_type, "application/json");
  // The body was never parsed, but the path says which API the client speaks.
  if (target.starts_with("/v1/messages")) res.body() = wire::anthropic::format_error(e);
  else if (target.starts_with("/api/")) res.body() = wire::ollama::format_error(e);
  else res.body() = wire::openai::format_error(e);
  return res;
}

bool is_admin_path(std::string_view path) {
  for (std::string_view root : {"/admin", "/ui"}) {
    if (path.starts_with(root) && (path.size() == root.size() || path[root.size()] == '/')) return true;
  }
  return false;
}

bool serves(Surface surface, std::string_view path) {
  switch (surface) {
    case Surface::all: return true;
    case Surface::public_only: return !is_admin_path(path);
    case Surface::admin_only:
      return is_admin_path(path) || path == "/healthz" || path == "/readyz" || path == "/metrics";
  }
  return false;
}

http::awaitable<void> Gateway::handle(http::Request& request, http::ResponseWriter& writer) {
  return handle_on(Surface::all, request, writer);
}

http::awaitable<void> Gateway::handle_on(Surface surface, http::Request& request, http::ResponseWriter& writer) {
  Exchange ex(request, writer);
  InFlightRequests in_flight(parts_->metrics->in_flight());
  AccessLine line{ex, access_log_};
  // A path this listener does not serve is unknown here, as any other: the main listener does not
  // tell that an admin API exists elsewhere.
  core::Result<Endpoint> endpoint = core::Error::not_found("Unknown endpoint: " + std::string(bhttp::to_string(request.method())) +
                                                           " " + ex.state.record.path);
  if (serves(surface, ex.state.record.path)) endpoint = endpoint_table().find(request.method(), ex.state.record.path);
  if (!endpoint) {
    // Ollama's clients read {"error": "..."}: unknown /api/ paths (pull, ps, ...) answer so too.
    if (ex.state.record.path.starts_with("/api/")) ex.dialect = &ollama::error_dialect();
    // A named Error, not a temporary in the co_await (GCC 12 frees such temporaries wrongly).
    auto e = endpoint.error();
    co_await ex.send_error(e);
    co_return;
  }
  co_await (*endpoint)(ex, *services_);
  // Freeing a request of thousands of messages is a million small frees: the offload pool's work,
  // done before the body's share of the budget goes to the next large request.
  if (ex.state.chat.messages.size() > http::kOffloadMessages) {
    auto chat = std::make_shared<core::ChatRequest>(std::move(ex.state.chat));
    co_await http::offload([chat] {
      *chat = {};
      return true;
    });
  }
}

}  // namespace sy::api
