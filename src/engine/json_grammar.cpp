#include "engine/json_grammar.h"

#include <algorithm>
#include <vector>

#include <boost/json/serialize.hpp>

namespace sy::engine {

namespace {

// Whitespace is bounded: a model that may emit unlimited blanks sometimes does, forever.
constexpr const char* kJsonRules = R"(value ::= object | array | string | number | ("true" | "false" | "null") ws
object ::= "{" ws ( string ":" ws value ( "," ws string ":" ws value )* )? "}" ws
array ::= "[" ws ( value ( "," ws value )* )? "]" ws
string ::= "\"" ( [^"\\\x7F\x00-\x1F] | "\\" ( ["\\/bfnrt] | "u" [0-9a-fA-F] [0-9a-fA-F] [0-9a-fA-F] [0-9a-fA-F] ) )* "\"" ws
number ::= "-"? ( "0" | [1-9] [0-9]* ) ( "." [0-9]+ )? ( [eE] [-+]? [0-9]+ )? ws
integer ::= "-"? ( "0" | [1-9] [0-9]* ) ws
boolean ::= ( "true" | "false" ) ws
null ::= "null" ws
ws ::= ( " " | "\n" [ \t]{0,8} )?
)";

// A GBNF string literal that matches the JSON text `json` exactly.
std::string literal(const std::string& json) {
  std::string out = "\"";
  for (char c : json) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\" ws";
}

class SchemaCompiler {
 public:
  core::Result<std::string> rule_for(const boost::json::value& schema, int depth) {
    if (depth > 32) return fail("nesting deeper than 32 levels");
    if (schema.is_bool()) return std::string(schema.as_bool() ? "value" : "null");
    if (!schema.is_object()) return fail("a schema must be an object");
    const auto& s = schema.as_object();
    if (s.contains("$ref")) return fail("$ref is not supported; inline the definition");
    if (auto* c = s.if_contains("const")) return define(literal(boost::json::serialize(*c)));
    if (auto* e = s.if_contains("enum")) {
      if (!e->is_array() || e->as_array().empty()) return fail("enum must be a non-empty array");
      std::string alts;
      for (const auto& v : e->as_array()) alts += (alts.empty() ? "" : " | ") + literal(boost::json::serialize(v));
      return define(alts);
    }
    for (const char* key : {"anyOf", "oneOf"}) {
      if (auto* list = s.if_contains(key)) {
        if (!list->is_array() || list->as_array().empty()) return fail(std::string(key) + " must be a non-empty array");
        std::string alts;
        for (const auto& sub : list->as_array()) {
          auto r = rule_for(sub, depth + 1);
          if (!r) return r;
          alts += (alts.empty() ? "" : " | ") + *r;
        }
        return define(alts);
      }
    }
    auto* type = s.if_contains("type");
    if (!type) {
      if (s.contains("properties")) return object_rule(s, depth);
      return std::string("value");
    }
    if (type->is_array()) {
      std::string alts;
      for (const auto& t : type->as_array()) {
        boost::json::object one = s;
        one["type"] = t;
        auto r = rule_for(one, depth + 1);
        if (!r) return r;
        alts += (alts.empty() ? "" : " | ") + *r;
      }
      return define(alts);
    }
    if (!type->is_string()) return fail("type must be a string or a list of strings");
    std::string t(type->as_string());
    if (t == "string") return std::string("string");
    if (t == "number") return std::string("number");
    if (t == "integer") return std::string("integer");
    if (t == "boolean") return std::string("boolean");
    if (t == "null") return std::string("null");
    if (t == "array") {
      std::string item = "value";
      if (auto* items = s.if_contains("items")) {
        auto r = rule_for(*items, depth + 1);
        if (!r) return r;
        item = *r;
      }
      return define("\"[\" ws ( " + item + " ( \",\" ws " + item + " )* )? \"]\" ws");
    }
    if (t == "object") return object_rule(s, depth);
    return fail("unknown type '" + t + "'");
  }

  std::string rules() const { return rules_; }

 private:
  core::Result<std::string> object_rule(const boost::json::object& s, int depth) {
    auto* props = s.if_contains("properties");
    if (!props || !props->is_object() || props->as_object().empty()) return std::string("object");
    std::vector<std::string> required;
    if (auto* r = s.if_contains("required"); r && r->is_array()) {
      for (const auto& k : r->as_array()) {
        if (k.is_string()) required.emplace_back(k.as_string());
      }
    }
    // Properties in the schema's order; required ones must appear, the others may.
    std::string body = "\"{\" ws";
    bool first = true;
    for (const auto& [key, sub] : props->as_object()) {
      auto r = rule_for(sub, depth + 1);
      if (!r) return r;
      std::string member = literal(boost::json::serialize(boost::json::value(key))) + " \":\" ws " + *r;
      bool is_required = std::find(required.begin(), required.end(), std::string(key)) != required.end();
      std::string piece = first ? member : "\",\" ws " + member;
      body += is_required || first ? " " + piece : " ( " + piece + " )?";
      first = false;
    }
    return define(body + " \"}\" ws");
  }

  std::string define(const std::string& body) {
    std::string name = "r" + std::to_string(++count_);
    rules_ += name + " ::= " + body + "\n";
    return name;
  }

  core::Error fail(const std::string& why) {
    return core::Error::invalid_request("response_format.json_schema: " + why, "response_format");
  }

  std::string rules_;
  int count_ = 0;
};

}  // namespace

std::string json_object_grammar() { return std::string("root ::= object\n") + kJsonRules; }

core::Result<std::string> json_schema_grammar(const boost::json::value& schema) {
  SchemaCompiler compiler;
  auto root = compiler.rule_for(schema, 0);
  if (!root) return root;
  return "root ::= " + *root + "\n" + compiler.rules() + kJsonRules;
}

}  // namespace sy::engine
