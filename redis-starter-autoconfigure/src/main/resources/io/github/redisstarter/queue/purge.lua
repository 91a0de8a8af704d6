-- Removes every dead letter of a queue. KEYS[1] = base..'failed'. ARGV: base.
-- Returns how many.
local base = ARGV[1]
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
for _, id in ipairs(ids) do
  redis.call('DEL', base .. 'job:' .. id)
end
redis.call('DEL', KEYS[1])
return #ids
