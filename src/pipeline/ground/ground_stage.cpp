#include "pipeline/ground/ground_stage.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include <spdlog/spdlog.h>

#include "core/request_text.h"
#include "providers/local/local_provider.h"
#include "router/passages.h"

namespace sy::pipeline {

namespace {

// Reciprocal-rank fusion's constant: ranks past the first few count for little.
constexpr double kRankConstant = 60;

std::vector<const config::RagConfig*> every_rag(const config::Config& c) {
  std::vector<const config::RagConfig*> out;
  for (const auto& m : c.models) {
    if (m.rag) out.push_back(&*m.rag);
  }
  for (const auto& r : c.routes) {
    if (r.rag) out.push_back(&*r.rag);
  }
  return out;
}

std::string score_text(double score) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", score);
  return buf;
}

// Passages go in the system message, after what the client's own system message says: some chat
// templates take one system message, first.
void add_to_system(core::ChatRequest& chat, const std::string& text) {
  if (!chat.messages.empty() && chat.messages.front().role == "system" && !chat.messages.front().content_is_parts) {
    auto& first = chat.messages.front();
    auto joined = first.text() + "\n\n" + text;
    first.parts = {{core::ContentPart::Kind::text, std::move(joined), {}, {}}};
    first.content_is_null = false;
    return;
  }
  core::Message system;
  system.role = "system";
  system.parts.push_back({core::ContentPart::Kind::text, text, {}, {}});
  chat.messages.insert(chat.messages.begin(), std::move(system));
}

double dot(const std::vector<float>& a, const std::vector<float>& b) {
  double sum = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) sum += static_cast<double>(a[i]) * b[i];
  return sum;  // the embedder L2-normalizes: this is the cosine
}

class GroundFilter final : public Filter {
 public:
  explicit GroundFilter(const GroundStage& stage) : stage_(stage) {}
  unsigned hooks() const override { return kRequest; }
  http::awaitable<core::Result<Verdict>> on_request(RequestState& s) override {
    co_await stage_.ground(s);
    co_return Verdict::next;
  }

 private:
  const GroundStage& stage_;
};

}  // namespace

std::string grounding_text(const std::vector<std::string>& passages) {
  std::string out = "Answer from the passages below when they hold the answer; say so when they do not.";
  for (size_t i = 0; i < passages.size(); ++i) out += "\n\n[" + std::to_string(i + 1) + "] " + passages[i];
  return out;
}

bool GroundStage::wanted(const config::Config& config) { return !every_rag(config).empty(); }

GroundStage::GroundStage(const config::Config& config, const serving::Registry& registry)
    : config_(config), registry_(registry), filter_(std::make_unique<GroundFilter>(*this)) {}

core::Result<std::shared_ptr<const GroundStage>> GroundStage::create(const config::Config& config,
                                                                     std::shared_ptr<const privacy::Scanner> scanner,
                                                                     const serving::Registry& registry) {
  std::shared_ptr<GroundStage> stage(new GroundStage(config, registry));
  for (const auto* rag : every_rag(config)) {
    if (stage->indexes_.count(rag->index)) continue;
    auto passages = router::load_passages(rag->index);
    if (!passages) return core::Error::invalid_request("the grounding index: " + passages.error().message);
    auto index = std::make_unique<Index>();
    index->matcher = router::FaqMatcher::from_entries(std::move(*passages));
    for (const auto& e : index->matcher->entries()) {
      // Without a scanner nothing can be called safe (as for requests).
      index->sensitive[&e] = !scanner || scanner->scan(router::passage_text(e)).sensitive;
    }
    stage->indexes_.emplace(rag->index, std::move(index));
  }
  return std::shared_ptr<const GroundStage>(std::move(stage));
}

FilterPtr GroundStage::start(RequestState&) const { return shared_filter(*filter_); }

const config::RagConfig* GroundStage::rag_for(const RequestState& s) const {
  if (s.decision) {
    for (const auto& r : config_.routes) {
      if (r.name == s.decision->route && r.rag) return &*r.rag;
    }
  }
  if (s.targets.empty() || !s.targets.front().deployment) return nullptr;  // no target, or the FAQ itself
  const auto& first = *s.targets.front().model;
  return first.rag ? &*first.rag : nullptr;
}

http::awaitable<std::optional<std::vector<double>>> GroundStage::similarities(Index& index, const std::string& model,
                                                                              const std::string& query) const {
  // Held across the awaits: a retirement of this version waits for us.
  auto deployment = registry_.production(model);
  if (!deployment || !deployment->local) co_return std::nullopt;
  std::shared_ptr<const std::vector<std::vector<float>>> vectors;
  {
    std::lock_guard lock(index.mu);
    if (auto it = index.vectors.find(model); it != index.vectors.end()) vectors = it->second;
  }
  if (!vectors) {
    std::vector<std::string> texts;
    for (const auto& e : index.matcher->entries()) texts.push_back(router::passage_text(e));
    auto made = co_await deployment->local->embed(texts);
    if (!made) {
      bool first;
      {
        std::lock_guard lock(index.mu);
        first = !std::exchange(index.warned[model], true);
      }
      if (first) spdlog::warn("rag: '{}' could not embed the passages ({}); BM25 ranks alone until it can", model, made.error().message);
      co_return std::nullopt;
    }
    vectors = std::make_shared<const std::vector<std::vector<float>>>(std::move(made->vectors));
    std::lock_guard lock(index.mu);
    index.vectors.emplace(model, vectors);  // a request that raced us may have put its own: the same
    if (index.warned[model]) spdlog::info("rag: '{}' embeds the passages now", model);
    index.warned[model] = false;
  }
  // A named vector, not a braced temporary in the co_await's arguments (GCC 12: see src/README.md).
  const std::vector<std::string> question{query};
  auto asked = co_await deployment->local->embed(question);
  if (!asked || asked->vectors.empty()) co_return std::nullopt;
  std::vector<double> out;
  out.reserve(vectors->size());
  for (const auto& v : *vectors) out.push_back(dot(asked->vectors.front(), v));
  co_return out;
}

http::awaitable<void> GroundStage::ground(RequestState& s) const {
  const auto* rag = rag_for(s);
  if (!rag || s.targets.empty() || !s.targets.front().deployment) co_return;
  auto& index = *indexes_.at(rag->index);
  const auto& entries = index.matcher->entries();
  const auto query = core::last_user_text(s.chat);

  std::map<const router::FaqEntry*, Candidate> candidates;
  auto by_words = index.matcher->top(query, entries.size(), rag->min_score);
  for (size_t rank = 0; rank < by_words.size(); ++rank) {
    candidates[by_words[rank].entry] = {by_words[rank].entry, by_words[rank].score, 1 / (kRankConstant + rank + 1)};
  }
  if (!rag->embedding_model.empty()) {
    auto similar = co_await similarities(index, rag->embedding_model, query);
    if (!similar) {
      s.record.reasons.push_back("rag: " + rag->embedding_model + " could not embed; passages ranked by words alone");
    } else {
      std::vector<size_t> order;
      for (size_t i = 0; i < similar->size(); ++i) {
        if ((*similar)[i] >= rag->min_similarity) order.push_back(i);
      }
      std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return (*similar)[a] > (*similar)[b]; });
      for (size_t rank = 0; rank < order.size(); ++rank) {
        const auto* entry = &entries[order[rank]];
        auto& c = candidates.try_emplace(entry, Candidate{entry, 0, 0}).first->second;
        c.score = std::max(c.score, (*similar)[order[rank]]);
        c.fused += 1 / (kRankConstant + rank + 1);
      }
    }
  }
  std::vector<Candidate> ranked;
  for (const auto& [entry, c] : candidates) ranked.push_back(c);
  std::sort(ranked.begin(), ranked.end(), [](const Candidate& a, const Candidate& b) {
    return a.fused != b.fused ? a.fused > b.fused : a.entry < b.entry;
  });

  bool all_in_house = true;
  for (const auto& t : s.targets) all_in_house = all_in_house && !t.cloud();
  std::vector<std::string> passages;
  for (const auto& c : ranked) {
    if (passages.size() == static_cast<size_t>(rag->top_k)) break;
    if (index.sensitive.at(c.entry) && !all_in_house) {
      s.record.reasons.push_back("passage " + c.entry->id + " withheld: it holds sensitive data and a cloud target may answer");
      continue;
    }
    passages.push_back(router::passage_text(*c.entry));
    s.record.passages.push_back(c.entry->id + ":" + score_text(c.score));
  }
  if (passages.empty()) co_return;
  add_to_system(s.chat, grounding_text(passages));
}

}  // namespace sy::pipeline
