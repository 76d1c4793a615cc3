-- ARGV: prefix, worker, lease s, max -> ids of pending deliveries whose lease ran out, now leased here
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000

local P, lease = ARGV[1], now + tonumber(ARGV[3])
local pending = P .. ':deliveries:pending'
local ids = redis.call('ZRANGEBYSCORE', pending, '-inf', now, 'LIMIT', 0, tonumber(ARGV[4]))
for _, id in ipairs(ids) do
  redis.call('HSET', P .. ':delivery:' .. id, 'holder', ARGV[2], 'lease_until', lease)
  redis.call('ZADD', P .. ':deliveries:pending', lease, id)
end
return ids
