#pragma once
// An evaluation dataset: JSON lines, one item each:
//   {"id": "leave-1", "messages": [...] | "prompt": "...", "expected": "...",
//    "checks": ["exact" | "contains" | "regex" | "rouge_l" | "json_schema" | "embedding" | "judge",
//               or {"type": ..., "value"?, "pattern"?, "schema"?, "min"?, "criteria"?}, ...]}
// An item without checks is scored by ROUGE-L against `expected`. Errors name the line.
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "core/result.h"

namespace sy::eval {

enum class CheckKind { exact, contains, regex, rouge_l, json_schema, embedding, judge };

struct Check {
  CheckKind kind = CheckKind::rouge_l;
  std::string value;           // contains: the text to find (default: expected); regex: the pattern
  boost::json::value schema;   // json_schema
  double min = -1;             // the score at which a continuous check passes; < 0 = its default
  std::string criteria;        // judge: what a good answer does, beside `expected`
};

std::string_view to_string(CheckKind kind);
// The score at or above which the check passes: 1 for the yes/no checks, else `min` or a default
// (ROUGE-L 0.5, embedding 0.8, judge 0.75, i.e. 4 of 5).
double pass_mark(const Check& check);

struct Item {
  std::string id;
  boost::json::array messages;  // OpenAI chat messages
  std::optional<std::string> expected;
  std::vector<Check> checks;
  int line = 0;
  // The last user message's text: what a judge is shown as the question.
  std::string question() const;
};

core::Result<std::vector<Item>> parse_dataset(std::string_view text, const std::string& name);
core::Result<std::vector<Item>> load_dataset(const std::string& path);

}  // namespace sy::eval
