#include "core/request_text.h"

#include <type_traits>

namespace sy::core {

namespace {

// The one order every piece of text is visited in, for reading (R const) and for editing alike.
// `text(s)` gets each std::string piece, `json(v)` each JSON string value among the extensions.
template <class Value, class Json>
void visit_json(Value& v, Json& json) {
  if (v.is_string()) {
    json(v);
  } else if (v.is_array()) {
    for (auto& x : v.as_array()) visit_json(x, json);
  } else if (v.is_object()) {
    for (auto& kv : v.as_object()) visit_json(kv.value(), json);
  }
}

template <class Ext, class Json>
void visit_extensions(Ext& ext, Json& json) {
  for (auto& kv : ext) {
    // Tool schemas and formats are the developer's, not user data; everything else may carry it.
    if (kv.key() == "tools" || kv.key() == "response_format" || kv.key() == "logit_bias") continue;
    visit_json(kv.value(), json);
  }
}

template <class R, class Text, class Json>
void traverse(R& r, Text& text, Json& json) {
  if (!r.prompt.empty()) text(r.prompt);
  for (auto& m : r.messages) {
    for (auto& p : m.parts) {
      if (p.kind == ContentPart::Kind::text) text(p.text);
    }
    for (auto& call : m.tool_calls) text(call.arguments);
    visit_extensions(m.extensions, json);
  }
  for (auto& s : r.stop) text(s);
  visit_extensions(r.extensions, json);
}

}  // namespace

void for_each_text(ChatRequest& r, const std::function<void(std::string&)>& edit) {
  auto text = [&](std::string& s) { edit(s); };
  auto json = [&](boost::json::value& v) {
    std::string s(v.as_string());
    edit(s);
    v = s;
  };
  traverse(r, text, json);
}

std::string request_text(const ChatRequest& request) {
  std::string out;
  auto append = [&out](std::string_view s) {
    if (!out.empty()) out += '\n';
    out += s;
  };
  auto text = [&](const std::string& s) { append(s); };
  auto json = [&](const boost::json::value& v) { append(std::string_view(v.as_string())); };
  traverse(request, text, json);
  return out;
}

std::string last_user_text(const ChatRequest& request) {
  if (request.kind == ChatRequest::Kind::completion) return request.prompt;
  for (auto it = request.messages.rbegin(); it != request.messages.rend(); ++it) {
    if (it->role == "user") return it->text();
  }
  return {};
}

}  // namespace sy::core
