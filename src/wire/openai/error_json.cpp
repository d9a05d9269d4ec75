#include "wire/openai/error_json.h"

#include "wire/error_text.h"
#include "wire/json_fields.h"

namespace sy::wire::openai {

std::string format_error(const core::Error& e) {
  json::object err;
  err["message"] = e.message;
  err["type"] = e.type;
  put_string_or_null(err, "param", e.param);
  put_string_or_null(err, "code", e.code);
  return json::serialize(json::object{{"error", std::move(err)}});
}


std::string upstream_error_message(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  auto* err = field(v.get_object(), "error");
  if (!err) return {};
  if (err->is_string()) return clip_message(std::string(err->get_string()));
  if (err->is_object()) return clip_message(string_or(err->get_object(), "message"));
  return {};
}

}  // namespace sy::wire::openai
