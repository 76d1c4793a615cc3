"""The upstream quota of one process: sliding-window logs of attempts and tokens (no Redis)."""

from __future__ import annotations

import time
from collections import deque

from service.llm.quota.base import Ticket
from service.settings import Settings


class MemoryLimiter:
    """Sliding-window logs of attempts and tokens in this process (no Redis)."""

    def __init__(self, rpm: int, tpm: int, window_s: float) -> None:
        self.rpm, self.tpm, self.window_s = rpm, tpm, window_s
        self._log: deque[tuple[float, str]] = deque()  # (admitted at, ticket id)
        self._tokens: dict[str, int] = {}  # ticket id -> tokens, for tickets in the window
        self._sum = 0

    def _expire(self, now: float) -> None:
        since = now - self.window_s
        while self._log and self._log[0][0] <= since:
            _, ticket_id = self._log.popleft()
            self._sum -= self._tokens.pop(ticket_id, 0)

    async def try_acquire(self, ticket: Ticket) -> float:
        now = time.monotonic()
        self._expire(now)
        wait_s = 0.0
        if self.rpm and len(self._log) >= self.rpm:
            wait_s = self._log[len(self._log) - self.rpm][0] + self.window_s - now
        if self.tpm and self._sum + ticket.tokens > self.tpm:
            excess, freed = self._sum + ticket.tokens - self.tpm, 0
            for admitted_at, ticket_id in self._log:
                freed += self._tokens.get(ticket_id, 0)
                if freed >= excess:
                    wait_s = max(wait_s, admitted_at + self.window_s - now)
                    break
        if wait_s > 0:
            return wait_s + 0.001
        self._log.append((now, ticket.id))
        self._tokens[ticket.id] = ticket.tokens
        self._sum += ticket.tokens
        return 0.0

    async def settle(self, ticket: Ticket, tokens: int) -> None:
        if ticket.id in self._tokens:  # still in the window
            self._sum += tokens - self._tokens[ticket.id]
            self._tokens[ticket.id] = tokens

    async def aclose(self) -> None:
        self._log.clear()
        self._tokens.clear()
        self._sum = 0


def memory_limiter(settings: Settings) -> MemoryLimiter | None:
    """This process's limiter, or None when both quotas are off."""
    if not (settings.llm_rpm or settings.llm_tpm):
        return None
    return MemoryLimiter(settings.llm_rpm, settings.llm_tpm, settings.llm_budget_window_s)
