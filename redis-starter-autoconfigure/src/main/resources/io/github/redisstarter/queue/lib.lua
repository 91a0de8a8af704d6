-- Shared by the queue's scripts. Every key of a queue starts with its base,
-- '<prefix>:{<queue>}:', so that a queue lives in one Cluster slot; KEYS[1] is always
-- one of them, which routes the call.
-- A job is the hash base..'job:'..id; a ready job is an entry of the stream of its
-- priority, base..'ready:'..priority, read by the group 'workers' (the group's pending
-- list holds the active jobs, their idle time is the lease); delayed and retrying jobs
-- are in the sorted set base..'delayed' (score: when due), finished ones in
-- base..'completed' and base..'failed' (score: when finished).

local function now_millis()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

-- Makes a job ready: an entry at the end of its priority's stream.
local function enqueue(base, id, priority)
  local stream = base .. 'ready:' .. priority
  if redis.call('ZADD', base .. 'levels', 'NX', priority, priority) == 1 then
    -- BUSYGROUP, when the stream outlived the set, is fine
    redis.pcall('XGROUP', 'CREATE', stream, 'workers', '0', 'MKSTREAM')
  end
  local entry = redis.call('XADD', stream, '*', 'id', id)
  redis.call('HSET', base .. 'job:' .. id, 'state', 'waiting', 'entry', entry, 'level', priority)
  redis.call('HDEL', base .. 'job:' .. id, 'runAt', 'consumer')
end

-- Keeps at most 'keep' jobs in a finished set, none older than keep_for (0: no age
-- limit): the oldest go first, job and all.
local function trim(base, set, keep, keep_for, now)
  local key = base .. set
  if keep_for > 0 then
    local old = redis.call('ZRANGEBYSCORE', key, '-inf', now - keep_for, 'LIMIT', 0, 1000)
    for _, id in ipairs(old) do
      redis.call('DEL', base .. 'job:' .. id)
      redis.call('ZREM', key, id)
    end
  end
  local excess = redis.call('ZCARD', key) - keep
  if excess > 0 then
    for _, id in ipairs(redis.call('ZRANGE', key, 0, excess - 1)) do
      redis.call('DEL', base .. 'job:' .. id)
    end
    redis.call('ZREMRANGEBYRANK', key, 0, excess - 1)
  end
end

-- Ends a job as a dead letter.
local function fail(base, id, error, now)
  local key = base .. 'job:' .. id
  redis.call('HSET', key, 'state', 'failed', 'error', error, 'finishedAt', now)
  redis.call('HDEL', key, 'consumer', 'runAt')
  redis.call('ZADD', base .. 'failed', now, id)
  trim(base, 'failed', tonumber(redis.call('HGET', key, 'keepFailed')), tonumber(redis.call('HGET', key, 'keepFor')), now)
end

-- The set of '<level> <entry>' of the running jobs' tokens among ARGV from first on, and
-- their number.
local function running_set(first)
  local running, count = {}, 0
  for i = first, #ARGV do
    local level, entry = string.match(ARGV[i], '(%S+) (%S+)')
    running[level .. ' ' .. entry] = true
    count = count + 1
  end
  return running, count
end

-- Removes a job's entry from its stream (and the group's pending list).
local function unlink_entry(base, level, entry)
  local stream = base .. 'ready:' .. level
  redis.call('XACK', stream, 'workers', entry)
  redis.call('XDEL', stream, entry)
end

-- Makes due delayed jobs ready, then takes up to max jobs for a consumer: first its own
-- pending entries that it does not run (running: a set of '<level> <entry>'), given to it
-- by a claim whose answer it never got, their attempt unchanged; then those whose lease
-- lapsed (idle in the pending list for the visibility timeout; a job whose last attempt
-- that was fails instead, with lost_reason); then new entries, highest priority first.
-- None while the queue is paused.
-- Returns next due in millis or -1, the claimed jobs' fields, the lost ids.
local function claim_jobs(base, consumer, max, visibility, lost_reason, running, running_count)
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
  local function take(level, entry, fields, reclaimed, orphan)
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
      fail(base, id, (job[9] == '1') and 'cancelled' or lost_reason, now)
      lost[#lost + 1] = id
      return
    end
    local attempt
    if orphan then
      -- counted when it was given the first time
      attempt = tonumber(job[3])
    else
      attempt = redis.call('HINCRBY', key, 'attempts', 1)
    end
    redis.call('HSET', key, 'state', 'active', 'consumer', consumer)
    claimed[#claimed + 1] = { id, job[1], job[2], attempt, job[4], job[5], job[6], job[7], job[8], level .. ' ' .. entry .. ' ' .. attempt }
  end

  if redis.call('HGET', base .. 'meta', 'paused') ~= '1' then
    local levels = redis.call('ZREVRANGE', base .. 'levels', 0, -1)
    for _, level in ipairs(levels) do
      if #claimed >= max then break end
      local stream = base .. 'ready:' .. level
      for _, pending in ipairs(redis.call('XPENDING', stream, 'workers', '-', '+', max + running_count, consumer)) do
        if #claimed >= max then break end
        local entry = pending[1]
        if not running[level .. ' ' .. entry] then
          local found = redis.call('XRANGE', stream, entry, entry)
          if found[1] then
            -- its idle time back to 0: a fresh lease, as a new delivery has
            redis.call('XCLAIM', stream, 'workers', consumer, 0, entry, 'JUSTID')
            take(level, entry, found[1][2], false, true)
          else
            redis.call('XACK', stream, 'workers', entry)
          end
        end
      end
    end
    for _, level in ipairs(levels) do
      if #claimed >= max then break end
      -- Each scan goes on where the last one stopped (a scan covers a few entries per
      -- job asked for), so that lapsed entries behind many live ones are found too.
      local cursor_field = 'cursor:' .. level
      local cursor = redis.call('HGET', base .. 'meta', cursor_field) or '0-0'
      local reply = redis.call('XAUTOCLAIM', base .. 'ready:' .. level, 'workers', consumer, visibility, cursor,
        'COUNT', max - #claimed)
      redis.call('HSET', base .. 'meta', cursor_field, reply[1])
      for _, item in ipairs(reply[2]) do
        -- 6.2 answers an entry deleted meanwhile as nil
        if type(item) == 'table' and type(item[2]) == 'table' then
          if running[level .. ' ' .. item[1]] then
            -- this consumer's own, running: late renewals, and this claim renewed it
          else
            take(level, item[1], item[2], true, false)
          end
        end
      end
    end
    for _, level in ipairs(levels) do
      if #claimed >= max then break end
      local reply = redis.call('XREADGROUP', 'GROUP', 'workers', consumer, 'COUNT', max - #claimed, 'STREAMS',
        base .. 'ready:' .. level, '>')
      if reply then
        for _, item in ipairs(reply[1][2]) do
          take(level, item[1], item[2], false, false)
        end
      end
    end
  end
  local next_due = redis.call('ZRANGE', base .. 'delayed', 0, 0, 'WITHSCORES')
  local due_in = -1
  if next_due[2] then
    due_in = math.max(0, tonumber(next_due[2]) - now)
  end
  return due_in, claimed, lost
end
