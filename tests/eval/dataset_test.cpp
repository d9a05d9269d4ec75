#include "eval/dataset.h"

#include <gtest/gtest.h>

namespace sy::eval {
namespace {

TEST(EvalDataset, ReadsPromptsMessagesAndChecks) {
  auto items = parse_dataset(
      "{\"id\":\"a\",\"prompt\":\"How many days?\",\"expected\":\"15 days\"}\n"
      "\n"
      "{\"id\":\"b\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief\"},{\"role\":\"user\",\"content\":\"年假幾天?\"}],"
      "\"checks\":[{\"type\":\"regex\",\"pattern\":\"1[0-9]\"},{\"type\":\"judge\",\"criteria\":\"states the number\",\"min\":0.5}]}\n",
      "d.jsonl");
  ASSERT_TRUE(items) << items.error().message;
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[0].checks.size(), 1u);
  EXPECT_EQ((*items)[0].checks[0].kind, CheckKind::rouge_l);  // the default with an expected answer
  EXPECT_EQ((*items)[0].question(), "How many days?");
  EXPECT_EQ((*items)[1].question(), "年假幾天?");
  EXPECT_EQ((*items)[1].line, 3);
  ASSERT_EQ((*items)[1].checks.size(), 2u);
  EXPECT_EQ((*items)[1].checks[0].value, "1[0-9]");
  EXPECT_EQ(pass_mark((*items)[1].checks[1]), 0.5);
}

TEST(EvalDataset, ErrorsNameTheLineAndTheProblem) {
  auto expect_error = [](std::string_view text, std::string_view fragment) {
    auto items = parse_dataset(text, "d.jsonl");
    ASSERT_FALSE(items) << text;
    EXPECT_NE(items.error().message.find(fragment), std::string::npos) << items.error().message;
  };
  expect_error("{\"prompt\":\"x\",\"expected\":\"y\"}\n{not json}\n", "d.jsonl:2: not JSON");
  expect_error("{\"expected\":\"y\"}", "needs \"messages\" or \"prompt\"");
  expect_error("{\"prompt\":\"x\"}", "needs \"expected\" or \"checks\"");
  expect_error("{\"prompt\":\"x\",\"checks\":[\"exact\"]}", "check 'exact' needs \"expected\"");
  expect_error("{\"prompt\":\"x\",\"checks\":[\"bleu\"]}", "(not 'bleu')");
  expect_error("{\"prompt\":\"x\",\"checks\":[{\"type\":\"json_schema\"}]}", "needs \"schema\"");
  expect_error("{\"id\":\"a\",\"prompt\":\"x\",\"expected\":\"y\"}\n{\"id\":\"a\",\"prompt\":\"z\",\"expected\":\"y\"}", "id 'a' is used twice");
  expect_error("\n\n", "no items");
}

}  // namespace
}  // namespace sy::eval
