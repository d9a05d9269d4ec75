#pragma once
// Server-sent events (text/event-stream), both ways. The reader is incremental: feed it bytes as
// they arrive, split anywhere (mid-line, mid-CRLF, mid-UTF-8), and it hands out whole events.
#include <functional>
#include <string>
#include <string_view>

namespace sy::http {

struct SseEvent {
  std::string event;   // empty = "message"
  std::string data;    // data lines joined by '\n'
  std::string id;
};

class SseReader {
 public:
  explicit SseReader(size_t max_event_bytes = 16u << 20) : max_event_bytes_(max_event_bytes) {}

  // Calls on_event for each complete event; returns false if on_event returned false or an event
  // grew past the limit (then too_large() is true).
  bool feed(std::string_view bytes, const std::function<bool(SseEvent&)>& on_event);
  bool too_large() const { return too_large_; }
  // True when bytes of an unfinished event are pending (a stream cut here was truncated).
  bool has_partial() const { return !line_.empty() || has_data_; }

 private:
  bool line_complete(const std::function<bool(SseEvent&)>& on_event);

  std::string line_;
  SseEvent current_;
  bool has_data_ = false;
  bool last_was_cr_ = false;
  bool too_large_ = false;
  size_t max_event_bytes_;
};

// "data: <payload>\n\n" with an optional "event:" line. Payload newlines become separate data lines.
std::string sse_event(std::string_view data, std::string_view event = {});

}  // namespace sy::http
