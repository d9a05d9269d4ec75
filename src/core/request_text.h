#pragma once
// Every piece of text a request carries to a model: message contents (text parts only; images
// are not text), tool call arguments, the legacy prompt, and string values among the fields
// switchyard passes through (`user`, `metadata`, tool results...). The privacy scanner reads them
// all as one text; redaction rewrites each in place.
#include <functional>
#include <string>

#include "core/chat.h"

namespace sy::core {

// The pieces joined by '\n', in a fixed order: what the scanner's offsets refer to.
std::string request_text(const core::ChatRequest& request);

// Calls `edit` on each piece, in the same order.
void for_each_text(core::ChatRequest& request, const std::function<void(std::string&)>& edit);

// The last user message's text: what an FAQ lookup should match.
std::string last_user_text(const core::ChatRequest& request);

}  // namespace sy::core
