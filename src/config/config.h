#pragma once
// Typed configuration, validated once at start-up. Nothing on the request path reads YAML.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "config/drift_config.h"
#include "core/principal.h"
#include "core/result.h"

namespace sy::config {

using std::chrono::milliseconds;

enum class ProviderKind { local, openai_compat, openai, azure, anthropic, gemini, bedrock };
const char* to_string(ProviderKind kind);
bool is_cloud(ProviderKind kind);

struct UpstreamTimeouts {
  milliseconds connect{5'000};
  milliseconds first_byte{60'000};   // until the response headers arrive
  milliseconds idle{60'000};         // between two pieces of a body (a stalled stream)
  milliseconds total{600'000};       // the whole exchange, streams included
};

// When a target is skipped after failing: `failures` in a row open its circuit for `open_for`;
// then one request at a time may probe it, and a success closes it again.
struct BreakerConfig {
  int failures = 5;
  milliseconds open_for{10'000};
};

// Grounded answers (retrieval-augmented generation): the best passages of an index go to the model
// with the request, in a system message. On a route (whatever target it picks) or on a model (when
// a request names it, or it is the first a route picks and the route has none of its own).
struct RagConfig {
  std::string index;       // a JSONL file (question/answer pairs or {"text"}) or a folder of .md/.txt files
  int top_k = 3;           // passages at most
  double min_score = 0.3;  // 0..1 (1 = the passage's own title asked word for word)
  // A local model (one of `models`) whose embeddings also rank passages: a passage whose cosine
  // similarity to the question reaches min_similarity qualifies too, and the two rankings are
  // fused. Empty = BM25 alone.
  std::string embedding_model;
  double min_similarity = 0.5;
  int line = 0;
};

struct ModelConfig {
  std::string name;            // what clients send as "model"
  ProviderKind provider = ProviderKind::openai_compat;
  std::string upstream_model;  // "model" sent upstream; defaults to name
  // Remote providers.
  std::string base_url;
  std::string api_key;         // never logged
  std::string api_version;     // azure api-version; anthropic-version for anthropic
  std::string region;          // bedrock
  std::string access_key_id;   // bedrock (SigV4); never logged
  std::string secret_access_key;
  std::string session_token;
  std::string deployment;      // azure; defaults to upstream_model
  std::string ca_file;         // extra trust anchor for the upstream's certificate
  bool on_premises = false;    // an in-house host (vLLM, llama.cpp server): sensitive data may go there
  std::map<std::string, std::string> headers;  // extra upstream headers
  UpstreamTimeouts timeouts;
  int retries = 2;             // remote targets: extra tries on 429/5xx/connection errors (backoff)
  BreakerConfig breaker;
  // Local provider.
  std::string path;            // GGUF file
  int slots = 1;               // concurrent sequences
  int context = 0;             // tokens per slot; 0 = the model's, at most 4096
  int threads = 0;             // 0 = every hardware thread
  int batch = 512;             // most tokens per decode step
  int queue = 0;               // requests waiting beyond the slots; 0 = 4 per slot
  std::string chat_template;   // overrides the GGUF's
  std::optional<RagConfig> rag;  // answers from this model are grounded on these passages
  // Request defaults of the version the config registers (system_prompt, temperature, top_p,
  // max_tokens), as the JSON text a registry version keeps; "" = none. The client's values win.
  std::string parameters;
  int line = 0;                // where it was declared, for messages

  // Whether a request classified as sensitive may be sent here.
  bool keeps_data_local() const { return provider == ProviderKind::local || on_premises; }
};

// Rate limits and a monthly budget, for a key or a team. 0 = no limit.
struct UsageLimits {
  int64_t requests_per_minute = 0;
  int64_t tokens_per_minute = 0;   // prompt + completion
  double usd_per_month = 0;        // calendar month, UTC
  bool any() const { return requests_per_minute > 0 || tokens_per_minute > 0 || usd_per_month > 0; }
};

struct ApiKey {
  std::string name;
  std::string key;             // never logged
  std::string team;
  std::vector<std::string> models{"*"};  // globs: "*" or a trailing '*' prefix
  UsageLimits limits;
  core::Role role = core::Role::user;    // what it may do besides calling models (core/principal.h)
};

struct TeamConfig {
  std::string name;
  UsageLimits limits;          // shared by every key of the team
};

// What a local model costs to run, as a TCO table puts it: the hardware written off over its
// life, the power it draws, and a share of the staff who run it, spread over the tokens it serves.
struct LocalCostModel {
  double hardware_usd = 0;
  double amortization_months = 36;
  double power_watts = 0;
  double usd_per_kwh = 0;
  double staff_usd_per_month = 0;
  double tokens_per_month = 0;     // expected tokens served a month; 0 = local answers cost nothing
  double monthly_usd() const;
  double usd_per_token() const;
};

struct AuditConfig {
  bool enabled = true;
  bool durable = true;                    // acknowledge a request only once its record is on disk
  std::chrono::milliseconds window{100};  // not durable: the longest a record waits for its commit
  bool include_text = false;              // prompt and answer text, with sensitive values redacted
};

// "< 300", ">= 0.8": a comparison a rule makes against a number it measures.
struct Comparison {
  enum class Op { lt, le, gt, ge, eq };
  Op op = Op::eq;
  double value = 0;
  bool holds(double x) const;
};

// Every condition given must hold (an empty `when` matches everything).
struct RuleCondition {
  std::optional<bool> sensitive;
  std::vector<std::string> kinds;          // any of these privacy kinds was found
  std::optional<Comparison> faq_score;     // best FAQ match, 0..1
  std::optional<Comparison> chars;         // prompt length in characters
  std::optional<Comparison> tokens;        // prompt length in tokens (estimated)
  std::vector<std::string> needs;          // all of: tools, images, json_schema, long_context
  std::vector<std::string> keys;           // the caller's key name is one of these
  std::vector<std::string> teams;          // the caller's team is one of these
  std::optional<Comparison> queue_depth;   // waiting requests at the route's first local target
  std::optional<Comparison> free_slots;    // idle slots there
};

struct RouteRule {
  enum class Action { local, cloud, targets, split, faq };
  std::string name;                        // for decisions and metrics; default rule[N]
  RuleCondition when;
  Action action = Action::local;
  std::vector<std::string> targets;        // Action::targets, in order
  std::vector<std::pair<std::string, double>> split;  // Action::split: target, weight
  int line = 0;
};

// privacy.model: the line model (src/line_model) judges a request the rules found nothing in; a
// score at or past the threshold makes it sensitive.
struct PrivacyModelConfig {
  bool enabled = true;
  double threshold = 0.8;  // privacy::kDefaultLineModelThreshold
};

// privacy.classifier: a second opinion from a model that keeps data in-house, for a request whose
// line-model score is in [low, high] (`when: "score in [0.4, 0.8]"`): its yes or no decides. A
// timeout or an error counts as yes (sensitive).
struct PrivacyClassifierConfig {
  std::string model;
  double low = 0.4, high = 0.8;
  std::chrono::milliseconds timeout{3000};
  int line = 0;
};

// What the output guard does with what the privacy scanner finds in an answer.
struct OutputGuardConfig {
  std::string on_sensitive = "redact";     // redact (typed placeholders) | block (the answer ends in an error) | log
  std::vector<std::string> kinds;          // finding kinds that count; empty = every kind
  std::vector<std::string> blocked_terms;  // words an answer may never carry (ASCII case-insensitive)
  std::string on_blocked_term = "block";   // redact | block | log
  size_t hold_back = 1024;                 // bytes held back at most while a match may still be growing
};

struct RouteConfig {
  std::string name;
  std::vector<std::string> local;
  std::vector<std::string> cloud;
  std::vector<RouteRule> rules;            // none = the default policy
  std::optional<OutputGuardConfig> output_guard;  // this route's answers: instead of the global one
  std::optional<RagConfig> rag;                   // this route's answers are grounded on these passages
  int line = 0;
};

struct FaqConfig {
  std::string file;                        // JSONL question/answer pairs; empty = no FAQ matching
  double local_threshold = 0.5;            // default policy: a match this good goes local
  double answer_threshold = 0.9;           // `to: faq` answers from the FAQ at or above this
};

// The exact response cache: an answer is kept for the same request (same model, messages,
// sampling, tools, response format) from the same key (or team), under the same privacy class.
struct CacheConfig {
  bool enabled = false;
  milliseconds ttl{10 * 60'000};
  std::string scope = "key";               // key | team | global
  uint64_t max_bytes = 256ull << 20;
  bool sampled = false;                    // also requests whose temperature is not 0 (or not given)
  bool sensitive = false;                  // also sensitive requests' answers, when a local target gave them
  std::string backend = "memory";          // memory (this process) | redis (shared by replicas; needs `redis:`)
  uint64_t max_entry_bytes = 1ull << 20;   // redis: an answer larger than this is not kept
};

// Redis, for what replicas share: rate limits, budgets, the response cache (ops/shared_limits,
// pipeline/cache/redis_store). Every wait on it is bounded; while it cannot be reached each limit
// follows its policy: fail_open counts in this process (and says so), fail_closed refuses (503).
struct RedisConfig {
  std::string url;                         // redis://[[user]:password@]host[:port][/db]
  milliseconds connect_timeout{250};
  milliseconds command_timeout{250};
  milliseconds max_backoff{5'000};         // reconnection backoff doubles from 50 ms up to this
  milliseconds reservation_lease{15 * 60'000};  // a reservation its replica never settled (killed) is let go after this
  std::string prefix = "switchyard:";      // every key switchyard writes starts with it
  bool requests_per_minute_fail_open = true;
  bool tokens_per_minute_fail_open = true;
  bool usd_per_month_fail_open = false;    // money: refused rather than counted blind, unless said otherwise
};

// The Responses API's stored responses (a request's `store`, true unless it says false): what
// previous_response_id and item_reference find again, held in memory only, per key.
struct ResponsesConfig {
  bool store = true;                       // false: no response is kept, whatever a request asks
  milliseconds ttl{60 * 60'000};
  uint64_t max_bytes = 64ull << 20;
};

// What a version's stored evaluation on `dataset` must show before `models promote` or `models
// canary` sends it traffic (ops/eval_gate). The dataset's content is what counts: an eval run on
// an older copy of the file does not pass the gate.
struct EvalGate {
  std::string dataset;                     // JSONL, as `switchyard eval --data` reads it
  double min_score = 0;                    // mean item score, 0..1
  double max_regression = -1;              // < 0 = not checked; else may trail production by this much
  double max_p95_latency_ms = 0;           // 0 = not checked
};

struct Limits {
  uint64_t max_body_bytes = 16ull << 20;
  uint32_t max_header_bytes = 16u << 10;
  milliseconds header_timeout{10'000};   // a client must send its request head within this
  milliseconds body_timeout{60'000};     // ... and its body within this
  milliseconds idle_timeout{75'000};     // keep-alive connections idle longer are closed
  uint64_t max_upstream_body_bytes = 64ull << 20;
  uint64_t max_connections = 0;          // 0 = what the descriptor limit allows
  uint64_t max_inflight_body = 0;        // bytes of large bodies worked on at once; 0 = max_body
};

// A TLS listener beside `listen`. client_ca set: clients must present a certificate it issued.
struct ListenTlsConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 8443;
  std::string cert;
  std::string key;
  std::string client_ca;
};

// Every relative file path below (store, prices, access_log, faq.file, dictionaries, a model's
// path and ca_file, listen_tls's cert, key and client_ca) has been resolved against the config file's folder (config/config_paths.h).
struct Config {
  std::string file;
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 8080;
  std::optional<ListenTlsConfig> listen_tls;
  int threads = 0;                        // 0 = min(hardware threads, 4)
  milliseconds drain_timeout{30'000};
  std::string access_log = "stdout";      // stdout | stderr | off | a file path
  std::string store;                      // sqlite:PATH or postgres://...; empty = in memory (lost at exit)
  std::string prices = "data/prices.yaml";  // cloud price table; a missing default file is only warned about
  std::vector<ApiKey> keys;
  std::vector<TeamConfig> teams;
  std::string admin_key;                  // guards /admin/...; none = the admin API is off
  // admin_listen: HOST:PORT. Set: the admin API (/admin/..., and the dashboard /ui/) is served only
  // on this listener, and the main listener answers 404 there. Empty host = not set.
  std::string admin_listen_host;
  uint16_t admin_listen_port = 0;
  bool has_admin_listen() const { return !admin_listen_host.empty(); }
  std::vector<ModelConfig> models;
  std::vector<RouteConfig> routes;
  std::string on_sensitive = "local_only";
  std::vector<std::string> dictionaries;  // confidential terms, one per line
  // privacy.context: also find people with personal facts, addresses, labelled numbers and birth
  // dates (src/privacy/context.h), not only values with a shape.
  bool privacy_context = true;
  PrivacyModelConfig privacy_model;
  std::optional<PrivacyClassifierConfig> privacy_classifier;  // none = no second opinion
  FaqConfig faq;
  AuditConfig audit;
  CacheConfig cache;
  std::optional<RedisConfig> redis;        // none = every counter and the cache are this process's own
  ResponsesConfig responses;
  std::optional<OutputGuardConfig> output_guard;  // none = answers are not scanned
  std::map<std::string, EvalGate> gates;  // by model name: eval gates for promote and canary
  DriftConfig drift;                      // drift detection on live traffic (ops/drift)
  LocalCostModel local_cost;
  Limits limits;
  // Keys accepted but whose feature has not landed: said at start so nobody is surprised.
  std::vector<std::string> not_yet_active;

  const ModelConfig* find_model(std::string_view name) const;
  const TeamConfig* find_team(std::string_view name) const;
  // The store URL to open: `store`, or a process-private in-memory SQLite when none is set.
  std::string store_url() const { return store.empty() ? "sqlite::memory:" : store; }
};

// Parses and validates. Errors name the file, line and key.
core::Result<std::shared_ptr<const Config>> load_file(const std::string& path);
core::Result<std::shared_ptr<const Config>> load_string(const std::string& yaml, const std::string& file_name);

}  // namespace sy::config
