"""The one LLM client wrapper: the one retry policy and the one place SDK errors are translated.

Everything above this module sees `ChatResult` or an `LLMError` (see `errors.py`); it
never imports `openai`. The SDK's own retries are off (`max_retries=0`); tenacity
retries transient failures here, and the pipeline's repair re-asks draw on the same
`Budget`, so attempts never stack: `NEWSBRIEF_LLM_MAX_ATTEMPTS` counts every call.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx2
import openai
import orjson
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception

from service.errors import (
    ArticleTooLong,
    CircuitOpen,
    DeadlineExceeded,
    LLMBadAnswer,
    LLMError,
    LLMUnavailable,
)
from service.llm.breaker import CircuitBreaker
from service.llm.quota.base import Ticket, UpstreamLimiter, acquire, estimate_tokens, settle
from service.metrics import Metrics
from service.settings import Settings

Message = dict[str, str]
_TRANSIENT_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})
_UNAVAILABLE_STATUS = frozenset({429, 503})
_JSON_HEADERS = {"Content-Type": "application/json"}


@dataclass
class Budget:
    """Attempts and wall-clock left for one request; shared by retries and repairs."""

    max_attempts: int
    deadline: float  # time.monotonic() value
    attempts: int = 0
    input_tokens: int = 0
    output_tokens: int = 0

    @classmethod
    def start(cls, settings: Settings) -> Budget:
        return cls(settings.llm_max_attempts, time.monotonic() + settings.request_deadline_s)

    def remaining_s(self) -> float:
        return self.deadline - time.monotonic()

    def can_attempt(self) -> bool:
        return self.attempts < self.max_attempts and self.remaining_s() > 0


@dataclass(frozen=True)
class ChatResult:
    content: str
    model: str
    truncated: bool


class BadCompletion(Exception):
    """The HTTP body of a 2xx answer is not a chat completion (cut short, not JSON, wrong shape).

    A transient upstream fault like a 5xx: retried within the budget, then a 502.
    """


class AnswerTooLarge(BadCompletion):
    """The answer is over `NEWSBRIEF_LLM_MAX_ANSWER_BYTES` (raised by the transport as it streams)."""


@dataclass(frozen=True)
class Completion:
    content: str
    model: str | None
    truncated: bool
    input_tokens: int
    output_tokens: int


def _tokens(usage: dict[str, Any], name: str) -> int:
    value = usage.get(name) or 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadCompletion(f"usage.{name} is not a count")
    return value


def parse_completion(raw: bytes) -> Completion:
    """The first choice of a chat completion body; raises `BadCompletion` for anything else."""
    try:
        completion = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadCompletion("the body is not JSON") from exc
    if not isinstance(completion, dict):
        raise BadCompletion("the body is not a JSON object")
    choices = completion.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise BadCompletion("choices is not a list of objects")
    choice = choices[0]
    message = choice.get("message")
    if not isinstance(message, dict):
        raise BadCompletion("choices[0].message is not an object")
    content = message.get("content") or ""
    usage = completion.get("usage") or {}
    model = completion.get("model")
    if not isinstance(content, str) or not isinstance(model, str | None) or not isinstance(usage, dict):
        raise BadCompletion("content, model or usage has the wrong type")
    return Completion(
        content=content,
        model=model,
        truncated=choice.get("finish_reason") == "length",
        input_tokens=_tokens(usage, "prompt_tokens"),
        output_tokens=_tokens(usage, "completion_tokens"),
    )


def _status_of(exc: BaseException) -> int | None:
    return exc.status_code if isinstance(exc, openai.APIStatusError) else None


def _is_quota(exc: BaseException) -> bool:
    if not isinstance(exc, openai.APIStatusError):
        return False
    body = exc.body if isinstance(exc.body, dict) else {}
    marks = {str(exc.code), str(body.get("type")), str(body.get("code"))}
    return "insufficient_quota" in marks


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, openai.APIConnectionError | BadCompletion):  # includes APITimeoutError
        return True
    status = _status_of(exc)
    return status in _TRANSIENT_STATUS and not _is_quota(exc)


def retry_after_s(exc: BaseException) -> float | None:
    """The server's requested pause (`retry-after-ms` first, then `Retry-After` seconds)."""
    if not isinstance(exc, openai.APIStatusError):
        return None
    headers = exc.response.headers
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        raw = headers.get(name)
        if raw is None:
            continue
        try:
            value = float(raw) / scale
        except ValueError:
            continue  # an HTTP date: rare from LLM providers; fall back to our backoff
        if value >= 0:
            return value
    return None


def _is_context_overflow(exc: BaseException) -> bool:
    if _status_of(exc) != 400:
        return False
    assert isinstance(exc, openai.APIStatusError)
    body = exc.body if isinstance(exc.body, dict) else {}
    text = " ".join(str(x) for x in (exc.code, body.get("type"), body.get("code"), exc.message)).lower()
    return "context" in text and ("length" in text or "exceed" in text or "size" in text)


def _is_real_timeout(exc: BaseException) -> bool:
    """The aiohttp transport reports every dropped connection as a timeout; trust the root cause."""
    root = exc
    while root.__cause__ is not None:
        root = root.__cause__
        if isinstance(root, TimeoutError):  # our total bound (whose own cause is the cancellation)
            return True
    return isinstance(root, TimeoutError) or "Timeout" in type(root).__name__


def outcome(exc: BaseException | None) -> str:
    """The metrics label of one HTTP attempt (see `service.metrics.LLM_OUTCOMES`)."""
    if exc is None:
        return "ok"
    if isinstance(exc, BadCompletion):
        return "bad_response"
    if isinstance(exc, openai.APITimeoutError) and _is_real_timeout(exc):
        return "timeout"
    if isinstance(exc, openai.APIConnectionError):
        return "connection_error"
    status = _status_of(exc)
    if status is None:
        return "bad_response"
    if _is_quota(exc):
        return "quota"
    if status == 429:
        return "rate_limited"
    return "server_error" if status >= 500 else "client_error"


def translate(exc: BaseException, attempts: int, budget: Budget) -> LLMError | ArticleTooLong:
    """Map an SDK exception to our tree, with a detail safe to show callers."""
    status = _status_of(exc)
    if budget.remaining_s() <= 0:
        return DeadlineExceeded("the request deadline passed before the LLM answered", attempts=attempts)
    if isinstance(exc, openai.APITimeoutError) and _is_real_timeout(exc):
        return DeadlineExceeded(f"the LLM did not answer in time ({attempts} attempts)", attempts=attempts)
    if isinstance(exc, BadCompletion):
        return LLMBadAnswer(
            f"the LLM answered with something that is not a chat completion ({attempts} attempts)",
            attempts=attempts,
        )
    if isinstance(exc, openai.APIConnectionError):
        return LLMUnavailable(f"the LLM endpoint is unreachable ({attempts} attempts)", attempts=attempts)
    if _is_quota(exc):
        return LLMUnavailable("the LLM provider reports its quota is exhausted", attempts=attempts)
    if _is_context_overflow(exc):
        return ArticleTooLong("the article does not fit the model's context window")
    if status in _UNAVAILABLE_STATUS:
        return LLMUnavailable(
            f"the LLM is overloaded or rate limited (HTTP {status}, {attempts} attempts)",
            attempts=attempts,
            retry_after_s=retry_after_s(exc),
        )
    if status is not None and status >= 500:
        return LLMBadAnswer(f"the LLM failed (HTTP {status}, {attempts} attempts)", attempts=attempts)
    if status is not None:
        return LLMBadAnswer(f"the LLM provider rejected the request (HTTP {status})", attempts=attempts)
    return LLMBadAnswer("the LLM answered with something that is not a chat completion", attempts=attempts)


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
        if exc is None or not _is_transient(exc):
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
            retry=retry_if_exception(_is_transient),
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
            if self._limiter is not None:  # the shared upstream budget (service/llm_budget.py)
                ticket = await self._spend(messages, body["max_tokens"], budget, probe)
            budget.attempts += 1
            timeout_s = max(0.001, min(self._settings.attempt_timeout_s, budget.remaining_s()))
            return await self._post(content, timeout_s, probe)

        try:
            completion: Completion = await retrying(attempt)
        except (openai.OpenAIError, BadCompletion) as exc:
            if self._breaker is not None and _is_transient(exc) and not probe:
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
