#include "core/request_text.h"

namespace sy::core {

namespace {

void visit_json(boost::json::value& v, const std::function<void(std::string&)>& edit) {
  if (v.is_string()) {
    std::string s(v.as_string());
    edit(s);
    v = s;
  } else if (v.is_array()) {
    for (auto& x : v.as_array()) visit_json(x, edit);
  } else if (v.is_object()) {
    for (auto& kv : v.as_object()) visit_json(kv.value(), edit);
  }
}

void visit_extensions(core::Extensions& ext, const std::function<void(std::string&)>& edit) {
  for (auto& kv : ext) {
    // Tool schemas and formats are the developer's, not user data; everything else may carry it.
    if (kv.key() == "tools" || kv.key() == "response_format" || kv.key() == "logit_bias") continue;
    visit_json(kv.value(), edit);
  }
}

}  // namespace

void for_each_text(core::ChatRequest& r, const std::function<void(std::string&)>& edit) {
  if (!r.prompt.empty()) edit(r.prompt);
  for (auto& m : r.messages) {
    for (auto& p : m.parts) {
      if (p.kind == core::ContentPart::Kind::text) edit(p.text);
    }
    for (auto& call : m.tool_calls) edit(call.arguments);
    visit_extensions(m.extensions, edit);
  }
  for (auto& s : r.stop) edit(s);
  visit_extensions(r.extensions, edit);
}

std::string request_text(const core::ChatRequest& request) {
  std::string out;
  // for_each_text only edits; on a copy, it is a reader.
  auto copy = request;
  for_each_text(copy, [&](std::string& s) {
    if (!out.empty()) out += '\n';
    out += s;
  });
  return out;
}

std::string last_user_text(const core::ChatRequest& request) {
  if (request.kind == core::ChatRequest::Kind::completion) return request.prompt;
  for (auto it = request.messages.rbegin(); it != request.messages.rend(); ++it) {
    if (it->role == "user") return it->text();
  }
  return {};
}

}  // namespace sy::core
