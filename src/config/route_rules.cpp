#include "config/route_rules.h"

#include "privacy/finding.h"

#include <charconv>

#include "config/yaml_reader.h"

namespace sy::config {

bool Comparison::holds(double x) const {
  switch (op) {
    case Op::lt: return x < value;
    case Op::le: return x <= value;
    case Op::gt: return x > value;
    case Op::ge: return x >= value;
    case Op::eq: return x == value;
  }
  return false;
}

namespace {

const char* const kNeeds[] = {"tools", "images", "json_schema", "long_context"};

std::optional<Comparison> comparison(YamlMap& map, const std::string& key) {
  if (!map.has(key)) return std::nullopt;
  std::string text = map.string(key);
  size_t i = text.find_first_not_of(' ');
  Comparison c;
  auto take = [&](std::string_view op, Comparison::Op value) {
    if (text.compare(i, op.size(), op) != 0) return false;
    c.op = value;
    i += op.size();
    return true;
  };
  if (i == std::string::npos || !(take("<=", Comparison::Op::le) || take(">=", Comparison::Op::ge) || take("==", Comparison::Op::eq) ||
                                  take("<", Comparison::Op::lt) || take(">", Comparison::Op::gt))) {
    map.fail(key, "must be a comparison like \"< 300\" or \">= 0.8\", got '" + text + "'");
  }
  i = text.find_first_not_of(' ', i);
  const char* begin = i == std::string::npos ? text.data() + text.size() : text.data() + i;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, c.value);
  if (ec != std::errc() || ptr == begin || std::string_view(ptr, static_cast<size_t>(end - ptr)).find_first_not_of(' ') != std::string_view::npos) {
    map.fail(key, "must be a comparison like \"< 300\" or \">= 0.8\", got '" + text + "'");
  }
  return c;
}

// Kinds are the privacy scanner's names (email, credit_card, ...): a typo would match nothing.
void check_kinds(YamlMap& map, const std::vector<std::string>& kinds) {
  for (const auto& k : kinds) {
    if (!privacy::kind_from_string(k)) map.fail("kinds", "names an unknown privacy kind '" + k + "'");
  }
}

RuleCondition parse_condition(const YAML::Node& node, const std::string& path, const std::string& file) {
  RuleCondition w;
  if (!node || node.IsNull()) return w;
  YamlMap map(node, path, file);
  if (map.has("sensitive")) w.sensitive = map.boolean("sensitive", false);
  w.kinds = map.string_list("kinds");
  check_kinds(map, w.kinds);
  w.faq_score = comparison(map, "faq_score");
  w.chars = comparison(map, "chars");
  w.tokens = comparison(map, "tokens");
  w.needs = map.string_list("needs");
  for (const auto& n : w.needs) {
    if (std::find(std::begin(kNeeds), std::end(kNeeds), n) == std::end(kNeeds)) {
      map.fail("needs", "'" + n + "' is not one of tools, images, json_schema, long_context");
    }
  }
  w.keys = map.string_list("keys");
  w.teams = map.string_list("teams");
  w.queue_depth = comparison(map, "queue_depth");
  w.free_slots = comparison(map, "free_slots");
  map.reject_unknown();
  return w;
}

RouteRule parse_rule(const YAML::Node& node, const std::string& path, const std::string& file) {
  YamlMap map(node, path, file);
  RouteRule r;
  r.line = map.line();
  r.name = map.string("name", path);
  r.when = parse_condition(map.node("when"), path + ".when", file);
  auto to = map.node("to");
  if (!to || to.IsNull()) map.fail("to", "is required: local, cloud, faq, a list of targets, or {split: {target: weight}}");
  if (to.IsScalar()) {
    auto a = to.as<std::string>();
    if (a == "local") r.action = RouteRule::Action::local;
    else if (a == "cloud") r.action = RouteRule::Action::cloud;
    else if (a == "faq") r.action = RouteRule::Action::faq;
    else map.fail("to", "must be local, cloud, faq, a list of targets, or {split: {...}}; got '" + a + "'");
  } else if (to.IsSequence()) {
    r.action = RouteRule::Action::targets;
    r.targets = map.string_list("to");
    if (r.targets.empty()) map.fail("to", "lists no targets");
  } else {
    YamlMap split_map(to, path + ".to", file);
    auto split = split_map.node("split");
    split_map.reject_unknown();
    if (!split || !split.IsMap() || split.size() == 0) map.fail("to", "must be {split: {target: weight, ...}}");
    r.action = RouteRule::Action::split;
    for (const auto& kv : split) {
      double w = -1;
      try {
        w = kv.second.as<double>();
      } catch (const YAML::Exception&) {
      }
      if (!(w >= 0)) map.fail("to", "split weights must be numbers >= 0");
      r.split.emplace_back(kv.first.as<std::string>(), w);
    }
  }
  map.reject_unknown();
  return r;
}

}  // namespace

OutputGuardConfig parse_output_guard(const YAML::Node& node, const std::string& path, const std::string& file) {
  YamlMap map(node, path, file);
  OutputGuardConfig g;
  auto policy = [&](const std::string& key, const std::string& fallback) {
    auto v = map.string(key, fallback);
    if (v != "redact" && v != "block" && v != "log") map.fail(key, "must be redact, block or log; got '" + v + "'");
    return v;
  };
  g.on_sensitive = policy("on_sensitive", g.on_sensitive);
  g.on_blocked_term = policy("on_blocked_term", g.on_blocked_term);
  g.kinds = map.string_list("kinds");
  check_kinds(map, g.kinds);
  g.blocked_terms = map.string_list("blocked_terms");
  g.hold_back = static_cast<size_t>(map.integer("hold_back", static_cast<int64_t>(g.hold_back), 16, 1 << 16));
  map.reject_unknown();
  return g;
}

RagConfig parse_rag(const YAML::Node& node, const std::string& path, const std::string& file) {
  YamlMap map(node, path, file);
  RagConfig r;
  r.line = map.line();
  r.index = map.required_string("index");
  r.top_k = static_cast<int>(map.integer("top_k", r.top_k, 1, 32));
  r.min_score = map.number("min_score", r.min_score, 0, 1);
  r.embedding_model = map.string("embedding_model");
  r.min_similarity = map.number("min_similarity", r.min_similarity, -1, 1);
  map.reject_unknown();
  return r;
}

RouteConfig parse_route(const YAML::Node& node, const std::string& path, const std::string& file) {
  YamlMap map(node, path, file);
  RouteConfig r;
  r.line = map.line();
  r.name = map.required_string("name");
  r.local = map.string_list("local");
  r.cloud = map.string_list("cloud");
  auto rules = map.node("rules");
  if (rules && !rules.IsNull()) {
    if (!rules.IsSequence()) map.fail("rules", "must be a list");
    for (size_t i = 0; i < rules.size(); ++i) r.rules.push_back(parse_rule(rules[i], path + ".rules[" + std::to_string(i) + "]", file));
  }
  if (auto guard = map.node("output_guard"); guard && !guard.IsNull()) r.output_guard = parse_output_guard(guard, path + ".output_guard", file);
  if (auto rag = map.node("rag"); rag && !rag.IsNull()) r.rag = parse_rag(rag, path + ".rag", file);
  if (map.has("rag")) map.accept("rag");  // grounded answers: not yet active (said at start for the root key)
  map.reject_unknown();
  return r;
}

}  // namespace sy::config
