#pragma once
// Typed configuration, validated once at start-up. Nothing on the request path reads YAML.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace sy::config {

using std::chrono::milliseconds;

enum class ProviderKind { local, openai_compat, openai, azure, anthropic, gemini, bedrock };
const char* to_string(ProviderKind kind);
bool is_cloud(ProviderKind kind);

struct UpstreamTimeouts {
  milliseconds connect{5'000};
  milliseconds first_byte{60'000};   // until the response headers arrive
  milliseconds total{600'000};       // the whole exchange, streams included
};

struct ModelConfig {
  std::string name;            // what clients send as "model"
  ProviderKind provider = ProviderKind::openai_compat;
  std::string upstream_model;  // "model" sent upstream; defaults to name
  // Remote providers.
  std::string base_url;
  std::string api_key;         // never logged
  std::string api_version;     // azure
  std::string deployment;      // azure; defaults to upstream_model
  std::string ca_file;         // extra trust anchor for the upstream's certificate
  std::map<std::string, std::string> headers;  // extra upstream headers
  UpstreamTimeouts timeouts;
  // Local provider.
  std::string path;            // GGUF file
  int slots = 1;               // concurrent sequences
  int context = 0;             // tokens per slot; 0 = the model's, at most 4096
  int threads = 0;             // 0 = every hardware thread
  int batch = 512;             // most tokens per decode step
  int queue = 0;               // requests waiting beyond the slots; 0 = 4 per slot
  std::string chat_template;   // overrides the GGUF's
  int line = 0;                // where it was declared, for messages
};

struct ApiKey {
  std::string name;
  std::string key;             // never logged
  std::string team;
  std::vector<std::string> models{"*"};  // globs: "*" or a trailing '*' prefix
};

struct RouteConfig {
  std::string name;
  std::vector<std::string> local;
  std::vector<std::string> cloud;
  int line = 0;
};

struct Limits {
  uint64_t max_body_bytes = 16ull << 20;
  uint32_t max_header_bytes = 16u << 10;
  milliseconds header_timeout{10'000};   // a client must send its request head within this
  milliseconds body_timeout{60'000};     // ... and its body within this
  milliseconds idle_timeout{75'000};     // keep-alive connections idle longer are closed
  uint64_t max_upstream_body_bytes = 64ull << 20;
};

struct Config {
  std::string file;
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 8080;
  int threads = 0;                        // 0 = min(hardware threads, 4)
  milliseconds drain_timeout{30'000};
  std::string access_log = "stdout";      // stdout | stderr | off | a file path
  std::string store;
  std::vector<ApiKey> keys;
  std::string admin_key;                  // guards /admin/...; none = the admin API is off
  std::vector<ModelConfig> models;
  std::vector<RouteConfig> routes;
  std::string on_sensitive = "local_only";
  bool audit_durable = true;
  Limits limits;
  // Keys accepted but whose feature has not landed: said at start so nobody is surprised.
  std::vector<std::string> not_yet_active;

  const ModelConfig* find_model(std::string_view name) const;
};

// Parses and validates. Errors name the file, line and key.
core::Result<std::shared_ptr<const Config>> load_file(const std::string& path);
core::Result<std::shared_ptr<const Config>> load_string(const std::string& yaml, const std::string& file_name);

}  // namespace sy::config
