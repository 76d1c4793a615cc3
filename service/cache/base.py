"""Exact-match digest cache with single-flight.

The key is the sha256 of the exact article text (spans index it, so two texts that
differ by one character never share an entry) plus everything else that shapes the
answer: engine, model, prompt sha256, options, language and title. Concurrent
requests for the same key share one computation, so N identical requests in flight
make one LLM call. The embedded store is an in-process LRU with a TTL
(`service.cache.memory`); with Redis the store is shared (`service.cache.redis`) and a
`SharedFlight` extends single-flight across processes.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from typing import Protocol

import orjson

from service.schema import Digest


def cache_key(*, text: str, engine: str, model: str, prompt_sha: str, options: object, extra: object) -> str:
    """A stable key; `options` and `extra` must be JSON-serialisable."""
    h = hashlib.sha256()
    for part in (
        engine,
        model,
        prompt_sha,
        orjson.dumps(options, option=orjson.OPT_SORT_KEYS),
        orjson.dumps(extra),
    ):
        h.update(part if isinstance(part, bytes) else part.encode())
        h.update(b"\x00")
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


class DigestStore(Protocol):
    async def get(self, key: str) -> Digest | None: ...
    async def put(self, key: str, digest: Digest) -> None: ...


class SharedFlight(Protocol):
    async def run(
        self, key: str, compute: Callable[[], Awaitable[tuple[Digest, bool]]]
    ) -> tuple[Digest, bool]:
        """(digest, made by another process); stores what it computes when cacheable."""
        ...


class DigestCache:
    """Store lookups plus single-flight: one computation per key at a time."""

    def __init__(self, store: DigestStore | None, flight: SharedFlight | None = None) -> None:
        self.store = store
        self.flight = flight
        self._inflight: dict[str, asyncio.Task[tuple[Digest, bool]]] = {}
        self.hits = 0
        self.misses = 0
        self.joined = 0

    async def get_or_compute(
        self, key: str, compute: Callable[[], Awaitable[tuple[Digest, bool]]]
    ) -> tuple[Digest, bool]:
        """(digest, came_from_cache). `compute` returns (digest, cacheable)."""
        if self.store is not None:
            cached = await self.store.get(key)
            if cached is not None:
                self.hits += 1
                return cached, True
        task = self._inflight.get(key)
        if task is None:
            self.misses += 1
            task = asyncio.create_task(self._run(key, compute))
            self._inflight[key] = task
            task.add_done_callback(lambda t: self._done(key, t))
            digest, elsewhere = await asyncio.shield(task)
            return digest, elsewhere
        self.joined += 1
        digest, _ = await asyncio.shield(task)
        return digest, True

    def _done(self, key: str, task: asyncio.Task[tuple[Digest, bool]]) -> None:
        self._inflight.pop(key, None)
        if not task.cancelled():
            task.exception()  # retrieved here too, in case every waiter went away

    async def _run(
        self, key: str, compute: Callable[[], Awaitable[tuple[Digest, bool]]]
    ) -> tuple[Digest, bool]:
        """(digest, made by another process)."""
        if self.flight is not None:
            return await self.flight.run(key, compute)
        digest, cacheable = await compute()
        if cacheable and self.store is not None:
            await self.store.put(key, digest)
        return digest, False
