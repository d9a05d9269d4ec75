#pragma once
// What answers can be grounded on (a model's or a route's `rag.index`), read into FAQ entries so
// the same BM25 index (FaqMatcher) ranks them:
// - a JSONL file: {"question", "answer"} pairs (the FAQ's own format, "alternates" included) or
//   {"text"} passages, each with an optional "id";
// - a folder of .md and .txt files (not recursive): each paragraph (lines up to a blank line) is
//   a passage, titled by the Markdown heading above it, else by its first sentence; its id is
//   FILE#N.
// An entry's "question" is what a query is measured against for the 0..1 score; its "answer" is
// the passage text the model is given.
#include <string>
#include <vector>

#include "core/result.h"
#include "router/faq_matcher.h"

namespace sy::router {

core::Result<std::vector<FaqEntry>> load_passages(const std::string& path);

// The passage as the model is shown it: a question/answer pair as "Q: ...\nA: ...", a text
// passage as it is.
std::string passage_text(const FaqEntry& e);

}  // namespace sy::router
