"""Shared state in Redis (`NEWSBRIEF_REDIS_URL`): what makes N API replicas and M workers one service.

    service.redisstate
    ├── cache      `RedisDigestStore` (the digest cache) and `RedisFlight` (single-flight across processes)
    ├── ratelimit  `RedisRateLimitStore`: the gate's per-key GCRA as one Lua script
    ├── budget     `RedisLimiter`: the LLM requests/tokens-per-window budget as one Lua script
    └── outage     `Outage`: log once per state change, count errors, back off while Redis is down

The job store and the task queue live with the job system (`service.jobs.redis_store`,
`service.jobs.redis_queue`). Every key starts with `NEWSBRIEF_REDIS_PREFIX`, so several
deployments (or test runs) can share one server. Times that several processes compare
(leases, windows) come from the Redis server's clock (`TIME` inside the scripts), never
from the processes' own clocks.
"""

from __future__ import annotations

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from service.cache.base import DigestCache
from service.cache.redis import RedisDigestStore, RedisFlight
from service.llm.quota.redis import RedisLimiter
from service.settings import Settings


def connect(settings: Settings) -> Redis:
    """A client (its own connection pool; connects on first use) for `NEWSBRIEF_REDIS_URL`.

    Connect and read timeouts are short (`NEWSBRIEF_REDIS_TIMEOUT_S`): every command we send
    is a key read or a short script, so a server that has not answered by then is down, and
    the caller answers without it (cache, quotas) or with a fast 503 (jobs) instead of
    holding the request. One immediate retry on a fresh connection covers the pooled
    connections a Redis restart left dead; pub/sub reads block without a timeout anyway.
    """
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


def shared_cache(settings: Settings, redis: Redis) -> DigestCache:
    """The digest cache in Redis with single-flight across processes (no cache when it is turned off)."""
    if not settings.cache_max_entries:
        return DigestCache(None)
    store = RedisDigestStore(redis, settings.redis_prefix, settings.cache_ttl_s)
    return DigestCache(store, RedisFlight(store, settings.redis_prefix, settings.request_deadline_s))


def shared_limiter(settings: Settings, redis: Redis) -> RedisLimiter | None:
    """The LLM budget shared by every process, or None when both quotas are off."""
    if not (settings.llm_rpm or settings.llm_tpm):
        return None
    return RedisLimiter(
        redis, settings.redis_prefix, settings.llm_rpm, settings.llm_tpm, settings.llm_budget_window_s
    )


__all__ = ["connect", "shared_cache", "shared_limiter"]
