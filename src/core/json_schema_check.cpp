#include "core/json_schema_check.h"

#include <cmath>

#include <boost/json.hpp>

#include "core/utf8.h"

namespace sy::core {

namespace json = boost::json;

namespace {

class Checker {
 public:
  explicit Checker(const json::value& root) : root_(root) {}

  std::optional<std::string> check(const json::value& v, const json::value& schema, const std::string& path, int depth) {
    if (depth > 64) return path + ": the schema nests too deep to check";
    if (schema.is_bool()) return schema.as_bool() ? std::nullopt : std::optional<std::string>(path + ": no value is allowed here");
    if (!schema.is_object()) return std::nullopt;
    const auto& s = schema.as_object();
    if (auto* ref = s.if_contains("$ref"); ref && ref->is_string()) {
      const auto* target = resolve(ref->as_string());
      if (!target) return path + ": the schema's $ref " + std::string(ref->as_string()) + " cannot be resolved";
      return check(v, *target, path, depth + 1);
    }
    if (auto* type = s.if_contains("type")) {
      if (!type_matches(v, *type)) return path + ": expected " + describe(*type);
    }
    if (auto* e = s.if_contains("enum"); e && e->is_array()) {
      bool found = false;
      for (const auto& option : e->as_array()) found = found || option == v;
      if (!found) return path + ": not one of the allowed values";
    }
    if (auto* c = s.if_contains("const"); c && !(*c == v)) return path + ": not the required value";
    if (auto* all = s.if_contains("allOf"); all && all->is_array()) {
      for (const auto& sub : all->as_array()) {
        if (auto why = check(v, sub, path, depth + 1)) return why;
      }
    }
    if (auto* any = s.if_contains("anyOf"); any && any->is_array()) {
      int matched = 0;
      for (const auto& sub : any->as_array()) matched += !check(v, sub, path, depth + 1);
      if (matched == 0) return path + ": matches none of anyOf";
    }
    if (auto* one = s.if_contains("oneOf"); one && one->is_array()) {
      int matched = 0;
      for (const auto& sub : one->as_array()) matched += !check(v, sub, path, depth + 1);
      if (matched != 1) return path + ": matches " + std::to_string(matched) + " of oneOf, not exactly one";
    }
    if (v.is_object()) return check_object(v.as_object(), s, path, depth);
    if (v.is_array()) return check_array(v.as_array(), s, path, depth);
    if (v.is_string()) return check_string(v.as_string(), s, path);
    if (v.is_number()) return check_number(v.to_number<double>(), s, path);
    return std::nullopt;
  }

 private:
  const json::value* resolve(std::string_view ref) const {
    for (std::string_view prefix : {"#/$defs/", "#/definitions/"}) {
      if (!ref.starts_with(prefix) || !root_.is_object()) continue;
      auto* defs = root_.as_object().if_contains(prefix.substr(2, prefix.size() - 3));
      if (!defs || !defs->is_object()) return nullptr;
      return defs->as_object().if_contains(ref.substr(prefix.size()));
    }
    return ref == "#" ? &root_ : nullptr;
  }

  static bool one_type(const json::value& v, std::string_view t) {
    if (t == "object") return v.is_object();
    if (t == "array") return v.is_array();
    if (t == "string") return v.is_string();
    if (t == "boolean") return v.is_bool();
    if (t == "null") return v.is_null();
    if (t == "number") return v.is_number();
    if (t == "integer") {
      if (v.is_int64() || v.is_uint64()) return true;
      return v.is_double() && std::trunc(v.as_double()) == v.as_double();
    }
    return true;  // an unknown type name is not ours to enforce
  }
  static bool type_matches(const json::value& v, const json::value& type) {
    if (type.is_string()) return one_type(v, type.as_string());
    if (type.is_array()) {
      for (const auto& t : type.as_array()) {
        if (t.is_string() && one_type(v, t.as_string())) return true;
      }
      return false;
    }
    return true;
  }
  static std::string describe(const json::value& type) {
    if (type.is_string()) return "a value of type " + std::string(type.as_string());
    return "a value of type " + json::serialize(type);
  }

  std::optional<std::string> check_object(const json::object& o, const json::object& s, const std::string& path, int depth) {
    const json::object* props = nullptr;
    if (auto* p = s.if_contains("properties"); p && p->is_object()) props = &p->as_object();
    if (auto* req = s.if_contains("required"); req && req->is_array()) {
      for (const auto& name : req->as_array()) {
        if (name.is_string() && !o.contains(name.as_string())) return path + ": the required field '" + std::string(name.as_string()) + "' is missing";
      }
    }
    const json::value* additional = s.if_contains("additionalProperties");
    for (const auto& kv : o) {
      std::string child = path + "." + std::string(kv.key());
      const json::value* sub = props ? props->if_contains(kv.key()) : nullptr;
      if (sub) {
        if (auto why = check(kv.value(), *sub, child, depth + 1)) return why;
      } else if (additional) {
        if (auto why = check(kv.value(), *additional, child, depth + 1)) {
          return additional->is_bool() ? path + ": the field '" + std::string(kv.key()) + "' is not allowed" : why;
        }
      }
    }
    return std::nullopt;
  }

  std::optional<std::string> check_array(const json::array& a, const json::object& s, const std::string& path, int depth) {
    if (auto* min = s.if_contains("minItems"); min && min->is_number() && a.size() < min->to_number<double>()) {
      return path + ": fewer items than minItems";
    }
    if (auto* max = s.if_contains("maxItems"); max && max->is_number() && a.size() > max->to_number<double>()) {
      return path + ": more items than maxItems";
    }
    if (auto* items = s.if_contains("items")) {
      for (size_t i = 0; i < a.size(); ++i) {
        if (auto why = check(a[i], *items, path + "[" + std::to_string(i) + "]", depth + 1)) return why;
      }
    }
    return std::nullopt;
  }

  static std::optional<std::string> check_string(json::string_view str, const json::object& s, const std::string& path) {
    size_t chars = core::code_points(std::string_view(str.data(), str.size()));
    if (auto* min = s.if_contains("minLength"); min && min->is_number() && chars < min->to_number<double>()) return path + ": shorter than minLength";
    if (auto* max = s.if_contains("maxLength"); max && max->is_number() && chars > max->to_number<double>()) return path + ": longer than maxLength";
    return std::nullopt;
  }

  static std::optional<std::string> check_number(double x, const json::object& s, const std::string& path) {
    auto bound = [&](const char* key) -> std::optional<double> {
      auto* b = s.if_contains(key);
      if (!b || !b->is_number()) return std::nullopt;
      return b->to_number<double>();
    };
    if (auto b = bound("minimum"); b && x < *b) return path + ": below the minimum";
    if (auto b = bound("maximum"); b && x > *b) return path + ": above the maximum";
    if (auto b = bound("exclusiveMinimum"); b && x <= *b) return path + ": not above the exclusive minimum";
    if (auto b = bound("exclusiveMaximum"); b && x >= *b) return path + ": not below the exclusive maximum";
    return std::nullopt;
  }

  const json::value& root_;
};

}  // namespace

std::optional<std::string> json_schema_violation(std::string_view text, const json::value& schema) {
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 64;
  auto v = json::parse(text, ec, {}, options);
  if (ec) return std::string("the answer is not valid JSON (") + ec.message() + ")";
  return Checker(schema).check(v, schema, "$", 0);
}

const json::value* requested_schema(const json::object& extensions) {
  auto* rf = extensions.if_contains("response_format");
  if (!rf || !rf->is_object()) return nullptr;
  auto* type = rf->as_object().if_contains("type");
  if (!type || !type->is_string() || type->as_string() != "json_schema") return nullptr;
  auto* js = rf->as_object().if_contains("json_schema");
  if (!js || !js->is_object()) return nullptr;
  return js->as_object().if_contains("schema");
}

}  // namespace sy::core
