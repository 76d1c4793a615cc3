"""Per-request context: request id, timing, LLM time, and the one log line per request.

A pure ASGI middleware opens a `RequestContext` in a context variable; `llm.py` adds
the time it spends waiting on the LLM, the route adds what it learned (engine,
attempts, tokens, cache), and the middleware sets `X-Request-ID` and `X-Overhead-Ms`
(service time minus LLM time) on the response and logs one JSON line. Neither the
article text nor any key is ever logged.
"""

from __future__ import annotations

import contextvars
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import orjson
import structlog
from starlette.requests import ClientDisconnect
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = structlog.get_logger("newsbrief.access")
_QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


@dataclass
class RequestContext:
    request_id: str
    started: float = field(default_factory=time.perf_counter)
    llm_s: float = 0.0
    fields: dict[str, Any] = field(default_factory=dict)

    def overhead_ms(self) -> float:
        return max(0.0, (time.perf_counter() - self.started - self.llm_s) * 1000)


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "newsbrief_request", default=None
)


def current() -> RequestContext | None:
    return _current.get()


def add_llm_time(seconds: float) -> None:
    ctx = _current.get()
    if ctx is not None:
        ctx.llm_s += seconds


def annotate(**fields: Any) -> None:
    ctx = _current.get()
    if ctx is not None:
        ctx.fields.update(fields)


async def _internal_error(scope: Scope, receive: Receive, send: Send) -> None:
    body = {
        "type": "https://newsbrief.dev/problems/internal",
        "title": "Internal error",
        "status": 500,
        "detail": "an unexpected error occurred; it has been logged",
    }
    answer = Response(orjson.dumps(body), status_code=500, media_type="application/problem+json")
    await answer(scope, receive, send)


class RequestObserver:
    """Sets `X-Request-ID` (accepted from the caller when sane) and `X-Overhead-Ms`; logs the request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), "")
        ctx = RequestContext(incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex)
        token = _current.set(ctx)
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", ctx.request_id.encode()))
                headers.append((b"x-overhead-ms", f"{ctx.overhead_ms():.2f}".encode()))
                message = {**message, "headers": headers}
            await send(message)

        started = False

        async def send_noting_start(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send_with_headers(message)

        try:
            await self.app(scope, receive, send_noting_start)
        except ClientDisconnect:
            status = 499  # nobody is left to answer (nginx's code for it, in the log only)
        except Exception:
            if started:
                raise  # the server can only cut the connection now
            # Answered here, not by Starlette's outermost handler: that one re-raises after its
            # 500, so uvicorn dropped the kept-alive connection without `Connection: close`,
            # and its answer missed X-Request-ID. This one is a normal answer on a usable connection.
            log.exception("unhandled_error", request_id=ctx.request_id, path=scope["path"])
            await _internal_error(scope, receive, send_noting_start)
        finally:
            _current.reset(token)
            route = scope.get("route")
            quiet = scope["path"] in _QUIET_PATHS and status < 400
            (log.debug if quiet else log.info)(
                "request",
                request_id=ctx.request_id,
                method=scope["method"],
                route=getattr(route, "path", scope["path"]),
                status=status,
                latency_ms=round((time.perf_counter() - ctx.started) * 1000, 2),
                llm_ms=round(ctx.llm_s * 1000, 2),
                **ctx.fields,
            )
