#pragma once
// The Lua scripts of ops/shared_limits, run atomically by Redis (EVALSHA).
//
// Per subject (a key or a team) four keys: the window (hash: "r:SECOND" requests and "t:SECOND"
// tokens of each of the last 60 seconds, and their sums R and T), the window's seconds (list, in
// order: the buckets that leave the window come off its front), the month's budget (hash: spent,
// reserved, and "r:ID" what each reservation holds) and the month's held reservations (sorted
// set: ID by lease end, ms).
namespace sy::ops {

// KEYS: window, seconds, budget, held of each subject. ARGV: tokens, micro_usd, id, lease_ms, dry (1/0), then
// per subject: requests_per_minute, tokens_per_minute, budget (micro-USD), seed spend (micro-USD).
// Returns {0, now_s} when admitted (counted unless dry), or {subject (1-based), limit kind
// (1 rpm, 2 tpm, 3 budget), used, retry_after_s, now_s}.
extern const char* const kReserveScript;

// KEYS as for reserve. ARGV: the reservation's second, estimated tokens, real tokens, real cost
// (micro-USD), id, then per subject: seed spend. Returns 1.
extern const char* const kSettleScript;

}  // namespace sy::ops
