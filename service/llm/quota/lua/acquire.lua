-- KEYS: attempts zset, tokens zset, token sum. ARGV: window_ms, rpm, tpm, ticket id, tokens.
-- Token-set members are "<ticket id>|<tokens>", so expiring one tells how many tokens to subtract.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local rpm, tpm, tokens = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[5])
local since = now - window
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', since)
local sum = 0
if tpm > 0 then
  sum = tonumber(redis.call('GET', KEYS[3]) or '0')
  local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', since)
  for _, m in ipairs(old) do sum = sum - tonumber(string.match(m, '|(%d+)$')) end
  if #old > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', since) end
  if sum < 0 then sum = 0 end
end
local wait = 0
if rpm > 0 then
  local n = redis.call('ZCARD', KEYS[1])
  if n >= rpm then
    local oldest = redis.call('ZRANGE', KEYS[1], n - rpm, n - rpm, 'WITHSCORES')
    wait = tonumber(oldest[2]) + window - now
  end
end
if tpm > 0 and sum + tokens > tpm then
  local excess, freed = sum + tokens - tpm, 0
  local entries = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
  for i = 1, #entries, 2 do
    freed = freed + tonumber(string.match(entries[i], '|(%d+)$'))
    if freed >= excess then
      wait = math.max(wait, tonumber(entries[i + 1]) + window - now)
      break
    end
  end
end
if wait > 0 then return wait + 1 end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
if tpm > 0 then
  redis.call('ZADD', KEYS[2], now, ARGV[4] .. '|' .. tokens)
  redis.call('SET', KEYS[3], sum + tokens, 'PX', window)
  redis.call('PEXPIRE', KEYS[2], window)
end
return 0
