"""The service's exception tree. Everything raised on purpose is one of these.

    NewsbriefError
    ├── RequestProblem            the caller sent something we cannot use (4xx)
    │   ├── InvalidArticle        no usable text (empty, HTML without an article)   422
    │   ├── ArticleTooLong        over the configured or the model's limit           422
    │   ├── UnknownPrompt         no such template, version or label                 422 / 404
    │   ├── JobNotFound           no such job, or it belongs to another API key       404
    │   ├── IdempotencyConflict   Idempotency-Key reused with a different body        422
    │   ├── CallbackRefused       callback_url not http(s) or refused by the SSRF guard 422
    │   └── HookProblem           inbound CMS webhooks (/v1/hooks/{source})
    │       ├── WebhooksNotConfigured  NEWSBRIEF_WEBHOOK_SECRET is unset             404
    │       ├── UnknownHookSource      no adapter for that source                    404
    │       ├── WebhookUnauthorized    missing, stale or wrong signature             401
    │       └── InvalidHookPayload     signed, but not a payload the adapter reads   422
    ├── Unauthorized              missing or invalid API key                          401
    ├── RateLimited               the API key (or client) is over its rate limit     429
    ├── Overloaded                the service has its maximum of requests in flight  503
    ├── LLMError                  the model side failed; never carries vendor text
    │   ├── LLMUnavailable        connection failures, 5xx/429 after retries, quota  503
    │   │   └── CircuitOpen       the circuit breaker refuses calls for a cool-down  503
    │   ├── LLMBadAnswer          unusable answer after repairs, provider refusal   502
    │   └── DeadlineExceeded      the request budget ran out                          504
    └── StorageUnavailable        the job store cannot be read or written (Redis down) 503
        └── StorageFull           the disk under the job store is full               503

`problems.py` maps each class to its problem+json status and type; `llm.py` is the
only place that translates SDK exceptions into these, `service.jobs` the only one that
translates job-store (Redis, SQLite) errors.
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


class JobNotFound(RequestProblem):
    """No job with that id is visible to the caller."""


class IdempotencyConflict(RequestProblem):
    """An `Idempotency-Key` already names a job made from a different body."""


class CallbackRefused(RequestProblem):
    """The callback target is not http(s), or resolves to an address the SSRF guard refuses."""


class HookProblem(RequestProblem):
    """An inbound CMS webhook cannot be accepted."""


class WebhooksNotConfigured(HookProblem):
    """No webhook secret is configured, so no webhook can be verified."""


class UnknownHookSource(HookProblem):
    """No adapter reads webhooks from that source."""


class WebhookUnauthorized(HookProblem):
    """The Standard Webhooks signature is missing, malformed, stale or wrong."""


class InvalidHookPayload(HookProblem):
    """The webhook is authentic but its payload is not one the adapter understands."""


class StorageUnavailable(NewsbriefError):
    """The job store cannot be reached or written now (Redis down, disk I/O error); retry later."""


class StorageFull(StorageUnavailable):
    """The disk under the SQLite job store is full: nothing new is accepted until space is freed."""
