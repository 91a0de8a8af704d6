-- Cancels a job: a waiting or delayed one fails at once, an active one is flagged.
-- KEYS[1] = the job. ARGV: base, id. Returns the state it was in, or '' when it was
-- finished or unknown.
local base, id = ARGV[1], ARGV[2]
local job = redis.call('HMGET', KEYS[1], 'state', 'level', 'entry')
local now = now_millis()
if job[1] == 'waiting' then
  unlink_entry(base, job[2], job[3])
  fail(base, id, 'cancelled', now)
elseif job[1] == 'delayed' then
  redis.call('ZREM', base .. 'delayed', id)
  fail(base, id, 'cancelled', now)
elseif job[1] == 'active' then
  redis.call('HSET', KEYS[1], 'cancel', '1')
else
  return ''
end
return job[1]
