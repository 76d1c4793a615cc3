"""The layers around an LLM attempt (`service.llm.guards`): composed once, each doing its one job."""

from __future__ import annotations

import asyncio
import time

import httpx2
import openai
import pytest

from service.errors import CircuitOpen, LLMUnavailable
from service.llm.attempts import Budget
from service.llm.breaker import CircuitBreaker
from service.llm.completion import Completion
from service.llm.guards import Guarded, Metered, Quota, around
from service.llm.quota.base import acquire
from service.llm.quota.memory import MemoryLimiter
from service.llm.upstream import Call
from service.metrics import Metrics

OK = Completion(content="{}", model="m", truncated=False, input_tokens=3, output_tokens=2)


class Scripted:
    """An upstream that answers from a script: a `Completion` or an exception per attempt."""

    def __init__(self, *replies: Completion | BaseException) -> None:
        self.replies = list(replies)
        self.attempts = 0

    def begin(self, call: Call) -> None:
        return None

    def failed(self, call: Call, exc: BaseException) -> None:
        return None

    async def attempt(self, call: Call) -> Completion:
        self.attempts += 1
        reply = self.replies.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        return reply


def _call(deadline_s: float = 5.0) -> Call:
    return Call(b"{}", [{"role": "user", "content": "x"}], 10, Budget(3, time.monotonic() + deadline_s))


def _unreachable() -> openai.APIConnectionError:
    return openai.APIConnectionError(request=httpx2.Request("POST", "http://127.0.0.1:9/v1/chat/completions"))


def test_around_leaves_out_what_is_off() -> None:
    inner = Scripted()
    assert around(inner, breaker=None, metrics=None, quota=None) is inner
    chain = around(inner, breaker=CircuitBreaker(2, 30.0), metrics=Metrics(), quota=MemoryLimiter(5, 0, 60.0))
    assert isinstance(chain, Metered)
    assert isinstance(chain.inner, Guarded)
    assert isinstance(chain.inner.inner, Quota)
    assert chain.inner.inner.inner is inner


def test_the_breaker_counts_a_failed_call_once_however_many_attempts_it_made() -> None:
    breaker = CircuitBreaker(2, 30.0)
    guarded = Guarded(Scripted(*[_unreachable()] * 6), breaker)

    async def fail_one_call() -> None:
        call = _call()
        for _ in range(3):  # the retry loop's attempts
            with pytest.raises(openai.APIConnectionError):
                await guarded.attempt(call)
        guarded.failed(call, _unreachable())

    states = []
    for _ in range(2):
        asyncio.run(fail_one_call())
        states.append(breaker.state)
    assert states == ["closed", "open"]  # three failed attempts are one failed call
    with pytest.raises(CircuitOpen):
        asyncio.run(guarded.attempt(_call()))


def test_a_probe_the_quota_refuses_goes_back_to_the_breaker() -> None:
    now = [0.0]
    breaker = CircuitBreaker(1, 10.0, clock=lambda: now[0])
    breaker.record(False, probe=False)  # open
    now[0] = 11.0  # cool-down over: the next attempt is the half-open probe
    limiter = MemoryLimiter(1, 0, 60.0)
    inner = Scripted(OK, OK)
    guarded = Guarded(Quota(inner, limiter), breaker)

    async def run() -> None:
        await acquire(limiter, 1, time.monotonic() + 1.0)  # the one request of the window
        with pytest.raises(LLMUnavailable):
            await guarded.attempt(_call(deadline_s=0.5))  # the quota is spent past the deadline

    asyncio.run(run())
    assert inner.attempts == 0  # refused before any HTTP attempt
    assert breaker.state == "half_open"
    assert breaker.admit()  # the probe is free again, not held by the refused attempt
