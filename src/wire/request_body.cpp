#include "wire/request_body.h"

#include <boost/json/parse.hpp>

#include "wire/json_fields.h"

namespace sy::wire {

core::Result<json::object> parse_request_body(std::string_view body, json::storage_ptr storage) {
  using core::Error;
  if (body.empty()) return Error::invalid_request("The request body is empty; expected a JSON object.");
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 64;
  auto value = json::parse(body, ec, std::move(storage), opts);
  if (ec) {
    std::string why = ec == json::error::syntax && body.find('\0') != std::string_view::npos ? "contains a NUL byte" : ec.message();
    return Error::invalid_request("The request body is not valid JSON (" + why + ").");
  }
  if (!value.is_object()) return Error::invalid_request("The request body must be a JSON object.");
  if (has_non_finite_number(value)) {
    return Error::invalid_request("The request body has a number too large to represent (over 1.8e308).");
  }
  return std::move(value.get_object());
}

}  // namespace sy::wire
