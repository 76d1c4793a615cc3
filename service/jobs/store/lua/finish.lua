-- ARGV: prefix, job id, fields JSON, retention s, delivery id ('' = none), delivery fields JSON,
-- worker, lease s
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000

local P, id = ARGV[1], ARGV[2]
local key = P .. ':job:' .. id
if redis.call('HGET', key, 'status') ~= 'running' then return 0 end
redis.call('HSET', key, unpack(cjson.decode(ARGV[3])))
redis.call('HDEL', key, 'worker', 'lease_until')
redis.call('ZREM', P .. ':jobs:running', id)
redis.call('EXPIRE', key, ARGV[4])
if ARGV[5] ~= '' then
  local dkey = P .. ':delivery:' .. ARGV[5]
  local lease = now + tonumber(ARGV[8])
  redis.call('HSET', dkey, unpack(cjson.decode(ARGV[6])))
  redis.call('HSET', dkey, 'holder', ARGV[7], 'lease_until', lease)
  redis.call('HSET', key, 'delivery', ARGV[5])
  redis.call('ZADD', P .. ':deliveries:pending', lease, ARGV[5])
end
return 1
