#include "eval/canary_watch.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/detached.hpp>
#include <boost/json.hpp>

#include "eval/server_client.h"
#include "ops/canary_analysis.h"
#include "ops/registry_actions.h"
#include "ops/utc_time.h"
#include "store/store.h"

namespace sy::eval {

namespace json = boost::json;
using std::chrono::milliseconds;

namespace {

int fail(const std::string& message, int code = 2) {
  std::fprintf(stderr, "switchyard models canary: %s\n", message.c_str());
  return code;
}

// The canary's worst drift state as GET /admin/drift reports it; "" when no server was named or
// it did not answer (drift is one signal among several: its absence does not stop the watch).
std::string drift_state(const ops::ModelsCommand& cmd, const std::string& model, const std::string& version) {
  if (cmd.url.empty()) return {};
  std::string key = cmd.key;
  if (key.empty()) {
    if (const char* k = std::getenv("SWITCHYARD_ADMIN_KEY")) key = k;
  }
  auto server = make_server(cmd.url, key);
  if (!server) return {};
  boost::asio::io_context ioc;
  std::string path = "/admin/drift?model=" + model + "&version=" + version;
  std::optional<core::Result<json::object>> body;
  auto ask = [&]() -> http::awaitable<void> { body.emplace(co_await get_json(*server, path)); };
  boost::asio::co_spawn(ioc, ask(), boost::asio::detached);
  // A thread of its own that ends before `ioc` does (see eval/runner).
  std::thread runner([&ioc] { ioc.run(); });
  runner.join();
  if (!body || !*body) return {};
  static constexpr const char* kOrder[] = {"collecting", "ok", "warning", "drift"};
  int worst = -1;
  if (const auto* series = (*body)->if_contains("series"); series && series->is_array()) {
    for (const auto& s : series->as_array()) {
      const auto* state = s.is_object() ? s.as_object().if_contains("state") : nullptr;
      for (int i = 0; state && state->is_string() && i < 4; ++i) {
        if (state->get_string() == kOrder[i]) worst = std::max(worst, i);
      }
    }
  }
  return worst < 0 ? std::string() : kOrder[worst];
}

core::Result<ops::CanaryPolicy> policy_of(const ops::ModelsCommand& cmd) {
  ops::CanaryPolicy p;
  p.min_requests = cmd.min_requests;
  for (auto [text, out, name] : {std::tuple{&cmd.min_duration, &p.min_duration, "--min-duration"},
                                 std::tuple{&cmd.max_duration, &p.max_duration, "--max-duration"}}) {
    auto ms = ops::parse_span_ms(*text);
    if (!ms) return core::Error::invalid_request(std::string(name) + ": '" + *text + "' is not a span like 90s, 5m or 1h");
    *out = milliseconds(*ms);
  }
  return p;
}

int print_status(store::Store& store, const ops::ModelsCommand& cmd, const std::string& model) {
  auto registry = store.load_registry();
  if (!registry) return fail(registry.error().message);
  const auto* canary = registry->find_alias(model, "canary");
  const auto* production = registry->find_alias(model, "production");
  if (!canary) return fail("model '" + model + "' has no canary now", 1);
  if (!production) return fail("model '" + model + "' has no production version to compare with", 1);
  auto comparison = ops::compare_canary(store, model, canary->version, production->version, canary->updated_ms);
  if (!comparison) return fail(comparison.error().message, 1);
  comparison->drift_state = drift_state(cmd, model, canary->version);
  auto policy = policy_of(cmd);
  if (!policy) return fail(policy.error().message);
  auto verdict = ops::judge_canary(*comparison, *policy, milliseconds(ops::now_ms() - canary->updated_ms));
  if (cmd.json) {
    auto o = ops::to_json(*comparison);
    o["percent"] = canary->percent;
    o["verdict"] = std::string(ops::to_string(verdict.call));
    o["reasons"] = json::array(verdict.reasons.begin(), verdict.reasons.end());
    std::printf("%s\n", json::serialize(o).c_str());
    return 0;
  }
  std::printf("%s: canary %s at %.0f%% since %lld s ago, production %s\n%s--auto would %s\n", model.c_str(),
              canary->version.c_str(), canary->percent, static_cast<long long>((ops::now_ms() - canary->updated_ms) / 1000),
              production->version.c_str(), ops::format_comparison(*comparison).c_str(), verdict.summary().c_str());
  return 0;
}

}  // namespace

int run_canary_watch(ops::ModelsCommand& cmd) {
  auto url = cmd.store.url();
  if (!url) return fail(url.error().message);
  auto opened = store::Store::open(*url);
  if (!opened) return fail(opened.error().message);
  auto& store = **opened;
  if (cmd.model == "status") return print_status(store, cmd, cmd.version);

  auto policy = policy_of(cmd);
  if (!policy) return fail(policy.error().message);
  auto interval = ops::parse_span_ms(cmd.interval);
  if (!interval) return fail("--interval: '" + cmd.interval + "' is not a span like 5s");
  if (cmd.percent <= 0 || cmd.percent >= 100) return fail("--auto needs a --percent between 0 and 100");

  // Resume a canary of this version already running; else start one (gate and audit included).
  auto registry = store.load_registry();
  if (!registry) return fail(registry.error().message);
  const auto* running = registry->find_alias(cmd.model, "canary");
  if (!running || running->version != cmd.version) {
    if (int rc = ops::run_models_command(cmd); rc != 0) return rc;
    registry = store.load_registry();
    if (!registry) return fail(registry.error().message);
    running = registry->find_alias(cmd.model, "canary");
    if (!running) return fail("the canary did not start");
  } else {
    std::printf("resuming the canary of %s %s started %lld s ago\n", cmd.model.c_str(), cmd.version.c_str(),
                static_cast<long long>((ops::now_ms() - running->updated_ms) / 1000));
  }
  const int64_t since = running->updated_ms;
  const auto* production = registry->find_alias(cmd.model, "production");
  if (!production) return fail("model '" + cmd.model + "' has no production version to compare with");
  const std::string production_version = production->version;

  while (true) {
    auto comparison = ops::compare_canary(store, cmd.model, cmd.version, production_version, since);
    if (!comparison) return fail(comparison.error().message, 1);
    comparison->drift_state = drift_state(cmd, cmd.model, cmd.version);
    auto verdict = ops::judge_canary(*comparison, *policy, milliseconds(ops::now_ms() - since));
    std::printf("%s vs %s: %s\n", cmd.version.c_str(), production_version.c_str(), verdict.summary().c_str());
    std::fflush(stdout);
    if (verdict.call == ops::CanaryCall::wait) {
      std::this_thread::sleep_for(milliseconds(*interval));
      continue;
    }
    // The registry may have moved under the watch (someone ended or promoted the canary by hand).
    auto now = store.load_registry();
    if (!now) return fail(now.error().message, 1);
    const auto* still = now->find_alias(cmd.model, "canary");
    if (!still || still->version != cmd.version) return fail("the canary was changed by someone else; nothing done", 1);

    bool promote = verdict.call == ops::CanaryCall::promote;
    auto acted = promote ? ops::promote(store, cmd.model, cmd.version, "production", cmd.author)
                         : ops::set_traffic_alias(store, cmd.model, "canary", cmd.version, 0, cmd.author);
    std::vector<std::string> reasons = verdict.reasons;
    reasons.insert(reasons.begin(), json::serialize(ops::to_json(*comparison)));
    ops::audit_cli_change(store, cmd.author, promote ? "models canary --auto: promote" : "models canary --auto: rollback",
                          cmd.model, cmd.version, acted ? 200 : acted.error().status, reasons);
    if (!acted) return fail(acted.error().message, 1);
    std::printf("%s %s: %s\n", promote ? "promoted" : "rolled back", cmd.version.c_str(), json::serialize(*acted).c_str());
    return promote ? 0 : 4;
  }
}

}  // namespace sy::eval
