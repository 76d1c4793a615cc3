"""Every error leaves as RFC 9457 problem+json: one mapping table, one set of handlers.

Also the request guard that runs before routing: body size (413, decided from
`Content-Length` before any byte of the body is read, and enforced while streaming)
and content type (415, when a `/v1` route reads a body that is not JSON).
"""

from __future__ import annotations

import math
from typing import Any

import orjson
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.errors import (
    ArticleTooLong,
    CallbackRefused,
    CircuitOpen,
    DeadlineExceeded,
    IdempotencyConflict,
    InvalidArticle,
    InvalidHookPayload,
    JobNotFound,
    LLMBadAnswer,
    LLMUnavailable,
    NewsbriefError,
    Overloaded,
    RateLimited,
    StorageFull,
    StorageUnavailable,
    Unauthorized,
    UnknownHookSource,
    UnknownPrompt,
    WebhooksNotConfigured,
    WebhookUnauthorized,
)
from service.http import observe

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://newsbrief.dev/problems/"
log = structlog.get_logger("newsbrief.errors")

# exception class -> (status, type slug, title); the first matching base class wins.
PROBLEMS: list[tuple[type[NewsbriefError], int, str, str]] = [
    (InvalidArticle, 422, "invalid-article", "The article cannot be used"),
    (ArticleTooLong, 422, "article-too-long", "The article is too long"),
    (UnknownPrompt, 422, "unknown-prompt", "Unknown prompt"),
    (JobNotFound, 404, "job-not-found", "No such job"),
    (IdempotencyConflict, 422, "idempotency-conflict", "Idempotency-Key reused with a different body"),
    (CallbackRefused, 422, "callback-refused", "The callback target is refused"),
    (WebhooksNotConfigured, 404, "webhooks-not-configured", "Webhooks are not configured"),
    (UnknownHookSource, 404, "unknown-hook-source", "Unknown webhook source"),
    (WebhookUnauthorized, 401, "invalid-signature", "Invalid webhook signature"),
    (InvalidHookPayload, 422, "invalid-hook-payload", "The webhook payload cannot be used"),
    (Unauthorized, 401, "unauthorized", "Missing or invalid API key"),
    (RateLimited, 429, "rate-limited", "Too many requests"),
    (Overloaded, 503, "overloaded", "The service is at capacity"),
    (CircuitOpen, 503, "circuit-open", "The LLM circuit breaker is open"),
    (LLMUnavailable, 503, "llm-unavailable", "The LLM is unavailable"),
    (DeadlineExceeded, 504, "deadline-exceeded", "The request deadline was exceeded"),
    (LLMBadAnswer, 502, "llm-failed", "The LLM failed to produce a digest"),
    (StorageFull, 503, "storage-full", "The job store's disk is full"),
    (StorageUnavailable, 503, "storage-unavailable", "The job store is unavailable"),
]
_HTTP_TITLES = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Missing or invalid API key"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    413: ("body-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("invalid-request", "Invalid request"),
}


def problem(
    status: int, slug: str, title: str, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> Response:
    body: dict[str, Any] = {"type": TYPE_BASE + slug, "title": title, "status": status, "detail": detail}
    body.update({k: v for k, v in extra.items() if v is not None})
    return Response(orjson.dumps(body), status_code=status, media_type=PROBLEM_JSON, headers=headers)


def problem_for(exc: NewsbriefError, method: str = "POST") -> Response:
    """The problem+json response for one of our exceptions (also used by the ASGI gate)."""
    status, slug, title = next((s, t, ti) for cls, s, t, ti in PROBLEMS if isinstance(exc, cls))
    if isinstance(exc, UnknownPrompt) and method == "GET":
        status = 404
    headers = None
    if status in {429, 503}:
        retry_s = exc.retry_after_s or 1.0
        headers = {"Retry-After": str(max(1, math.ceil(retry_s)))}
    elif isinstance(exc, Unauthorized):
        headers = {"WWW-Authenticate": "Bearer"}
    observe.annotate(problem=slug)  # lands on the request's one access-log line
    return problem(status, slug, title, exc.detail, headers)


def _newsbrief_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NewsbriefError)
    return problem_for(exc, request.method)


def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
        for e in exc.errors()
    ]
    first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
    where = ".".join(str(p) for p in first["loc"] if p != "body") or "body"
    detail = f"{where}: {first['msg']}" + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else "")
    return problem(422, "invalid-request", "Invalid request", detail, errors=errors)


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        # FastAPI's "error parsing the body" (e.g. bytes that are not UTF-8): like any malformed JSON, a 422.
        return problem(422, "invalid-request", "Invalid request", "the body is not JSON in UTF-8")
    slug, title = _HTTP_TITLES.get(exc.status_code, ("http-error", "HTTP error"))
    detail = exc.detail if isinstance(exc.detail, str) else title
    return problem(exc.status_code, slug, title, detail, dict(exc.headers or {}))


def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled_error", path=request.url.path)
    return problem(500, "internal", "Internal error", "an unexpected error occurred; it has been logged")


def install_handlers(app: FastAPI) -> None:
    app.add_exception_handler(NewsbriefError, _newsbrief_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


class RequestGuard:
    """413 for bodies over `max_body_bytes`, 415 for non-JSON bodies on `/v1` writes."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in {"POST", "PUT", "PATCH"}:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        limit = self.max_body_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            detail = f"the body has {int(declared)} bytes; the limit is {limit}"
            await problem(413, "body-too-large", "Request body too large", detail)(scope, receive, send)
            return
        # 415 when a route reads a non-empty body that is not JSON: a method the route does not
        # have stays 405, and an empty body is the route's to judge (found by API fuzzing).
        not_json = scope["path"].startswith("/v1/") and not _is_json(headers.get("content-type", ""))
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                chunk = len(message.get("body", b""))
                if not_json and chunk:
                    raise HTTPException(415, "send the article as JSON with Content-Type: application/json")
                received += chunk
                if received > limit:
                    raise HTTPException(413, f"the body exceeds the limit of {limit} bytes")
            return message

        await self.app(scope, limited_receive, send)
