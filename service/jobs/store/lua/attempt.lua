-- ARGV: prefix, delivery id, attempt JSON, state, next_attempt_at ('' = none), retention s
local P, id = ARGV[1], ARGV[2]
local key = P .. ':delivery:' .. id
redis.call('RPUSH', key .. ':attempts', ARGV[3])
redis.call('HSET', key, 'state', ARGV[4])
if ARGV[5] == '' then redis.call('HDEL', key, 'next_attempt_at') else
  redis.call('HSET', key, 'next_attempt_at', ARGV[5]) end
if ARGV[4] ~= 'pending' then
  redis.call('ZREM', P .. ':deliveries:pending', id)
  redis.call('EXPIRE', key, ARGV[6])
  redis.call('EXPIRE', key .. ':attempts', ARGV[6])
end
return 1
