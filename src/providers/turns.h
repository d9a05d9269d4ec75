#pragma once
// Providers whose APIs want strictly alternating turns (Gemini `contents`, Bedrock `messages`):
// a turn with the same role as the one before is merged into it instead of starting a new one.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace sy::providers {

// Appends {role, <items_key>: items} to `turns`, or the items to the last turn if its role matches.
inline void append_turn(boost::json::array& turns, const char* role, const char* items_key, boost::json::array items) {
  if (items.empty()) return;
  if (!turns.empty()) {
    auto& last = turns.back().get_object();
    if (last["role"].get_string() == role) {
      auto& existing = last[items_key].get_array();
      for (auto& item : items) existing.push_back(std::move(item));
      return;
    }
  }
  turns.push_back(boost::json::object{{"role", role}, {items_key, std::move(items)}});
}

}  // namespace sy::providers
