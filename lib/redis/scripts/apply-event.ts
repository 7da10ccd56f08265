import { projectionFields } from "../keys";

// Lua source of the per-SKU apply script; a TS string so every bundler ships it. Hash field names come from keys.ts.
export const APPLY_EVENT_LUA = String.raw`
-- Apply one normalized stock event to one SKU, atomically (I4). Mirrors lib/domain/projection.ts.
-- KEYS: 1 projection hash, 2 applied-id hash (id → its line delta and location), 3 cycle-count hash, 4 movements zset of the
--       event's location, 5 order-line hash, 6 ledger stream. All share the {sku} hash tag.
-- ARGV: 1 event JSON, 2 occurredAt in ms, 3 now in ms, 4 ledger max length.
local proj, applied, counts, moves, lines, ledger = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local e = cjson.decode(ARGV[1])
local at = tonumber(ARGV[2])

-- A repeat returns what the first application did to its line, so a worker that died
-- before passing it on to the channel writers can pass it on when the entry is re-read.
local seen = redis.call('HGET', applied, e.id)
if seen then
  local delta, loc = string.match(seen, '^(-?%d+)|(.*)$')
  return { 'duplicate', redis.call('HGETALL', proj), tonumber(delta) or 0, loc or '' }
end

local touched = {}
local function num(field) return tonumber(redis.call('HGET', proj, field)) or 0 end
local function touch(field) if touched[field] == nil then touched[field] = num(field) end end
local function incr(field, by)
  if by ~= 0 then touch(field); redis.call('HINCRBY', proj, field, by) end
end

local effect = 'applied'
local loc = e.locationId
local kind = e.kind

-- On-hand: cycle counts are absolute as of their time; other movements are deltas.
if loc ~= nil and kind ~= 'reserve' and kind ~= 'relocate' and kind ~= 'channel_restock' then
  local last = redis.call('HGET', counts, loc)
  local lastAt, lastId
  if last then
    lastAt, lastId = string.match(last, '^(-?%d+)|([^|]*)|')
    lastAt = tonumber(lastAt)
  end
  if kind == 'cycle_count' then
    if last and not (at > lastAt or (at == lastAt and e.id > lastId)) then
      effect = 'stale_count'
    else
      local onHand = e.quantity
      for _, member in ipairs(redis.call('ZRANGEBYSCORE', moves, '(' .. at, '+inf')) do
        onHand = onHand + tonumber(string.match(member, '^(-?%d+)|'))
      end
      redis.call('ZREMRANGEBYSCORE', moves, '-inf', at)
      redis.call('HSET', counts, loc, at .. '|' .. e.id .. '|' .. e.quantity)
      touch('${projectionFields.onHandPrefix}' .. loc)
      redis.call('HSET', proj, '${projectionFields.onHandPrefix}' .. loc, onHand)
    end
  else
    local delta = e.quantity
    if kind == 'pick' or kind == 'short_pick' then delta = -delta end
    if last and at <= lastAt then
      effect = 'subsumed'
    else
      redis.call('ZADD', moves, at, delta .. '|' .. e.id)
      incr('${projectionFields.onHandPrefix}' .. loc, delta)
    end
  end
end

-- Reservations: a line keeps sums and a cancelled flag; its outstanding amount is derived.
local function outstanding(l)
  if l.c == 1 then return 0 end
  return math.max(0, l.r - l.x - l.k)
end
-- What the selling channel itself has taken off its own count for this line: it lowers its
-- number at the sale, puts back refunds with restock (n: units refunded without restock, kept
-- off), and on cancellation restocks all but what was fulfilled or kept, unless the cancellation's
-- restocks arrive as releases (nr = 1, cancelRestocks false). Picks do not move it.
local function held(l)
  local open = math.max(0, l.r - (l.x - l.n))
  if l.c == 1 and l.nr ~= 1 then return math.min(l.k + l.n, open) end
  return open
end
-- Where the outstanding amount sits: the channel's routing (rl), else the reserve's location.
local function lineLocation(l)
  if l.rl ~= '' then return l.rl end
  return l.loc
end
local function rsField(l)
  local where = lineLocation(l)
  if where == '' then return '${projectionFields.unassigned}' end
  return '${projectionFields.reservedPrefix}' .. where
end

local lineKey = e.lineKey
local lineDelta, lineLoc = 0, ''
if lineKey ~= nil and (kind == 'reserve' or kind == 'release' or kind == 'cancel_line' or kind == 'pick' or kind == 'relocate') then
  local raw = redis.call('HGET', lines, lineKey)
  local l
  if raw then l = cjson.decode(raw) else l = { r = 0, x = 0, n = 0, k = 0, c = 0, loc = '', by = '' } end
  if l.n == nil then l.n = 0 end
  if l.rl == nil then l.rl = ''; l.ra = 0; l.rb = '' end
  local beforeAmount, beforeField, beforeHeld = outstanding(l), rsField(l), held(l)
  if kind == 'reserve' then
    l.r = l.r + e.quantity
    if loc ~= nil and (l.by == '' or e.id > l.by) then l.loc = loc; l.by = e.id end
  elseif kind == 'release' then
    l.x = l.x + e.quantity
    if e.restocked == false then l.n = l.n + e.quantity end
  elseif kind == 'cancel_line' then
    l.c = 1
    if e.restocked == false then l.nr = 1 end
  elseif kind == 'relocate' then
    -- The newest routing wins: later routedAt, ties broken by id (lib/domain/projection.ts routesLine).
    if l.rb == '' or e.routedAt > l.ra or (e.routedAt == l.ra and e.id > l.rb) then
      l.rl = loc; l.ra = e.routedAt; l.rb = e.id
    end
  else
    l.k = l.k + e.quantity
  end
  redis.call('HSET', lines, lineKey, cjson.encode(l))
  incr(beforeField, -beforeAmount)
  incr(rsField(l), outstanding(l))
  lineDelta, lineLoc = held(l) - beforeHeld, lineLocation(l)
end
redis.call('HSET', applied, e.id, lineDelta .. '|' .. lineLoc)

-- Ledger (I5): what, why, where from, before and after of every field it changed.
local before, after = {}, {}
for field, value in pairs(touched) do
  before[field] = value
  after[field] = num(field)
end
redis.call('HINCRBY', proj, '${projectionFields.version}', 1)
redis.call('HSET', proj, '${projectionFields.updatedAt}', ARGV[3])
redis.call('XADD', ledger, 'MAXLEN', '~', ARGV[4], '*',
  'event', e.id, 'kind', kind, 'effect', effect, 'source', e.source, 'uri', e.sourceUri,
  'loc', loc or '', 'line', lineKey or '', 'qty', tostring(e.quantity or ''), 'occurredAt', e.occurredAt,
  'before', cjson.encode(before), 'after', cjson.encode(after))
-- How much the line's selling channel changed its own count (see lib/channels/own-sales.ts).
return { effect, redis.call('HGETALL', proj), lineDelta, lineLoc }
`;
