#include "pipeline/drift/drift_topics.h"

#include "ops/drift/drift_signals.h"

namespace sy::pipeline {

DriftTopics::DriftTopics(const router::FaqMatcher* faq, double min_score) : min_score_(min_score) {
  names_.push_back("none");
  if (!faq) return;
  std::unordered_map<std::string, uint8_t> by_topic;
  for (const auto& e : faq->entries()) {
    const auto& topic = e.topic.empty() ? e.id : e.topic;
    auto [it, added] = by_topic.try_emplace(topic, static_cast<uint8_t>(names_.size()));
    if (added) {
      // Past the limit, the last index holds every further topic together.
      if (names_.size() < ops::drift::kMaxTopics) names_.push_back(topic);
      else it->second = static_cast<uint8_t>(ops::drift::kMaxTopics - 1);
    }
    by_entry_[e.id] = it->second;
  }
}

uint8_t DriftTopics::index(std::string_view faq_id, double score) const {
  if (faq_id.empty() || score < min_score_) return 0;
  auto it = by_entry_.find(faq_id);
  return it == by_entry_.end() ? 0 : it->second;
}

}  // namespace sy::pipeline
