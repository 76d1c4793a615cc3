"""The service's exception tree, and the one error table: each class carries its problem.

    NewsbriefError                                                                      500
    ├── RequestProblem            the caller sent something we cannot use (4xx)
    │   ├── InvalidArticle        no usable text (empty, HTML without an article)       422
    │   ├── ArticleTooLong        over the configured or the model's limit              422
    │   ├── UnknownPrompt         no such template, version or label (GET: 404)         422
    │   ├── JobNotFound           no such job, or it belongs to another API key         404
    │   ├── IdempotencyConflict   Idempotency-Key reused with a different body          422
    │   ├── CallbackRefused       callback_url not http(s) or refused by the SSRF guard 422
    │   ├── HookProblem           inbound CMS webhooks (/v1/hooks/{source})
    │   │   ├── WebhooksNotConfigured  NEWSBRIEF_WEBHOOK_SECRET is unset                404
    │   │   ├── UnknownHookSource  no adapter for that source                           404
    │   │   ├── WebhookUnauthorized  missing, stale or wrong signature                  401
    │   │   └── InvalidHookPayload  signed, but not a payload the adapter reads         422
    │   └── HTTPProblem           refused by HTTP itself (status per instance)          400
    │       ├── BadRequest        a head or body HTTP cannot read                       400
    │       ├── NotFound          no such route                                         404
    │       ├── MethodNotAllowed  the route has no such method                          405
    │       ├── RequestTimeout    head or body did not arrive in time                   408
    │       ├── BodyTooLarge      over NEWSBRIEF_MAX_BODY_BYTES                         413
    │       ├── UnsupportedMediaType  a /v1 body that is not JSON                       415
    │       └── InvalidRequest    the body does not match the request schema            422
    ├── Unauthorized              missing or invalid API key                            401
    ├── RateLimited               the API key (or client) is over its rate limit        429
    ├── Overloaded                the service has its maximum of requests in flight     503
    ├── ShuttingDown              SIGTERM: this process is draining                     503
    ├── JobAbandoned              a job started too often without finishing             500
    ├── LLMError                  the model side failed; never carries vendor text
    │   ├── LLMUnavailable        connection failures, 5xx/429 after retries, quota     503
    │   │   └── CircuitOpen       the circuit breaker refuses calls for a cool-down     503
    │   ├── LLMBadAnswer          unusable answer after repairs, provider refusal       502
    │   └── DeadlineExceeded      the request budget ran out                            504
    └── StorageUnavailable        the job store cannot be read or written (Redis down)  503
        └── StorageFull           the disk under the job store is full                  503

Each class's `status`, `slug` and `title` are the whole table: problem+json
(`service.http.problems`), the OpenAPI document, the problems stored with failed jobs and the
metrics' labels all read them from the classes (`tests/test_errors.py` holds this drawing to
them). `service.llm.sdk_errors` is the only place that translates SDK exceptions into these,
`service.jobs` the only one that translates job-store (Redis, SQLite) errors.
"""

from __future__ import annotations

from typing import Any, ClassVar

TYPE_BASE = "https://newsbrief.dev/problems/"


class NewsbriefError(Exception):
    """Base class; `detail` is safe to show to callers; `retry_after_s` becomes `Retry-After`."""

    status: ClassVar[int] = 500
    slug: ClassVar[str] = "internal"
    title: ClassVar[str] = "Internal error"

    def __init__(self, detail: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after_s = retry_after_s

    def status_for(self, method: str) -> int:
        """The HTTP status of this error for a request made with `method`."""
        return self.status

    def problem(self, method: str = "POST") -> dict[str, Any]:
        """The RFC 9457 body: what the API answers, and what a failed job stores."""
        return {
            "type": TYPE_BASE + self.slug,
            "title": self.title,
            "status": self.status_for(method),
            "detail": self.detail,
        }


class Unauthorized(NewsbriefError):
    """No valid `Authorization: Bearer <key>` where `NEWSBRIEF_API_KEYS` requires one."""

    status = 401
    slug = "unauthorized"
    title = "Missing or invalid API key"


class RateLimited(NewsbriefError):
    """The caller spent its request quota; `retry_after_s` says when the next request fits."""

    status = 429
    slug = "rate-limited"
    title = "Too many requests"


class Overloaded(NewsbriefError):
    """The service is at `NEWSBRIEF_MAX_IN_FLIGHT`; refused at once rather than queued."""

    status = 503
    slug = "overloaded"
    title = "The service is at capacity"


class RequestProblem(NewsbriefError):
    """The request cannot be served as sent."""


class InvalidArticle(RequestProblem):
    """The request has no usable article text."""

    status = 422
    slug = "invalid-article"
    title = "The article cannot be used"


class ArticleTooLong(RequestProblem):
    """The article exceeds a configured limit or the model's context window."""

    status = 422
    slug = "article-too-long"
    title = "The article is too long"


class UnknownPrompt(RequestProblem):
    """No template matches the requested name, version or label."""

    status = 422
    slug = "unknown-prompt"
    title = "Unknown prompt"

    def status_for(self, method: str) -> int:
        return 404 if method == "GET" else self.status  # a prompt in the path is a resource


class LLMError(NewsbriefError):
    """The LLM could not produce a usable answer."""

    def __init__(self, detail: str, *, attempts: int = 0, retry_after_s: float | None = None) -> None:
        super().__init__(detail, retry_after_s=retry_after_s)
        self.attempts = attempts


class LLMUnavailable(LLMError):
    """The LLM endpoint is unreachable, overloaded or out of quota."""

    status = 503
    slug = "llm-unavailable"
    title = "The LLM is unavailable"


class CircuitOpen(LLMUnavailable):
    """The breaker saw too many consecutive upstream failures; no call is made until it probes."""

    status = 503
    slug = "circuit-open"
    title = "The LLM circuit breaker is open"


class LLMBadAnswer(LLMError):
    """The LLM answered, but never with something usable (or refused the request)."""

    status = 502
    slug = "llm-failed"
    title = "The LLM failed to produce a digest"


class DeadlineExceeded(LLMError):
    """The whole-request deadline passed before a usable answer arrived."""

    status = 504
    slug = "deadline-exceeded"
    title = "The request deadline was exceeded"


class JobNotFound(RequestProblem):
    """No job with that id is visible to the caller."""

    status = 404
    slug = "job-not-found"
    title = "No such job"


class IdempotencyConflict(RequestProblem):
    """An `Idempotency-Key` already names a job made from a different body."""

    status = 422
    slug = "idempotency-conflict"
    title = "Idempotency-Key reused with a different body"


class CallbackRefused(RequestProblem):
    """The callback target is not http(s), or resolves to an address the SSRF guard refuses."""

    status = 422
    slug = "callback-refused"
    title = "The callback target is refused"


class HookProblem(RequestProblem):
    """An inbound CMS webhook cannot be accepted."""


class WebhooksNotConfigured(HookProblem):
    """No webhook secret is configured, so no webhook can be verified."""

    status = 404
    slug = "webhooks-not-configured"
    title = "Webhooks are not configured"


class UnknownHookSource(HookProblem):
    """No adapter reads webhooks from that source."""

    status = 404
    slug = "unknown-hook-source"
    title = "Unknown webhook source"


class WebhookUnauthorized(HookProblem):
    """The Standard Webhooks signature is missing, malformed, stale or wrong."""

    status = 401
    slug = "invalid-signature"
    title = "Invalid webhook signature"


class InvalidHookPayload(HookProblem):
    """The webhook is authentic but its payload is not one the adapter understands."""

    status = 422
    slug = "invalid-hook-payload"
    title = "The webhook payload cannot be used"


class StorageUnavailable(NewsbriefError):
    """The job store cannot be reached or written now (Redis down, disk I/O error); retry later."""

    status = 503
    slug = "storage-unavailable"
    title = "The job store is unavailable"


class StorageFull(StorageUnavailable):
    """The disk under the SQLite job store is full: nothing new is accepted until space is freed."""

    status = 503
    slug = "storage-full"
    title = "The job store's disk is full"


class ShuttingDown(NewsbriefError):
    """SIGTERM: this process is draining; another replica (or this one, restarted) will answer."""

    status = 503
    slug = "shutting-down"
    title = "The service is shutting down"


class JobAbandoned(NewsbriefError):
    """A job was started `NEWSBRIEF_JOB_MAX_RUNS` times and never finished (its runs crashed)."""

    status = 500
    slug = "job-abandoned"
    title = "The job was abandoned"


class HTTPProblem(RequestProblem):
    """A request HTTP itself refuses; this base class takes its status per instance."""

    status = 400
    slug = "http-error"
    title = "HTTP error"

    def __init__(self, detail: str, *, status: int | None = None, retry_after_s: float | None = None) -> None:
        super().__init__(detail, retry_after_s=retry_after_s)
        self._status = status

    def status_for(self, method: str) -> int:
        return self._status or self.status


class BadRequest(HTTPProblem):
    """A request head or body that HTTP cannot read."""

    status = 400
    slug = "bad-request"
    title = "Bad request"


class NotFound(HTTPProblem):
    """No route has this path."""

    status = 404
    slug = "not-found"
    title = "Not found"


class MethodNotAllowed(HTTPProblem):
    """The route exists but not with this method."""

    status = 405
    slug = "method-not-allowed"
    title = "Method not allowed"


class RequestTimeout(HTTPProblem):
    """The request head or body did not arrive in time (the connection is closed)."""

    status = 408
    slug = "request-timeout"
    title = "Request timeout"


class BodyTooLarge(HTTPProblem):
    """The body is over `NEWSBRIEF_MAX_BODY_BYTES`."""

    status = 413
    slug = "body-too-large"
    title = "Request body too large"


class UnsupportedMediaType(HTTPProblem):
    """A `/v1` route was sent a body that is not JSON."""

    status = 415
    slug = "unsupported-media-type"
    title = "Unsupported media type"


class InvalidRequest(HTTPProblem):
    """The body does not match the request schema (or is not JSON)."""

    status = 422
    slug = "invalid-request"
    title = "Invalid request"
