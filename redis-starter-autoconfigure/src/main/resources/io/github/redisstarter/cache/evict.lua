-- Evicts one entry, leaving a tombstone for ARGV[1] ms so that a load that started before the eviction cannot store
-- what it read (see write.lua). KEYS[1]: the entry.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('SET', KEYS[1], 'T' .. string.format('%d', now), 'PX', ARGV[1])
return 1
