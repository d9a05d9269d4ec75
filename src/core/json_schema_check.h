#pragma once
// Whether an answer matches the JSON schema its request asked for (response_format json_schema):
// the parts of JSON Schema that structured output uses (type, properties, required,
// additionalProperties, items, enum, const, anyOf, oneOf, allOf, $ref to #/$defs or #/definitions,
// string and array length, numeric bounds). Keywords outside that are not checked.
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace sy::core {

// Why `text` does not match `schema` ("$.items[2].price: expected a number"); nullopt when it does.
std::optional<std::string> json_schema_violation(std::string_view text, const boost::json::value& schema);

// The schema a request's response_format asks for, if it asks for one.
const boost::json::value* requested_schema(const boost::json::object& extensions);

}  // namespace sy::core
