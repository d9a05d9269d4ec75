#pragma once
// The checks that need nothing but the answer: exact, contains, regex, ROUGE-L, JSON-schema
// validity. Each gives a score in 0..1 and, where it failed, a few words on why. (The embedding
// and judge checks call models: eval/runner.)
#include <string>
#include <string_view>
#include <vector>

#include "eval/dataset.h"

namespace sy::eval {

struct CheckScore {
  double score = 0;
  std::string note;  // why it failed, or what the model said (judge); "" when it passed plainly
};

// Text compared the way a reader would: NFC is not applied, but case (ASCII), surrounding
// whitespace and runs of whitespace are not counted.
std::string normalize(std::string_view text);

// Tokens for ROUGE-L: runs of ASCII letters and digits, lowercased, and every other non-space,
// non-punctuation character on its own (a Han character is a word; Chinese has no spaces).
std::vector<std::string> rouge_tokens(std::string_view text);
// ROUGE-L F1 over those tokens (longest common subsequence; Lin 2004 with beta = 1).
double rouge_l(std::string_view candidate, std::string_view reference);

// A check that needs no model; `expected` is the item's (empty if none).
CheckScore score_text_check(const Check& check, std::string_view answer, std::string_view expected);

double cosine(const std::vector<float>& a, const std::vector<float>& b);

// A judge's reply to the grading prompt (eval/runner) as a score: the first digit 1..5 it gives,
// mapped to 0..1 ((n - 1) / 4); none = nullopt.
std::optional<double> judge_score(std::string_view reply);

}  // namespace sy::eval
