#include "http/sse.h"

namespace sy::http {

bool SseReader::feed(std::string_view bytes, const std::function<bool(SseEvent&)>& on_event) {
  for (char c : bytes) {
    if (c == '\n' && last_was_cr_) {  // the LF of a CRLF already ended the line
      last_was_cr_ = false;
      continue;
    }
    last_was_cr_ = c == '\r';
    if (c == '\r' || c == '\n') {
      if (!line_complete(on_event)) return false;
      continue;
    }
    line_ += c;
    if (line_.size() + current_.data.size() > max_event_bytes_) {
      too_large_ = true;
      return false;
    }
  }
  return true;
}

bool SseReader::line_complete(const std::function<bool(SseEvent&)>& on_event) {
  if (line_.empty()) {  // blank line: dispatch
    bool keep_going = true;
    if (has_data_) keep_going = on_event(current_);
    current_ = SseEvent{};
    has_data_ = false;
    return keep_going;
  }
  if (line_.front() != ':') {  // lines starting with ':' are comments
    auto colon = line_.find(':');
    std::string_view field = std::string_view(line_).substr(0, colon);
    std::string_view value;
    if (colon != std::string::npos) {
      value = std::string_view(line_).substr(colon + 1);
      if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    }
    if (field == "data") {
      if (has_data_) current_.data += '\n';
      current_.data.append(value);
      has_data_ = true;
    } else if (field == "event") {
      current_.event = std::string(value);
    } else if (field == "id") {
      current_.id = std::string(value);
    }
  }
  line_.clear();
  return true;
}

std::string sse_event(std::string_view data, std::string_view event) {
  std::string out;
  out.reserve(data.size() + event.size() + 16);
  if (!event.empty()) {
    out += "event: ";
    out += event;
    out += '\n';
  }
  size_t start = 0;
  while (true) {
    auto nl = data.find('\n', start);
    out += "data: ";
    out.append(data.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
    out += '\n';
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  out += '\n';
  return out;
}

}  // namespace sy::http
