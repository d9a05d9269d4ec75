#pragma once
// The Responses API's stored responses (store: true), in this process: what previous_response_id
// and item_reference name, and what GET /v1/responses/{id} returns. Each response belongs to the
// key that made it and is found only by that key. Entries expire after the TTL, and the oldest go
// first when what is held passes `max_bytes`; nothing survives a restart, so a conversation's
// text never reaches a disk here.
#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/chat.h"

namespace sy::ops {

struct StoredResponse {
  std::string id;                           // resp_...
  std::string scope;                        // the key that made it
  std::string body;                         // the response object, as the client got it
  std::vector<core::Message> conversation;  // its input (without instructions), then its output
  std::vector<std::pair<std::string, core::Message>> items;  // output item id -> that item
};

class StoredResponses {
 public:
  using Clock = std::chrono::steady_clock;
  StoredResponses(std::chrono::milliseconds ttl, uint64_t max_bytes) : ttl_(ttl), max_bytes_(max_bytes) {}

  void put(StoredResponse response, Clock::time_point now = Clock::now());
  // Null when absent, expired or another scope's.
  std::shared_ptr<const StoredResponse> get(const std::string& scope, std::string_view id,
                                            Clock::time_point now = Clock::now()) const;
  std::optional<core::Message> item(const std::string& scope, std::string_view item_id,
                                    Clock::time_point now = Clock::now()) const;
  bool erase(const std::string& scope, std::string_view id);

  uint64_t bytes() const;
  size_t entries() const;
  void render_metrics(std::string& out) const;

 private:
  struct Entry {
    std::shared_ptr<const StoredResponse> response;
    Clock::time_point expires;
    uint64_t bytes;
  };
  using Order = std::list<Entry>;  // oldest first: the order of both expiry and eviction
  static uint64_t size_of(const StoredResponse& r);
  void drop(Order::iterator it);
  void expire(Clock::time_point now);
  const Entry* find(const std::string& scope, std::string_view id, Clock::time_point now) const;

  std::chrono::milliseconds ttl_;
  uint64_t max_bytes_;
  mutable std::mutex mu_;
  Order order_;
  std::unordered_map<std::string, Order::iterator> by_id_;
  std::unordered_map<std::string, std::pair<Order::iterator, size_t>> by_item_;  // -> response, index in items
  uint64_t bytes_ = 0;
  uint64_t evictions_ = 0;
};

}  // namespace sy::ops
