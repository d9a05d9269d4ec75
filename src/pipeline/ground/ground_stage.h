#pragma once
// Grounded answers (a route's or a model's `rag`): after routing, the request's last user turn is
// looked up in the index, and the best passages (at most top_k) go to the model in a system
// message, with an instruction to answer from them. A passage qualifies by its BM25 score
// (min_score) or, when the rag names an embedding model, by its embedding's cosine similarity to
// the question (min_similarity); the two rankings are fused by reciprocal rank. The passages used
// are named in the audit record and in /v1/route/explain (a dry run grounds too: nothing is held).
//
// Which `rag` applies: the route's, when the request names a route that has one; else that of the
// model that would answer first. Answers from the FAQ itself are not grounded.
//
// Passages are company text: each is scanned once, at start, and one the privacy scanner finds
// personal data or secrets in is given only to requests whose every candidate keeps data in-house.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "pipeline/stage.h"
#include "privacy/scanner.h"
#include "router/faq_matcher.h"
#include "serving/registry.h"

namespace sy::pipeline {

class GroundStage final : public Stage {
 public:
  // Reads every index the config names, once each; an index that cannot be read is an error.
  static core::Result<std::shared_ptr<const GroundStage>> create(const config::Config& config,
                                                                 std::shared_ptr<const privacy::Scanner> scanner,
                                                                 const serving::Registry& registry);
  // Whether any route or model is grounded: otherwise the stage is not in the chain.
  static bool wanted(const config::Config& config);

  std::string_view name() const override { return "ground"; }
  bool admission() const override { return true; }
  FilterPtr start(RequestState& state) const override;

  // The request's passages, best first, added to its system message.
  http::awaitable<void> ground(RequestState& s) const;

 private:
  struct Index {
    std::shared_ptr<const router::FaqMatcher> matcher;
    std::map<const router::FaqEntry*, bool> sensitive;  // by passage
    // Embeddings of the passages, in the matcher's entry order, per embedding model: made on
    // first use (the model may still be loading at start).
    std::mutex mu;
    std::map<std::string, std::shared_ptr<const std::vector<std::vector<float>>>> vectors;
    std::map<std::string, bool> warned;  // by model: its failure to embed was logged (once, not per request)
  };
  struct Candidate {
    const router::FaqEntry* entry;
    double score;  // what qualified it: its BM25 score or its cosine similarity
    double fused;  // reciprocal-rank fusion of the rankings it is in
  };
  GroundStage(const config::Config& config, const serving::Registry& registry);
  const config::RagConfig* rag_for(const RequestState& s) const;
  // Cosine similarity of every passage to `query`, in entry order; none when the model cannot
  // embed now (then BM25 ranks alone).
  http::awaitable<std::optional<std::vector<double>>> similarities(Index& index, const std::string& model,
                                                                   const std::string& query) const;

  const config::Config& config_;
  const serving::Registry& registry_;
  std::map<std::string, std::unique_ptr<Index>> indexes_;  // by index path
  std::unique_ptr<Filter> filter_;                          // stateless: one for every request
};

// The system message text that carries `passages` to the model.
std::string grounding_text(const std::vector<std::string>& passages);

}  // namespace sy::pipeline
