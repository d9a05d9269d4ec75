#include "eval/dataset.h"

#include <fstream>
#include <set>
#include <sstream>

#include <boost/json.hpp>

namespace sy::eval {

namespace json = boost::json;

namespace {

constexpr std::pair<CheckKind, std::string_view> kKinds[] = {
    {CheckKind::exact, "exact"},         {CheckKind::contains, "contains"},       {CheckKind::regex, "regex"},
    {CheckKind::rouge_l, "rouge_l"},     {CheckKind::json_schema, "json_schema"}, {CheckKind::embedding, "embedding"},
    {CheckKind::judge, "judge"}};

std::optional<CheckKind> kind_named(std::string_view name) {
  for (const auto& [kind, n] : kKinds) {
    if (n == name) return kind;
  }
  return std::nullopt;
}

std::string text_of(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

core::Result<Check> parse_check(const json::value& v, const Item& item, const std::string& where) {
  Check c;
  std::string type = v.is_string() ? std::string(v.get_string()) : v.is_object() ? text_of(v.as_object(), "type") : "";
  auto kind = kind_named(type);
  if (!kind) {
    return core::Error::invalid_request(where + ": a check is one of exact, contains, regex, rouge_l, json_schema, embedding, judge" +
                                        (type.empty() ? std::string() : " (not '" + type + "')"));
  }
  c.kind = *kind;
  if (v.is_object()) {
    const auto& o = v.as_object();
    c.value = text_of(o, c.kind == CheckKind::regex ? "pattern" : "value");
    c.criteria = text_of(o, "criteria");
    if (const auto* s = o.if_contains("schema")) c.schema = *s;
    if (const auto* m = o.if_contains("min"); m && m->is_number()) c.min = m->to_number<double>();
  }
  bool needs_expected = c.kind == CheckKind::exact || c.kind == CheckKind::rouge_l || c.kind == CheckKind::embedding ||
                        (c.kind == CheckKind::contains && c.value.empty());
  if (needs_expected && !item.expected) return core::Error::invalid_request(where + ": check '" + type + "' needs \"expected\"");
  if (c.kind == CheckKind::regex && c.value.empty()) return core::Error::invalid_request(where + ": a regex check needs \"pattern\"");
  if (c.kind == CheckKind::json_schema && !c.schema.is_object()) {
    return core::Error::invalid_request(where + ": a json_schema check needs \"schema\", a JSON object");
  }
  if (c.kind == CheckKind::judge && !item.expected && c.criteria.empty()) {
    return core::Error::invalid_request(where + ": a judge check needs \"expected\" or \"criteria\"");
  }
  return c;
}

core::Result<Item> parse_item(const json::value& v, int line, const std::string& where) {
  if (!v.is_object()) return core::Error::invalid_request(where + ": each line must be a JSON object");
  const auto& o = v.as_object();
  Item item;
  item.line = line;
  item.id = text_of(o, "id");
  if (item.id.empty()) item.id = "line-" + std::to_string(line);
  if (const auto* m = o.if_contains("messages")) {
    if (!m->is_array() || m->as_array().empty()) return core::Error::invalid_request(where + ": \"messages\" must be a non-empty array");
    item.messages = m->as_array();
  } else if (auto prompt = text_of(o, "prompt"); !prompt.empty()) {
    item.messages.push_back(json::object{{"role", "user"}, {"content", prompt}});
  } else {
    return core::Error::invalid_request(where + ": an item needs \"messages\" or \"prompt\"");
  }
  if (const auto* e = o.if_contains("expected"); e && !e->is_null()) {
    if (!e->is_string()) return core::Error::invalid_request(where + ": \"expected\" must be a string");
    item.expected = std::string(e->get_string());
  }
  if (const auto* checks = o.if_contains("checks"); checks && !checks->is_null()) {
    if (!checks->is_array()) return core::Error::invalid_request(where + ": \"checks\" must be an array");
    for (const auto& c : checks->as_array()) {
      auto check = parse_check(c, item, where);
      if (!check) return check.error();
      item.checks.push_back(std::move(*check));
    }
  }
  if (item.checks.empty()) {
    if (!item.expected) return core::Error::invalid_request(where + ": an item needs \"expected\" or \"checks\"");
    item.checks.push_back(Check{});
  }
  return item;
}

}  // namespace

std::string_view to_string(CheckKind kind) {
  for (const auto& [k, n] : kKinds) {
    if (k == kind) return n;
  }
  return "?";
}

double pass_mark(const Check& check) {
  switch (check.kind) {
    case CheckKind::rouge_l: return check.min >= 0 ? check.min : 0.5;
    case CheckKind::embedding: return check.min >= 0 ? check.min : 0.8;
    case CheckKind::judge: return check.min >= 0 ? check.min : 0.75;
    default: return 1;
  }
}

std::string Item::question() const {
  for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
    if (!it->is_object()) continue;
    const auto& m = it->as_object();
    if (text_of(m, "role") != "user") continue;
    const auto* content = m.if_contains("content");
    if (content && content->is_string()) return std::string(content->get_string());
    if (content && content->is_array()) {
      std::string text;
      for (const auto& part : content->as_array()) {
        if (part.is_object()) text += text_of(part.as_object(), "text");
      }
      return text;
    }
  }
  return {};
}

core::Result<std::vector<Item>> parse_dataset(std::string_view text, const std::string& name) {
  std::vector<Item> items;
  std::set<std::string> ids;
  int line = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    auto raw = text.substr(start, end - start);
    start = end + 1;
    ++line;
    if (raw.find_first_not_of(" \t\r") == std::string_view::npos) {
      if (end == text.size()) break;
      continue;
    }
    std::string where = name + ":" + std::to_string(line);
    boost::system::error_code ec;
    auto v = json::parse(raw, ec);
    if (ec) return core::Error::invalid_request(where + ": not JSON (" + ec.message() + ")");
    auto item = parse_item(v, line, where);
    if (!item) return item.error();
    if (!ids.insert(item->id).second) return core::Error::invalid_request(where + ": id '" + item->id + "' is used twice");
    items.push_back(std::move(*item));
    if (end == text.size()) break;
  }
  if (items.empty()) return core::Error::invalid_request(name + ": no items");
  return items;
}

core::Result<std::vector<Item>> load_dataset(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::Error::not_found(path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_dataset(text.str(), path);
}

}  // namespace sy::eval
