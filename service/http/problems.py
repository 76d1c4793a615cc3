"""Every error leaves as RFC 9457 problem+json, from the exception's own status, slug and title.

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

from service import logs
from service.errors import (
    BadRequest,
    BodyTooLarge,
    HTTPProblem,
    InvalidRequest,
    MethodNotAllowed,
    NewsbriefError,
    NotFound,
    Unauthorized,
    UnsupportedMediaType,
)

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger("newsbrief.errors")

# Starlette's own refusals (no route, no such method, a body it cannot parse), by status: the
# classes carry the slug and title. Any other status is a plain `HTTPProblem` with that status.
_HTTP_ERRORS: dict[int, type[HTTPProblem]] = {
    cls.status: cls
    for cls in (BadRequest, NotFound, MethodNotAllowed, BodyTooLarge, UnsupportedMediaType, InvalidRequest)
}


def problem(
    exc: NewsbriefError, *, method: str = "POST", headers: dict[str, str] | None = None, **extra: Any
) -> Response:
    """The problem+json response for `exc`, with `extra` members (None values left out)."""
    body = exc.problem(method)
    body.update({k: v for k, v in extra.items() if v is not None})
    return Response(orjson.dumps(body), status_code=body["status"], media_type=PROBLEM_JSON, headers=headers)


def problem_for(exc: NewsbriefError, method: str = "POST") -> Response:
    """The answer to one of our exceptions, with its headers (also used by the ASGI gate)."""
    headers = None
    if exc.status_for(method) in {429, 503}:
        headers = {"Retry-After": str(max(1, math.ceil(exc.retry_after_s or 1.0)))}
    elif isinstance(exc, Unauthorized):
        headers = {"WWW-Authenticate": "Bearer"}
    logs.annotate(problem=exc.slug)  # lands on the request's one access-log line
    return problem(exc, method=method, headers=headers)


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
    return problem(InvalidRequest(detail), errors=errors)


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        # FastAPI's "error parsing the body" (e.g. bytes that are not UTF-8): like any malformed JSON, a 422.
        return problem(InvalidRequest("the body is not JSON in UTF-8"))
    if exc.status_code == Unauthorized.status:
        error: NewsbriefError = Unauthorized(
            exc.detail if isinstance(exc.detail, str) else Unauthorized.title
        )
    else:
        cls = _HTTP_ERRORS.get(exc.status_code, HTTPProblem)
        error = cls(exc.detail if isinstance(exc.detail, str) else cls.title, status=exc.status_code)
    return problem(error, headers=dict(exc.headers or {}))


def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled_error", path=request.url.path)
    return problem(NewsbriefError("an unexpected error occurred; it has been logged"))


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
            await problem(BodyTooLarge(detail))(scope, receive, send)
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
