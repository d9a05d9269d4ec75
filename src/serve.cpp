#include "serve.h"

#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "api/gateway.h"
#include "config/config.h"
#include "config/credentials.h"
#include "config/preflight.h"
#include "http/server.h"

namespace sy {

namespace {

std::shared_ptr<const config::Config> load_or_report(const std::string& file) {
  auto cfg = config::load_file(file);
  if (!cfg) {
    spdlog::error("config: {}", cfg.error().message);
    return nullptr;
  }
  return *cfg;
}

std::optional<http::TlsListenOptions> tls_options(const config::Config& c) {
  if (!c.listen_tls) return std::nullopt;
  const auto& t = *c.listen_tls;
  return http::TlsListenOptions{t.host, t.port, t.cert, t.key, t.client_ca};
}

// SIGHUP: new connections get the certificate, key and client CA as they are on disk now; open
// connections keep theirs. A file that does not load keeps the old context, and the log says why.
void reload_tls_on_hangup(boost::asio::signal_set& hangup, http::Server& server) {
  hangup.async_wait([&hangup, &server](boost::system::error_code ec, int) {
    if (ec) return;
    if (auto s = server.reload_tls(); !s) {
      spdlog::error("SIGHUP: TLS files not reloaded, still serving the previous certificate: {}", s.error().message);
    } else {
      spdlog::info("SIGHUP: TLS certificate and key reloaded for new connections");
    }
    reload_tls_on_hangup(hangup, server);
  });
}

http::ServerOptions server_options(const config::Config& c) {
  http::ServerOptions o;
  o.host = c.listen_host;
  o.port = c.listen_port;
  o.threads = c.threads > 0 ? c.threads : static_cast<int>(std::min(4u, std::max(1u, std::thread::hardware_concurrency())));
  o.max_body_bytes = c.limits.max_body_bytes;
  o.max_header_bytes = c.limits.max_header_bytes;
  o.header_timeout = c.limits.header_timeout;
  o.body_timeout = c.limits.body_timeout;
  o.idle_timeout = c.limits.idle_timeout;
  o.max_connections = c.limits.max_connections;
  o.max_inflight_body = c.limits.max_inflight_body > 0 ? c.limits.max_inflight_body : c.limits.max_body_bytes;
  o.tls = tls_options(c);
  return o;
}

// The admin listener: the main one's limits, one thread (the admin API is light), plain HTTP.
http::ServerOptions admin_server_options(const config::Config& c) {
  auto o = server_options(c);
  o.host = c.admin_listen_host;
  o.port = c.admin_listen_port;
  o.threads = 1;
  o.tls.reset();
  return o;
}

void report_start(const config::Config& cfg, const api::Gateway& gateway) {
  if (gateway.open()) {
    spdlog::warn("no API keys configured (config or store): the server is open to anyone who can reach {}:{}", cfg.listen_host,
                 cfg.listen_port);
  }
  for (const auto& note : cfg.not_yet_active) spdlog::warn("not yet active: {}", note);
  for (const auto& m : cfg.models) {
    if (auto why = config::missing_credentials(m); !why.empty()) {
      spdlog::warn("cloud target '{}' ({}) cannot work: {}; requests skip it until its credentials are set", m.name,
                   config::to_string(m.provider), why);
    }
  }
  for (const auto& [name, reason] : gateway.unhealthy_targets()) {
    // Said already: a cloud target's missing credentials just above, a missing model file (with
    // its path) by the registry as it loaded the model.
    if (reason.starts_with("unconfigured:")) continue;
    spdlog::warn("target '{}' is unhealthy: {}", name, reason);
  }
}

}  // namespace

int check_config(const std::string& file) {
  auto cfg = load_or_report(file);
  if (!cfg) return 2;
  for (const auto& note : cfg->not_yet_active) spdlog::warn("not yet active: {}", note);
  // The files it names and the credentials its cloud targets need, not only its syntax.
  auto checked = config::preflight(*cfg);
  // The TLS files must not only exist but load as a matching certificate and key.
  if (auto tls = tls_options(*cfg); tls && checked.errors.empty()) {
    if (auto context = http::make_server_tls_context(*tls); !context) checked.errors.push_back(context.error().message);
  }
  for (const auto& w : checked.warnings) spdlog::warn("{}", w);
  for (const auto& e : checked.errors) spdlog::error("{}", e);
  if (!checked.errors.empty()) {
    spdlog::error("{}: not usable as it is ({} of the problems above)", file, checked.errors.size());
    return 2;
  }
  spdlog::info("{}: ok ({} models, {} routes, {} keys)", file, cfg->models.size(), cfg->routes.size(), cfg->keys.size());
  return 0;
}

namespace {

class InProcessServer final : public eval::EmbeddedServer {
 public:
  InProcessServer(std::shared_ptr<const config::Config> cfg)
      : cfg_(std::move(cfg)), access_log_("off"), gateway_(cfg_, access_log_), server_(server_options(*cfg_), gateway_) {}

  core::Status start() {
    if (auto s = gateway_.start(); !s) return s;
    gateway_.attach_server_state([this] { return server_.draining(); }, [this] { return server_.open_connections(); });
    if (auto s = server_.listen(); !s) return s;
    server_.start([] {});
    return core::Ok{};
  }

  ~InProcessServer() override {
    server_.stop_now();
    server_.join();
    gateway_.finish(std::chrono::seconds(10));
  }

  std::string url() const override { return "http://127.0.0.1:" + std::to_string(server_.port()); }

 private:
  std::shared_ptr<const config::Config> cfg_;
  ops::AccessLog access_log_;
  api::Gateway gateway_;
  http::Server server_;
};

}  // namespace

core::Result<std::unique_ptr<eval::EmbeddedServer>> start_embedded_server(const std::string& config_file) {
  // stdout is the command's own (a report may go there); the server's warnings go to stderr.
  spdlog::set_default_logger(spdlog::stderr_color_mt("embedded-server"));
  spdlog::set_level(spdlog::level::warn);
  auto loaded = config::load_file(config_file);
  if (!loaded) return loaded.error();
  auto cfg = std::make_shared<config::Config>(**loaded);
  cfg->listen_host = "127.0.0.1";
  cfg->listen_port = 0;
  cfg->listen_tls.reset();
  cfg->access_log = "off";
  auto server = std::make_unique<InProcessServer>(cfg);
  if (auto s = server->start(); !s) return s.error();
  return std::unique_ptr<eval::EmbeddedServer>(std::move(server));
}

int run_serve(const ServeOptions& options) {
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  auto cfg = load_or_report(options.config_file);
  if (!cfg) return 2;

  ops::AccessLog access_log(cfg->access_log);
  api::Gateway gateway(cfg, access_log);
  if (auto s = gateway.start(); !s) {
    spdlog::error("{}", s.error().message);
    return 1;
  }
  // With admin_listen the admin API has a listener of its own, and the main one serves the rest.
  api::GatewayListener public_side(gateway, api::Surface::public_only);
  api::GatewayListener admin_side(gateway, api::Surface::admin_only);
  http::Server server(server_options(*cfg), cfg->has_admin_listen() ? static_cast<http::Handler&>(public_side) : gateway);
  std::unique_ptr<http::Server> admin_server;
  if (cfg->has_admin_listen()) admin_server = std::make_unique<http::Server>(admin_server_options(*cfg), admin_side);
  gateway.attach_server_state([&server] { return server.draining(); }, [&server, &admin_server] {
    return server.open_connections() + (admin_server ? admin_server->open_connections() : 0);
  });
  if (auto s = server.listen(); !s) {
    spdlog::error("{}", s.error().message);
    return 1;
  }
  if (admin_server) {
    if (auto s = admin_server->listen(); !s) {
      spdlog::error("admin_listen: {}", s.error().message);
      return 1;
    }
  }
  report_start(*cfg, gateway);

  boost::asio::io_context main_ioc;
  auto guard = boost::asio::make_work_guard(main_ioc);
  boost::asio::signal_set signals(main_ioc, SIGTERM, SIGINT);
  boost::asio::steady_timer deadline(main_ioc);
  boost::asio::signal_set hangup(main_ioc);
  if (cfg->listen_tls) {
    hangup.add(SIGHUP);
    reload_tls_on_hangup(hangup, server);
  }
  signals.async_wait([&](boost::system::error_code ec, int sig) {
    if (ec) return;
    spdlog::info("signal {}: draining (up to {} ms for {} open connections)", sig, cfg->drain_timeout.count(),
                 server.open_connections());
    server.drain();
    if (admin_server) admin_server->drain();
    deadline.expires_after(cfg->drain_timeout);
    deadline.async_wait([&](boost::system::error_code tec) {
      if (tec) return;
      spdlog::warn("drain deadline passed with {} connections open; stopping", server.open_connections());
      server.stop_now();
      if (admin_server) admin_server->stop_now();
    });
  });
  // The process ends once every listener has finished.
  std::atomic<int> running{admin_server ? 2 : 1};
  auto on_stopped = [&main_ioc, &running] {
    if (running.fetch_sub(1) == 1) boost::asio::post(main_ioc, [&main_ioc] { main_ioc.stop(); });
  };
  server.start(on_stopped);
  if (admin_server) admin_server->start(on_stopped);
  spdlog::info("switchyard listening on http://{}:{} ({} models)", cfg->listen_host, server.port(), cfg->models.size());
  if (cfg->listen_tls) {
    spdlog::info("switchyard listening on https://{}:{}{}", cfg->listen_tls->host, server.tls_port(),
                 cfg->listen_tls->client_ca.empty() ? "" : " (client certificates required)");
  }
  if (admin_server) {
    spdlog::info("admin API listening on http://{}:{} (and only there)", cfg->admin_listen_host, admin_server->port());
  }
  if (!options.ready_file.empty()) {
    // Written whole and renamed, so a reader never sees half an address. The first line is the
    // plain listener's HOST:PORT; with listen_tls a line "tls HOST:PORT" follows, and with
    // admin_listen a line "admin HOST:PORT".
    auto tmp = options.ready_file + ".tmp";
    {
      std::ofstream out(tmp);
      out << cfg->listen_host << ":" << server.port() << "\n";
      if (cfg->listen_tls) out << "tls " << cfg->listen_tls->host << ":" << server.tls_port() << "\n";
      if (admin_server) out << "admin " << cfg->admin_listen_host << ":" << admin_server->port() << "\n";
    }
    std::rename(tmp.c_str(), options.ready_file.c_str());
  }
  main_ioc.run();
  server.join();
  if (admin_server) admin_server->join();
  gateway.finish(std::chrono::seconds(10));
  access_log.flush();
  spdlog::info("drained; bye");
  return 0;
}

}  // namespace sy
