#include "providers/json_values.h"

#include <boost/json/parse.hpp>

#include "wire/json_fields.h"

namespace sy::providers {

std::optional<boost::json::value> parse_model_json(std::string_view text) {
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 64;
  auto v = boost::json::parse(text, ec, {}, opts);
  if (ec || wire::has_non_finite_number(v)) return std::nullopt;
  return v;
}

core::Result<boost::json::value> arguments_object(const core::ToolCall& call, const std::string& where,
                                                  const char* provider) {
  if (call.arguments.empty()) return boost::json::value(boost::json::object{});
  auto parsed = parse_model_json(call.arguments);
  if (!parsed || !parsed->is_object()) {
    return core::Error::invalid_request(std::string("Tool call arguments must be a JSON object for ") + provider + ".", where);
  }
  return std::move(*parsed);
}

}  // namespace sy::providers
