import { createHash } from 'node:crypto'

/** A Lua script and its SHA-1, for EVALSHA. */
export interface LuaScript {
  readonly source: string
  readonly sha1: string
}

function script(source: string): LuaScript {
  return { source, sha1: createHash('sha1').update(source).digest('hex') }
}

// Every script takes the time as ARGV[1]: a number from the caller's
// injected clock (tests), or empty to use the Redis server's clock, which
// every replica shares. TIME in a script that writes needs effect
// replication, the default since Redis 5.
const NOW = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`

/**
 * KEYS: breaker key, then one sorted set per window.
 * ARGV: now, request id, then max and window_ms for each window.
 * Returns {0} admitted, {1, retry_ms} breaker open, {2, retry_ms, index} window full.
 */
export const ADMIT = script(`${NOW}
local open_until = tonumber(redis.call('GET', KEYS[1]) or '0')
if open_until > now then return {1, open_until - now} end
local n = #KEYS - 1
for i = 1, n do
  local key = KEYS[i + 1]
  local max = tonumber(ARGV[1 + i * 2])
  local window = tonumber(ARGV[2 + i * 2])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= max then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    return {2, tonumber(oldest[2]) + window - now, i - 1}
  end
end
for i = 1, n do
  local key = KEYS[i + 1]
  redis.call('ZADD', key, now, ARGV[2])
  redis.call('PEXPIRE', key, tonumber(ARGV[2 + i * 2]))
end
return {0}
`)

/**
 * KEYS: breaker key, denial log.
 * ARGV: now, threshold, window_ms, cooldown_ms, request id.
 * Returns 1 when this denial opened the breaker, else 0.
 */
export const RECORD_DENIAL = script(`${NOW}
local threshold = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local cooldown = tonumber(ARGV[4])
local open_until = tonumber(redis.call('GET', KEYS[1]) or '0')
if open_until > now then return 0 end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
redis.call('ZADD', KEYS[2], now, ARGV[5])
if redis.call('ZCARD', KEYS[2]) >= threshold then
  redis.call('SET', KEYS[1], now + cooldown, 'PX', cooldown)
  redis.call('DEL', KEYS[2])
  return 1
end
redis.call('PEXPIRE', KEYS[2], window)
return 0
`)

/**
 * KEYS: risk hash (fields: head, last, total, and one b<n> per bucket).
 * ARGV: now, score, window_ms, buckets.
 * Returns the total over the window. At most buckets-1 buckets are dropped per
 * call, so the cost does not grow with the number of requests in the window.
 */
export const ADD_RISK = script(`${NOW}
local score = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local n = tonumber(ARGV[4])
local cur = math.floor(now * n / window)
local s = redis.call('HMGET', KEYS[1], 'head', 'last', 'total')
local head = tonumber(s[1])
local last = tonumber(s[2])
local total = tonumber(s[3]) or 0
if last and cur < last then cur = last end
if not last or last <= cur - n then
  redis.call('DEL', KEYS[1])
  head = cur
  total = 0
else
  while head <= cur - n do
    local field = 'b' .. head
    local v = tonumber(redis.call('HGET', KEYS[1], field))
    if v then
      total = total - v
      redis.call('HDEL', KEYS[1], field)
    end
    head = head + 1
  end
end
if score > 0 then
  redis.call('HINCRBY', KEYS[1], 'b' .. cur, score)
  total = total + score
end
redis.call('HSET', KEYS[1], 'head', head, 'last', cur, 'total', total)
redis.call('PEXPIRE', KEYS[1], window + math.ceil(window / n))
return total
`)
