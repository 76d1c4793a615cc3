"""`Outage`: what one user of Redis does while Redis is unreachable.

A Redis blip must never flood the log, burn CPU in a reconnect loop, or make a caller
wait for a server that is not there. Each user of Redis (the digest cache, the rate
limit store, the LLM budget, a worker's queue reader, its lease keeper, its cancel
listener) owns one `Outage`, which

* logs once per state change: one warning when Redis goes away (with the first error),
  one info line when it answers again (with how long it was gone and how many errors
  that cost), and nothing in between;
* counts the errors (`errors`, cumulative);
* says when to try again: after a failure the next attempt is due after a capped,
  jittered exponential pause (redis-py's own `ExponentialWithJitterBackoff`: full jitter,
  0.05 s doubling to `cap_s`), so N processes do not reconnect in lock-step and a down
  server costs each of them a handful of connection attempts per second at most.

Errors are also counted per process for Prometheus: `newsbrief_state_errors_total{user}`
(`OutageCollector`, registered by the runtime on the app's registry).

`ERRORS` are the exceptions that mean "Redis is unreachable or too slow": connection
and timeout errors (redis-py raises its own classes, and the OS ones can leak from a
socket), not a wrong command or a script error, which stay bugs.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator

import structlog
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

ERRORS: tuple[type[BaseException], ...] = (RedisConnectionError, RedisTimeoutError, OSError)
BACKOFF_FIRST_S = 0.05
BACKOFF_CAP_S = 5.0

log = structlog.get_logger("newsbrief.redis")
_TOTALS: Counter[str] = Counter()  # errors per user ("cache-write", "rate-limit", ...) in this process


class OutageCollector(Collector):
    """`newsbrief_state_errors_total{user}`: errors of the shared state (Redis, the job store) by user."""

    def collect(self) -> Iterator[CounterMetricFamily]:
        help_text = "Errors reaching the shared state (Redis, the job store), by user"
        family = CounterMetricFamily("newsbrief_state_errors", help_text, labels=["user"])
        for user, count in sorted(_TOTALS.items()):
            family.add_metric([user], float(count))
        yield family


class Outage:
    """Down/up state, error count and reconnect pacing of one Redis user (see the module docstring)."""

    def __init__(
        self,
        what: str,
        *,
        cap_s: float = BACKOFF_CAP_S,
        first_s: float = BACKOFF_FIRST_S,
        backend: str = "redis",
    ) -> None:
        self.what = what
        self.backend = backend  # the log events are `<backend>_unavailable` and `<backend>_recovered`
        self.errors = 0
        self.down_since: float | None = None
        self._failures = 0  # consecutive, for the backoff
        self._next_try = 0.0
        self._backoff = ExponentialWithJitterBackoff(cap=cap_s, base=first_s)

    @property
    def down(self) -> bool:
        return self.down_since is not None

    def failed(self, exc: BaseException) -> float:
        """Record one failure; returns the pause (s) before the next attempt."""
        self.errors += 1
        _TOTALS[self.what.split(" ", 1)[0]] += 1
        self._failures += 1
        if self.down_since is None:
            self.down_since = time.monotonic()
            error = f"{type(exc).__name__}: {str(exc)[:200]}"
            log.warning(f"{self.backend}_unavailable", user=self.what, error=error)
        pause_s = max(BACKOFF_FIRST_S / 2, self._backoff.compute(self._failures))
        self._next_try = time.monotonic() + pause_s
        return pause_s

    def succeeded(self) -> None:
        """Record a success; logs the recovery once."""
        self._failures = 0
        self._next_try = 0.0
        if self.down_since is not None:
            down_s = time.monotonic() - self.down_since
            self.down_since = None
            log.info(f"{self.backend}_recovered", user=self.what, down_s=round(down_s, 3), errors=self.errors)

    def should_try(self) -> bool:
        """False while the pause after a failure runs: callers skip Redis and answer without it."""
        return time.monotonic() >= self._next_try


__all__ = ["ERRORS", "Outage", "OutageCollector"]
