-- Makes due delayed jobs ready, then takes up to max jobs for a consumer: first those
-- whose lease lapsed (idle in the pending list for the visibility timeout; a job whose
-- last attempt that was fails instead), then new entries, highest priority first.
-- KEYS[1] = base..'meta'. ARGV: base, consumer, max, visibility millis, lost reason.
-- Returns {next due in millis or -1, {claimed job fields...}, {lost ids...}}.
local base, consumer, max, visibility = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local now = now_millis()
for _, id in ipairs(redis.call('ZRANGEBYSCORE', base .. 'delayed', '-inf', now, 'LIMIT', 0, 1000)) do
  redis.call('ZREM', base .. 'delayed', id)
  local priority = redis.call('HGET', base .. 'job:' .. id, 'priority')
  if priority then
    enqueue(base, id, priority)
  end
end

local claimed, lost = {}, {}
-- One entry of a stream, delivered to this consumer.
local function take(level, entry, fields, reclaimed)
  local id = fields[2]
  local key = base .. 'job:' .. id
  local job = redis.call('HMGET', key, 'name', 'payload', 'attempts', 'maxAttempts', 'backoff', 'keepCompleted',
    'keepFailed', 'keepFor', 'cancel', 'entry')
  if not job[1] or job[10] ~= entry then
    -- removed, or moved on without this entry: a leftover
    unlink_entry(base, level, entry)
    return
  end
  if reclaimed and (tonumber(job[3]) >= tonumber(job[4]) or job[9] == '1') then
    unlink_entry(base, level, entry)
    fail(base, id, (job[9] == '1') and 'cancelled' or ARGV[5], now)
    lost[#lost + 1] = id
    return
  end
  local attempt = redis.call('HINCRBY', key, 'attempts', 1)
  redis.call('HSET', key, 'state', 'active', 'consumer', consumer)
  claimed[#claimed + 1] = { id, job[1], job[2], attempt, job[4], job[5], job[6], job[7], job[8], level .. ' ' .. entry .. ' ' .. attempt }
end

if redis.call('HGET', KEYS[1], 'paused') ~= '1' then
  local levels = redis.call('ZREVRANGE', base .. 'levels', 0, -1)
  for _, level in ipairs(levels) do
    if #claimed >= max then break end
    local reply = redis.call('XAUTOCLAIM', base .. 'ready:' .. level, 'workers', consumer, visibility, '0-0',
      'COUNT', max - #claimed)
    for _, item in ipairs(reply[2]) do
      -- 6.2 answers an entry deleted meanwhile as nil
      if type(item) == 'table' and type(item[2]) == 'table' then
        take(level, item[1], item[2], true)
      end
    end
  end
  for _, level in ipairs(levels) do
    if #claimed >= max then break end
    local reply = redis.call('XREADGROUP', 'GROUP', 'workers', consumer, 'COUNT', max - #claimed, 'STREAMS',
      base .. 'ready:' .. level, '>')
    if reply then
      for _, item in ipairs(reply[1][2]) do
        take(level, item[1], item[2], false)
      end
    end
  end
end
local next_due = redis.call('ZRANGE', base .. 'delayed', 0, 0, 'WITHSCORES')
local due_in = -1
if next_due[2] then
  due_in = math.max(0, tonumber(next_due[2]) - now)
end
return { due_in, claimed, lost }
