#include "privacy/scanner.h"

#include <hs/hs.h>

#include <algorithm>
#include <array>
#include <atomic>

#include "core/utf8.h"
#include "line_model/model.h"
#include "privacy/boundaries.h"
#include "privacy/context.h"
#include "privacy/dictionary.h"
#include "privacy/extractors.h"
#include "privacy/lexicon.h"
#include "privacy/overlaps.h"
#include "privacy/patterns.h"

namespace sy::privacy {
namespace {

using Clock = std::chrono::steady_clock;

// Hyperscan calls back only on matches, so a long text without any would never look at the clock:
// both stages scan at most this much per call and look at the clock between calls (about a
// millisecond of work each).
constexpr size_t kSegment = size_t{1} << 20;
// Looking at the clock on every match would cost more than the match; every 512th is plenty.
constexpr unsigned kClockEvery = 512;

std::atomic<uint64_t> g_next_scanner_id{1};

// One Hyperscan scratch per thread, grown to fit every scanner the thread has used (a scratch
// allocated for one database can be grown for another and stays valid for both), so replacing the
// scanner on a config reload needs no coordination with the threads that scan.
// A thread commonly alternates between scanners (the request's and the output guard's); refitting
// on every switch cost more than the scan itself (hs_alloc_scratch reallocates), so the scratch
// remembers every scanner it fits. A handful at most; on a reload the list starts again.
struct ThreadScratch {
  static constexpr size_t kMaxFitted = 8;
  hs_scratch_t* scratch = nullptr;
  std::array<uint64_t, kMaxFitted> fitted_for{};
  size_t fitted = 0;
  bool fits(uint64_t id) const {
    auto end = fitted_for.begin() + fitted;
    return std::find(fitted_for.begin(), end, id) != end;
  }
  void remember(uint64_t id) {
    if (fitted == kMaxFitted) fitted = 0;  // forget the old ones; they are refitted when next used
    fitted_for[fitted++] = id;
  }
  ~ThreadScratch() {
    if (scratch != nullptr) hs_free_scratch(scratch);
  }
};

struct PatternList {
  std::vector<std::string> expressions;
  std::vector<unsigned> flags;
  std::vector<std::string> names;  // for compile errors

  void add(std::string expression, unsigned flag, std::string name) {
    expressions.push_back(std::move(expression));
    flags.push_back(flag);
    names.push_back(std::move(name));
  }
};

// Compiles the list (ids = positions) into a block-mode database, or says which pattern failed.
core::Result<hs_database_t*> compile(const PatternList& list) {
  std::vector<const char*> expressions;
  std::vector<unsigned> ids;
  for (size_t i = 0; i < list.expressions.size(); ++i) {
    expressions.push_back(list.expressions[i].c_str());
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(expressions.data(), list.flags.data(), ids.data(), static_cast<unsigned>(expressions.size()),
                       HS_MODE_BLOCK, nullptr, &db, &error) == HS_SUCCESS) {
    return db;
  }
  std::string message = std::string("privacy scanner: ") + error->message;
  if (error->expression >= 0 && static_cast<size_t>(error->expression) < list.names.size()) {
    message += " (in " + list.names[static_cast<size_t>(error->expression)] + ")";
  }
  hs_free_compile_error(error);
  return core::Error::internal(std::move(message));
}

// A stretch of text stage 2 must look at; `last` is the latest trigger end inside it.
struct Range {
  size_t lo, hi, last;
};

// A window copied into the stage-2 buffer.
struct Window {
  size_t buffer_start;  // where its copy starts in the buffer
  size_t text_start;    // where it starts in the text
};

}  // namespace

struct Scanner::ScanState {
  const Scanner& scanner;
  std::string_view text;
  Clock::time_point deadline;
  size_t base = 0;  // stage 1: offset of the segment being scanned
  std::vector<Finding> found;
  std::vector<Finding> facts;  // stage 1 -> stage 3: personal-fact words, sensitive only near a name
  std::vector<Range> ranges;   // stage 1 -> stage 2
  std::string buffer;         // stage 2: windows one after another
  std::vector<Window> windows;
  unsigned calls = 0;
  bool expired = false;

  bool out_of_time() {
    if (!expired && Clock::now() > deadline) expired = true;
    return expired;
  }
  bool tick() { return ++calls % kClockEvery == 0 && out_of_time(); }

  // Triggers mostly arrive in order and in bunches (a long number fires at each digit), so they
  // are merged as they come: memory stays at one entry per window, not per trigger.
  void add_trigger(size_t end) {
    size_t lo = end > kWindowRadius ? end - kWindowRadius : 0;
    size_t hi = std::min(text.size(), end + kWindowRadius);
    if (!ranges.empty() && end >= ranges.back().last && lo <= ranges.back().hi) {
      ranges.back().hi = std::max(ranges.back().hi, hi);
      ranges.back().last = end;
    } else {
      ranges.push_back({lo, hi, end});
    }
  }
};

void Scanner::DatabaseDeleter::operator()(hs_database* db) const { hs_free_database(db); }

Scanner::~Scanner() = default;

core::Result<std::shared_ptr<const Scanner>> Scanner::create(const ScannerOptions& options) {
  if (hs_valid_platform() != HS_SUCCESS) {
    return core::Error::internal("privacy scanner: this CPU lacks SSSE3, which Hyperscan needs");
  }
  auto terms = load_dictionaries(options.dictionary_files);
  if (!terms) return terms.error();
  for (const auto& t : options.dictionary_terms) {
    if (!t.empty()) terms->push_back(t);
  }

  std::shared_ptr<Scanner> scanner(new Scanner());
  scanner->terms_ = std::move(*terms);
  scanner->budget_ = options.budget;
  scanner->line_model_ = options.line_model;
  scanner->line_model_threshold_ = options.line_model_threshold;
  scanner->id_ = g_next_scanner_id.fetch_add(1);

  // Stage 1: each expression's id is its place in stage1_ids_, which says what it is and which one
  // (see on_stage1_match).
  PatternList stage1;
  auto add = [&](std::string expression, unsigned flags, std::string name, Stage1Role role, size_t index) {
    stage1.add(std::move(expression), flags, std::move(name));
    scanner->stage1_ids_.push_back({role, static_cast<uint32_t>(index)});
  };
  const bool context = options.context_detectors;
  for (size_t i = 0; i < direct_patterns().size(); ++i) {
    const DirectPattern& p = direct_patterns()[i];
    if (!context && p.kind >= Kind::person) continue;
    add(p.expression, p.flags, std::string(to_string(p.kind)) + " pattern " + p.expression, Stage1Role::direct, i);
  }
  for (size_t i = 0; i < trigger_patterns().size(); ++i) {
    const TriggerPattern& p = trigger_patterns()[i];
    add(p.expression, p.flags, std::string("trigger ") + p.expression, Stage1Role::trigger, i);
  }
  size_t longest_term = 0;
  for (size_t i = 0; i < scanner->terms_.size(); ++i) {
    // Without HS_FLAG_UTF8, case folding is ASCII only: exactly "case-insensitive for Latin".
    add(literal_expression(scanner->terms_[i]), HS_FLAG_CASELESS, "dictionary term #" + std::to_string(i + 1),
        Stage1Role::term, i);
    longest_term = std::max(longest_term, scanner->terms_[i].size());
  }
  scanner->max_stage1_match_ = std::max<size_t>(256, longest_term + 1);  // anchors are < 100 bytes
  if (context) {
    // The lexicon's personal-fact words (case-insensitive), the fact patterns, and one
    // expression for the street types that end a Latin address ("12 Elm Street"), case-sensitive:
    // "street" in prose is not an address.
    const Lexicon& lexicon = Lexicon::get();
    for (size_t i = 0; i < lexicon.facts().size(); ++i) {
      // Case-insensitive only where there is a Latin letter (住ICU is 住icu): a caseless pattern
      // costs Hyperscan more, and most Han terms have none.
      const FactTerm& fact = lexicon.facts()[i];
      bool letters = std::any_of(fact.text.begin(), fact.text.end(), is_alpha);
      add(literal_expression(fact.text), letters ? HS_FLAG_CASELESS : 0, "fact word " + fact.text, Stage1Role::fact_word, i);
    }
    for (size_t i = 0; i < fact_patterns().size(); ++i) {
      const DirectPattern& p = fact_patterns()[i];
      add(p.expression, p.flags, std::string("fact pattern ") + p.expression, Stage1Role::fact_pattern, i);
    }
    std::string streets;
    for (const std::string& suffix : lexicon.latin_street_suffixes()) {
      if (!streets.empty()) streets += '|';
      streets += literal_expression(suffix);
    }
    if (!streets.empty()) add("[A-Za-z0-9] (?:" + streets + ")\\b", 0, "street types", Stage1Role::street, 0);
    // "42 castle street, edinburgh eh2 3bn" is an address too: the extractor wants a postcode after
    // a street written in lower case, so prose ("down main street") stays quiet. Only the street
    // types that are no everyday word: caseless " way", " place", " park" would wake the extractor
    // at every other sentence (bench/privacy_scan.sh).
    add("[a-z0-9] (?:street|st|road|rd|avenue|ave|lane|ln|boulevard|blvd|grove|terrace|crescent|gardens)\\b", 0,
        "street types in lower case", Stage1Role::street, 0);
  }

  PatternList stage2;
  for (const auto& p : shape_patterns()) {
    stage2.add(p.expression, p.flags | HS_FLAG_SOM_LEFTMOST,
               std::string(to_string(p.kind)) + " pattern " + p.expression);
  }

  auto db1 = compile(stage1);
  if (!db1) return db1.error();
  scanner->stage1_.reset(*db1);
  auto db2 = compile(stage2);
  if (!db2) return db2.error();
  scanner->stage2_.reset(*db2);
  return std::shared_ptr<const Scanner>(std::move(scanner));
}

namespace {

// Han fact words that the character before them turns into another word: 推迟到 / 延遲到 (postponed
// to, not late). Kept short: each entry is a known false reading, not a guess.
bool han_fact_inside_other_word(std::string_view text, size_t start, std::string_view fact) {
  struct Exception {
    std::string_view fact;
    std::string_view before;
  };
  static constexpr Exception kExceptions[] = {
      {"迟到", "推"}, {"遲到", "推"}, {"迟到", "延"}, {"遲到", "延"},
  };
  for (const auto& e : kExceptions) {
    if (fact == e.fact && text.substr(0, start).ends_with(e.before)) return true;
  }
  return false;
}

// "St ", "St. " or "Saint " right before pos: what follows is a saint's name.
bool after_saint(std::string_view text, size_t pos) {
  std::string_view before = text.substr(0, pos);
  return before.ends_with("St ") || before.ends_with("St. ") || before.ends_with("Saint ");
}

}  // namespace

int Scanner::on_stage1_match(unsigned id, unsigned long long /*from*/, unsigned long long to, unsigned /*flags*/,
                             void* ctx) {
  auto& state = *static_cast<ScanState*>(ctx);
  const size_t end = state.base + static_cast<size_t>(to);
  const Stage1Id what = state.scanner.stage1_ids_[id];
  switch (what.role) {
    case Stage1Role::direct: {
      const DirectPattern& p = direct_patterns()[what.index];
      if (auto span = p.extract(state.text, end)) state.found.push_back({p.kind, span->start, span->end});
      break;
    }
    case Stage1Role::trigger: state.add_trigger(end); break;
    case Stage1Role::term:
      if (auto span = dictionary_match(state.text, end, state.scanner.terms_[what.index])) {
        state.found.push_back({Kind::confidential_term, span->start, span->end});
      }
      break;
    case Stage1Role::fact_word: {
      const FactTerm& fact = Lexicon::get().facts()[what.index];
      size_t start = end - fact.text.size();
      // Latin words stand alone ("cancer", not "cancerous" unless written "cancer*"); Han need not,
      // except where the characters before make another word of them (推迟到四点 is postponed).
      bool latin = is_alpha(fact.text.front());
      if (!latin && han_fact_inside_other_word(state.text, start, fact.text)) break;
      if (latin && after_saint(state.text, start)) break;  // St Bride's, St Luke's: a church or a hospital
      if (!latin || (!before_is(state.text, start, is_alpha) && (fact.prefix || !at_is(state.text, end, is_alpha)))) {
        state.facts.push_back({fact.kind, start, end});
      }
      break;
    }
    case Stage1Role::fact_pattern: {
      const DirectPattern& p = fact_patterns()[what.index];
      if (auto span = p.extract(state.text, end)) state.facts.push_back({p.kind, span->start, span->end});
      break;
    }
    case Stage1Role::street:
      if (auto span = extract::latin_address(state.text, end)) state.found.push_back({Kind::address, span->start, span->end});
      break;
  }
  return state.tick() ? 1 : 0;  // non-zero stops the scan: HS_SCAN_TERMINATED
}

int Scanner::on_stage2_match(unsigned id, unsigned long long from, unsigned long long to, unsigned /*flags*/,
                             void* ctx) {
  auto& state = *static_cast<ScanState*>(ctx);
  // From the buffer back to the text: the window that holds the match (none spans two).
  auto window = std::upper_bound(state.windows.begin(), state.windows.end(), static_cast<size_t>(from),
                                 [](size_t offset, const Window& w) { return offset < w.buffer_start; });
  --window;
  size_t start = window->text_start + (static_cast<size_t>(from) - window->buffer_start);
  size_t end = start + static_cast<size_t>(to - from);
  const ShapePattern& p = shape_patterns()[id];
  if (auto span = p.check(state.text, start, end)) state.found.push_back({p.kind, span->start, span->end});
  return state.tick() ? 1 : 0;
}

hs_scratch* Scanner::thread_scratch() const {
  thread_local ThreadScratch tls;
  if (!tls.fits(id_)) {
    if (hs_alloc_scratch(stage1_.get(), &tls.scratch) != HS_SUCCESS) return nullptr;
    if (hs_alloc_scratch(stage2_.get(), &tls.scratch) != HS_SUCCESS) return nullptr;
    tls.remember(id_);
  }
  return tls.scratch;
}

bool Scanner::run_stage1(ScanState& state, hs_scratch* scratch) const {
  // Consecutive segments overlap by the longest possible match, so a value across a segment edge
  // is seen whole by one of them (seen twice is harmless: duplicates are dropped).
  const std::string_view text = state.text;
  for (size_t start = 0; start < text.size(); start += kSegment) {
    size_t len = std::min(text.size() - start, kSegment + max_stage1_match_);
    state.base = start;
    if (hs_scan(stage1_.get(), text.data() + start, static_cast<unsigned>(len), 0, scratch, on_stage1_match, &state) !=
        HS_SUCCESS) {
      return false;
    }
    if (state.out_of_time()) return false;
  }
  return true;
}

bool Scanner::run_stage2(ScanState& state, hs_scratch* scratch) const {
  // The windows, merged where they overlap, are copied one after another with a '\n' between them
  // (no shape contains one, so no match spans two windows) and scanned a segment at a time:
  // Hyperscan's fixed cost per call is larger than scanning one 70-byte window.
  std::sort(state.ranges.begin(), state.ranges.end(), [](const Range& a, const Range& b) { return a.lo < b.lo; });
  auto flush = [&] {
    if (state.buffer.empty()) return true;
    bool ok = hs_scan(stage2_.get(), state.buffer.data(), static_cast<unsigned>(state.buffer.size()), 0, scratch,
                      on_stage2_match, &state) == HS_SUCCESS;
    state.buffer.clear();
    state.windows.clear();
    return ok && !state.out_of_time();
  };
  size_t i = 0;
  while (i < state.ranges.size()) {
    size_t lo = state.ranges[i].lo, hi = state.ranges[i].hi;
    while (++i < state.ranges.size() && state.ranges[i].lo <= hi) hi = std::max(hi, state.ranges[i].hi);
    state.windows.push_back({state.buffer.size(), lo});
    state.buffer.append(state.text.substr(lo, hi - lo));
    state.buffer.push_back('\n');
    if (state.buffer.size() >= kSegment && !flush()) return false;
  }
  return flush();
}

ScanResult Scanner::scan(std::string_view text) const {
  ScanResult result;
  if (text.empty()) return result;
  ScanState state{*this, text, Clock::now() + budget_};
  hs_scratch* scratch = thread_scratch();
  bool ok = scratch != nullptr && run_stage1(state, scratch) && run_stage2(state, scratch) && !state.out_of_time();
  if (ok && (!state.facts.empty() || !state.found.empty())) {
    add_people(text, state.facts, state.found);
    ok = !state.out_of_time();
  }
  result.findings = resolve_overlaps(std::move(state.found));
  // A finding never cuts a character in two: redaction would leave half of one, and what goes on
  // to a model would not be UTF-8. (Every extractor means to keep to characters; this makes sure.)
  for (Finding& f : result.findings) {
    while (f.start > 0 && core::is_continuation(text[f.start])) --f.start;
    while (f.end < text.size() && core::is_continuation(text[f.end])) ++f.end;
  }
  result.failed = !ok;
  result.sensitive = result.failed || !result.findings.empty();
  if (!result.sensitive && line_model_) {
    std::string_view window;
    result.model_score = line_model_->score(text, line_model_threshold_, &window);
    result.model_window_start = static_cast<size_t>(window.data() - text.data());
    result.model_window_end = result.model_window_start + window.size();
    result.sensitive = result.model_score >= line_model_threshold_;
    // The budget covers the model too: a judgement that came too late is no judgement (fail closed).
    if (state.out_of_time()) result.failed = result.sensitive = true;
  }
  return result;
}

}  // namespace sy::privacy
