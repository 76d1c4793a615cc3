"""The one LLM client wrapper: the one retry policy, around one `openai.AsyncOpenAI`.

Everything above `service.llm` sees `ChatResult` or an `LLMError` (see `service.errors`); it
never imports `openai`. The SDK's own retries are off (`max_retries=0`); tenacity retries
transient failures here (`service.llm.sdk_errors` decides which), and the pipeline's repair
re-asks draw on the same `Budget` (`service.llm.attempts`), so attempts never stack:
`NEWSBRIEF_LLM_MAX_ATTEMPTS` counts every call.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from typing import Any

import httpx2
import openai
import orjson
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception

from service.errors import (
    CircuitOpen,
)
from service.llm.attempts import Budget
from service.llm.breaker import CircuitBreaker
from service.llm.completion import AnswerTooLarge, BadCompletion, ChatResult, Completion, parse_completion
from service.llm.quota.base import Ticket, UpstreamLimiter, acquire, estimate_tokens, settle
from service.llm.sdk_errors import is_transient, outcome, retry_after_s, translate
from service.metrics import Metrics
from service.settings import Settings

Message = dict[str, str]
_JSON_HEADERS = {"Content-Type": "application/json"}


class LLMClient:
    """Chat completions with JSON output through one `openai.AsyncOpenAI` (owned by the lifespan)."""

    def __init__(
        self,
        client: openai.AsyncOpenAI,
        *,
        model: str,
        settings: Settings,
        use_local_params: bool = False,
        label: str | None = None,
    ) -> None:
        self._client = client
        self.model = model
        self._settings = settings
        self._use_local_params = use_local_params
        self._label = label  # reported in provenance instead of the server's model id
        self._breaker: CircuitBreaker | None = None
        self._metrics: Metrics | None = None
        self._limiter: UpstreamLimiter | None = None

    def instrument(
        self,
        *,
        breaker: CircuitBreaker | None,
        metrics: Metrics | None,
        limiter: UpstreamLimiter | None = None,
    ) -> None:
        """Attach the process's breaker, metrics and upstream budget (the runtime does this once)."""
        self._breaker = breaker
        self._metrics = metrics
        self._limiter = limiter

    async def aclose(self) -> None:
        await self._client.close()

    def _admit(self) -> bool:
        """The breaker's verdict before an attempt: True for the half-open probe; may raise CircuitOpen."""
        if self._breaker is None:
            return False
        try:
            return self._breaker.admit()
        except CircuitOpen:
            if self._metrics is not None:
                self._metrics.llm_attempt("circuit_open")
            raise

    async def _post(self, content: bytes, timeout_s: float, probe: bool) -> Completion:
        """One HTTP attempt, reported to the breaker (only what we would retry is a failure) and metrics.

        `timeout_s` bounds the whole attempt, answer included: the transports' own timeouts bound
        only the connect and each gap between reads, so an upstream that trickles its headers or
        body a byte at a time would otherwise hold the request past every deadline.
        """
        try:
            async with asyncio.timeout(timeout_s):
                raw: bytes = await self._client.post(
                    "/chat/completions",
                    cast_to=bytes,
                    content=content,
                    options={
                        "headers": _JSON_HEADERS,
                        "timeout": httpx2.Timeout(timeout_s, connect=min(timeout_s, 5.0)),
                    },
                )
        except TimeoutError as exc:  # the total bound: a timeout like any other, retried and counted
            timed_out = openai.APITimeoutError(request=self._request())
            timed_out.__cause__ = exc
            self._settle(timed_out, probe)
            raise timed_out from exc
        except (openai.OpenAIError, AnswerTooLarge) as exc:
            self._settle(exc, probe)
            raise
        except BaseException:  # cancelled: no verdict on the upstream
            if self._breaker is not None:
                self._breaker.abandon(probe=probe)
            raise
        try:
            completion = parse_completion(raw)
        except BadCompletion as exc:  # a body cut short is the upstream failing, not the model
            self._settle(exc, probe)
            raise
        self._settle(None, probe)
        return completion

    def _request(self) -> httpx2.Request:
        """The request an attempt made, as the SDK's errors carry it (no body, no headers)."""
        return httpx2.Request("POST", self._client.base_url.join("chat/completions"))

    def _settle(self, exc: openai.OpenAIError | BadCompletion | None, probe: bool) -> None:
        """Metrics count every attempt. The breaker hears every success, but a failed attempt only
        when it was the half-open probe: otherwise the call's final outcome decides (see `chat`)."""
        if self._metrics is not None:
            self._metrics.llm_attempt(outcome(exc))
        if self._breaker is None:
            return
        if exc is None or not is_transient(exc):
            self._breaker.record(True, probe=probe)
        elif probe:
            self._breaker.record(False, probe=True)

    def _wait_s(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        hinted = retry_after_s(exc) if exc else None
        if hinted is not None:
            return hinted
        s = self._settings
        ceiling = min(s.llm_backoff_max_s, s.llm_backoff_initial_s * 2 ** (state.attempt_number - 1))
        return random.uniform(0, ceiling)  # noqa: S311 - full jitter, not crypto

    def _stop(self, budget: Budget) -> Any:
        cap = self._settings.llm_retry_after_cap_s

        def stop(state: RetryCallState) -> bool:
            exc = state.outcome.exception() if state.outcome else None
            hinted = retry_after_s(exc) if exc else None
            if hinted is not None and hinted > cap:
                return True  # retrying before the server allows it only earns another 429
            wait = state.upcoming_sleep
            return budget.attempts >= budget.max_attempts or budget.remaining_s() <= wait

        return stop

    def _response_format(self, schema: dict[str, Any]) -> dict[str, Any]:
        if self._settings.response_format == "json_object":
            return {"type": "json_object"}
        return {"type": "json_schema", "json_schema": {"name": "digest", "strict": True, "schema": schema}}

    async def chat(
        self,
        messages: Sequence[Message],
        *,
        schema: dict[str, Any],
        params: dict[str, Any],
        local_params: dict[str, Any],
        budget: Budget,
    ) -> ChatResult:
        """One logical call: retried on transient errors within `budget`; usage is added to it."""
        body: dict[str, Any] = {
            "model": self.model,
            "messages": list(messages),
            "temperature": params.get("temperature", 0),
            "max_tokens": int(params.get("max_tokens", 1024)),
            "response_format": self._response_format(schema),
        }
        if self._use_local_params:
            body.update(local_params)
        # The SDK's generic `post` (auth, headers, status errors) with our own serialized body and
        # an unparsed answer: `chat.completions.create` walks every message and the whole JSON
        # Schema against its typed params, then builds a pydantic model of the answer; together
        # that was ~35% of the service's CPU per request, for a body we already know is valid.
        content = orjson.dumps(body)
        retrying = AsyncRetrying(
            retry=retry_if_exception(is_transient),
            wait=self._wait_s,
            stop=self._stop(budget),
            reraise=True,
        )
        if self._metrics is not None and any(m["role"] == "assistant" for m in messages):
            self._metrics.llm_repair()  # a conversation holding an earlier answer is a re-ask
        ticket: Ticket | None = None
        probe = False

        async def attempt() -> Completion:
            nonlocal probe, ticket
            probe = self._admit()  # CircuitOpen is no OpenAIError: never retried, never translated
            if self._limiter is not None:  # the shared upstream quota (service.llm.quota)
                ticket = await self._spend(messages, body["max_tokens"], budget, probe)
            budget.attempts += 1
            timeout_s = max(0.001, min(self._settings.attempt_timeout_s, budget.remaining_s()))
            return await self._post(content, timeout_s, probe)

        try:
            completion: Completion = await retrying(attempt)
        except (openai.OpenAIError, BadCompletion) as exc:
            if self._breaker is not None and is_transient(exc) and not probe:
                # One failed call, however many attempts it made: a flaky upstream whose retries
                # succeed never opens the circuit; one that fails call after call does.
                self._breaker.record(False, probe=False)
            raise translate(exc, budget.attempts, budget) from exc
        finally:
            # tenacity keeps its pending actions (bound methods of `retrying`) in `iter_state`: a
            # reference cycle per call that only the garbage collector could free. These calls
            # live ~1 s, so each cycle reached the oldest generation, and its full collections
            # (every ~0.5 s at 250 req/s) paused every request in flight for up to ~150 ms.
            retrying.iter_state.reset()
        if ticket is None or self._limiter is None:
            return self._result(completion, budget)
        used = budget.input_tokens + budget.output_tokens
        result = self._result(completion, budget)
        await settle(self._limiter, ticket, budget.input_tokens + budget.output_tokens - used)
        return result

    async def _spend(
        self, messages: Sequence[Message], max_tokens: int, budget: Budget, probe: bool
    ) -> Ticket:
        """Wait for the upstream budget to admit one attempt; the breaker's probe goes back if it cannot."""
        assert self._limiter is not None
        try:
            return await acquire(self._limiter, estimate_tokens(messages, max_tokens), budget.deadline)
        except BaseException:
            if self._breaker is not None:
                self._breaker.abandon(probe=probe)
            raise

    def _result(self, completion: Completion, budget: Budget) -> ChatResult:
        """The answer's usage added to the budget and metrics; the content for the pipeline."""
        budget.input_tokens += completion.input_tokens
        budget.output_tokens += completion.output_tokens
        if self._metrics is not None:
            self._metrics.llm_tokens(completion.input_tokens, completion.output_tokens)
        return ChatResult(
            content=completion.content,
            model=self._label or completion.model or self.model,
            truncated=completion.truncated,
        )

    async def ping(self) -> bool:
        """True when the endpoint answers `GET /models` (used by the local engine's readiness)."""
        try:
            await self._client.models.list(timeout=2.0)
        except openai.OpenAIError:
            return False
        return True
