"""`RedisLimiter`: the LLM budget of `service.llm_budget`, shared by every process through Redis.

One Lua script per admission over two sorted sets (attempts and tokens, scored by the
server's `TIME` in ms) and a running token sum: expire what left the window, then admit
(record) or answer how long until the oldest entries free enough room. The script runs
atomically, so two replicas can never both take the last slot.

While Redis is unreachable the budget fails over to this process's own `MemoryLimiter`
(same quotas, per process), for the reasons the rate limit store gives
(`service.redisstate.ratelimit`): a Redis blip must not stop every LLM call, and the
upstream's own 429s (retried, with `Retry-After`) still bound what an N-fold budget costs.
"""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis

from service.llm.quota.base import Ticket
from service.llm.quota.memory import MemoryLimiter
from service.outage import ERRORS, Outage

# KEYS: attempts zset, tokens zset, token sum. ARGV: window_ms, rpm, tpm, ticket id, tokens.
# Token-set members are "<ticket id>|<tokens>", so expiring one tells how many tokens to subtract.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local rpm, tpm, tokens = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[5])
local since = now - window
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', since)
local sum = 0
if tpm > 0 then
  sum = tonumber(redis.call('GET', KEYS[3]) or '0')
  local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', since)
  for _, m in ipairs(old) do sum = sum - tonumber(string.match(m, '|(%d+)$')) end
  if #old > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', since) end
  if sum < 0 then sum = 0 end
end
local wait = 0
if rpm > 0 then
  local n = redis.call('ZCARD', KEYS[1])
  if n >= rpm then
    local oldest = redis.call('ZRANGE', KEYS[1], n - rpm, n - rpm, 'WITHSCORES')
    wait = tonumber(oldest[2]) + window - now
  end
end
if tpm > 0 and sum + tokens > tpm then
  local excess, freed = sum + tokens - tpm, 0
  local entries = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
  for i = 1, #entries, 2 do
    freed = freed + tonumber(string.match(entries[i], '|(%d+)$'))
    if freed >= excess then
      wait = math.max(wait, tonumber(entries[i + 1]) + window - now)
      break
    end
  end
end
if wait > 0 then return wait + 1 end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
if tpm > 0 then
  redis.call('ZADD', KEYS[2], now, ARGV[4] .. '|' .. tokens)
  redis.call('SET', KEYS[3], sum + tokens, 'PX', window)
  redis.call('PEXPIRE', KEYS[2], window)
end
return 0
"""

# KEYS: tokens zset, token sum. ARGV: ticket id, tokens admitted with, tokens used.
_SETTLE = """
local old = ARGV[1] .. '|' .. ARGV[2]
local score = redis.call('ZSCORE', KEYS[1], old)
if not score then return 0 end
redis.call('ZREM', KEYS[1], old)
redis.call('ZADD', KEYS[1], score, ARGV[1] .. '|' .. ARGV[3])
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('INCRBY', KEYS[2], tonumber(ARGV[3]) - tonumber(ARGV[2]))
end
return 1
"""


class RedisLimiter:
    """`UpstreamLimiter` over one Redis server (see the module docstring)."""

    def __init__(self, redis: Redis, prefix: str, rpm: int, tpm: int, window_s: float) -> None:
        self.rpm, self.tpm, self.window_s = rpm, tpm, window_s
        self._keys = [f"{prefix}:llm:attempts", f"{prefix}:llm:tokens", f"{prefix}:llm:token-sum"]
        self._acquire: Any = redis.register_script(_ACQUIRE)
        self._settle: Any = redis.register_script(_SETTLE)
        self._window_ms = max(1, round(window_s * 1000))
        self._local = MemoryLimiter(rpm, tpm, window_s)  # while Redis is unreachable
        self.outage = Outage("llm-budget")

    async def try_acquire(self, ticket: Ticket) -> float:
        if not self.outage.should_try():
            return await self._local.try_acquire(ticket)
        try:
            wait_ms = await self._acquire(
                keys=self._keys, args=[self._window_ms, self.rpm, self.tpm, ticket.id, ticket.tokens]
            )
        except ERRORS as exc:
            self.outage.failed(exc)
            return await self._local.try_acquire(ticket)
        self.outage.succeeded()
        return int(wait_ms) / 1000.0

    async def settle(self, ticket: Ticket, tokens: int) -> None:
        await self._local.settle(ticket, tokens)  # a no-op unless the local budget admitted it
        if self.tpm and tokens != ticket.tokens and self.outage.should_try():
            await self._settle(keys=self._keys[1:], args=[ticket.id, ticket.tokens, max(0, tokens)])

    async def aclose(self) -> None:
        """The Redis client belongs to the runtime, which closes it."""
