#include "api/ollama/body_parsers.h"

#include "api/body_parsers.h"
#include "wire/ollama/ollama_request.h"

namespace sy::api::ollama {

core::Status AnswerParser::parse(std::string_view body, pipeline::RequestState& s) const {
  auto parsed = shape_ == wire::ollama::AnswerShape::chat ? wire::ollama::parse_chat_request(body)
                                                         : wire::ollama::parse_generate_request(body);
  if (!parsed) return parsed.error();
  s.chat = std::move(*parsed);
  return core::Ok{};
}

core::Status EmbedParser::parse(std::string_view body, pipeline::RequestState& s) const {
  static const EmbeddingsParser openai;
  if (auto read = openai.parse(body, s); !read) return read;
  s.chat.model = wire::ollama::model_name(s.chat.model);
  return core::Ok{};
}

}  // namespace sy::api::ollama
