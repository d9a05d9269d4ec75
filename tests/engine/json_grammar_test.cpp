#include "engine/json_grammar.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <llama.h>

#include "engine_fixture.h"

namespace sy::engine {
namespace {

// A grammar is only useful if llama.cpp's parser takes it; these are checked against a real vocab.
class JsonGrammar : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto p = llama_model_default_params();
    p.vocab_only = true;
    model_ = llama_model_load_from_file(testing::tiny_model_path().c_str(), p);
  }
  static void TearDownTestSuite() { llama_model_free(model_); }
  static bool compiles(const std::string& gbnf) {
    auto* s = llama_sampler_init_grammar(llama_model_get_vocab(model_), gbnf.c_str(), "root");
    if (s) llama_sampler_free(s);
    return s != nullptr;
  }
  static inline llama_model* model_ = nullptr;
};

TEST_F(JsonGrammar, JsonObjectCompiles) { EXPECT_TRUE(compiles(json_object_grammar())); }

TEST_F(JsonGrammar, SchemaSubsetCompiles) {
  auto schema = boost::json::parse(R"({
    "type": "object",
    "properties": {
      "name": {"type": "string"}, "days": {"type": "integer"}, "ratio": {"type": "number"},
      "ok": {"type": "boolean"}, "tags": {"type": "array", "items": {"type": "string"}},
      "kind": {"enum": ["leave", "vpn", 3, null]}, "fixed": {"const": "v1"},
      "either": {"anyOf": [{"type": "string"}, {"type": "null"}]}, "maybe": {"type": ["integer", "null"]},
      "nested": {"type": "object", "properties": {"a": {"type": "string"}}}
    },
    "required": ["name", "days"]
  })");
  auto g = json_schema_grammar(schema);
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_TRUE(compiles(*g)) << *g;
}

TEST_F(JsonGrammar, UnsupportedSchemasAreClearErrors) {
  auto ref = json_schema_grammar(boost::json::parse(R"({"$ref": "#/defs/x"})"));
  ASSERT_FALSE(ref);
  EXPECT_EQ(ref.error().status, 400);
  EXPECT_EQ(ref.error().param, "response_format");
  EXPECT_FALSE(json_schema_grammar(boost::json::parse(R"({"type": "date"})")));
  EXPECT_FALSE(json_schema_grammar(boost::json::parse(R"({"enum": []})")));
}

}  // namespace
}  // namespace sy::engine
