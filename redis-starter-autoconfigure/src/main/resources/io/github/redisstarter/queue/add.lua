-- Adds jobs whose id is not kept yet.
-- ARGV: base, schedule marker field ('' for none), tick millis, then 10 per job:
-- id, name, payload, priority, delay millis, max attempts, backoff, keep completed,
-- keep failed, keep for millis.
-- Returns per job 1 (added) or 0 (a job of that id is kept); {} when the tick was
-- added already.
local base = ARGV[1]
if ARGV[2] ~= '' then
  local last = redis.call('HGET', KEYS[1], ARGV[2])
  if last and tonumber(last) >= tonumber(ARGV[3]) then
    return {}
  end
  redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
end
local now = now_millis()
local added = {}
for i = 4, #ARGV, 10 do
  local id = ARGV[i]
  local key = base .. 'job:' .. id
  if redis.call('EXISTS', key) == 1 then
    added[#added + 1] = 0
  else
    local delay = tonumber(ARGV[i + 4])
    redis.call('HSET', key, 'name', ARGV[i + 1], 'payload', ARGV[i + 2], 'priority', ARGV[i + 3],
      'attempts', 0, 'maxAttempts', ARGV[i + 5], 'backoff', ARGV[i + 6], 'keepCompleted', ARGV[i + 7],
      'keepFailed', ARGV[i + 8], 'keepFor', ARGV[i + 9], 'createdAt', now, 'progress', 0)
    if delay > 0 then
      redis.call('HSET', key, 'state', 'delayed', 'runAt', now + delay)
      redis.call('ZADD', base .. 'delayed', now + delay, id)
    else
      enqueue(base, id, ARGV[i + 3])
    end
    added[#added + 1] = 1
  end
end
return added
