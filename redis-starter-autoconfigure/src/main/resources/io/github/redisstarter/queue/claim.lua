-- Takes up to max jobs for a consumer (see claim_jobs in lib.lua).
-- KEYS[1] = base..'meta'. ARGV: base, consumer, max, visibility millis, lost reason, then
-- the token of each job the consumer runs.
-- Returns {next due in millis or -1, {claimed job fields...}, {lost ids...}}.
local running, running_count = running_set(6)
local due_in, claimed, lost = claim_jobs(ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], running,
  running_count)
return { due_in, claimed, lost }
