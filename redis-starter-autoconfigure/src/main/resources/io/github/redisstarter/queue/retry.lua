-- Sends a dead letter back to the queue, its attempts counted from zero.
-- KEYS[1] = the job. ARGV: base, id. Returns 1, or 0 when it was no dead letter.
local base, id = ARGV[1], ARGV[2]
if redis.call('ZREM', base .. 'failed', id) == 0 then
  return 0
end
redis.call('HSET', KEYS[1], 'attempts', 0)
redis.call('HDEL', KEYS[1], 'error', 'finishedAt', 'cancel')
enqueue(base, id, redis.call('HGET', KEYS[1], 'priority'))
return 1
