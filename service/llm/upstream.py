"""The seam under the retry loop: one HTTP attempt at the upstream, and what wraps it.

`LLMClient.chat` retries `Upstream.attempt`; each cross-cutting concern (the circuit breaker,
metrics, the upstream quota: `service.llm.guards`) is an `Upstream` around another one, so
the client never asks whether a breaker or a quota is there (pydantic-ai's wrapper models).

    begin(call)         once per logical call, before its first attempt
    attempt(call)       one HTTP attempt -> `Completion`, or an SDK error / `BadCompletion`
    failed(call, exc)   once, when the call failed after its retries
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import httpx2
import openai

from service.llm.attempts import Budget
from service.llm.completion import Completion, parse_completion
from service.settings import Settings

Message = dict[str, str]
_JSON_HEADERS = {"Content-Type": "application/json"}


@dataclass
class Call:
    """One logical call (its retries included), as every layer sees it."""

    content: bytes  # the serialized request body
    messages: Sequence[Message]
    max_tokens: int
    budget: Budget
    probe: bool = False  # the current attempt is the breaker's half-open probe


class Upstream(Protocol):
    def begin(self, call: Call) -> None: ...

    async def attempt(self, call: Call) -> Completion: ...

    def failed(self, call: Call, exc: BaseException) -> None: ...


class SDKUpstream:
    """The attempt itself: the SDK's generic `post` of our own body, the answer parsed by us."""

    def __init__(self, client: openai.AsyncOpenAI, settings: Settings) -> None:
        self.client = client
        self.attempt_timeout_s = settings.attempt_timeout_s

    def begin(self, call: Call) -> None:
        return None

    def failed(self, call: Call, exc: BaseException) -> None:
        return None

    async def attempt(self, call: Call) -> Completion:
        """One HTTP attempt, bounded as a whole, answer included.

        The transports' own timeouts bound only the connect and each gap between reads, so an
        upstream that trickles its headers or body a byte at a time would otherwise hold the
        request past every deadline.
        """
        call.budget.attempted()
        timeout_s = max(0.001, min(self.attempt_timeout_s, call.budget.remaining_s()))
        try:
            async with asyncio.timeout(timeout_s):
                raw: bytes = await self.client.post(
                    "/chat/completions",
                    cast_to=bytes,
                    content=call.content,
                    options={
                        "headers": _JSON_HEADERS,
                        "timeout": httpx2.Timeout(timeout_s, connect=min(timeout_s, 5.0)),
                    },
                )
        except TimeoutError as exc:  # the total bound: a timeout like any other, retried and counted
            request = httpx2.Request("POST", self.client.base_url.join("chat/completions"))
            raise openai.APITimeoutError(request=request) from exc
        return parse_completion(raw)  # a body cut short is the upstream failing (BadCompletion)
