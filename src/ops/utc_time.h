#pragma once
// Times people type (CLI --since/--until, /admin/usage?since=): ISO-8601 in UTC
// ("2026-11-22", "2026-11-22T08:00:00Z", "...T08:00:01.25+00:00") or Unix milliseconds. A time of
// day without a zone is refused: someone would read it as local time.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace sy::ops {

core::Result<int64_t> parse_utc_time(const std::string& text);  // Unix ms

// The wall clock now, in Unix ms: the time records and limits are written in.
int64_t now_ms();

// A span people type: a positive whole number and a unit, s, m, h, d or w ("90s", "30d"), in ms;
// nullopt when `text` is not one.
std::optional<int64_t> parse_span_ms(std::string_view text);

// And the way we write them, in the access log and the audit trail: "2026-11-22T03:20:29.904Z"
// for Unix milliseconds (also before 1970), appended to `out`.
void append_utc_time(std::string& out, int64_t ts_ms);

}  // namespace sy::ops
