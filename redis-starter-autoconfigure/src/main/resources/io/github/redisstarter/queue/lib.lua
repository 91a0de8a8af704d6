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

-- Removes a job's entry from its stream (and the group's pending list).
local function unlink_entry(base, level, entry)
  local stream = base .. 'ready:' .. level
  redis.call('XACK', stream, 'workers', entry)
  redis.call('XDEL', stream, entry)
end
