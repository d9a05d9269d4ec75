#include "privacy/scanner.h"

#include <hs/hs.h>

#include <algorithm>
#include <atomic>

#include "privacy/dictionary.h"
#include "privacy/overlaps.h"
#include "privacy/patterns.h"

namespace sy::privacy {
namespace {

using Clock = std::chrono::steady_clock;

// Huge texts are scanned in segments so that the time budget is looked at between them even when
// nothing matches (Hyperscan calls back only on matches). 1 MiB takes about a millisecond.
constexpr size_t kSegment = size_t{1} << 20;
// Looking at the clock on every match would cost more than the match; every 512th is plenty.
constexpr unsigned kClockEvery = 512;

std::atomic<uint64_t> g_next_scanner_id{1};

// One Hyperscan scratch per thread, grown to fit every scanner the thread has used (a scratch
// allocated for one database can be grown for another and stays valid for both), so replacing the
// scanner on a config reload needs no coordination with the threads that scan.
struct ThreadScratch {
  hs_scratch_t* scratch = nullptr;
  uint64_t fitted_for = 0;
  ~ThreadScratch() {
    if (scratch != nullptr) hs_free_scratch(scratch);
  }
};

std::string compile_error_text(hs_compile_error_t* error, const std::vector<std::string>& names) {
  std::string text = error->message;
  if (error->expression >= 0 && static_cast<size_t>(error->expression) < names.size()) {
    text += " (in " + names[static_cast<size_t>(error->expression)] + ")";
  }
  hs_free_compile_error(error);
  return text;
}

struct Compiled {
  hs_database_t* db = nullptr;
  std::string error;
};

Compiled compile(const std::vector<std::string>& expressions, const std::vector<unsigned>& flags,
                 const std::vector<std::string>& names) {
  std::vector<const char*> exprs;
  std::vector<unsigned> ids;
  for (size_t i = 0; i < expressions.size(); ++i) {
    exprs.push_back(expressions[i].c_str());
    ids.push_back(static_cast<unsigned>(i));
  }
  Compiled out;
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK,
                       nullptr, &out.db, &error) != HS_SUCCESS) {
    out.error = compile_error_text(error, names);
    out.db = nullptr;
  }
  return out;
}

}  // namespace

struct Window {
  size_t buffer_start;  // where the window's copy starts in ScanState::buffer
  size_t text_start;    // where the window starts in the text
};

struct Scanner::ScanState {
  const Scanner& scanner;
  std::string_view text;
  size_t base = 0;  // stage 1: offset of the segment being scanned
  Clock::time_point deadline;
  std::vector<Finding> found;
  std::vector<size_t> triggers;  // ends of trigger matches, stage 2 looks around them
  std::string buffer;             // stage 2: the windows, one after another
  std::vector<Window> windows;
  unsigned calls = 0;
  bool expired = false;

  bool out_of_time() {
    if (!expired && Clock::now() > deadline) expired = true;
    return expired;
  }
  bool tick() { return ++calls % kClockEvery == 0 && out_of_time(); }
};

void Scanner::DatabaseDeleter::operator()(hs_database* db) const { hs_free_database(db); }

Scanner::~Scanner() = default;

core::Result<std::shared_ptr<const Scanner>> Scanner::create(const ScannerOptions& options) {
  if (hs_valid_platform() != HS_SUCCESS) {
    return core::Error::internal("privacy scanner: this CPU lacks SSSE3, which Hyperscan needs");
  }
  auto terms = load_dictionaries(options.dictionary_files);
  if (!terms) return terms.error();

  std::shared_ptr<Scanner> scanner(new Scanner());
  scanner->terms_ = std::move(*terms);
  scanner->budget_ = options.budget;
  scanner->id_ = g_next_scanner_id.fetch_add(1);

  // Stage 1: ids are [direct..., triggers..., terms...] in that order.
  std::vector<std::string> expressions, names;
  std::vector<unsigned> flags;
  for (const auto& p : direct_patterns()) {
    expressions.emplace_back(p.expression);
    flags.push_back(p.flags);
    names.push_back(std::string(to_string(p.kind)) + " pattern " + p.expression);
  }
  for (const auto& p : trigger_patterns()) {
    expressions.emplace_back(p.expression);
    flags.push_back(p.flags);
    names.push_back(std::string("trigger ") + p.expression);
  }
  size_t longest_term = 0;
  for (const auto& term : scanner->terms_) {
    expressions.push_back(literal_expression(term));
    flags.push_back(HS_FLAG_CASELESS);  // ASCII letters only: without HS_FLAG_UTF8, case folding is ASCII
    names.push_back("dictionary term #" + std::to_string(names.size() - direct_patterns().size() -
                                                         trigger_patterns().size() + 1));
    longest_term = std::max(longest_term, term.size());
  }
  // Stage 1 matches are short anchors (< 100 bytes) or whole terms.
  scanner->max_stage1_match_ = std::max<size_t>(256, longest_term + 1);
  auto stage1 = compile(expressions, flags, names);
  if (stage1.db == nullptr) return core::Error::internal("privacy scanner: " + stage1.error);
  scanner->stage1_.reset(stage1.db);

  expressions.clear(), names.clear(), flags.clear();
  for (const auto& p : shape_patterns()) {
    expressions.emplace_back(p.expression);
    flags.push_back(p.flags | HS_FLAG_SOM_LEFTMOST);
    names.push_back(std::string(to_string(p.kind)) + " pattern " + p.expression);
  }
  auto stage2 = compile(expressions, flags, names);
  if (stage2.db == nullptr) return core::Error::internal("privacy scanner: " + stage2.error);
  scanner->stage2_.reset(stage2.db);
  return std::shared_ptr<const Scanner>(std::move(scanner));
}

int Scanner::on_stage1_match(unsigned id, unsigned long long /*from*/, unsigned long long to, unsigned /*flags*/,
                             void* ctx) {
  auto& state = *static_cast<ScanState*>(ctx);
  size_t end = state.base + static_cast<size_t>(to);
  auto direct = direct_patterns();
  auto triggers = trigger_patterns();
  if (id < direct.size()) {
    if (auto span = direct[id].extract(state.text, end)) state.found.push_back({direct[id].kind, span->start, span->end});
  } else if (id < direct.size() + triggers.size()) {
    state.triggers.push_back(end);
  } else {
    const std::string& term = state.scanner.terms_[id - direct.size() - triggers.size()];
    if (auto span = dictionary_match(state.text, end, term)) {
      state.found.push_back({Kind::confidential_term, span->start, span->end});
    }
  }
  return state.tick() ? 1 : 0;
}

int Scanner::on_stage2_match(unsigned id, unsigned long long from, unsigned long long to, unsigned /*flags*/,
                             void* ctx) {
  auto& state = *static_cast<ScanState*>(ctx);
  const ShapePattern& p = shape_patterns()[id];
  // Back from the window buffer to the text: the window holding the match's start.
  auto window = std::upper_bound(state.windows.begin(), state.windows.end(), static_cast<size_t>(from),
                                 [](size_t offset, const Window& w) { return offset < w.buffer_start; });
  --window;
  size_t start = window->text_start + (static_cast<size_t>(from) - window->buffer_start);
  size_t end = start + static_cast<size_t>(to - from);
  if (auto span = p.check(state.text, start, end)) state.found.push_back({p.kind, span->start, span->end});
  return state.tick() ? 1 : 0;
}

hs_scratch* Scanner::thread_scratch() const {
  thread_local ThreadScratch tls;
  if (tls.fitted_for != id_) {
    if (hs_alloc_scratch(stage1_.get(), &tls.scratch) != HS_SUCCESS) return nullptr;
    if (hs_alloc_scratch(stage2_.get(), &tls.scratch) != HS_SUCCESS) return nullptr;
    tls.fitted_for = id_;
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
    hs_error_t rc = hs_scan(stage1_.get(), text.data() + start, static_cast<unsigned>(len), 0, scratch,
                            on_stage1_match, &state);
    if (rc != HS_SUCCESS) return false;  // HS_SCAN_TERMINATED: the budget ran out in a callback
    if (state.out_of_time()) return false;
  }
  return true;
}

bool Scanner::run_stage2(ScanState& state, hs_scratch* scratch) const {
  if (state.triggers.empty()) return true;
  // The windows around triggers, merged where they overlap, copied one after another with a '\n'
  // between them (no shape contains one, so no match spans two windows) and scanned in one call:
  // Hyperscan's fixed cost per call is larger than scanning a 100-byte window.
  const std::string_view text = state.text;
  std::sort(state.triggers.begin(), state.triggers.end());
  size_t i = 0;
  while (i < state.triggers.size()) {
    size_t lo = state.triggers[i] > kWindowRadius ? state.triggers[i] - kWindowRadius : 0;
    size_t hi = std::min(text.size(), state.triggers[i] + kWindowRadius);
    while (++i < state.triggers.size() && state.triggers[i] <= hi + kWindowRadius) {
      hi = std::min(text.size(), state.triggers[i] + kWindowRadius);
    }
    state.windows.push_back({state.buffer.size(), lo});
    state.buffer.append(text.substr(lo, hi - lo));
    state.buffer.push_back('\n');
  }
  hs_error_t rc = hs_scan(stage2_.get(), state.buffer.data(), static_cast<unsigned>(state.buffer.size()), 0, scratch,
                          on_stage2_match, &state);
  return rc == HS_SUCCESS && !state.out_of_time();
}

ScanResult Scanner::scan(std::string_view text) const {
  ScanResult result;
  if (text.empty()) return result;
  ScanState state{*this, text};
  state.deadline = Clock::now() + budget_;
  hs_scratch* scratch = thread_scratch();
  bool ok = scratch != nullptr && run_stage1(state, scratch) && run_stage2(state, scratch) && !state.out_of_time();
  result.findings = resolve_overlaps(std::move(state.found));
  result.failed = !ok;
  result.sensitive = result.failed || !result.findings.empty();
  return result;
}

}  // namespace sy::privacy
