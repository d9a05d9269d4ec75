#include "ops/cost_command.h"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config/config.h"
#include "ops/cost_audit.h"
#include "ops/cost_inputs.h"
#include "ops/cost_plan.h"
#include "ops/cost_report.h"
#include "ops/pricing.h"
#include "ops/utc_time.h"
#include "store/store.h"

namespace sy::ops {
namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "switchyard cost plan: %s\n", message.c_str());
  return 2;
}

core::Result<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::Error::not_found("cannot read '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void override_number(double flag, double& into) {
  if (!std::isnan(flag)) into = flag;
}

core::Result<cost::Inputs> gather_inputs(const CostCommandOptions& opts) {
  cost::Inputs in;
  if (!opts.inputs_file.empty()) {
    auto text = read_text(opts.inputs_file);
    if (!text) return text.error();
    if (auto s = cost::apply_yaml(*text, opts.inputs_file, in); !s) return s.error();
  }
  if (!opts.currency.empty() && opts.currency != in.currency) {
    // The file's rate belongs to the file's currency: a new currency needs its own.
    if (opts.currency == "USD") in.rate = 1;
    else if (std::isnan(opts.rate)) return core::Error::invalid_request("--currency " + opts.currency + " needs --rate (units per USD)");
    in.currency = opts.currency;
  }
  override_number(opts.rate, in.rate);
  override_number(opts.queries_per_day, in.traffic.queries_per_day);
  override_number(opts.input_tokens, in.traffic.input_tokens);
  override_number(opts.output_tokens, in.traffic.output_tokens);
  override_number(opts.busy_hours, in.traffic.busy_hours_per_day);
  if (!opts.model.empty()) in.cloud.model = opts.model;
  override_number(opts.cloud_share, in.hybrid.cloud_share);
  override_number(opts.power_watts, in.owned.power_watts);
  return in;
}

// "30d" or "12h" back from now, else a time as `audit export` takes it.
core::Result<int64_t> parse_since(const std::string& text, int64_t now) {
  if (auto span = parse_span_ms(text)) return now - *span;
  return parse_utc_time(text);
}

// A sqlite URL naming a missing file would open an empty store: say so instead of "0 queries".
core::Status check_sqlite_file(const std::string& url) {
  constexpr std::string_view kScheme = "sqlite:";
  if (!url.starts_with(kScheme)) return core::Ok{};
  std::string path = url.substr(kScheme.size());
  if (path == ":memory:" || std::filesystem::exists(path)) return core::Ok{};
  return core::Error::not_found("no store at '" + path + "'");
}

// Local means served on our own hardware: a local engine model or an on-premises host in the
// config, a registry version with a GGUF file, or a name given with --local. Everything else
// answered from the cloud.
core::Result<std::set<std::string>> local_targets(const CostCommandOptions& opts, store::Store& store) {
  std::set<std::string> local(opts.local_targets.begin(), opts.local_targets.end());
  if (!opts.store.config_file.empty()) {
    auto cfg = config::load_file(opts.store.config_file);
    if (!cfg) return cfg.error();
    for (const auto& m : (*cfg)->models) {
      if (!config::is_cloud(m.provider) || m.on_premises) local.insert(m.name);
    }
  }
  auto registry = store.load_registry();
  if (!registry) return registry.error();
  for (const auto& v : registry->versions) {
    if (!v.path.empty()) local.insert(v.model);
  }
  return local;
}

core::Result<cost::ObservedTraffic> observe(const CostCommandOptions& opts) {
  const int64_t now = now_ms();
  auto since = parse_since(opts.since, now);
  if (!since) return core::Error::invalid_request("--since: " + since.error().message);
  int64_t until = now + 1;
  if (!opts.until.empty()) {
    auto t = parse_utc_time(opts.until);
    if (!t) return core::Error::invalid_request("--until: " + t.error().message);
    until = *t;
  }
  if (until <= *since) return core::Error::invalid_request("--since must be before --until");
  auto url = opts.store.url();
  if (!url) return url.error();
  if (auto exists = check_sqlite_file(*url); !exists) return exists.error();
  auto store = store::Store::open(*url);
  if (!store) return store.error();
  auto local = local_targets(opts, **store);
  if (!local) return local.error();
  return cost::observe_traffic(**store, *since, until,
                               [&](const std::string& target) { return local->contains(target); });
}

}  // namespace

CLI::App* add_cost_command(CLI::App& app, CostCommandOptions& opts) {
  auto* cost = app.add_subcommand("cost", "Plan what serving costs: cloud, rented, owned, hybrid");
  cost->require_subcommand(1);
  auto* plan = cost->add_subcommand("plan", "Monthly cost of each deployment mode, break-even and tokens/s");
  plan->add_option("--inputs", opts.inputs_file, "YAML inputs (see data/cost/example.yaml)");
  plan->add_option("--prices", opts.prices_file, "Cloud price table")->capture_default_str();
  plan->add_option("--currency", opts.currency, "Second currency (TWD, EUR, ...)");
  plan->add_option("--rate", opts.rate, "Units of the second currency per USD");
  plan->add_option("--queries-per-day", opts.queries_per_day, "Queries a day");
  plan->add_option("--input-tokens", opts.input_tokens, "Prompt tokens per query");
  plan->add_option("--output-tokens", opts.output_tokens, "Answer tokens per query");
  plan->add_option("--busy-hours", opts.busy_hours, "Hours a day the traffic arrives in (default 8)");
  plan->add_option("--model", opts.model, "Cloud model of the price table (default gpt-4o-mini)");
  plan->add_option("--cloud-share", opts.cloud_share, "Hybrid: share of queries sent to the cloud (0..1)");
  plan->add_option("--power-watts", opts.power_watts, "Owned: the box's power draw");
  plan->add_flag("--json", opts.json, "One JSON object instead of a table");
  plan->add_flag("--from-audit", opts.from_audit, "Take the traffic from the audit trail (needs --config or --store)");
  plan->add_option("--since", opts.since, "--from-audit: window start, 30d, 12h or a UTC time")->capture_default_str();
  plan->add_option("--until", opts.until, "--from-audit: window end (UTC time); default now");
  plan->add_option("--local", opts.local_targets, "--from-audit: a target to count as local (repeatable)");
  opts.store.add_to(*plan);
  return plan;
}

int run_cost_plan(const CostCommandOptions& opts) {
  auto in = gather_inputs(opts);
  if (!in) return fail(in.error().message);

  std::optional<cost::ObservedTraffic> observed;
  if (opts.from_audit) {
    auto seen = observe(opts);
    if (!seen) return fail(seen.error().message);
    observed = *seen;
    cost::apply_observed(*observed, *in);
  } else if (!opts.store.config_file.empty() || !opts.store.store_url.empty()) {
    return fail("--config and --store go with --from-audit");
  }

  auto prices = PriceTable::load(opts.prices_file);
  if (!prices) return fail(prices.error().message);
  if (auto s = cost::resolve_cloud_prices(**prices, *in); !s) return fail(s.error().message);
  if (auto s = cost::validate(*in); !s) return fail(s.error().message);

  const auto plan = cost::plan(*in);
  const cost::ObservedTraffic* seen = observed ? &*observed : nullptr;
  if (opts.json) std::printf("%s\n", boost::json::serialize(cost::render_json(*in, plan, seen)).c_str());
  else std::fputs(cost::render_table(*in, plan, seen).c_str(), stdout);
  return 0;
}

}  // namespace sy::ops
