-- ARGV: prefix, job id, fields (JSON list k, v, ...), idem key, idem fingerprint, idem ttl,
-- receipt key, receipt ttl, item key, content hash, stream, message, created_at, retention s
local P, job_id = ARGV[1], ARGV[2]
local idem, fp, receipt, item, content = ARGV[4], ARGV[5], ARGV[7], ARGV[9], ARGV[10]
if receipt ~= '' then
  local seen = redis.call('GET', receipt)
  if seen then return {'replayed', seen} end
end
if idem ~= '' then
  local v = redis.call('GET', idem)
  if v then
    local sep = string.find(v, '|', 1, true)
    if string.sub(v, 1, sep - 1) ~= fp then return {'conflict', ''} end
    return {'existing', string.sub(v, sep + 1)}
  end
end
if item ~= '' then
  local last = redis.call('HMGET', item, 'content_hash', 'job_id')
  if last[1] == content and last[2] then
    local status = redis.call('HGET', P .. ':job:' .. last[2], 'status')
    if status and status ~= 'failed' and status ~= 'cancelled' then
      redis.call('SET', receipt, last[2], 'EX', ARGV[8])
      return {'unchanged', last[2]}
    end
  end
  for _, old in ipairs(redis.call('SMEMBERS', item .. ':jobs')) do
    local key = P .. ':job:' .. old
    local status = redis.call('HGET', key, 'status')
    if status == 'queued' then  -- newer content supersedes a version that has not started yet
      redis.call('HSET', key, 'status', 'cancelled', 'finished_at', ARGV[13])
      redis.call('EXPIRE', key, ARGV[14])
      redis.call('ZREM', P .. ':jobs:queued', old)
      redis.call('SREM', item .. ':jobs', old)
    elseif status ~= 'running' then
      redis.call('SREM', item .. ':jobs', old)
    end
  end
end
redis.call('HSET', P .. ':job:' .. job_id, unpack(cjson.decode(ARGV[3])))
redis.call('ZADD', P .. ':jobs:queued', ARGV[13], job_id)
if idem ~= '' then redis.call('SET', idem, fp .. '|' .. job_id, 'EX', ARGV[6]) end
if receipt ~= '' then redis.call('SET', receipt, job_id, 'EX', ARGV[8]) end
if item ~= '' then
  redis.call('HSET', item, 'content_hash', content, 'job_id', job_id)
  redis.call('SADD', item .. ':jobs', job_id)
end
redis.call('XADD', ARGV[11], '*', 'data', ARGV[12])
return {'created', job_id}
