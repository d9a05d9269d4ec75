#include "router/faq_matcher.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "core/utf8.h"
#include "router/passages.h"

namespace sy::router {

namespace {

constexpr double kK1 = 1.2;
constexpr double kB = 0.75;
constexpr size_t kMaxQueryBytes = 512;

// Words that say nothing about which FAQ entry is meant.
const std::unordered_set<std::string> kStopwords = {
    "a", "an", "the", "is", "are", "am", "do", "does", "did", "i", "my", "me", "we", "our", "you", "your", "to",
    "of", "in", "on", "for", "and", "or", "it", "can", "how", "what", "when", "where", "which", "who", "with",
    "be", "at", "if", "there", "this", "that", "have", "has", "get", "should", "will", "would", "please"};

std::unordered_map<std::string, int> counted(const std::vector<std::string>& terms) {
  std::unordered_map<std::string, int> m;
  for (const auto& t : terms) ++m[t];
  return m;
}

}  // namespace

std::vector<std::string> FaqMatcher::terms(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  std::vector<std::string> han;  // the current run of Han characters, one string each
  auto end_word = [&] {
    if (!word.empty() && !kStopwords.count(word)) out.push_back(word);
    word.clear();
  };
  auto end_han = [&] {
    if (han.size() == 1) out.push_back(han[0]);
    for (size_t k = 0; k + 1 < han.size(); ++k) out.push_back(han[k] + han[k + 1]);
    han.clear();
  };
  for (size_t i = 0; i < text.size();) {
    size_t at = i;
    char32_t cp = core::next_code_point(text, i);
    if (cp < 0x80 && std::isalnum(static_cast<int>(cp))) {
      end_han();
      word += static_cast<char>(std::tolower(static_cast<int>(cp)));
    } else if (core::is_han(cp)) {
      end_word();
      han.emplace_back(text.substr(at, i - at));
    } else {
      end_word();
      end_han();
    }
  }
  end_word();
  end_han();
  return out;
}

std::shared_ptr<const FaqMatcher> FaqMatcher::from_entries(std::vector<FaqEntry> entries) {
  auto m = std::make_shared<FaqMatcher>();
  m->entries_ = std::move(entries);
  double total = 0;
  std::vector<const std::string*> phrasings;  // per document
  for (uint32_t e = 0; e < m->entries_.size(); ++e) {
    const auto& entry = m->entries_[e];
    phrasings.push_back(&entry.question);
    for (const auto& a : entry.alternates) phrasings.push_back(&a);
    while (m->doc_entry_.size() < phrasings.size()) m->doc_entry_.push_back(e);
  }
  for (uint32_t d = 0; d < phrasings.size(); ++d) {
    // The answer's words count too: people ask with the answer's vocabulary ("reimbursement").
    double len = 0;
    for (const auto& [t, n] : counted(terms(*phrasings[d] + "\n" + m->entries_[m->doc_entry_[d]].answer))) {
      m->postings_[t].push_back({d, n});
      len += n;
    }
    total += len;
    m->doc_len_.push_back(len);
  }
  m->avg_len_ = phrasings.empty() ? 1 : std::max(1.0, total / static_cast<double>(phrasings.size()));
  for (size_t d = 0; d < phrasings.size(); ++d) m->self_score_.push_back(m->scores(counted(terms(*phrasings[d])))[d]);
  return m;
}

// The FAQ file is read as a grounding index is (router/passages): one reader of the JSONL format.
core::Result<std::shared_ptr<const FaqMatcher>> FaqMatcher::load(const std::string& file) {
  auto entries = load_passages(file);
  if (!entries) return entries.error();
  return from_entries(std::move(*entries));
}

std::vector<double> FaqMatcher::scores(const std::unordered_map<std::string, int>& query_terms) const {
  const double n_docs = static_cast<double>(doc_entry_.size());
  std::vector<double> out(doc_entry_.size(), 0.0);
  for (const auto& [term, qn] : query_terms) {
    auto it = postings_.find(term);
    if (it == postings_.end()) continue;
    double df = static_cast<double>(it->second.size());
    double idf = std::log(1 + (n_docs - df + 0.5) / (df + 0.5));
    for (const auto& [doc, n] : it->second) {
      double tf = n;
      out[doc] += idf * tf * (kK1 + 1) / (tf + kK1 * (1 - kB + kB * doc_len_[doc] / avg_len_));
    }
  }
  return out;
}

namespace {
std::string_view head_of(std::string_view query) {
  if (query.size() > kMaxQueryBytes) {
    query = query.substr(0, kMaxQueryBytes);
    while (!query.empty() && core::is_continuation(query.back())) query.remove_suffix(1);
  }
  return query;
}
}  // namespace

double FaqMatcher::query_weight(const std::unordered_map<std::string, int>& query_terms) const {
  const double n_docs = static_cast<double>(doc_entry_.size());
  double w = 0;
  for (const auto& [term, qn] : query_terms) {
    auto it = postings_.find(term);
    double df = it == postings_.end() ? 0 : static_cast<double>(it->second.size());
    double tf = qn;
    w += std::log(1 + (n_docs - df + 0.5) / (df + 0.5)) * tf * (kK1 + 1) / (tf + kK1);
  }
  return w;
}

double FaqMatcher::normalized(size_t doc, double raw, double query_weight) const {
  double scale = std::sqrt(self_score_[doc] * query_weight);
  return scale > 0 ? std::min(1.0, raw / scale) : 0;
}

FaqMatch FaqMatcher::best(std::string_view query) const {
  FaqMatch m;
  auto q = counted(terms(head_of(query)));
  if (q.empty()) return m;
  auto s = scores(q);
  const double qw = query_weight(q);
  double best_raw = 0;
  for (size_t d = 0; d < s.size(); ++d) {
    if (s[d] > best_raw) {
      best_raw = s[d];
      m.entry = &entries_[doc_entry_[d]];
      m.score = normalized(d, s[d], qw);
    }
  }
  return m;
}

std::vector<FaqMatch> FaqMatcher::top(std::string_view query, size_t k, double min_score) const {
  std::vector<FaqMatch> out;
  auto q = counted(terms(head_of(query)));
  if (q.empty() || k == 0) return out;
  auto s = scores(q);
  const double qw = query_weight(q);
  // Ranked by the raw BM25 score, as best() picks; the floor is on the normalized one. An entry
  // counts once, by its best phrasing.
  std::vector<size_t> order;
  for (size_t d = 0; d < s.size(); ++d) {
    if (s[d] > 0 && normalized(d, s[d], qw) >= min_score) order.push_back(d);
  }
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return s[a] > s[b]; });
  std::vector<bool> taken(entries_.size(), false);
  for (size_t d : order) {
    if (out.size() == k) break;
    if (taken[doc_entry_[d]]) continue;
    taken[doc_entry_[d]] = true;
    out.push_back({&entries_[doc_entry_[d]], normalized(d, s[d], qw)});
  }
  return out;
}

}  // namespace sy::router
