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
local n = #KEYS / 3

-- The last 60 seconds' requests and tokens; older buckets are dropped on the way.
local function window(key)
  local requests, used, oldest = 0, 0, now
  local flat = redis.call('HGETALL', key)
  for i = 1, #flat, 2 do
    local field = flat[i]
    local second = tonumber(string.sub(field, 3))
    if now - second >= 60 then
      redis.call('HDEL', key, field)
    else
      local v = tonumber(flat[i + 1])
      if string.sub(field, 1, 1) == 'r' then requests = requests + v else used = used + v end
      if v ~= 0 and second < oldest then oldest = second end
    end
  end
  return requests, used, math.max(1, oldest + 60 - now)
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
  local w, b, h = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
  redis.call('HSETNX', b, 'spent', ARGV[a + 4])
  if rpm > 0 or tpm > 0 then
    local requests, used, retry = window(w)
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
  local w, b, h = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
  redis.call('HINCRBY', w, 'r:' .. now, 1)
  redis.call('HINCRBY', w, 't:' .. now, ARGV[1])
  redis.call('EXPIRE', w, 120)
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
for i = 1, #KEYS / 3 do
  local w, b, h = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
  -- The tokens go to the second they were reserved in, while that second is still counted.
  if delta ~= 0 and redis.call('HEXISTS', w, 't:' .. second) == 1 then
    redis.call('HINCRBY', w, 't:' .. second, delta)
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
