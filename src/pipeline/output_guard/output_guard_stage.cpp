#include "pipeline/output_guard/output_guard_stage.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "core/metrics_text.h"
#include "core/json_schema_check.h"

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
      bool blocked = guard_tool_calls(c);
      if (!c.finish_reason.empty()) {
        c.content += guard.flush();
        blocked = flush_tool_calls(c.index, c.tool_calls) || blocked;
        end = true;
      }
      // Text goes out as content; a role chunk keeps its (empty) content as it came.
      c.has_content = !c.content.empty() || (had_content && !c.role.empty());
      if (guard.blocked() || blocked) {
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
      core::ChunkChoice c;
      c.index = index;
      c.content = guard.flush();
      c.has_content = !c.content.empty();
      bool blocked = flush_tool_calls(index, c.tool_calls);
      if (guard.blocked() || blocked) {
        stop();
        co_return *s.stopped;
      }
      if (c.has_content || !c.tool_calls.empty()) rest.choices.push_back(std::move(c));
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
    if (policy_) schema_ = core::requested_schema(s_.chat.extensions);
  }

  TextGuard& guard_for(int index) {
    auto it = guards_.find(index);
    if (it == guards_.end()) it = guards_.emplace(index, TextGuard(stage_.scanner(), *policy_)).first;
    return it->second;
  }

  // A tool call's arguments are text the model wrote too (the address to mail, the ID to look up),
  // guarded like the content with one guard per call. Calls stream one after another, and a
  // client's decoder may close a call once the next begins (Anthropic's content blocks), so what a
  // call's guard holds goes out before the next call's first fragment. Returns whether a finding
  // the policy blocks was seen.
  bool guard_tool_calls(core::ChunkChoice& c) {
    if (c.tool_calls.empty()) return false;
    bool blocked = false;
    std::vector<core::ToolCallDelta> out;
    for (auto& d : c.tool_calls) {
      auto& current = current_call_[c.index];
      if (current && *current != d.index) blocked = flush_tool_call(c.index, *current, out) || blocked;
      current = d.index;
      if (d.has_arguments) {
        auto& g = tool_guard_for(c.index, d.index);
        d.arguments = g.push(d.arguments);
        blocked = blocked || g.blocked();
      }
      // A fragment held back whole says nothing: dropped, unless it opens the call.
      if (d.has_arguments && d.arguments.empty() && d.id.empty() && d.name.empty()) continue;
      out.push_back(std::move(d));
    }
    c.tool_calls = std::move(out);
    return blocked;
  }

  // What the guards of one choice's calls still hold, appended as fragments of their calls.
  bool flush_tool_calls(int choice, std::vector<core::ToolCallDelta>& out) {
    bool blocked = false;
    for (auto& [key, g] : tool_guards_) {
      if (key.first == choice) blocked = flush_tool_call(choice, key.second, out) || blocked;
    }
    return blocked;
  }

  bool flush_tool_call(int choice, int call, std::vector<core::ToolCallDelta>& out) {
    auto it = tool_guards_.find({choice, call});
    if (it == tool_guards_.end()) return false;
    auto rest = it->second.flush();
    if (!rest.empty()) out.push_back(core::ToolCallDelta{call, {}, {}, std::move(rest), true});
    return it->second.blocked();
  }

  TextGuard& tool_guard_for(int choice, int call) {
    auto key = std::make_pair(choice, call);
    auto it = tool_guards_.find(key);
    if (it == tool_guards_.end()) it = tool_guards_.emplace(key, TextGuard(stage_.scanner(), *policy_)).first;
    return it->second;
  }

  // Every guard of the answer: the content's per choice, the arguments' per call.
  template <typename F>
  void each_guard(F&& f) const {
    for (const auto& [i, g] : guards_) f(g);
    for (const auto& [key, g] : tool_guards_) f(g);
  }

  void stop() {
    record(s_);
    std::vector<std::string> all;
    each_guard([&](const TextGuard& g) { all.insert(all.end(), g.interventions().begin(), g.interventions().end()); });
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
    auto violation = core::json_schema_violation(text, *schema_);
    if (violation) {
      note("json_invalid");
      held_.clear();
      if (!s_.json_repaired && s_.answered_by && !s_.answered_by->cloud()) {
        s_.json_repair_wanted = true;
        guards_.clear();
        tool_guards_.clear();
        current_call_.clear();
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
    each_guard([&](const TextGuard& g) {
      for (const auto& i : g.interventions()) add(i);
    });
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
  std::map<int, TextGuard> guards_;                        // by choice
  std::map<std::pair<int, int>, TextGuard> tool_guards_;   // by choice and tool call
  std::map<int, std::optional<int>> current_call_;         // by choice: the call streaming now
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
