#pragma once
// BM25 over a FAQ (question/answer pairs, English and Chinese). The router asks it how well a
// request matches the company's FAQ: a good match is cheap for the local model (it was trained on
// these), and a near-certain one can be answered from the FAQ itself without any model.
//
// Latin text is split into lower-cased words; Han text into overlapping character bigrams, the
// usual choice for Chinese without a dictionary. The score is normalised to 0..1 by the matched
// entry's own question, so asking exactly an FAQ question scores 1. Only the start of a long
// query (512 bytes) is looked at: an FAQ question is short, and a 16 KB prompt is not one.
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"

namespace sy::router {

struct FaqEntry {
  std::string id;
  std::string question;
  std::string answer;
  std::vector<std::string> alternates;  // other ways people ask the same question
  std::string topic;                    // the group it belongs to ("leave"); empty = none given
};

struct FaqMatch {
  const FaqEntry* entry = nullptr;  // null = nothing shares a term with the query
  double score = 0;                 // 0..1
};

class FaqMatcher {
 public:
  // A JSONL file with `question` and `answer` (and optional `id` and `alternates`, an array of
  // other phrasings) per line, or anything else load_passages (router/passages.h) reads.
  static core::Result<std::shared_ptr<const FaqMatcher>> load(const std::string& file);
  static std::shared_ptr<const FaqMatcher> from_entries(std::vector<FaqEntry> entries);

  FaqMatch best(std::string_view query) const;
  // The `k` best entries scoring at least `min_score`, best first (retrieval for grounding).
  std::vector<FaqMatch> top(std::string_view query, size_t k, double min_score) const;
  size_t size() const { return entries_.size(); }
  const std::vector<FaqEntry>& entries() const { return entries_; }

  static std::vector<std::string> terms(std::string_view text);

 private:
  // Scores of every entry for the query's terms: one index lookup per distinct query term.
  std::vector<double> scores(const std::unordered_map<std::string, int>& query_terms) const;
  // What a query's terms weigh together (their idf; a term no document holds weighs the most).
  double query_weight(const std::unordered_map<std::string, int>& query_terms) const;
  // 0..1: the raw score over the geometric mean of what the document's phrasing scores against it
  // and what the query weighs, so neither a short phrasing nor a long query that shares one word
  // with it looks like a match.
  double normalized(size_t doc, double raw, double query_weight) const;

  struct Posting {
    uint32_t doc;
    int tf;
  };
  // One document per phrasing of an entry (its question, then each alternate), each with the
  // entry's answer: a query is matched against the closest way of asking, and an entry scores
  // what its best phrasing scores.
  std::vector<FaqEntry> entries_;
  std::vector<uint32_t> doc_entry_;  // document -> entry
  std::unordered_map<std::string, std::vector<Posting>> postings_;  // term -> entries holding it
  std::vector<double> doc_len_;
  std::vector<double> self_score_;
  double avg_len_ = 1;
};

}  // namespace sy::router
