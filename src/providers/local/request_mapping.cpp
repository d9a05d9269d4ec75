#include "providers/local/request_mapping.h"

#include <charconv>

#include "engine/json_grammar.h"

namespace sy::providers::local {

namespace {

namespace json = boost::json;

core::Result<std::optional<double>> number_field(const core::Extensions& ext, const char* name, double lo, double hi) {
  auto* v = ext.if_contains(name);
  if (!v || v->is_null()) return std::optional<double>{};
  if (!v->is_number()) return core::Error::invalid_request(std::string(name) + " must be a number", name);
  double d = v->to_number<double>();
  if (!(d >= lo && d <= hi)) {
    return core::Error::invalid_request(std::string(name) + " must be between " + std::to_string(lo) + " and " + std::to_string(hi), name);
  }
  return std::optional<double>{d};
}

core::Status apply_logit_bias(const core::Extensions& ext, engine::SamplingParams& s) {
  auto* v = ext.if_contains("logit_bias");
  if (!v || v->is_null()) return core::Ok{};
  if (!v->is_object()) return core::Error::invalid_request("logit_bias must map token ids to numbers", "logit_bias");
  for (const auto& [key, bias] : v->as_object()) {
    int32_t token = -1;
    auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), token);
    if (ec != std::errc{} || end != key.data() + key.size() || token < 0 || !bias.is_number()) {
      return core::Error::invalid_request("logit_bias must map token ids to numbers", "logit_bias");
    }
    double b = bias.to_number<double>();
    if (b < -100 || b > 100) return core::Error::invalid_request("logit_bias values must be between -100 and 100", "logit_bias");
    // OpenAI's -100 means "never"; a finite -100 can still win on a peaked distribution.
    s.logit_bias.emplace_back(token, b <= -100 ? -INFINITY : static_cast<float>(b));
  }
  return core::Ok{};
}

core::Status apply_response_format(const core::Extensions& ext, engine::SamplingParams& s) {
  auto* v = ext.if_contains("response_format");
  if (!v || v->is_null()) return core::Ok{};
  auto* type = v->is_object() ? v->as_object().if_contains("type") : nullptr;
  if (!type || !type->is_string()) return core::Error::invalid_request("response_format.type is required", "response_format");
  if (type->as_string() == "text") return core::Ok{};
  if (type->as_string() == "json_object") {
    s.grammar = engine::json_object_grammar();
    return core::Ok{};
  }
  if (type->as_string() == "json_schema") {
    auto* js = v->as_object().if_contains("json_schema");
    auto* schema = js && js->is_object() ? js->as_object().if_contains("schema") : nullptr;
    if (!schema) return core::Error::invalid_request("response_format.json_schema.schema is required", "response_format");
    auto g = engine::json_schema_grammar(*schema);
    if (!g) return g.error();
    s.grammar = std::move(*g);
    return core::Ok{};
  }
  return core::Error::invalid_request("response_format.type must be text, json_object or json_schema", "response_format");
}

}  // namespace

core::Result<engine::GenerationRequest> generation_request(const core::ChatRequest& r) {
  engine::GenerationRequest g;
  auto& s = g.sampling;
  const auto& ext = r.extensions;
  if (auto* n = ext.if_contains("n"); n && !n->is_null() && !(n->is_int64() && n->as_int64() == 1)) {
    return core::Error::invalid_request("local models return one choice per request (n must be 1)", "n");
  }
  if (auto* tools = ext.if_contains("tools"); tools && tools->is_array() && !tools->as_array().empty()) {
    return core::Error::invalid_request("local models do not call tools; send this request to a route or a cloud model", "tools");
  }
  if (r.temperature) s.temperature = static_cast<float>(*r.temperature);
  if (r.top_p) s.top_p = static_cast<float>(*r.top_p);
  struct Knob {
    const char* name;
    double lo, hi;
    float* into;
  };
  float top_k = 0, repetition = 1;
  for (const Knob& k : {Knob{"presence_penalty", -2, 2, &s.presence_penalty}, Knob{"frequency_penalty", -2, 2, &s.frequency_penalty},
                        Knob{"min_p", 0, 1, &s.min_p}, Knob{"top_k", 0, 1e6, &top_k},
                        Knob{"repetition_penalty", 0, 10, &repetition}, Knob{"repeat_penalty", 0, 10, &repetition}}) {
    auto v = number_field(ext, k.name, k.lo, k.hi);
    if (!v) return v.error();
    if (*v) *k.into = static_cast<float>(**v);
  }
  s.top_k = static_cast<int32_t>(top_k);
  s.repetition_penalty = repetition;
  auto seed = number_field(ext, "seed", -9.3e18, 9.3e18);
  if (!seed) return seed.error();
  if (*seed) s.seed = static_cast<uint32_t>(static_cast<int64_t>(**seed));
  if (auto st = apply_logit_bias(ext, s); !st) return st.error();
  // llama.cpp server's extension, sent by benchmark clients: generate past EOS up to max_tokens.
  if (auto* v = ext.if_contains("ignore_eos"); v && !v->is_null()) {
    if (!v->is_bool()) return core::Error::invalid_request("ignore_eos must be true or false", "ignore_eos");
    s.ignore_eos = v->as_bool();
  }
  if (auto st = apply_response_format(ext, s); !st) return st.error();
  g.stop = r.stop;
  if (r.max_tokens) g.max_tokens = *r.max_tokens;
  return g;
}

}  // namespace sy::providers::local
