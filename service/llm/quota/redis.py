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

from importlib.resources import files
from typing import Any

from redis.asyncio import Redis

from service.llm.quota.base import Ticket
from service.llm.quota.memory import MemoryLimiter
from service.outage import ERRORS, Outage

# The Lua scripts live beside this module (package data: they ship in the wheel and the image).
_LUA = files("service.llm.quota") / "lua"
_ACQUIRE = (_LUA / "acquire.lua").read_text(encoding="utf-8")

_SETTLE = (_LUA / "settle.lua").read_text(encoding="utf-8")


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
