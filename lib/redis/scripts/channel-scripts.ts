// Lua sources for the per-channel outbound state (keys share the {channel} hash tag).

/** Delete dirty marks whose version is unchanged since we read them (a newer mark stays).
 * KEYS: 1 dirty hash. ARGV: sku, version, sku, version, … */
export const CLEAR_DIRTY_LUA = String.raw`
local cleared = 0
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    redis.call('HDEL', KEYS[1], ARGV[i]); cleared = cleared + 1
  end
end
return cleared
`;

/** Own-channel sales: adjust beliefs we already hold (an unknown belief is read fresh later),
 * once per causing event even when a re-read entry passes the same event on again.
 * KEYS: 1 believed hash, 2 applied-sales hash. ARGV: eventId, field, delta, eventId, field, delta, … */
export const ADJUST_BELIEVED_LUA = String.raw`
for i = 1, #ARGV, 3 do
  if redis.call('HSETNX', KEYS[2], ARGV[i], ARGV[i + 2]) == 1 and redis.call('HEXISTS', KEYS[1], ARGV[i + 1]) == 1 then
    redis.call('HINCRBY', KEYS[1], ARGV[i + 1], ARGV[i + 2])
  end
end
return 1
`;

/** A batch was applied by the channel: move beliefs by its deltas exactly once, log it.
 * KEYS: 1 inflight, 2 believed, 3 log, 4 stats. ARGV: 1 key, 2 now ms, 3 log max length, then field, delta, … */
export const COMPLETE_BATCH_LUA = String.raw`
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
local items = 0
for i = 4, #ARGV, 2 do
  redis.call('HINCRBY', KEYS[2], ARGV[i], ARGV[i + 1]); items = items + 1
end
redis.call('HINCRBY', KEYS[4], 'writes', 1)
redis.call('HINCRBY', KEYS[4], 'items', items)
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', 'key', ARGV[1], 'items', items, 'at', ARGV[2])
return items
`;

/** Token bucket kept in Redis, shared by every worker instance.
 * KEYS: 1 bucket hash. ARGV: 1 capacity, 2 refill per second, 3 cost, 4 now ms.
 * Returns 0 when the cost was taken, else the ms to wait before trying again. */
export const TAKE_TOKENS_LUA = String.raw`
local capacity, rate, cost, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens, ts = tonumber(state[1]) or capacity, tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate / 1000)
local waitMs = 0
if tokens >= cost then tokens = tokens - cost else waitMs = math.ceil((cost - tokens) * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
local peak = tonumber(redis.call('HGET', KEYS[1], 'peakUsed')) or 0
if capacity - tokens > peak then redis.call('HSET', KEYS[1], 'peakUsed', tostring(capacity - tokens)) end
return waitMs
`;

/** The channel told us how much budget it really has left: never believe we have more.
 * KEYS: 1 bucket hash. ARGV: 1 tokens the channel reports (already scaled), 2 now ms. */
export const CORRECT_TOKENS_LUA = String.raw`
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens'))
local reported = tonumber(ARGV[1])
if tokens == nil or reported < tokens then
  redis.call('HSET', KEYS[1], 'tokens', tostring(reported), 'ts', ARGV[2])
end
return 1
`;

/** Release a lock only if we still hold it (our token), so a late holder cannot free another's lock.
 * KEYS: 1 lock. ARGV: 1 token. */
export const RELEASE_LOCK_LUA = String.raw`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** A drift correction landed: set beliefs to the corrected values, unless a newer pass holds
 * the fence (a paused reconciler must not write what it saw long ago), and log it.
 * KEYS: 1 fence, 2 believed, 3 log. ARGV: 1 token, 2 now ms, 3 log max length, 4 pass id, then field, value, … */
export const SET_BELIEVED_FENCED_LUA = String.raw`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local items = 0
for i = 5, #ARGV, 2 do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]); items = items + 1
end
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', 'key', 'reconcile:' .. ARGV[4], 'items', items, 'at', ARGV[2])
return items
`;
