"""Per-client rate limits behind a small async store interface.

`RateLimitStore.hit(key, limit, window_s)` spends one request of `key`'s quota of
`limit` requests per `window_s` seconds and returns a `Decision` (allowed, remaining,
seconds until the quota is whole again, seconds until the next request fits). Both
stores run GCRA (the "generic cell rate algorithm": a bucket of `limit` requests refilled
smoothly over the window): `service.ratelimit.memory` in this process,
`service.ratelimit.redis` shared by every replica.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol


class Decision(NamedTuple):
    """The outcome of one `hit` (a tuple: cheapest to build on the hot path)."""

    allowed: bool
    limit: int
    remaining: int  # requests that would still be allowed right now
    reset_s: float  # seconds until the whole quota is available again
    retry_after_s: float  # 0 when allowed; else seconds until one request fits


class RateLimitStore(Protocol):
    """Where quota state lives: this process (`MemoryRateLimitStore`) or a shared server."""

    async def hit(self, key: str, limit: int, window_s: float) -> Decision: ...

    async def aclose(self) -> None: ...
