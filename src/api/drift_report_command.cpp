#include "api/drift_report_command.h"

#include <cstdio>
#include <cstdlib>

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "config/config.h"
#include "http/upstream.h"

namespace sy::api {

namespace json = boost::json;

namespace {

struct Fetched {
  int status = 0;
  std::string body;
  std::string error;  // no HTTP answer
};

http::awaitable<Fetched> fetch(const http::Endpoint& endpoint, std::string target, std::string key) {
  Fetched out;
  http::Request req{http::bhttp::verb::get, target, 11};
  if (!key.empty()) req.set(http::bhttp::field::authorization, "Bearer " + key);
  http::Deadlines d{std::chrono::seconds(5), std::chrono::seconds(30), std::chrono::seconds(30), std::chrono::seconds(60)};
  auto call = co_await http::UpstreamCall::start(endpoint, std::move(req), d);
  if (!call) {
    out.error = call.error().message;
    co_return out;
  }
  out.status = (*call)->status();
  auto body = co_await (*call)->read_body(64ull << 20);
  if (!body) out.error = body.error().message;
  else out.body = std::move(*body);
  co_return out;
}

std::string query_part(const char* name, const std::string& value) {
  if (value.empty()) return {};
  return std::string("&") + name + "=" + boost::urls::encode(value, boost::urls::unreserved_chars);
}

std::string error_message(const std::string& body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (!ec && v.is_object()) {
    if (auto* e = v.as_object().if_contains("error"); e && e->is_object()) {
      if (auto* m = e->as_object().if_contains("message"); m && m->is_string()) return std::string(m->get_string());
    }
  }
  return body.substr(0, 200);
}

std::string number(const json::value& v) {
  if (v.is_null()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v.to_number<double>());
  return buf;
}

int rank(std::string_view state) {
  if (state == "drift") return 3;
  if (state == "warning") return 2;
  if (state == "ok") return 1;
  return 0;
}

void print_table(const json::object& report) {
  const auto& series = report.at("series").as_array();
  if (series.empty()) {
    std::printf("no series yet: drift is watched per route, model and version once requests arrive\n");
    return;
  }
  for (const auto& sv : series) {
    const auto& s = sv.as_object();
    std::printf("%s -> %s@%s: %s  (seen %lld, reference %lld%s, window %lld, ratings %lld)\n", s.at("route").as_string().c_str(),
                s.at("model").as_string().c_str(), s.at("version").as_string().c_str(), s.at("state").as_string().c_str(),
                static_cast<long long>(s.at("seen").to_number<int64_t>()), static_cast<long long>(s.at("reference").to_number<int64_t>()),
                s.at("pinned").as_bool() ? ", pinned" : "", static_cast<long long>(s.at("window").to_number<int64_t>()),
                static_cast<long long>(s.at("feedback").to_number<int64_t>()));
    std::printf("  %-15s %-12s %9s %9s %9s  %-10s %7s %7s\n", "signal", "statistic", "value", "warning", "drift", "state", "ref", "cur");
    for (const auto& gv : s.at("signals").as_array()) {
      const auto& g = gv.as_object();
      std::printf("  %-15s %-12s %9s %9s %9s  %-10s %7lld %7lld\n", g.at("signal").as_string().c_str(),
                  g.at("statistic").as_string().c_str(), number(g.at("value")).c_str(), number(g.at("warning")).c_str(),
                  number(g.at("drift")).c_str(), g.at("state").as_string().c_str(),
                  static_cast<long long>(g.at("reference").to_number<int64_t>()),
                  static_cast<long long>(g.at("current").to_number<int64_t>()));
    }
  }
}

}  // namespace

CLI::App* add_drift_command(CLI::App& app, DriftReportOptions& opts) {
  auto* drift = app.add_subcommand("drift", "Drift on live traffic");
  drift->require_subcommand(1);
  auto* report = drift->add_subcommand("report", "A running server's drift per route, model and version (GET /admin/drift)");
  report->add_option("--url", opts.url, "The server, http(s)://HOST:PORT (default: the config's listen address)");
  report->add_option("--key", opts.key, "The admin key (default: SWITCHYARD_ADMIN_KEY, else the config's admin_key)");
  report->add_option("--config", opts.config_file, "The server's config file: its address and admin key");
  report->add_option("--route", opts.route, "Only this route (what clients ask for)");
  report->add_option("--model", opts.model, "Only this model (the target that answered)");
  report->add_option("--version", opts.version, "Only this version");
  report->add_flag("--json", opts.json, "Print the server's JSON");
  report->add_option("--fail-on", opts.fail_on, "Exit 1 when a series is in this state or worse")
      ->check(CLI::IsMember({"warning", "drift"}));
  return report;
}

int run_drift_report(const DriftReportOptions& opts) {
  std::string url = opts.url;
  std::string key = opts.key;
  if (key.empty()) {
    if (const char* env = std::getenv("SWITCHYARD_ADMIN_KEY")) key = env;
  }
  if (!opts.config_file.empty() && (url.empty() || key.empty())) {
    auto cfg = config::load_file(opts.config_file);
    if (!cfg) {
      std::fprintf(stderr, "switchyard drift report: %s\n", cfg.error().message.c_str());
      return 2;
    }
    if (url.empty()) {
      // A server listening on every address is asked on the loopback one.
      std::string host = (*cfg)->listen_host;
      if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
      if (host == "::") host = "::1";
      if (host.find(':') != std::string::npos) host = "[" + host + "]";
      url = "http://" + host + ":" + std::to_string((*cfg)->listen_port);
    }
    if (key.empty()) key = (*cfg)->admin_key;
  }
  if (url.empty()) {
    std::fprintf(stderr, "switchyard drift report: give --url (or --config)\n");
    return 2;
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  auto endpoint = http::make_endpoint(url);
  if (!endpoint) {
    std::fprintf(stderr, "switchyard drift report: %s\n", endpoint.error().message.c_str());
    return 2;
  }
  std::string target = "/admin/drift?" + query_part("route", opts.route) + query_part("model", opts.model) +
                       query_part("version", opts.version);
  if (target.back() == '?') target.pop_back();
  else target.erase(target.find('?') + 1, 1);  // the first '&'

  http::net::io_context io;
  Fetched got;
  boost::asio::co_spawn(io, fetch(*endpoint, target, key), [&got](std::exception_ptr e, Fetched f) {
    if (e) got.error = "the request failed";
    else got = std::move(f);
  });
  io.run();
  if (!got.error.empty()) {
    std::fprintf(stderr, "switchyard drift report: %s: %s\n", url.c_str(), got.error.c_str());
    return 2;
  }
  if (got.status != 200) {
    std::fprintf(stderr, "switchyard drift report: %s answered %d: %s\n", url.c_str(), got.status, error_message(got.body).c_str());
    return 2;
  }
  boost::system::error_code ec;
  auto v = json::parse(got.body, ec);
  if (ec || !v.is_object() || !v.as_object().contains("series")) {
    std::fprintf(stderr, "switchyard drift report: %s did not answer a drift report\n", url.c_str());
    return 2;
  }
  if (opts.json) std::printf("%s\n", got.body.c_str());
  else print_table(v.as_object());
  if (!opts.fail_on.empty()) {
    for (const auto& s : v.as_object().at("series").as_array()) {
      if (rank(s.as_object().at("state").as_string()) >= rank(opts.fail_on)) return 1;
    }
  }
  return 0;
}

}  // namespace sy::api
