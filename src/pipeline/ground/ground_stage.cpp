#include "pipeline/ground/ground_stage.h"

#include <cstdio>

#include "core/request_text.h"
#include "router/passages.h"

namespace sy::pipeline {

namespace {

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

}  // namespace

std::string grounding_text(const std::vector<std::string>& passages) {
  std::string out = "Answer from the passages below when they hold the answer; say so when they do not.";
  for (size_t i = 0; i < passages.size(); ++i) out += "\n\n[" + std::to_string(i + 1) + "] " + passages[i];
  return out;
}

bool GroundStage::wanted(const config::Config& config) { return !every_rag(config).empty(); }

GroundStage::GroundStage(const config::Config& config)
    : config_(config), filter_(std::make_unique<CheckFilter<GroundStage>>(*this)) {}

core::Result<std::shared_ptr<const GroundStage>> GroundStage::create(const config::Config& config,
                                                                     std::shared_ptr<const privacy::Scanner> scanner) {
  std::shared_ptr<GroundStage> stage(new GroundStage(config));
  for (const auto* rag : every_rag(config)) {
    if (stage->indexes_.count(rag->index)) continue;
    auto passages = router::load_passages(rag->index);
    if (!passages) return passages.error();
    Index index;
    index.matcher = router::FaqMatcher::from_entries(std::move(*passages));
    for (const auto& e : index.matcher->entries()) {
      // Without a scanner nothing can be called safe (as for requests).
      index.sensitive[&e] = !scanner || scanner->scan(router::passage_text(e)).sensitive;
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

core::Status GroundStage::check(RequestState& s) const {
  const auto* rag = rag_for(s);
  if (!rag || s.targets.empty() || !s.targets.front().deployment) return core::Ok{};
  const auto& index = indexes_.at(rag->index);
  bool all_in_house = true;
  for (const auto& t : s.targets) all_in_house = all_in_house && !t.cloud();
  std::vector<std::string> passages;
  for (const auto& match : index.matcher->top(core::last_user_text(s.chat), static_cast<size_t>(rag->top_k), rag->min_score)) {
    if (index.sensitive.at(match.entry) && !all_in_house) {
      s.record.reasons.push_back("passage " + match.entry->id + " withheld: it holds sensitive data and a cloud target may answer");
      continue;
    }
    passages.push_back(router::passage_text(*match.entry));
    s.record.passages.push_back(match.entry->id + ":" + score_text(match.score));
  }
  if (passages.empty()) return core::Ok{};
  add_to_system(s.chat, grounding_text(passages));
  return core::Ok{};
}

}  // namespace sy::pipeline
