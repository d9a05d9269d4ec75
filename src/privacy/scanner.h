#pragma once
// The privacy scanner: decides whether a text holds personal data or secrets, and where.
//
// All patterns are compiled once, at start-up, into two Hyperscan databases (see patterns.h for
// why two); a scan is one pass over the text plus small windows, then C++ checks (checksums,
// boundaries, placeholders) to cut false alarms. A Scanner is immutable and scan() is thread-safe:
// each thread keeps its own Hyperscan scratch space.
//
// Fails closed: if Hyperscan reports an error or the scan runs past its time budget, the result is
// failed = true and sensitive = true, so a request nobody could check never reaches a cloud model.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "privacy/finding.h"
#include "privacy/offsets.h"  // char_offsets: findings are shown to users in code points

struct hs_database;
struct hs_scratch;
namespace sy::line_model {
class LineModel;
}

namespace sy::privacy {

// The line model's default threshold. Chosen on the development sets, each scored by a model
// trained without it (tests/privacy/dataset_test.cpp, "...OnSetsItNeverSaw"): where the rules and
// the model together gain most recall for a precision still near the rules' own.
inline constexpr float kDefaultLineModelThreshold = 0.8f;

struct ScanResult {
  bool sensitive = false;
  bool failed = false;
  std::vector<Finding> findings;  // sorted by start, disjoint, byte offsets
  // The line model's score (0..1) when it was asked: only when the rules found nothing, and the
  // scanner has a model. -1: not asked. Sensitive by the model alone: sensitive, no findings.
  float model_score = -1;
  size_t model_window_start = 0, model_window_end = 0;  // the window that scored it, byte offsets
  bool by_model() const { return sensitive && !failed && findings.empty() && model_score >= 0; }
};

struct ScannerOptions {
  std::vector<std::string> dictionary_files;  // confidential terms, one per line
  std::vector<std::string> dictionary_terms;  // more terms, given inline
  std::chrono::microseconds budget{50000};    // per scan() call
  // People with personal facts, addresses, labelled numbers, birth dates (context.h). Off: values
  // with a shape and dictionary terms only (privacy.context: false).
  bool context_detectors = true;
  // A second judge of what the context rules miss (line_model/model.h): asked about a text the
  // rules found nothing in; a score at or past the threshold makes the text sensitive. Null: rules
  // only (privacy.model.enabled: false; and always for redaction and the output guard, which want
  // spans, not a verdict).
  const line_model::LineModel* line_model = nullptr;
  float line_model_threshold = kDefaultLineModelThreshold;
};

class Scanner {
 public:
  // Loads the dictionaries and compiles the patterns; errors name the file or the pattern.
  static core::Result<std::shared_ptr<const Scanner>> create(const ScannerOptions& options);

  ScanResult scan(std::string_view text) const;

  size_t dictionary_size() const { return terms_.size(); }

  ~Scanner();
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;

 private:
  struct DatabaseDeleter {
    void operator()(hs_database* db) const;
  };
  using Database = std::unique_ptr<hs_database, DatabaseDeleter>;
  struct ScanState;

  Scanner() = default;
  static int on_stage1_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void* ctx);
  static int on_stage2_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void* ctx);
  hs_scratch* thread_scratch() const;
  bool run_stage1(ScanState& state, hs_scratch* scratch) const;
  bool run_stage2(ScanState& state, hs_scratch* scratch) const;

  // What a stage-1 expression is, by its id.
  enum class Stage1Role : uint8_t { direct, trigger, term, fact_word, fact_pattern, street };
  struct Stage1Id {
    Stage1Role role;
    uint32_t index;  // into direct_patterns(), trigger_patterns(), terms_, the lexicon's facts, fact_patterns()
  };

  Database stage1_;  // direct anchors, triggers, dictionary terms, fact words; end offsets only
  Database stage2_;  // exact shapes, leftmost start offsets, run on windows around triggers
  std::vector<std::string> terms_;
  std::vector<Stage1Id> stage1_ids_;
  const line_model::LineModel* line_model_ = nullptr;
  float line_model_threshold_ = kDefaultLineModelThreshold;
  size_t max_stage1_match_ = 0;  // how much consecutive segments of a huge text overlap
  std::chrono::microseconds budget_{0};
  uint64_t id_ = 0;  // tells a thread's scratch space which scanner it was last fitted to
};

}  // namespace sy::privacy
