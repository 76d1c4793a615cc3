"""The embedded rate-limit store: GCRA in a dict, this process only (shared: `service.ratelimit.redis`).

One float per key, so it is O(1) per request, needs no background task, and gives exact
`RateLimit-*` numbers. Not the `limits` package's in-memory storage: its moving window
runs an expiry task and a thread hop per key on every hit, and its fixed window lets
double bursts through at window edges; this store is a dict lookup and a few float
operations per request (the service's CPU per request is measured by bench/run.py).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from service.ratelimit.base import Decision

_EPSILON_S = 1e-6


class MemoryRateLimitStore:
    """GCRA in a dict: per key, the theoretical arrival time (TAT) of the next request."""

    _SWEEP_EVERY = 4096  # hits between sweeps of keys whose bucket is full again

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._tat: dict[str, float] = {}
        self._hits = 0
        self._now = clock

    async def hit(self, key: str, limit: int, window_s: float) -> Decision:
        return self.hit_now(key, limit, window_s)

    def hit_now(self, key: str, limit: int, window_s: float) -> Decision:
        """The synchronous core of `hit` (no I/O)."""
        now = self._now()
        interval_s = window_s / limit  # one request's share of the window
        tat = max(self._tat.get(key, now), now)
        new_tat = tat + interval_s
        allow_at = new_tat - window_s
        if allow_at - now > _EPSILON_S:  # a rounding error is no wait ((t + 60) - 60 > t for some t)
            return Decision(False, limit, 0, tat - now, allow_at - now)
        self._tat[key] = new_tat
        self._hits += 1
        if self._hits % self._SWEEP_EVERY == 0:
            self._sweep(now)
        remaining = math.floor((window_s - (new_tat - now)) / interval_s + 1e-9)
        return Decision(True, limit, max(0, remaining), new_tat - now, 0.0)

    def _sweep(self, now: float) -> None:
        """Forget keys whose bucket has refilled: absent and full mean the same."""
        self._tat = {k: t for k, t in self._tat.items() if t > now}

    async def aclose(self) -> None:
        self._tat.clear()
