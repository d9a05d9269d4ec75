#include "ops/stored_responses.h"

#include "core/metrics_text.h"

namespace sy::ops {

namespace {
constexpr uint64_t kEntryOverhead = 256;    // the indexes, the entry's fixed fields
constexpr uint64_t kMessageOverhead = 96;

uint64_t size_of(const core::Message& m) {
  uint64_t n = kMessageOverhead + m.role.size() + m.tool_call_id.size();
  for (const auto& p : m.parts) n += p.text.size() + p.url.size();
  for (const auto& t : m.tool_calls) n += t.id.size() + t.name.size() + t.arguments.size() + 64;
  return n;
}
}  // namespace

uint64_t StoredResponses::size_of(const StoredResponse& r) {
  uint64_t n = kEntryOverhead + r.id.size() + r.scope.size() + r.body.size();
  for (const auto& m : r.conversation) n += ops::size_of(m);
  for (const auto& [id, m] : r.items) n += id.size() + ops::size_of(m);
  return n;
}

void StoredResponses::drop(Order::iterator it) {
  bytes_ -= it->bytes;
  for (const auto& item : it->response->items) by_item_.erase(item.first);
  by_id_.erase(it->response->id);
  order_.erase(it);
}

void StoredResponses::expire(Clock::time_point now) {
  while (!order_.empty() && order_.front().expires <= now) drop(order_.begin());
}

void StoredResponses::put(StoredResponse response, Clock::time_point now) {
  uint64_t size = size_of(response);
  auto shared = std::make_shared<const StoredResponse>(std::move(response));
  std::lock_guard lock(mu_);
  expire(now);
  if (auto found = by_id_.find(shared->id); found != by_id_.end()) drop(found->second);
  if (size > max_bytes_) return;  // larger than the whole store: not kept
  while (bytes_ + size > max_bytes_ && !order_.empty()) {
    ++evictions_;
    drop(order_.begin());
  }
  order_.push_back(Entry{shared, now + ttl_, size});
  auto it = std::prev(order_.end());
  by_id_[shared->id] = it;
  for (size_t i = 0; i < shared->items.size(); ++i) by_item_[shared->items[i].first] = {it, i};
  bytes_ += size;
}

const StoredResponses::Entry* StoredResponses::find(const std::string& scope, std::string_view id,
                                                    Clock::time_point now) const {
  auto found = by_id_.find(std::string(id));
  if (found == by_id_.end()) return nullptr;
  const Entry& e = *found->second;
  if (e.expires <= now || e.response->scope != scope) return nullptr;
  return &e;
}

std::shared_ptr<const StoredResponse> StoredResponses::get(const std::string& scope, std::string_view id,
                                                           Clock::time_point now) const {
  std::lock_guard lock(mu_);
  auto* e = find(scope, id, now);
  return e ? e->response : nullptr;
}

std::optional<core::Message> StoredResponses::item(const std::string& scope, std::string_view item_id,
                                                   Clock::time_point now) const {
  std::lock_guard lock(mu_);
  auto found = by_item_.find(std::string(item_id));
  if (found == by_item_.end()) return std::nullopt;
  const Entry& e = *found->second.first;
  if (e.expires <= now || e.response->scope != scope) return std::nullopt;
  return e.response->items[found->second.second].second;
}

bool StoredResponses::erase(const std::string& scope, std::string_view id) {
  std::lock_guard lock(mu_);
  auto found = by_id_.find(std::string(id));
  if (found == by_id_.end() || found->second->response->scope != scope) return false;
  drop(found->second);
  return true;
}

uint64_t StoredResponses::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

size_t StoredResponses::entries() const {
  std::lock_guard lock(mu_);
  return order_.size();
}

void StoredResponses::render_metrics(std::string& out) const {
  uint64_t bytes, entries, evictions;
  {
    std::lock_guard lock(mu_);
    bytes = bytes_;
    entries = order_.size();
    evictions = evictions_;
  }
  core::metric_header(out, "switchyard_stored_responses", "gauge", "Responses API responses held for previous_response_id");
  core::metric_sample(out, "switchyard_stored_responses", "", entries);
  core::metric_header(out, "switchyard_stored_responses_bytes", "gauge", "Bytes held by stored responses (estimate)");
  core::metric_sample(out, "switchyard_stored_responses_bytes", "", bytes);
  core::metric_header(out, "switchyard_stored_responses_evicted_total", "counter", "Stored responses dropped for room before their TTL");
  core::metric_sample(out, "switchyard_stored_responses_evicted_total", "", evictions);
}

}  // namespace sy::ops
