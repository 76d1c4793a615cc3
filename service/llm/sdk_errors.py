"""The one place `openai` SDK errors are read: retry or not, the metrics label, our exception.

`is_transient` decides what tenacity retries (connection errors, timeouts, 408, 409, 429 but
never `insufficient_quota`, 5xx, a 2xx body that is no completion); `outcome` names an attempt
for `newsbrief_llm_attempts_total`; `translate` maps the last failure of a call to our tree
(`service.errors`) with a detail safe to show callers, never the vendor's message.
"""

from __future__ import annotations

import openai

from service.errors import ArticleTooLong, DeadlineExceeded, LLMBadAnswer, LLMError, LLMUnavailable
from service.llm.attempts import Budget
from service.llm.completion import BadCompletion

_TRANSIENT_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})
_UNAVAILABLE_STATUS = frozenset({429, 503})


def _status_of(exc: BaseException) -> int | None:
    return exc.status_code if isinstance(exc, openai.APIStatusError) else None


def _is_quota(exc: BaseException) -> bool:
    if not isinstance(exc, openai.APIStatusError):
        return False
    body = exc.body if isinstance(exc.body, dict) else {}
    marks = {str(exc.code), str(body.get("type")), str(body.get("code"))}
    return "insufficient_quota" in marks


def is_transient(exc: BaseException) -> bool:
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
