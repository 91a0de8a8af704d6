-- Ends an attempt if the job is still the consumer's in that attempt's entry; then, when
-- asked, takes the next jobs for the worker it freed, as claim.lua does, in the same call.
-- KEYS[1] = the job. ARGV: base, id, consumer, token ('<level> <entry> <attempt>'), outcome
-- (completed, retry, failed, released), text (result or error), retry delay millis, then
-- how many to take next (0 for none), visibility millis, lost reason, then the token of
-- each job the consumer runs.
-- Returns {1, or 2 when this attempt was ended already (an earlier send of this call whose
-- answer was lost), or 0 when the attempt is no longer the consumer's (the outcome is dropped),
-- next due in millis or -1, {claimed job fields...}, {lost ids...}}.
local base, id, consumer, outcome, text = ARGV[1], ARGV[2], ARGV[3], ARGV[5], ARGV[6]

local function finish()
  local level, entry, attempt = string.match(ARGV[4], '(%S+) (%S+) (%S+)')
  local job = redis.call('HMGET', KEYS[1], 'state', 'consumer', 'entry', 'cancel', 'keepCompleted', 'keepFor', 'attempts',
    'endedBy')
  if job[1] ~= 'active' or job[2] ~= consumer or job[3] ~= entry or job[7] ~= attempt then
    -- 2: this attempt was ended already, by this call sent before (its answer lost)
    return (job[8] == ARGV[4]) and 2 or 0
  end
  unlink_entry(base, level, entry)
  redis.call('HSET', KEYS[1], 'endedBy', ARGV[4])
  local now = now_millis()
  if (outcome == 'retry' or outcome == 'released') and job[4] == '1' then
    -- cancelled while it ran: not run again
    outcome, text = 'failed', 'cancelled'
  end
  if outcome == 'completed' then
    redis.call('HSET', KEYS[1], 'state', 'completed', 'result', text, 'finishedAt', now)
    redis.call('HDEL', KEYS[1], 'consumer')
    redis.call('ZADD', base .. 'completed', now, id)
    trim(base, 'completed', tonumber(job[5]), tonumber(job[6]), now)
  elseif outcome == 'retry' then
    local due = now + tonumber(ARGV[7])
    redis.call('HSET', KEYS[1], 'state', 'delayed', 'error', text, 'runAt', due)
    redis.call('HDEL', KEYS[1], 'consumer')
    redis.call('ZADD', base .. 'delayed', due, id)
  elseif outcome == 'failed' then
    fail(base, id, text, now)
  else
    redis.call('HINCRBY', KEYS[1], 'attempts', -1)
    enqueue(base, id, level)
  end
  return 1
end

local ended = finish()
local max = tonumber(ARGV[8])
if max > 0 then
  local running, running_count = running_set(11)
  local due_in, claimed, lost = claim_jobs(base, consumer, max, tonumber(ARGV[9]), ARGV[10], running, running_count)
  return { ended, due_in, claimed, lost }
end
return { ended, -1, {}, {} }
