"""The service's exception tree. Everything raised on purpose is one of these.

    NewsbriefError
    ├── RequestProblem            the caller sent something we cannot use (4xx)
    │   ├── InvalidArticle        no usable text (empty, HTML without an article)   422
    │   ├── ArticleTooLong        over the configured or the model's limit           422
    │   └── UnknownPrompt         no such template, version or label                 422 / 404
    ├── Unauthorized              missing or invalid API key                          401
    ├── RateLimited               the API key (or client) is over its rate limit     429
    ├── Overloaded                the service has its maximum of requests in flight  503
    └── LLMError                  the model side failed; never carries vendor text
        ├── LLMUnavailable        connection failures, 5xx/429 after retries, quota  503
        │   └── CircuitOpen       the circuit breaker refuses calls for a cool-down  503
        ├── LLMBadAnswer          unusable answer after repairs, provider refusal   502
        └── DeadlineExceeded      the request budget ran out                          504

`problems.py` maps each class to its problem+json status and type; `llm.py` is the
only place that translates SDK exceptions into these.
"""

from __future__ import annotations


class NewsbriefError(Exception):
    """Base class; `detail` is safe to show to callers; `retry_after_s` becomes `Retry-After`."""

    def __init__(self, detail: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after_s = retry_after_s


class Unauthorized(NewsbriefError):
    """No valid `Authorization: Bearer <key>` where `NEWSBRIEF_API_KEYS` requires one."""


class RateLimited(NewsbriefError):
    """The caller spent its request quota; `retry_after_s` says when the next request fits."""


class Overloaded(NewsbriefError):
    """The service is at `NEWSBRIEF_MAX_IN_FLIGHT`; refused at once rather than queued."""


class RequestProblem(NewsbriefError):
    """The request cannot be served as sent."""


class InvalidArticle(RequestProblem):
    """The request has no usable article text."""


class ArticleTooLong(RequestProblem):
    """The article exceeds a configured limit or the model's context window."""


class UnknownPrompt(RequestProblem):
    """No template matches the requested name, version or label."""


class LLMError(NewsbriefError):
    """The LLM could not produce a usable answer."""

    def __init__(self, detail: str, *, attempts: int = 0, retry_after_s: float | None = None) -> None:
        super().__init__(detail, retry_after_s=retry_after_s)
        self.attempts = attempts


class LLMUnavailable(LLMError):
    """The LLM endpoint is unreachable, overloaded or out of quota."""


class CircuitOpen(LLMUnavailable):
    """The breaker saw too many consecutive upstream failures; no call is made until it probes."""


class LLMBadAnswer(LLMError):
    """The LLM answered, but never with something usable (or refused the request)."""


class DeadlineExceeded(LLMError):
    """The whole-request deadline passed before a usable answer arrived."""
