"""What wraps every LLM attempt: metrics, the circuit breaker, the upstream quota (outermost first).

`around(upstream, ...)` composes them once, when the runtime builds the client; a concern that
is switched off is simply not in the chain.
"""

from __future__ import annotations

import openai

from service.errors import CircuitOpen
from service.llm.breaker import CircuitBreaker
from service.llm.completion import BadCompletion, Completion
from service.llm.quota.base import UpstreamLimiter, acquire, estimate_tokens, settle
from service.llm.sdk_errors import is_transient, outcome
from service.llm.upstream import Call, Upstream
from service.metrics import Metrics


class _Around:
    def __init__(self, inner: Upstream) -> None:
        self.inner = inner

    def begin(self, call: Call) -> None:
        self.inner.begin(call)

    def failed(self, call: Call, exc: BaseException) -> None:
        self.inner.failed(call, exc)


class Metered(_Around):
    """Every attempt by outcome (`circuit_open` when the breaker refused it), tokens, re-asks."""

    def __init__(self, inner: Upstream, metrics: Metrics) -> None:
        super().__init__(inner)
        self.metrics = metrics

    def begin(self, call: Call) -> None:
        if any(m["role"] == "assistant" for m in call.messages):
            self.metrics.llm_repair()  # a conversation holding an earlier answer is a re-ask
        self.inner.begin(call)

    async def attempt(self, call: Call) -> Completion:
        try:
            completion = await self.inner.attempt(call)
        except CircuitOpen:
            self.metrics.llm_attempt("circuit_open")
            raise
        except (openai.OpenAIError, BadCompletion) as exc:
            self.metrics.llm_attempt(outcome(exc))
            raise
        self.metrics.llm_attempt("ok")
        self.metrics.llm_tokens(completion.input_tokens, completion.output_tokens)
        return completion


class Guarded(_Around):
    """The circuit breaker: asked before every attempt, told what happened.

    It hears every success, but a failed attempt only when it was the half-open probe; otherwise
    the call's final outcome decides (`failed`): one failed call, however many attempts it made,
    so a flaky upstream whose retries succeed never opens the circuit, one that fails call after
    call does. Only what we would retry counts as a failure of the upstream.
    """

    def __init__(self, inner: Upstream, breaker: CircuitBreaker) -> None:
        super().__init__(inner)
        self.breaker = breaker

    async def attempt(self, call: Call) -> Completion:
        call.probe = self.breaker.admit()  # CircuitOpen is no SDK error: never retried, never translated
        try:
            completion = await self.inner.attempt(call)
        except (openai.OpenAIError, BadCompletion) as exc:
            if not is_transient(exc):
                self.breaker.record(True, probe=call.probe)
            elif call.probe:
                self.breaker.record(False, probe=True)
            raise
        except BaseException:  # cancelled, or the quota refused: no verdict on the upstream
            self.breaker.abandon(probe=call.probe)
            raise
        self.breaker.record(True, probe=call.probe)
        return completion

    def failed(self, call: Call, exc: BaseException) -> None:
        if is_transient(exc) and not call.probe:
            self.breaker.record(False, probe=False)
        self.inner.failed(call, exc)


class Quota(_Around):
    """The shared upstream quota: each attempt waits for admission (within the request's deadline),
    and the provider's token count replaces the estimate once the answer reports it."""

    def __init__(self, inner: Upstream, limiter: UpstreamLimiter) -> None:
        super().__init__(inner)
        self.limiter = limiter

    async def attempt(self, call: Call) -> Completion:
        tokens = estimate_tokens(call.messages, call.max_tokens)
        ticket = await acquire(self.limiter, tokens, call.budget.deadline)
        completion = await self.inner.attempt(call)
        await settle(self.limiter, ticket, completion.input_tokens + completion.output_tokens)
        return completion


def around(
    upstream: Upstream,
    *,
    breaker: CircuitBreaker | None,
    metrics: Metrics | None,
    quota: UpstreamLimiter | None,
) -> Upstream:
    """`upstream` inside the quota, the breaker and metrics (each left out when it is off)."""
    if quota is not None:
        upstream = Quota(upstream, quota)
    if breaker is not None:
        upstream = Guarded(upstream, breaker)
    if metrics is not None:
        upstream = Metered(upstream, metrics)
    return upstream
