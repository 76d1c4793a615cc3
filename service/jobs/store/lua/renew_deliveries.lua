-- ARGV: prefix, worker, lease s, delivery ids...
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000

local P, lease = ARGV[1], now + tonumber(ARGV[3])
for i = 4, #ARGV do
  local key = P .. ':delivery:' .. ARGV[i]
  if redis.call('HGET', key, 'holder') == ARGV[2] and redis.call('HGET', key, 'state') == 'pending' then
    redis.call('HSET', key, 'lease_until', lease)
    redis.call('ZADD', P .. ':deliveries:pending', lease, ARGV[i])
  end
end
return 1
