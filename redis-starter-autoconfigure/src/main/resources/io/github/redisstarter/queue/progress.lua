-- Records a running job's progress, if the attempt is still the consumer's.
-- KEYS[1] = the job. ARGV: consumer, attempt, percent.
local job = redis.call('HMGET', KEYS[1], 'consumer', 'attempts')
if job[1] == ARGV[1] and job[2] == ARGV[2] then
  redis.call('HSET', KEYS[1], 'progress', ARGV[3])
  return 1
end
return 0
