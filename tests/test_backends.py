"""One backend switch: `service.backends` puts the cache, rate limits, upstream quota and jobs in
memory or in Redis, and a Redis deployment's concepts share the one client it owns."""

from __future__ import annotations

import asyncio
import time
import uuid

from service.backends import Backends
from service.cache.memory import MemoryStore
from service.cache.redis import RedisDigestStore, RedisFlight
from service.llm.quota.base import acquire
from service.llm.quota.memory import MemoryLimiter
from service.llm.quota.redis import RedisLimiter
from service.ratelimit.memory import MemoryRateLimitStore
from service.ratelimit.redis import RedisRateLimitStore
from service.settings import Settings


def test_without_redis_every_state_lives_in_this_process() -> None:
    backends = Backends.choose(Settings(llm_rpm=5))
    assert backends.redis is None
    assert isinstance(backends.digest_cache().store, MemoryStore)
    assert isinstance(backends.rate_limits(), MemoryRateLimitStore)
    assert isinstance(backends.upstream_quota(), MemoryLimiter)
    assert Backends.choose(Settings(llm_rpm=0, llm_tpm=0)).upstream_quota() is None
    assert Backends.choose(Settings(cache_max_entries=0)).digest_cache().store is None


def test_with_redis_the_cache_quotas_and_limits_share_one_client(redis_url: str) -> None:
    settings = Settings(redis_url=redis_url, redis_prefix=f"t-{uuid.uuid4().hex[:8]}", llm_rpm=2)
    backends = Backends.choose(settings)
    assert backends.redis is not None
    cache = backends.digest_cache()
    limits = backends.rate_limits()
    quota = backends.upstream_quota()
    assert isinstance(cache.store, RedisDigestStore)
    assert isinstance(cache.flight, RedisFlight)
    assert isinstance(limits, RedisRateLimitStore)
    assert isinstance(quota, RedisLimiter)
    assert cache.store.redis is backends.redis
    assert cache.flight.redis is backends.redis
    assert limits._hit.registered_client is backends.redis
    assert quota._acquire.registered_client is backends.redis

    async def use() -> tuple[list[bool], int]:
        try:
            allowed = [(await limits.hit("client", 2, 60.0)).allowed for _ in range(3)]
            for _ in range(2):
                await acquire(quota, 10, time.monotonic() + 5.0)
            return allowed, await backends.redis.zcard(f"{settings.redis_prefix}:llm:attempts")  # type: ignore[union-attr]
        finally:
            await limits.aclose()
            await backends.aclose()

    allowed, attempts = asyncio.run(use())
    assert allowed == [True, True, False]  # the quota lives in Redis, through the shared client
    assert attempts == 2
