-- Stores what a load found after a miss, only if the entry is still what the miss read: compare-and-set.
-- KEYS[1]: the entry. ARGV[1]: the entry's token when read ('' for none; "V<instant>" for a value; "T<evicted>" for a
-- tombstone; '*' for a put, which overwrites whatever is there), ARGV[2]: the cache's "valid after" instant when read ('' for none), ARGV[3]: time to live in ms,
-- ARGV[4]: the payload.
-- Refused (reply 0) when the entry was evicted or stored by another load after that read: the load may have seen the
-- data from before an eviction, and storing it would make the eviction invisible until the entry expires. A
-- whole-cache invalidation after the read needs no check here: the entry carries the instant the read saw, and
-- counts only while the instant is still that one (see the read in RedisCacheStore).
local entry = redis.call('GET', KEYS[1])
local token = ''
if entry then
  local sep = string.find(entry, ' ', 1, true)
  if sep then token = string.sub(entry, 1, sep - 1) else token = entry end
end
if ARGV[1] ~= '*' and token ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], 'V' .. ARGV[2] .. ' ' .. ARGV[4], 'PX', ARGV[3])
return 1
