-- KEYS: lock. ARGV: token, ttl ms. Renew only a lock we still hold.
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
