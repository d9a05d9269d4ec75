#pragma once
// The composition root: the parts of the server made once at start (store, registry, audit
// writer, budgets, privacy scanner, router, the stages and their chains), and the HTTP handler
// that finds each request's endpoint, runs it, and writes its access log line however it ends.
#include <functional>
#include <memory>

#include "api/services.h"
#include "config/config.h"
#include "http/response_writer.h"
#include "ops/access_log.h"

namespace sy::api {

// Which endpoints a listener serves. With `admin_listen` the main listener serves every endpoint
// but the admin API's (which it answers 404, as any unknown path), and the admin listener the admin
// API's (with the dashboard, and the health and metrics endpoints for probes) only.
enum class Surface { all, public_only, admin_only };
// The admin API and the dashboard that calls it: /admin, /admin/..., /ui, /ui/...
bool is_admin_path(std::string_view path);
bool serves(Surface surface, std::string_view path);

class Gateway final : public http::Handler {
 public:
  Gateway(std::shared_ptr<const config::Config> config, ops::AccessLog& access_log);
  ~Gateway() override;

  // Opens the store, follows the registry (making a provider for each serving version), starts
  // the audit writer, composes the chains. A target that cannot start is kept, unhealthy, with its
  // reason; a store that cannot be opened is an error: nothing may be served without its audit trail.
  core::Status start();
  // Lets /readyz and the metrics see the server's state.
  void attach_server_state(std::function<bool()> draining, std::function<size_t()> open_connections);

  http::awaitable<void> handle(http::Request& request, http::ResponseWriter& writer) override;
  // handle(), for a listener that serves only part of the endpoints.
  http::awaitable<void> handle_on(Surface surface, http::Request& request, http::ResponseWriter& writer);
  http::Response protocol_error(int status, std::string_view message, std::string_view target) override;

  // Whether any caller is let in without a key (no config keys, and the store never had one).
  bool open() const;
  // For the start-up log: name -> reason, for each target that is not healthy.
  std::vector<std::pair<std::string, std::string>> unhealthy_targets() const;
  // After the server drained: waits (bounded) for store calls still running on threads of their
  // own, then commits what the audit log holds.
  void finish(std::chrono::milliseconds wait);

 private:
  struct Parts;
  std::string render_metrics() const;

  std::shared_ptr<const config::Config> config_;
  ops::AccessLog& access_log_;
  std::unique_ptr<Parts> parts_;
  std::unique_ptr<Services> services_;
  std::function<bool()> draining_ = [] { return false; };
  std::function<size_t()> open_connections_ = [] { return size_t{0}; };
};

// The Gateway as one listener sees it (serve: the main and the admin listener with admin_listen).
class GatewayListener final : public http::Handler {
 public:
  GatewayListener(Gateway& gateway, Surface surface) : gateway_(gateway), surface_(surface) {}
  http::awaitable<void> handle(http::Request& request, http::ResponseWriter& writer) override {
    return gateway_.handle_on(surface_, request, writer);
  }
  http::Response protocol_error(int status, std::string_view message, std::string_view target) override {
    return gateway_.protocol_error(status, message, target);
  }

 private:
  Gateway& gateway_;
  Surface surface_;
};

}  // namespace sy::api
