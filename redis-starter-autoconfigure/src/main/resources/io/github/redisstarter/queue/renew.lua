-- Renews the leases of the consumer's jobs (their pending entries' idle time back to 0).
-- KEYS[1] = base..'meta'. ARGV: base, consumer, then id and token ('<level> <entry> <attempt>') per job.
-- Returns id, status pairs for the jobs not plainly renewed: 1 cancelled (renewed), 0 no
-- longer the consumer's.
local base, consumer = ARGV[1], ARGV[2]
local news = {}
for i = 3, #ARGV, 2 do
  local id = ARGV[i]
  local level, entry, attempt = string.match(ARGV[i + 1], '(%S+) (%S+) (%S+)')
  local job = redis.call('HMGET', base .. 'job:' .. id, 'state', 'consumer', 'entry', 'cancel', 'attempts')
  if job[1] ~= 'active' or job[2] ~= consumer or job[3] ~= entry or job[5] ~= attempt then
    news[#news + 1] = id
    news[#news + 1] = 0
  else
    redis.call('XCLAIM', base .. 'ready:' .. level, 'workers', consumer, 0, entry, 'JUSTID')
    if job[4] == '1' then
      news[#news + 1] = id
      news[#news + 1] = 1
    end
  end
end
return news
