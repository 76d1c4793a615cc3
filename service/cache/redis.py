"""The digest cache in Redis, and single-flight across processes.

`RedisDigestStore` is the `DigestStore` of `service.cache` over Redis: the same key
(`cache_key`), the digest as JSON, the cache TTL as the key's TTL; every replica and
worker reads what any of them computed.

`RedisFlight` extends `DigestCache`'s in-process single-flight across processes: the
process that computes a key holds a short lock (`SET NX PX`, renewed while it computes,
so a killed holder frees it within one lock period); the others poll the store until
the digest appears, and compute themselves if the lock goes away without one (the
holder failed, or its answer was not cacheable). It is best effort by design: a lock
lost to a network partition costs one duplicate LLM call, never a wrong answer.

Both are best effort the other way too: a cache is never a reason to fail a request or
a job. While Redis is unreachable a read is a miss, a write is skipped and single-flight
is local to the process; each error is counted and the outage is logged once when it
starts and once when it ends (`service.redisstate.outage`). Between failures Redis is
not even tried until the backoff pause has run, so a down server costs a request nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import Awaitable, Callable
from importlib.resources import files
from typing import Any

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from service.outage import Outage
from service.schema import Digest

log = structlog.get_logger("newsbrief.cache")
LOCK_S = 5.0  # a killed holder delays the others by at most this long
POLL_FIRST_S = 0.02
POLL_MAX_S = 0.25
# Any failure of the cache's own commands (unreachable, timed out, out of memory, refused by an
# ACL, a read-only replica) is a miss or a skipped write: the digest itself never depends on it.
_CACHE_ERRORS = (RedisError, OSError)

# The Lua scripts live beside this module (package data: they ship in the wheel and the image).
_LUA = files("service.cache") / "lua"
_RENEW = (_LUA / "lock_renew.lua").read_text(encoding="utf-8")
_RELEASE = (_LUA / "lock_release.lua").read_text(encoding="utf-8")


class RedisDigestStore:
    """`DigestStore` over Redis, best effort (see the module docstring)."""

    def __init__(self, redis: Redis, prefix: str, ttl_s: float) -> None:
        self.redis = redis
        self.prefix = f"{prefix}:digest:"
        self.ttl_ms = max(1, round(ttl_s * 1000))
        # Reads and writes apart: a cache that only refuses writes (an ACL, out of memory) logs
        # once, instead of a recovery line at every successful read.
        self.outage = Outage("cache-read")
        self.write_outage = Outage("cache-write")

    async def get(self, key: str) -> Digest | None:
        """The cached digest; None on a miss, and while Redis is unreachable."""
        if not self.outage.should_try():
            return None
        try:
            raw = await self.redis.get(self.prefix + key)
        except _CACHE_ERRORS as exc:
            self.outage.failed(exc)
            return None
        self.outage.succeeded()
        return None if raw is None else Digest.model_validate_json(raw)

    async def put(self, key: str, digest: Digest) -> None:
        """Store `digest`; skipped (counted, not raised) while Redis is unreachable."""
        if not self.write_outage.should_try():
            return
        try:
            await self.redis.set(self.prefix + key, digest.model_dump_json(), px=self.ttl_ms)
        except _CACHE_ERRORS as exc:
            self.write_outage.failed(exc)
        else:
            self.write_outage.succeeded()


class RedisFlight:
    """One computation per key across processes, best effort (see the module docstring)."""

    def __init__(
        self, store: RedisDigestStore, prefix: str, max_wait_s: float, lock_s: float = LOCK_S
    ) -> None:
        self.store = store
        self.redis = store.redis
        self.prefix = f"{prefix}:flight:"
        self.max_wait_s = max_wait_s
        self.lock_ms = round(lock_s * 1000)
        self._renew: Any = self.redis.register_script(_RENEW)
        self._release: Any = self.redis.register_script(_RELEASE)
        self.outage = Outage("cache-lock")

    async def run(
        self, key: str, compute: Callable[[], Awaitable[tuple[Digest, bool]]]
    ) -> tuple[Digest, bool]:
        """(digest, made by another process); stores what this process computes if cacheable."""
        lock = self.prefix + key
        token = secrets.token_hex(8)
        give_up = time.monotonic() + self.max_wait_s
        pause_s = POLL_FIRST_S
        while True:
            if await self._lock(lock, token):
                break
            await asyncio.sleep(pause_s)
            pause_s = min(POLL_MAX_S, pause_s * 1.5)
            found = await self.store.get(key)
            if found is not None:
                return found, True
            if time.monotonic() > give_up:
                log.warning("flight_wait_gave_up", key=key[:16])
                digest, cacheable = await compute()
                if cacheable:
                    await self.store.put(key, digest)
                return digest, False
        try:
            found = await self.store.get(key)  # finished between our miss and the lock
            if found is not None:
                return found, True
            async with self._renewing(lock, token):
                digest, cacheable = await compute()
            if cacheable:
                await self.store.put(key, digest)
            return digest, False
        finally:
            if self.outage.should_try():
                with contextlib.suppress(Exception):
                    await asyncio.shield(self._release(keys=[lock], args=[token]))

    async def _lock(self, lock: str, token: str) -> bool:
        """Take the lock; without Redis every process is its own holder (single-flight stays local)."""
        outage = self.outage
        if not outage.should_try():
            return True
        try:
            taken = bool(await self.redis.set(lock, token, nx=True, px=self.lock_ms))
        except _CACHE_ERRORS as exc:
            outage.failed(exc)
            return True
        outage.succeeded()
        return taken

    @contextlib.asynccontextmanager
    async def _renewing(self, lock: str, token: str) -> Any:
        async def renew() -> None:
            while True:
                await asyncio.sleep(self.lock_ms / 3000)
                with contextlib.suppress(Exception):
                    await self._renew(keys=[lock], args=[token, self.lock_ms])

        task = asyncio.create_task(renew())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
