"""The upstream budget: LLM requests and tokens per window, shared by every attempt of every replica.

Providers enforce requests-per-minute and tokens-per-minute quotas per account. Each
replica discovering them separately, through 429s, turns one busy minute into a retry
storm. `acquire` is called right before each LLM attempt (`service.llm.client`):
it admits the attempt when the last `window_s` seconds hold fewer than `rpm` attempts
and fewer than `tpm` tokens, else it waits until they do, within the request's
deadline; when the wait would pass the deadline it raises `UpstreamBudgetExhausted`
(503 with `Retry-After`, through the `LLMUnavailable` row of the problem table).

Tokens are estimated before the call (`estimate_tokens`: characters / 4 plus
`max_tokens`, an upper bound for most text) and replaced by the usage the answer
reports (`settle`), so the window holds what the provider counted.

The windows are sliding logs (exact: no burst of 2x at a window edge, as fixed windows
and token buckets allow). `service.llm.quota.memory` is this process's; with
`NEWSBRIEF_REDIS_URL` the same algorithm runs as one Lua script over sorted sets
(`service.llm.quota.redis`), so all replicas share one budget.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import structlog

from service.errors import LLMUnavailable

log = structlog.get_logger("newsbrief.llm_budget")
CHARS_PER_TOKEN = 4


class UpstreamBudgetExhausted(LLMUnavailable):
    """The shared LLM request/token budget would not admit this attempt before its deadline."""


def estimate_tokens(messages: Sequence[dict[str, str]], max_tokens: int) -> int:
    """A cheap upper estimate of what one chat completion costs against a tokens-per-minute quota."""
    return sum(len(m.get("content", "")) for m in messages) // CHARS_PER_TOKEN + max_tokens


@dataclass(frozen=True)
class Ticket:
    """One admitted attempt: its id in the window and the tokens it was admitted with."""

    id: str
    tokens: int


class UpstreamLimiter(Protocol):
    rpm: int
    tpm: int
    window_s: float

    async def try_acquire(self, ticket: Ticket) -> float:
        """Admit `ticket` now (0.0), or the seconds until it would fit (nothing recorded)."""
        ...

    async def settle(self, ticket: Ticket, tokens: int) -> None:
        """Replace the ticket's estimated tokens with what the provider reported."""
        ...

    async def aclose(self) -> None: ...


_ids = itertools.count()


async def acquire(limiter: UpstreamLimiter, tokens: int, deadline: float) -> Ticket:
    """Wait for the budget to admit one attempt of `tokens`; `deadline` is a `time.monotonic()` value."""
    if limiter.tpm:
        tokens = min(tokens, limiter.tpm)  # larger than the whole window: admitted alone
    ticket = Ticket(f"{time.time_ns():x}-{next(_ids)}-{id(limiter):x}", tokens)
    waited_s = 0.0
    while True:
        wait_s = await limiter.try_acquire(ticket)
        if wait_s <= 0:
            if waited_s:
                log.info("llm_budget_waited", waited_ms=round(waited_s * 1000), tokens=tokens)
            return ticket
        left_s = deadline - time.monotonic()
        if wait_s >= left_s:
            raise UpstreamBudgetExhausted(
                f"the shared LLM budget ({_describe(limiter)}) is spent until after this request's deadline",
                retry_after_s=max(1.0, wait_s),
            )
        await asyncio.sleep(wait_s)
        waited_s += wait_s


async def settle(limiter: UpstreamLimiter, ticket: Ticket, tokens: int) -> None:
    """The provider's own count replaces the estimate; a failed update keeps the (larger) estimate."""
    if tokens <= 0:
        return
    try:
        await limiter.settle(ticket, tokens)
    except Exception as exc:
        log.warning("llm_budget_settle_failed", error=str(exc)[:200])


def _describe(limiter: UpstreamLimiter) -> str:
    parts = [f"{limiter.rpm} requests" if limiter.rpm else "", f"{limiter.tpm} tokens" if limiter.tpm else ""]
    return " and ".join(p for p in parts if p) + f" per {limiter.window_s:g} s"
