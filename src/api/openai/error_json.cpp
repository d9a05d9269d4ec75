#include "api/openai/error_json.h"

#include "api/openai/json_fields.h"

namespace sy::api::openai {

std::string format_error(const core::Error& e) {
  json::object err;
  err["message"] = e.message;
  err["type"] = e.type;
  put_string_or_null(err, "param", e.param);
  put_string_or_null(err, "code", e.code);
  return json::serialize(json::object{{"error", std::move(err)}});
}

namespace {
// At most 500 bytes, cut on a character boundary: half a UTF-8 sequence would make the error JSON
// the client receives invalid.
std::string clip(std::string s) {
  if (s.size() <= 500) return s;
  size_t n = 500;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  s.resize(n);
  return s;
}
}  // namespace

std::string upstream_error_message(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  auto* err = field(v.get_object(), "error");
  if (!err) return {};
  if (err->is_string()) return clip(std::string(err->get_string()));
  if (err->is_object()) return clip(string_or(err->get_object(), "message"));
  return {};
}

}  // namespace sy::api::openai
