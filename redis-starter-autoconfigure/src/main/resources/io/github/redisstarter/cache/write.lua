-- Stores what a load found after a miss, only if nothing changed since the miss was read: compare-and-set.
-- KEYS[1]: the entry, KEYS[2]: the cache's "valid after" instant.
-- ARGV[1]: the entry's token when read ('' for none; "V<written>" for a value; "T<evicted>" for a tombstone),
-- ARGV[2]: the "valid after" instant when read ('' for none), ARGV[3]: time to live in ms, ARGV[4]: the payload.
-- Refused (reply 0) when the entry was evicted, or the whole cache invalidated, after that read: the load may have
-- seen the data from before the change, and storing it would make the change invisible until the entry expires.
local entry = redis.call('GET', KEYS[1])
local token = ''
if entry then
  local sep = string.find(entry, ' ', 1, true)
  if sep then token = string.sub(entry, 1, sep - 1) else token = entry end
end
if token ~= ARGV[1] then
  return 0
end
if (redis.call('GET', KEYS[2]) or '') ~= ARGV[2] then
  return 0
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('SET', KEYS[1], 'V' .. string.format('%d', now) .. ' ' .. ARGV[4], 'PX', ARGV[3])
return 1
