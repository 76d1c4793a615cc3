-- ARGV: prefix, receipt key, receipt ttl, item key, finished_at, retention s
local P, receipt, item = ARGV[1], ARGV[2], ARGV[4]
if redis.call('EXISTS', receipt) == 1 then return {1} end
local out = {0}
for _, id in ipairs(redis.call('SMEMBERS', item .. ':jobs')) do
  local key = P .. ':job:' .. id
  local status = redis.call('HGET', key, 'status')
  if status == 'queued' or status == 'running' then
    redis.call('HSET', key, 'status', 'cancelled', 'finished_at', ARGV[5])
    redis.call('EXPIRE', key, ARGV[6])
    redis.call('ZREM', P .. ':jobs:queued', id)
    redis.call('ZREM', P .. ':jobs:running', id)
    table.insert(out, id)
  end
end
redis.call('DEL', item, item .. ':jobs')
redis.call('SET', receipt, '', 'EX', ARGV[3])
return out
