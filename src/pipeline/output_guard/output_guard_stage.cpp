#include "pipeline/output_guard/output_guard_stage.h"

#include <algorithm>
#include <set>

#include "core/metrics_text.h"
#include "pipeline/output_guard/json_schema_check.h"

namespace sy::pipeline {

namespace {

GuardPolicy policy_of(const config::OutputGuardConfig& c) {
  GuardPolicy p;
  p.on_sensitive = guard_action(c.on_sensitive);
  p.on_blocked_term = guard_action(c.on_blocked_term);
  for (const auto& k : c.kinds) {
    if (auto kind = privacy::kind_from_string(k)) p.kinds.insert(*kind);
  }
  p.hold_back = c.hold_back;
  for (const auto& t : c.blocked_terms) p.longest_term = std::max(p.longest_term, t.size());
  return p;
}

core::Error blocked_error(const std::vector<std::string>& interventions) {
  std::string kinds;
  for (const auto& i : interventions) {
    if (!i.starts_with("block:")) continue;
    kinds += (kinds.empty() ? "" : ", ") + i.substr(6);
  }
  core::Error e{403, "output_guard", "The answer was withheld by the output guard: it contained " + kinds + ".", {}, "sensitive_output", {}, 0, {}};
  return e;
}

bool says_nothing(const core::ChatChunk& c) {
  if (c.usage) return false;
  for (const auto& choice : c.choices) {
    if (choice.has_content || !choice.role.empty() || !choice.tool_calls.empty() || !choice.finish_reason.empty()) return false;
  }
  return !c.choices.empty();
}

class GuardFilter final : public Filter, public providers::ChunkSink {
 public:
  GuardFilter(const OutputGuardStage& stage, RequestState& s) : stage_(stage), s_(s) {}
  unsigned hooks() const override { return kAnswer | kCommit | kEnd; }

  providers::ChunkSink& on_answer(RequestState&, providers::ChunkSink& next) override {
    next_ = &next;
    return *this;
  }

  http::awaitable<bool> on_chunk(core::ChatChunk chunk) override {
    if (!started_) start();
    if (!policy_) co_return co_await next_->on_chunk(std::move(chunk));
    if (s_.json_repair_wanted) co_return true;  // the rest of an answer already sent back for repair
    bool end = false;
    for (auto& c : chunk.choices) {
      auto& guard = guard_for(c.index);
      const bool had_content = c.has_content;
      if (had_content) c.content = guard.push(c.content);
      if (!c.finish_reason.empty()) {
        c.content += guard.flush();
        end = true;
      }
      // Text goes out as content; a role chunk keeps its (empty) content as it came.
      c.has_content = !c.content.empty() || (had_content && !c.role.empty());
      if (guard.blocked()) {
        stop();
        co_return false;
      }
    }
    if (schema_ && !released_) {
      held_.push_back(std::move(chunk));
      if (!end) co_return true;
      co_return co_await check_and_release();
    }
    if (says_nothing(chunk)) co_return true;  // all of it held back for now
    co_return co_await next_->on_chunk(std::move(chunk));
  }

  // An answer that ended without a finish reason still owes the client what was held.
  http::awaitable<core::Status> on_commit(RequestState& s) override {
    if (!policy_) co_return core::Ok{};
    core::ChatChunk rest;
    for (auto& [index, guard] : guards_) {
      auto text = guard.flush();
      if (guard.blocked()) {
        stop();
        co_return *s.stopped;
      }
      if (text.empty()) continue;
      core::ChunkChoice c;
      c.index = index;
      c.content = std::move(text);
      c.has_content = true;
      rest.choices.push_back(std::move(c));
    }
    record(s);
    if (!rest.choices.empty()) {
      if (schema_ && !released_) held_.push_back(std::move(rest));
      else co_await next_->on_chunk(std::move(rest));
    }
    if (schema_ && !released_ && !held_.empty()) {
      s.json_repaired = true;  // the call is over: no try is left to make
      bool released = co_await check_and_release();
      if (!released && s.stopped) co_return *s.stopped;
    }
    co_return core::Ok{};
  }

  void on_end(RequestState& s) override { record(s); }

 private:
  void start() {
    started_ = true;
    policy_ = stage_.policy_for(s_.record.model);
    if (policy_) schema_ = requested_schema(s_.chat.extensions);
  }

  TextGuard& guard_for(int index) {
    auto it = guards_.find(index);
    if (it == guards_.end()) it = guards_.emplace(index, TextGuard(stage_.scanner(), *policy_)).first;
    return it->second;
  }

  void stop() {
    record(s_);
    std::vector<std::string> all;
    for (auto& [i, g] : guards_) all.insert(all.end(), g.interventions().begin(), g.interventions().end());
    s_.stopped = blocked_error(all);
  }

  // A JSON answer goes out only whole and valid: a local target may try once more.
  http::awaitable<bool> check_and_release() {
    std::string text;
    for (const auto& chunk : held_) {
      for (const auto& c : chunk.choices) {
        if (c.index == 0) text += c.content;
      }
    }
    auto violation = json_schema_violation(text, *schema_);
    if (violation) {
      note("json_invalid");
      held_.clear();
      if (!s_.json_repaired && s_.answered_by && !s_.answered_by->cloud()) {
        s_.json_repair_wanted = true;
        guards_.clear();
        co_return true;
      }
      s_.stopped = core::Error{502, "upstream_error", "The answer does not match the requested JSON schema: " + *violation + ".",
                               {}, "invalid_json_output", {}, 0, {}};
      co_return false;
    }
    if (s_.json_repaired) note("json_repaired");
    released_ = true;
    auto held = std::move(held_);
    held_.clear();
    for (auto& chunk : held) {
      bool delivered = co_await next_->on_chunk(std::move(chunk));
      if (!delivered) co_return false;
    }
    co_return true;
  }

  void note(const std::string& intervention) {
    if (std::find(extra_.begin(), extra_.end(), intervention) == extra_.end()) extra_.push_back(intervention);
  }

  // The interventions, once, into the record and the metrics.
  void record(RequestState& s) {
    if (recorded_) return;
    recorded_ = true;
    auto add = [&](const std::string& i) {
      if (std::find(s.record.guard.begin(), s.record.guard.end(), i) != s.record.guard.end()) return;
      s.record.guard.push_back(i);
      stage_.count(i);
    };
    for (auto& [index, g] : guards_) {
      for (const auto& i : g.interventions()) add(i);
    }
    for (const auto& i : extra_) add(i);
  }

  const OutputGuardStage& stage_;
  RequestState& s_;
  providers::ChunkSink* next_ = nullptr;
  bool started_ = false;
  bool recorded_ = false;
  bool released_ = false;  // a JSON answer was checked and went on: what follows (usage) goes straight on
  const GuardPolicy* policy_ = nullptr;
  const boost::json::value* schema_ = nullptr;
  std::map<int, TextGuard> guards_;
  std::vector<core::ChatChunk> held_;  // a JSON answer, until it is whole and checked
  std::vector<std::string> extra_;
};

}  // namespace

OutputGuardStage::OutputGuardStage(const config::Config& config, std::shared_ptr<const privacy::Scanner> scanner)
    : scanner_(std::move(scanner)) {
  if (config.output_guard) global_ = policy_of(*config.output_guard);
  for (const auto& r : config.routes) {
    if (r.output_guard) by_route_[r.name] = policy_of(*r.output_guard);
  }
}

bool OutputGuardStage::wanted(const config::Config& config) {
  if (config.output_guard) return true;
  return std::any_of(config.routes.begin(), config.routes.end(), [](const auto& r) { return r.output_guard.has_value(); });
}

std::vector<std::string> OutputGuardStage::blocked_terms(const config::Config& config) {
  std::set<std::string> terms;
  if (config.output_guard) terms.insert(config.output_guard->blocked_terms.begin(), config.output_guard->blocked_terms.end());
  for (const auto& r : config.routes) {
    if (r.output_guard) terms.insert(r.output_guard->blocked_terms.begin(), r.output_guard->blocked_terms.end());
  }
  return {terms.begin(), terms.end()};
}

const GuardPolicy* OutputGuardStage::policy_for(const std::string& model) const {
  if (auto it = by_route_.find(model); it != by_route_.end()) return &it->second;
  return global_ ? &*global_ : nullptr;
}

FilterPtr OutputGuardStage::start(RequestState& state) const { return own_filter<GuardFilter>(*this, state); }

void OutputGuardStage::count(const std::string& intervention) const {
  std::lock_guard lock(counts_mu_);
  ++counts_[intervention];
}

void OutputGuardStage::render_metrics(std::string& out) const {
  core::metric_header(out, "switchyard_output_guard_interventions_total", "counter",
                      "Answers the output guard changed, stopped or noted, by action and kind (once per answer).");
  std::lock_guard lock(counts_mu_);
  for (const auto& [what, n] : counts_) {
    auto colon = what.find(':');
    std::string action = colon == std::string::npos ? what : what.substr(0, colon);
    std::string kind = colon == std::string::npos ? "" : what.substr(colon + 1);
    core::metric_sample(out, "switchyard_output_guard_interventions_total", "action=\"" + action + "\",kind=\"" + kind + "\"", n);
  }
}

}  // namespace sy::pipeline
