"""A circuit breaker for the LLM upstream: closed -> open -> half-open -> closed.

    closed     every call goes through; `failures` consecutive failed calls open it
    open       no call is made: `CircuitOpen` (503, or the degraded digest) at once,
               with `Retry-After` = the rest of the cool-down
    half_open  after `cooldown_s`, exactly one call (the probe) goes through; others are
               refused until it ends; success closes the circuit, failure re-opens it

`llm.py` asks `admit()` before every HTTP attempt and reports with `record(ok, probe)`:
every successful attempt, the probe's attempt whatever its outcome, and otherwise one
failure per *call* whose retries are used up. Counting failed attempts instead would open
the circuit in front of an upstream that is flaky but working: failures come back at once
while successes take seconds, so at 30% failed attempts a streak of them is routine. What
counts as a failure is what the retry policy retries (connection errors, timeouts,
408/409/429/5xx); a client-caused 4xx or an answer the pipeline must repair is the
upstream working, so it counts as a success.
The event loop is single-threaded and nothing here awaits, so no lock is needed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

import structlog

from service.errors import CircuitOpen

State = Literal["closed", "open", "half_open"]
log = structlog.get_logger("newsbrief.breaker")

_PROBE_WAIT_S = 1.0  # Retry-After while a half-open probe is in flight


class CircuitBreaker:
    """Consecutive-failure breaker with a single half-open probe."""

    def __init__(
        self,
        failures: int,
        cooldown_s: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        on_change: Callable[[State], None] | None = None,
    ) -> None:
        self.failures = failures
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._on_change = on_change
        self._state: State = "closed"
        self._streak = 0  # consecutive failures while closed
        self._opened_at = 0.0
        self._probing = False

    @property
    def state(self) -> State:
        """The state a caller would meet now (an open circuit past its cool-down is half-open)."""
        if self._state == "open" and self._clock() - self._opened_at >= self.cooldown_s:
            return "half_open"
        return self._state

    def admit(self) -> bool:
        """Before a call: True if it is the half-open probe; raises `CircuitOpen` if refused."""
        if self._state == "closed":
            return False
        if self._state == "open":
            left_s = self.cooldown_s - (self._clock() - self._opened_at)
            if left_s > 0:
                raise CircuitOpen(
                    f"circuit open after {self.failures} consecutive LLM failures; "
                    f"calls resume in {left_s:.0f} s",
                    retry_after_s=left_s,
                )
            self._set("half_open")
        if self._probing:
            raise CircuitOpen(
                "circuit half-open: one probe call is testing the LLM", retry_after_s=_PROBE_WAIT_S
            )
        self._probing = True
        return True

    def record(self, ok: bool, *, probe: bool) -> None:
        """After a call: `ok` is False only for an upstream failure."""
        if probe:
            self._probing = False
            if ok:
                self._streak = 0
                self._set("closed")
            else:
                self._open()
        elif self._state == "closed":  # late results of calls admitted before it opened are ignored
            if ok:
                self._streak = 0
            else:
                self._streak += 1
                if self._streak >= self.failures:
                    self._open()

    def abandon(self, *, probe: bool) -> None:
        """The call ended without a verdict (cancelled): let the next caller probe."""
        if probe:
            self._probing = False

    def _open(self) -> None:
        self._opened_at = self._clock()
        self._streak = 0
        self._set("open")

    def _set(self, state: State) -> None:
        if state == self._state:
            return
        self._state = state
        (log.warning if state == "open" else log.info)("circuit", state=state, cooldown_s=self.cooldown_s)
        if self._on_change is not None:
            self._on_change(state)
