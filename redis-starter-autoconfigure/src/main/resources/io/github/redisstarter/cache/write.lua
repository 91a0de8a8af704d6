-- Stores what a load found after a miss. KEYS[1]: the entry, KEYS[2]: the cache's "valid after" instant.
-- ARGV[1]: when the miss was read (Redis micros, from read.lua), ARGV[2]: time to live in ms, ARGV[3]: the payload,
-- ARGV[4]: how long a tombstone lives, in micros.
-- Refused (reply 0) when the entry was evicted, or the whole cache invalidated, after that read: the load may have
-- seen the data from before the change, and storing it would make the change invisible until the entry expires.
local readAt = tonumber(ARGV[1])
local entry = redis.call('GET', KEYS[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
-- A load slower than a tombstone lives might have missed one: it is not stored either.
if now - readAt > tonumber(ARGV[4]) then
  return 0
end
if entry and string.sub(entry, 1, 1) == 'T' and tonumber(string.sub(entry, 2)) >= readAt then
  return 0
end
local validAfter = redis.call('GET', KEYS[2])
if validAfter and tonumber(validAfter) >= readAt then
  return 0
end
redis.call('SET', KEYS[1], 'V' .. string.format('%d', now) .. ' ' .. ARGV[3], 'PX', ARGV[2])
return 1
