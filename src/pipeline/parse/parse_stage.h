#pragma once
// The request's body, read by its ingress's parser (OpenAI's chat or completions, Anthropic's
// messages, embeddings) into core terms, once the caller is known: an unauthenticated client
// costs no parsing. `model@VERSION` (or @ALIAS) pins a registry version; the name before the '@'
// is the model asked for.
#include <string_view>

#include "pipeline/stage.h"

namespace sy::pipeline {

// An ingress's reading of a request body into the state (chat, or inputs, and the model asked
// for). Errors are 400s in the client's terms, naming the field.
class BodyParser {
 public:
  virtual ~BodyParser() = default;
  virtual core::Status parse(std::string_view body, RequestState& state) const = 0;
};

class ParseStage final : public Stage {
 public:
  ParseStage();
  std::string_view name() const override { return "parse"; }
  bool admission() const override { return true; }
  FilterPtr start(RequestState& state) const override;
  core::Status check(RequestState& s) const;
  // Reading a body of megabytes takes the better part of a second: done on the offload pool.
  bool heavy(const RequestState& s) const;

 private:
  std::unique_ptr<Filter> filter_;  // stateless: one for every request
};

}  // namespace sy::pipeline
