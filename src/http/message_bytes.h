#pragma once
// A whole message, head and body, as the one buffer of bytes Beast's serializer sends for it.
// beast::http::async_write walks a composed buffer sequence (start line, each field, the body)
// through prefix and suffix views on every send, which costs more than the bytes themselves; the
// same bytes copied into one string and written with one async_write cost a fraction. The head is
// what Beast's field writer produces: the start line, each field as "name: value\r\n" in order,
// "\r\n" (tests/http/message_bytes_test.cpp compares the two). Not for a chunked message (Beast
// frames its body), which callers leave to async_write.
#include <string>

#include "http/types.h"

namespace sy::http {

template <bool isRequest>
std::string message_bytes(const bhttp::message<isRequest, bhttp::string_body>& m) {
  std::string out;
  out.reserve(256 + m.body().size());
  const char version[] = {static_cast<char>('0' + m.version() / 10), '.', static_cast<char>('0' + m.version() % 10)};
  if constexpr (isRequest) {
    out += m.method_string();
    if (!m.target().empty()) {  // Beast writes no space for an empty target
      out += ' ';
      out += m.target();
    }
    out += " HTTP/";
    out.append(version, sizeof version);
  } else {
    unsigned code = m.result_int();
    out += "HTTP/";
    out.append(version, sizeof version);
    const char digits[] = {' ', static_cast<char>('0' + code / 100), static_cast<char>('0' + code / 10 % 10),
                           static_cast<char>('0' + code % 10), ' '};
    out.append(digits, sizeof digits);
    out += m.reason();  // the obsolete reason phrase of the status when none was set
  }
  out += "\r\n";
  for (const auto& field : m.base()) {
    out += field.name_string();
    out += ": ";
    out += field.value();
    out += "\r\n";
  }
  out += "\r\n";
  out += m.body();
  return out;
}

}  // namespace sy::http
