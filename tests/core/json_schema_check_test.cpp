#include "core/json_schema_check.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace sy::core {
namespace {

const auto kSchema = boost::json::parse(R"({
  "type": "object",
  "properties": {
    "name": {"type": "string", "minLength": 1},
    "days": {"type": "integer", "minimum": 0, "maximum": 30},
    "kind": {"enum": ["annual", "sick"]},
    "tags": {"type": "array", "items": {"$ref": "#/$defs/tag"}, "maxItems": 3}
  },
  "required": ["name", "days"],
  "additionalProperties": false,
  "$defs": {"tag": {"type": "string"}}
})");

TEST(JsonSchemaCheck, AMatchingAnswerPasses) {
  EXPECT_EQ(json_schema_violation(R"({"name":"leave","days":15,"kind":"annual","tags":["hr"]})", kSchema), std::nullopt);
}

TEST(JsonSchemaCheck, EachViolationIsNamedWithItsPath) {
  EXPECT_THAT(*json_schema_violation(R"({"name":"leave"})", kSchema), ::testing::HasSubstr("'days' is missing"));
  EXPECT_THAT(*json_schema_violation(R"({"name":"x","days":"15"})", kSchema), ::testing::HasSubstr("$.days: expected"));
  EXPECT_THAT(*json_schema_violation(R"({"name":"x","days":31})", kSchema), ::testing::HasSubstr("above the maximum"));
  EXPECT_THAT(*json_schema_violation(R"({"name":"x","days":1,"kind":"paid"})", kSchema), ::testing::HasSubstr("$.kind"));
  EXPECT_THAT(*json_schema_violation(R"({"name":"x","days":1,"extra":true})", kSchema), ::testing::HasSubstr("'extra' is not allowed"));
  EXPECT_THAT(*json_schema_violation(R"({"name":"x","days":1,"tags":[1]})", kSchema), ::testing::HasSubstr("$.tags[0]"));
  EXPECT_THAT(*json_schema_violation(R"({"name":"x","days":1,"tags":["a","b","c","d"]})", kSchema), ::testing::HasSubstr("maxItems"));
  EXPECT_THAT(*json_schema_violation("Sure! Here it is: {", kSchema), ::testing::HasSubstr("not valid JSON"));
}

TEST(JsonSchemaCheck, TheSchemaComesFromResponseFormat) {
  auto ext = boost::json::parse(R"({"response_format":{"type":"json_schema","json_schema":{"name":"n","schema":{"type":"object"}}}})").as_object();
  ASSERT_NE(requested_schema(ext), nullptr);
  EXPECT_TRUE(requested_schema(ext)->is_object());
  auto plain = boost::json::parse(R"({"response_format":{"type":"json_object"}})").as_object();
  EXPECT_EQ(requested_schema(plain), nullptr);
}

}  // namespace
}  // namespace sy::core
