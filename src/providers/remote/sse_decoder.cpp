#include "providers/remote/sse_decoder.h"

namespace sy::providers {

core::Status SseDecoder::feed(std::string_view bytes, std::vector<core::ChatChunk>& out) {
  core::Status failure = core::Ok{};
  bool ok = reader_.feed(bytes, [&](http::SseEvent& ev) {
    if (complete()) return false;  // nothing after the end marker is an event of this answer
    failure = on_event(ev, out);
    return failure.ok();
  });
  if (!failure) return failure;
  if (!ok && reader_.too_large()) return core::Error::upstream("The upstream sent an event larger than this server accepts.");
  return core::Ok{};
}

core::Status SseDecoder::finish(std::vector<core::ChatChunk>& out) {
  if (complete()) return core::Ok{};
  if (reader_.has_partial()) return core::Error::upstream("The upstream's stream ended in the middle of an event.");
  return on_end(out);
}

}  // namespace sy::providers
