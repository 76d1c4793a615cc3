-- ARGV: prefix, job id, worker, lease s, started_at
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000

local P, id = ARGV[1], ARGV[2]
local key = P .. ':job:' .. id
local status = redis.call('HGET', key, 'status')
if not status then return 'gone' end
if status == 'running' then
  if tonumber(redis.call('HGET', key, 'lease_until') or '0') > now then return 'busy' end
elseif status ~= 'queued' then
  return 'final'
end
local lease = now + tonumber(ARGV[4])
redis.call('HSET', key, 'status', 'running', 'started_at', ARGV[5], 'worker', ARGV[3], 'lease_until', lease)
redis.call('HINCRBY', key, 'runs', 1)
redis.call('ZREM', P .. ':jobs:queued', id)
redis.call('ZADD', P .. ':jobs:running', lease, id)
return 'claimed'
