#include "api/body_parsers.h"

#include <boost/json.hpp>

#include "wire/openai/chat_request.h"

namespace sy::api {

namespace json = boost::json;
using core::Error;

namespace {
constexpr size_t kMaxEmbeddingInputs = 2048;
}

core::Status OpenAIParser::parse(std::string_view body, pipeline::RequestState& s) const {
  auto parsed = kind_ == core::ChatRequest::Kind::chat ? wire::openai::parse_chat_request(body)
                                                       : wire::openai::parse_completion_request(body);
  if (!parsed) return parsed.error();
  s.chat = std::move(*parsed);
  return core::Ok{};
}

core::Status AnthropicParser::parse(std::string_view body, pipeline::RequestState& s) const {
  auto parsed = wire::anthropic::parse_messages_request(body, purpose_);
  if (!parsed) return parsed.error();
  s.chat = std::move(*parsed);
  return core::Ok{};
}

core::Status EmbeddingsParser::parse(std::string_view body, pipeline::RequestState& s) const {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return Error::invalid_request("The body must be a JSON object.");
  const auto& o = v.as_object();
  auto* model = o.if_contains("model");
  if (!model || !model->is_string()) return Error::invalid_request("'model' is required and must be a string.", "model");
  s.chat.model = model->as_string();
  auto* input = o.if_contains("input");
  if (input && input->is_string()) {
    s.inputs.emplace_back(input->as_string());
  } else if (input && input->is_array() && !input->as_array().empty()) {
    for (const auto& item : input->as_array()) {
      if (!item.is_string()) return Error::invalid_request("'input' must be a string or an array of strings (token arrays are not accepted).", "input");
      s.inputs.emplace_back(item.as_string());
    }
  } else {
    return Error::invalid_request("'input' is required: a string or a non-empty array of strings.", "input");
  }
  if (s.inputs.size() > kMaxEmbeddingInputs) return Error::invalid_request("'input' may hold at most 2048 strings.", "input");
  for (const auto& text : s.inputs) {
    if (text.empty()) return Error::invalid_request("'input' may not contain empty strings.", "input");
  }
  if (auto* f = o.if_contains("encoding_format"); f && !f->is_null()) {
    if (!f->is_string() || (f->as_string() != "float" && f->as_string() != "base64")) {
      return Error::invalid_request("'encoding_format' must be 'float' or 'base64'.", "encoding_format");
    }
    // The format only shapes the answer; the endpoint reads it back from here.
    if (f->as_string() == "base64") s.chat.extensions["encoding_format"] = "base64";
  }
  if (auto* d = o.if_contains("dimensions"); d && !d->is_null()) {
    return Error::invalid_request("'dimensions' is not supported by local models.", "dimensions");
  }
  return core::Ok{};
}

}  // namespace sy::api
