#pragma once
// Times people type (CLI --since/--until, /admin/usage?since=): ISO-8601 in UTC
// ("2026-11-22", "2026-11-22T08:00:00Z", "...T08:00:01.25+00:00") or Unix milliseconds. A time of
// day without a zone is refused: someone would read it as local time.
#include <cstdint>
#include <string>

#include "core/result.h"

namespace sy::ops {

core::Result<int64_t> parse_utc_time(const std::string& text);  // Unix ms

}  // namespace sy::ops
