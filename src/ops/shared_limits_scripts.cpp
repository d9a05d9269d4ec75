#include "ops/shared_limits_scripts.h"

namespace sy::ops {

const char* const kReserveScript = R"lua(
local tokens = tonumber(ARGV[1])
local micro = tonumber(ARGV[2])
local id = ARGV[3]
local lease = tonumber(ARGV[4])
local dry = ARGV[5] == '1'
local t = redis.call('TIME')
local now = tonumber(t[1])
local now_ms = now * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = #KEYS / 4

-- The last 60 seconds' requests and tokens: running sums R and T over the buckets whose seconds
-- the list holds in order; buckets that left the window are taken off the front. O(1) a request.
local function window(w, l)
  local first = redis.call('LINDEX', l, 0)
  while first and now - tonumber(first) >= 60 do
    local old = redis.call('HMGET', w, 'r:' .. first, 't:' .. first)
    redis.call('HINCRBY', w, 'R', -(tonumber(old[1]) or 0))
    redis.call('HINCRBY', w, 'T', -(tonumber(old[2]) or 0))
    redis.call('HDEL', w, 'r:' .. first, 't:' .. first)
    redis.call('LPOP', l)
    first = redis.call('LINDEX', l, 0)
  end
  local sums = redis.call('HMGET', w, 'R', 'T')
  local retry = 1
  if first then retry = math.max(1, tonumber(first) + 60 - now) end
  return tonumber(sums[1]) or 0, tonumber(sums[2]) or 0, retry
end

-- Spend and what live reservations hold; reservations past their lease are let go first.
local function budget(b, h)
  local expired = redis.call('ZRANGEBYSCORE', h, '-inf', now_ms)
  for _, rid in ipairs(expired) do
    local amount = redis.call('HGET', b, 'r:' .. rid)
    if amount then
      redis.call('HINCRBY', b, 'reserved', -tonumber(amount))
      redis.call('HDEL', b, 'r:' .. rid)
    end
    redis.call('ZREM', h, rid)
  end
  return tonumber(redis.call('HGET', b, 'spent') or '0'), tonumber(redis.call('HGET', b, 'reserved') or '0')
end

for i = 1, n do
  local a = 5 + (i - 1) * 4
  local rpm, tpm, limit = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3])
  local w, l, b, h = KEYS[4 * i - 3], KEYS[4 * i - 2], KEYS[4 * i - 1], KEYS[4 * i]
  redis.call('HSETNX', b, 'spent', ARGV[a + 4])
  if rpm > 0 or tpm > 0 then
    local requests, used, retry = window(w, l)
    if rpm > 0 and requests + 1 > rpm then return {i, 1, requests, retry, now} end
    if tpm > 0 and used + tokens > tpm then return {i, 2, used, retry, now} end
  end
  if limit > 0 then
    local spent, reserved = budget(b, h)
    if spent + reserved + micro > limit then return {i, 3, spent + reserved, 0, now} end
  end
end
if dry then return {0, now} end

for i = 1, n do
  local a = 5 + (i - 1) * 4
  local limit = tonumber(ARGV[a + 3])
  local w, l, b, h = KEYS[4 * i - 3], KEYS[4 * i - 2], KEYS[4 * i - 1], KEYS[4 * i]
  if redis.call('HINCRBY', w, 'r:' .. now, 1) == 1 then redis.call('RPUSH', l, now) end
  redis.call('HINCRBY', w, 't:' .. now, ARGV[1])
  redis.call('HINCRBY', w, 'R', 1)
  redis.call('HINCRBY', w, 'T', ARGV[1])
  redis.call('EXPIRE', w, 120)
  redis.call('EXPIRE', l, 120)
  if limit > 0 and micro > 0 then
    redis.call('HINCRBY', b, 'reserved', ARGV[2])
    redis.call('HSET', b, 'r:' .. id, ARGV[2])
    redis.call('ZADD', h, now_ms + lease, id)
    redis.call('PEXPIRE', h, lease + 60000)
  end
  redis.call('EXPIRE', b, 3024000)
end
return {0, now}
)lua";

const char* const kSettleScript = R"lua(
local second = ARGV[1]
local delta = tonumber(ARGV[3]) - tonumber(ARGV[2])
local micro = ARGV[4]
local id = ARGV[5]
for i = 1, #KEYS / 4 do
  local w, b, h = KEYS[4 * i - 3], KEYS[4 * i - 1], KEYS[4 * i]
  -- The tokens go to the second they were reserved in, while that second is still counted.
  if delta ~= 0 and redis.call('HEXISTS', w, 't:' .. second) == 1 then
    redis.call('HINCRBY', w, 't:' .. second, delta)
    redis.call('HINCRBY', w, 'T', delta)
  end
  local amount = redis.call('HGET', b, 'r:' .. id)
  if amount then
    redis.call('HINCRBY', b, 'reserved', -tonumber(amount))
    redis.call('HDEL', b, 'r:' .. id)
    redis.call('ZREM', h, id)
  end
  redis.call('HSETNX', b, 'spent', ARGV[5 + i])
  if micro ~= '0' then redis.call('HINCRBY', b, 'spent', micro) end
  redis.call('EXPIRE', b, 3024000)
end
return 1
)lua";

}  // namespace sy::ops
