-- Invalidates every entry of a cache at once: entries written until now count as misses from here on (see the read
-- in RedisCacheStore), and loads that read before now cannot store (write.lua). KEYS[1]: the "valid after" key.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('SET', KEYS[1], string.format('%d', now))
return now
