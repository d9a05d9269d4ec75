#include "http/message_bytes.h"

#include <gtest/gtest.h>

#include <sstream>

namespace sy::http {
namespace {

// Beast's own serializer (what async_write sends) is the reference.
template <bool isRequest>
std::string beast_bytes(const bhttp::message<isRequest, bhttp::string_body>& m) {
  std::ostringstream out;
  out << m;
  return out.str();
}

TEST(MessageBytes, RequestIsWhatBeastWrites) {
  Request req{bhttp::verb::post, "/v1/chat/completions?x=1", 11};
  req.set(bhttp::field::host, "127.0.0.1:8080");
  req.set(bhttp::field::content_type, "application/json");
  req.set(bhttp::field::authorization, "Bearer sk-upstream");
  req.set("x-request-id", "abc");
  req.keep_alive(true);
  req.body() = R"({"model":"m","messages":[]})";
  req.prepare_payload();
  EXPECT_EQ(message_bytes(req), beast_bytes(req));

  Request unknown{bhttp::verb::unknown, "/", 10};
  unknown.method_string("PURGE");
  unknown.prepare_payload();
  EXPECT_EQ(message_bytes(unknown), beast_bytes(unknown));

  Request no_target{bhttp::verb::get, "", 11};
  EXPECT_EQ(message_bytes(no_target), beast_bytes(no_target));
}

TEST(MessageBytes, ResponseIsWhatBeastWrites) {
  Response res{bhttp::status::ok, 11};
  res.set(bhttp::field::content_type, "application/json");
  res.set("x-request-id", "req-1");
  res.set("X-Switchyard-Route", "bench-model");
  res.keep_alive(false);
  res.body() = std::string(3000, 'x');
  res.prepare_payload();
  EXPECT_EQ(message_bytes(res), beast_bytes(res));

  Response custom{bhttp::status::too_many_requests, 11};
  custom.reason("Slow Down");
  custom.set(bhttp::field::retry_after, "3");
  custom.prepare_payload();
  EXPECT_EQ(message_bytes(custom), beast_bytes(custom));

  Response empty{static_cast<bhttp::status>(599), 10};
  EXPECT_EQ(message_bytes(empty), beast_bytes(empty));
}

}  // namespace
}  // namespace sy::http
