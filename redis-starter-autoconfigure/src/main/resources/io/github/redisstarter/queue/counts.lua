-- How many jobs are in each state. KEYS[1] = base..'meta'. ARGV: base.
-- Returns {waiting, delayed, active, completed, failed, paused}.
local base = ARGV[1]
local entries, active = 0, 0
for _, level in ipairs(redis.call('ZRANGE', base .. 'levels', 0, -1)) do
  local stream = base .. 'ready:' .. level
  entries = entries + redis.call('XLEN', stream)
  active = active + redis.call('XPENDING', stream, 'workers')[1]
end
return { entries - active, redis.call('ZCARD', base .. 'delayed'), active, redis.call('ZCARD', base .. 'completed'),
  redis.call('ZCARD', base .. 'failed'), (redis.call('HGET', KEYS[1], 'paused') == '1') and 1 or 0 }
