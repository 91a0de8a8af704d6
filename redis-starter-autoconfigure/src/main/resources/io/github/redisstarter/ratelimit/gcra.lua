-- GCRA over one or more bands, all-or-nothing, in one round trip. The same steps as Gcra.java (a test compares them).
-- KEYS[i]: the state of band i, "<tat>" or "<tat>:<remainder>" (microseconds, scaled remainder).
-- ARGV: cost, consume (1 or 0), now in microseconds (0: read Redis TIME), then per band: permitCost, scale, capacity,
-- periodMicros.
-- Reply: {allowed, then per band: remaining, resetAfterMicros, retryAfterMicros}.
-- Every number stays an integer below 2^52 (GcraBand checks it), so the doubles of Lua are exact; divisions go
-- through divmod, which corrects the rounding of a floating-point quotient.
local function divmod(a, b)
  local q = math.floor(a / b)
  local r = a - q * b
  if r < 0 then q = q - 1; r = r + b elseif r >= b then q = q + 1; r = r - b end
  return q, r
end
local function ceildiv(a, b)
  local q, r = divmod(a, b)
  if r > 0 then q = q + 1 end
  return q
end

local cost = tonumber(ARGV[1])
local consume = ARGV[2] == '1'
local now = tonumber(ARGV[3])
if now == 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end

local n = #KEYS
local band = {}
local allowed = true
for i = 1, n do
  local at = 4 + (i - 1) * 4
  local b = { permit = tonumber(ARGV[at]), scale = tonumber(ARGV[at + 1]), capacity = tonumber(ARGV[at + 2]),
              period = tonumber(ARGV[at + 3]), backlog = 0 }
  local stored = redis.call('GET', KEYS[i])
  if stored then
    local sep = string.find(stored, ':', 1, true)
    local tat, remainder
    if sep then
      tat = tonumber(string.sub(stored, 1, sep - 1)); remainder = tonumber(string.sub(stored, sep + 1))
    else
      tat = tonumber(stored); remainder = 0
    end
    if tat >= now then
      local ahead = tat - now
      if ahead >= b.period then
        b.backlog = b.capacity
      else
        b.backlog = math.min(ahead * b.scale + remainder, b.capacity)
      end
    end
  end
  b.wanted = b.backlog + cost * b.permit
  if b.wanted > b.capacity then allowed = false end
  band[i] = b
end

local reply = { allowed and 1 or 0 }
for i = 1, n do
  local b = band[i]
  local used = b.backlog
  if allowed and consume then used = b.wanted end
  local remaining = divmod(b.capacity - used, b.permit)
  local reset = ceildiv(used, b.scale)
  local retry = 0
  if b.wanted > b.capacity then retry = ceildiv(b.wanted - b.capacity, b.scale) end
  reply[#reply + 1] = remaining
  reply[#reply + 1] = reset
  reply[#reply + 1] = retry
  if allowed and consume then
    local whole, remainder = divmod(used, b.scale)
    local value = string.format('%d', now + whole)
    if remainder > 0 then value = value .. ':' .. string.format('%d', remainder) end
    -- The key lives until the band is full again: an idle key costs nothing after that.
    redis.call('SET', KEYS[i], value, 'PX', math.max(1, ceildiv(reset, 1000)))
  end
end
return reply
