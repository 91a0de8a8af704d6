-- Removes a stopping consumer from the group of every priority's stream, where it holds
-- no pending entry (one it holds stays, for another worker to take after the visibility
-- timeout), so that the group does not grow with every start of the app.
-- KEYS[1] = base..'meta'. ARGV: base, consumer. Returns how many groups it left.
local base, consumer = ARGV[1], ARGV[2]
local left = 0
for _, level in ipairs(redis.call('ZRANGE', base .. 'levels', 0, -1)) do
  local stream = base .. 'ready:' .. level
  if #redis.call('XPENDING', stream, 'workers', '-', '+', 1, consumer) == 0 then
    redis.call('XGROUP', 'DELCONSUMER', stream, 'workers', consumer)
    left = left + 1
  end
end
return left
