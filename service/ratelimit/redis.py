"""`RedisRateLimitStore`: the gate's per-key quota (`service.ratelimit`) shared by every replica.

The same GCRA as `MemoryRateLimitStore`, one float (the theoretical arrival time) per
key, as one Lua script on the server's clock: one round trip per request, atomic, and
the key expires when its bucket is full again (absent and full mean the same).

While Redis is unreachable the quota fails over to this process's own
`MemoryRateLimitStore` (same limits, counted per replica) instead of failing open or
closed. Failing closed would turn a Redis blip into a full outage of every `/v1`
route, even those that need nothing from Redis (`GET /v1/prompts`); failing open would
remove the abuse bound exactly when the service is weakest. The local quota keeps a
bound (at most N times the limit across N replicas, for the length of the outage) and
costs no Redis round trip: during the backoff pause after a failure Redis is not tried
at all (`service.redisstate.outage`), so a request never waits for a server that is
not there. The in-flight bound of the gate still holds in every case.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from redis.asyncio import Redis

from service.outage import ERRORS, Outage
from service.ratelimit.base import Decision
from service.ratelimit.memory import MemoryRateLimitStore
from service.settings import Settings

# The Lua scripts live beside this module (package data: they ship in the wheel and the image).
_LUA = files("service.ratelimit") / "lua"
_HIT = (_LUA / "gcra_hit.lua").read_text(encoding="utf-8")


class RedisRateLimitStore:
    """`RateLimitStore` over Redis; owns its client (the gate is built before the lifespan runs)."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = f"{prefix}:rate:"
        self._hit: Any = redis.register_script(_HIT)
        self._local = MemoryRateLimitStore()  # while Redis is unreachable (see the module docstring)
        self.outage = Outage("rate-limit")

    async def hit(self, key: str, limit: int, window_s: float) -> Decision:
        if not self.outage.should_try():
            return self._local.hit_now(key, limit, window_s)
        try:
            allowed, remaining, reset_ms, retry_ms = await self._hit(
                keys=[self._prefix + key], args=[limit, round(window_s * 1000)]
            )
        except ERRORS as exc:
            self.outage.failed(exc)
            return self._local.hit_now(key, limit, window_s)
        self.outage.succeeded()
        return Decision(bool(allowed), limit, int(remaining), int(reset_ms) / 1000, int(retry_ms) / 1000)

    async def aclose(self) -> None:
        await self._redis.aclose()


def redis_rate_limits(settings: Settings) -> RedisRateLimitStore:
    """The gate's store for a Redis deployment (its own client, closed by `aclose`)."""
    from service.backends import connect  # noqa: PLC0415 - the package imports this module

    return RedisRateLimitStore(connect(settings), settings.redis_prefix)
