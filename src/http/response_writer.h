#pragma once
// How a handler answers one request: once whole, or as a chunked stream. The session owns the
// socket; the handler only sees this.
#include <functional>
#include <string_view>

#include "http/types.h"

namespace sy::http {

class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;

  // Each returns false when the client is gone; the handler should then stop.
  virtual awaitable<bool> send(Response response) = 0;
  virtual awaitable<bool> begin_stream(ResponseHeader header) = 0;
  virtual awaitable<bool> write(std::string_view bytes) = 0;
  virtual awaitable<bool> end_stream() = 0;

  virtual bool started() const = 0;       // headers went out
  virtual bool client_gone() const = 0;
  // Called once if the client disconnects while the handler runs (e.g. to close an upstream
  // connection so the upstream sees the cancel). Replaces any earlier hook.
  virtual void on_client_gone(std::function<void()> hook) = 0;
  // Ask the session to close the connection after this response (e.g. during drain).
  virtual bool draining() const = 0;
};

// The application: a named member coroutine taking its arguments by reference; the session
// keeps both alive until it completes.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual awaitable<void> handle(Request& request, ResponseWriter& writer) = 0;
  // The answer to a request that could not be read (too large, malformed, headers too long), in
  // the format the path's clients expect. `target` may be empty if the request line was lost.
  virtual Response protocol_error(int status, std::string_view message, std::string_view target) = 0;
};

}  // namespace sy::http
