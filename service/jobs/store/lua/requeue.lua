-- ARGV: prefix, job id, worker ('' = any whose lease expired), stream, message
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000

local P, id = ARGV[1], ARGV[2]
local key = P .. ':job:' .. id
local state = redis.call('HMGET', key, 'status', 'worker', 'lease_until', 'runs', 'created_at')
if state[1] ~= 'running' then return 0 end
if ARGV[3] == '' then
  if tonumber(state[3] or '0') > now then return 0 end
elseif state[2] ~= ARGV[3] then
  return 0
else
  redis.call('HSET', key, 'runs', math.max(tonumber(state[4] or '1') - 1, 0))  -- a stop on purpose
end
redis.call('HSET', key, 'status', 'queued')
redis.call('HDEL', key, 'worker', 'lease_until')
redis.call('ZREM', P .. ':jobs:running', id)
redis.call('ZADD', P .. ':jobs:queued', state[5], id)
redis.call('XADD', ARGV[4], '*', 'data', ARGV[5])
return 1
