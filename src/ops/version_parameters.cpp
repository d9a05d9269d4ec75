#include "ops/version_parameters.h"

#include <boost/json.hpp>

namespace sy::ops {

namespace json = boost::json;
using core::Error;

namespace {

core::Result<double> number_in(const json::value& v, const char* key, double lo, double hi) {
  if (!v.is_number()) return Error::invalid_request(std::string("parameters.") + key + " must be a number.", "parameters");
  double d = v.to_number<double>();
  if (!(d >= lo && d <= hi)) {
    return Error::invalid_request(std::string("parameters.") + key + " must be between " + json::serialize(json::value(lo)) +
                                      " and " + json::serialize(json::value(hi)) + ".", "parameters");
  }
  return d;
}

}  // namespace

core::Result<VersionParameters> parse_version_parameters(std::string_view json_text) {
  VersionParameters p;
  if (json_text.empty()) return p;
  boost::system::error_code ec;
  auto v = json::parse(json_text, ec);
  if (ec || !v.is_object()) return Error::invalid_request("parameters must be a JSON object.", "parameters");
  for (const auto& [key, value] : v.as_object()) {
    if (key == "system_prompt") {
      if (!value.is_string()) return Error::invalid_request("parameters.system_prompt must be a string.", "parameters");
      p.system_prompt = value.as_string();
    } else if (key == "temperature") {
      auto d = number_in(value, "temperature", 0, 2);
      if (!d) return d.error();
      p.temperature = *d;
    } else if (key == "top_p") {
      auto d = number_in(value, "top_p", 0, 1);
      if (!d) return d.error();
      p.top_p = *d;
    } else if (key == "max_tokens") {
      auto d = number_in(value, "max_tokens", 1, 1'000'000);
      if (!d) return d.error();
      if (*d != static_cast<double>(static_cast<int64_t>(*d))) {
        return Error::invalid_request("parameters.max_tokens must be a whole number.", "parameters");
      }
      p.max_tokens = static_cast<int64_t>(*d);
    } else {
      return Error::invalid_request("parameters: unknown key '" + std::string(key) +
                                        "' (system_prompt, temperature, top_p, max_tokens).", "parameters");
    }
  }
  return p;
}

void VersionParameters::apply(core::ChatRequest& request) const {
  if (!request.temperature && temperature) request.temperature = temperature;
  if (!request.top_p && top_p) request.top_p = top_p;
  if (!request.max_tokens && max_tokens) request.max_tokens = max_tokens;
  if (system_prompt.empty() || request.kind != core::ChatRequest::Kind::chat) return;
  for (const auto& m : request.messages) {
    if (m.role == "system" || m.role == "developer") return;  // the client's own instructions win
  }
  core::Message system;
  system.role = "system";
  system.parts.push_back(core::ContentPart{core::ContentPart::Kind::text, system_prompt, {}});
  request.messages.insert(request.messages.begin(), std::move(system));
}

}  // namespace sy::ops
