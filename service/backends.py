"""The one place that picks where shared state lives: this process's memory, or one Redis server.

    state            embedded default (memory, SQLite)         NEWSBRIEF_REDIS_URL set
    digest cache     service.cache.memory                      service.cache.redis (+ single-flight
                                                               across processes)
    rate limits      service.ratelimit.memory                  service.ratelimit.redis
    upstream quota   service.llm.quota.memory                  service.llm.quota.redis
    jobs             service.jobs.store.sqlite + the runner's  service.jobs.store.redis +
                     in-process queue                          service.jobs.queue.redis (`newsbrief worker`)

A process has one `Backends`, and with Redis one client (its own connection pool, connecting on
first use) that every Redis-backed concept shares; `aclose` closes it. The Redis modules are
imported only by Redis deployments. Every key starts with `NEWSBRIEF_REDIS_PREFIX`, so several
deployments (or test runs) can share one server. Times that several processes compare (leases,
windows) come from the Redis server's clock (`TIME` inside the scripts), never from the processes'.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from service.cache.base import DigestCache
from service.cache.memory import MemoryStore
from service.llm.quota.base import UpstreamLimiter
from service.llm.quota.memory import MemoryLimiter
from service.ratelimit.base import RateLimitStore
from service.ratelimit.memory import MemoryRateLimitStore
from service.settings import Settings

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from service.jobs import Jobs
    from service.runtime import Runtime


def connect(settings: Settings) -> Redis:
    """A client (its own connection pool; connects on first use) for `NEWSBRIEF_REDIS_URL`.

    Connect and read timeouts are short (`NEWSBRIEF_REDIS_TIMEOUT_S`): every command we send
    is a key read or a short script, so a server that has not answered by then is down, and
    the caller answers without it (cache, quotas) or with a fast 503 (jobs) instead of
    holding the request. One immediate retry on a fresh connection covers the pooled
    connections a Redis restart left dead; pub/sub reads block without a timeout anyway.
    """
    from redis.asyncio import Redis  # noqa: PLC0415 - only Redis deployments import the client
    from redis.asyncio.retry import Retry  # noqa: PLC0415
    from redis.backoff import NoBackoff  # noqa: PLC0415

    if not settings.redis_url:
        raise RuntimeError("NEWSBRIEF_REDIS_URL is not set")
    client: Redis = Redis.from_url(
        settings.redis_url,
        decode_responses=False,
        health_check_interval=30,
        socket_connect_timeout=settings.redis_timeout_s,
        socket_timeout=settings.redis_timeout_s,
        socket_keepalive=True,
        retry=Retry(NoBackoff(), 1),
    )
    return client


@dataclass
class Backends:
    """Where this process keeps its shared state; `redis` is None when everything is local."""

    settings: Settings
    redis: Redis | None

    @classmethod
    def choose(cls, settings: Settings) -> Backends:
        """Redis when `NEWSBRIEF_REDIS_URL` is set, else memory (and SQLite for jobs)."""
        return cls(settings, connect(settings) if settings.redis_url else None)

    def digest_cache(self) -> DigestCache:
        """The digest cache (no store at all when `NEWSBRIEF_CACHE_MAX_ENTRIES` is 0)."""
        s = self.settings
        if not s.cache_max_entries:
            return DigestCache(None)
        if self.redis is None:
            return DigestCache(MemoryStore(s.cache_max_entries, s.cache_ttl_s))
        from service.cache.redis import RedisDigestStore, RedisFlight  # noqa: PLC0415 - Redis only

        store = RedisDigestStore(self.redis, s.redis_prefix, s.cache_ttl_s)
        return DigestCache(store, RedisFlight(store, s.redis_prefix, s.request_deadline_s))

    def rate_limits(self) -> RateLimitStore:
        """The gate's per-key quotas: one quota per key across every replica with Redis."""
        if self.redis is None:
            return MemoryRateLimitStore()
        from service.ratelimit.redis import RedisRateLimitStore  # noqa: PLC0415 - Redis only

        return RedisRateLimitStore(self.redis, self.settings.redis_prefix)

    def upstream_quota(self) -> UpstreamLimiter | None:
        """The LLM requests/tokens budget per window, or None when both quotas are off."""
        s = self.settings
        if not (s.llm_rpm or s.llm_tpm):
            return None
        if self.redis is None:
            return MemoryLimiter(s.llm_rpm, s.llm_tpm, s.llm_budget_window_s)
        from service.llm.quota.redis import RedisLimiter  # noqa: PLC0415 - Redis only

        return RedisLimiter(self.redis, s.redis_prefix, s.llm_rpm, s.llm_tpm, s.llm_budget_window_s)

    @contextlib.asynccontextmanager
    async def open_jobs(self, runtime: Runtime) -> AsyncIterator[Jobs]:
        """The job system of an API process: embedded (SQLite + in-process queue) or Redis.

        With Redis this process stores and queues; `newsbrief worker` processes run the jobs.
        """
        # Imported here: the job system imports the runtime, which imports this module.
        from service.jobs import check_settings  # noqa: PLC0415

        check_settings(self.settings)
        if self.redis is None:
            from service.jobs import open_embedded_jobs  # noqa: PLC0415

            async with open_embedded_jobs(runtime) as jobs:
                yield jobs
            return
        from service.jobs.queue.redis import open_redis_jobs  # noqa: PLC0415

        async with open_redis_jobs(runtime, self.redis) as jobs:
            yield jobs

    async def aclose(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()


__all__ = ["Backends", "connect"]
