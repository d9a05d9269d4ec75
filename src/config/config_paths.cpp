#include "config/config_paths.h"

#include "config/config.h"

namespace sy::config {

std::string resolve_path(const std::filesystem::path& base, const std::string& path) {
  if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (base / path).lexically_normal().string();
}

std::filesystem::path config_dir(const std::string& config_file) {
  std::error_code ec;
  auto dir = std::filesystem::absolute(std::filesystem::path(config_file), ec).parent_path();
  return ec ? std::filesystem::path(config_file).parent_path() : dir;
}

namespace {

// sqlite:PATH names a file; sqlite::memory: and postgres:// URLs do not.
std::string resolve_store(const std::filesystem::path& base, const std::string& store) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (!store.starts_with(kSqlite)) return store;
  std::string target = store.substr(kSqlite.size());
  // SQLite's own URI form (sqlite:file:...) is left to SQLite.
  if (target == ":memory:" || target.starts_with("file:")) return store;
  return std::string(kSqlite) + resolve_path(base, target);
}

// `log.access` is a file unless it names a stream or turns the log off.
std::string resolve_access_log(const std::filesystem::path& base, const std::string& access) {
  if (access == "stdout" || access == "stderr" || access == "off") return access;
  return resolve_path(base, access);
}

}  // namespace

void resolve_relative_paths(Config& cfg, const std::filesystem::path& base) {
  cfg.store = resolve_store(base, cfg.store);
  cfg.access_log = resolve_access_log(base, cfg.access_log);
  cfg.prices = resolve_path(base, cfg.prices);
  cfg.faq.file = resolve_path(base, cfg.faq.file);
  for (auto& d : cfg.dictionaries) d = resolve_path(base, d);
  for (auto& [model, gate] : cfg.gates) gate.dataset = resolve_path(base, gate.dataset);
  if (cfg.listen_tls) {
    cfg.listen_tls->cert = resolve_path(base, cfg.listen_tls->cert);
    cfg.listen_tls->key = resolve_path(base, cfg.listen_tls->key);
    cfg.listen_tls->client_ca = resolve_path(base, cfg.listen_tls->client_ca);
  }
  for (auto& m : cfg.models) {
    m.path = resolve_path(base, m.path);
    m.ca_file = resolve_path(base, m.ca_file);
    if (m.rag) m.rag->index = resolve_path(base, m.rag->index);
  }
  for (auto& r : cfg.routes) {
    if (r.rag) r.rag->index = resolve_path(base, r.rag->index);
  }
}

}  // namespace sy::config
