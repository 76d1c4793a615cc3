-- ARGV: prefix, worker, lease s, job ids... -> the ids that are no longer running here
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000

local P, lease = ARGV[1], now + tonumber(ARGV[3])
local lost = {}
for i = 4, #ARGV do
  local key = P .. ':job:' .. ARGV[i]
  local state = redis.call('HMGET', key, 'status', 'worker')
  if state[1] == 'running' and state[2] == ARGV[2] then
    redis.call('HSET', key, 'lease_until', lease)
    redis.call('ZADD', P .. ':jobs:running', lease, ARGV[i])
  else
    table.insert(lost, ARGV[i])
  end
end
return lost
