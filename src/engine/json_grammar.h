#pragma once
// OpenAI's `response_format` as a GBNF grammar for llama.cpp's grammar sampler, so a local model
// can only write what was asked for: any JSON object (`json_object`), or a value of a JSON Schema
// (`json_schema`) — the subset structured-output users write: object with properties and
// required, array with items, string/number/integer/boolean/null, enum, const, anyOf/oneOf.
#include <string>

#include <boost/json/value.hpp>

#include "core/result.h"

namespace sy::engine {

std::string json_object_grammar();
core::Result<std::string> json_schema_grammar(const boost::json::value& schema);

}  // namespace sy::engine
