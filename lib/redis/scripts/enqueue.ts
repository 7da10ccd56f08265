// Lua source: drop a repeated delivery, else append it to the intake stream — in one step,
// so a crash between "seen" and "queued" cannot lose an event.
// KEYS: 1 stream, 2 delivery-seen key (same slot). ARGV: 1 source, 2 events JSON, 3 received ms, 4 seen TTL s, 5 has delivery id.
export const ENQUEUE_LUA = String.raw`
if ARGV[5] == '1' and not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[4]) then
  return false
end
return redis.call('XADD', KEYS[1], '*', 'src', ARGV[1], 'events', ARGV[2], 'rcv', ARGV[3])
`;
