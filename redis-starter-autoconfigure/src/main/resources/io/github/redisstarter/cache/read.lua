-- Reads one cache entry. KEYS[1]: the entry, KEYS[2]: the cache's "valid after" instant.
-- An entry is "V<written micros> <payload>"; a tombstone left by an eviction is "T<evicted micros>".
-- Reply: {1, now, payload} on a hit; {0, now} on a miss; {2, now} for an entry written before the cache was last
-- invalidated as a whole (evictAll, or an instance back from an outage), which is deleted.
-- 'now' (Redis TIME, microseconds) is when the read happened: a load that follows a miss hands it to write.lua.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local entry = redis.call('GET', KEYS[1])
if not entry or string.sub(entry, 1, 1) ~= 'V' then
  return {0, now}
end
local sep = string.find(entry, ' ', 1, true)
local written = tonumber(string.sub(entry, 2, sep - 1))
local validAfter = redis.call('GET', KEYS[2])
if validAfter and written <= tonumber(validAfter) then
  redis.call('DEL', KEYS[1])
  return {2, now}
end
return {1, now, string.sub(entry, sep + 1)}
