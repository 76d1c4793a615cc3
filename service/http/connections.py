"""Connection hygiene below the ASGI app: a header deadline, a connection cap, uvicorn's options.

uvicorn (0.54, httptools) arms its keep-alive timer only after a response, and cancels it on
the first byte received: a socket that connects and never sends, or sends its request head
a byte at a time, is held for ever, until the process runs out of descriptors and every
request fails. `GuardedHttpTools` closes that gap:

- header deadline: from the connection's start (and from the end of each response on a
  kept-alive connection) the request head must be complete within `header_timeout_s`;
  a silent socket is closed, a partial head gets a 408 problem+json and is closed;
- a head the HTTP parser refuses gets a 400 problem+json (uvicorn's own is plain text);
- connection cap: past `max_connections` open connections a new one gets a 503
  problem+json and is closed at once, below the descriptor limit (logged, at most once per
  `LOG_EVERY_S`, with how many were refused and how many are open).

The body's read time is bounded by the gate (`service/bodies.py`), where a 408 can carry
the request id. `uvicorn_options` is the one place `newsbrief serve` (and the tests that
serve like it) take their server options from.
"""

from __future__ import annotations

import asyncio
import resource
import time
from typing import Any, ClassVar

import orjson
import structlog
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from service.settings import Settings

log = structlog.get_logger("newsbrief.connections")
LOG_EVERY_S = 10.0
DEFAULT_MAX_CONNECTIONS = 4096


def _raw_problem(status: int, reason: str, slug: str, title: str, detail: str) -> bytes:
    body = orjson.dumps(
        {"type": f"https://newsbrief.dev/problems/{slug}", "title": title, "status": status, "detail": detail}
    )
    retry = b"retry-after: 1\r\n" if status == 503 else b""
    return (
        b"HTTP/1.1 %d %s\r\ncontent-type: application/problem+json\r\ncontent-length: %d\r\n"
        b"%sconnection: close\r\n\r\n%s" % (status, reason.encode(), len(body), retry, body)
    )


_HEAD_TIMEOUT = _raw_problem(
    408, "Request Timeout", "request-timeout", "Request timeout", "the request head did not arrive in time"
)
_BAD_HEAD = _raw_problem(
    400, "Bad Request", "bad-request", "Bad request", "the request head is not valid HTTP/1.1"
)
_AT_CAPACITY = _raw_problem(
    503,
    "Service Unavailable",
    "overloaded",
    "The service is at capacity",
    "too many open connections; try again shortly",
)


class _Tally:
    """Counts an event and logs it at most once per `LOG_EVERY_S` (a flood must not flood the log)."""

    def __init__(self, event: str) -> None:
        self.event = event
        self.count = 0
        self._logged_at = -LOG_EVERY_S

    def note(self, **fields: Any) -> None:
        self.count += 1
        now = time.monotonic()
        if now - self._logged_at >= LOG_EVERY_S:
            self._logged_at = now
            log.warning(self.event, total=self.count, **fields)


class GuardedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol with a header deadline and a connection cap (see the module)."""

    header_timeout_s: ClassVar[float] = 10.0
    max_connections: ClassVar[int] = DEFAULT_MAX_CONNECTIONS
    refused: ClassVar[_Tally] = _Tally("connection_cap_reached")
    head_timeouts: ClassVar[_Tally] = _Tally("request_head_timeouts")
    _head_timer: asyncio.TimerHandle | None = None
    _head_bytes = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            self.refused.note(open_connections=len(self.connections), max_connections=self.max_connections)
            transport.write(_AT_CAPACITY)
            transport.close()
            return
        self._arm()

    def _arm(self) -> None:
        self._disarm()
        self._head_bytes = 0
        self._head_timer = self.loop.call_later(self.header_timeout_s, self._head_late)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def data_received(self, data: bytes) -> None:
        if self._head_timer is not None:
            self._head_bytes += len(data)
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and not self.pipeline:
            self._arm()  # the next request head (or the rest of an unread body) is on the clock too

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        """A head the parser cannot read: uvicorn answers in plain text; we answer problem+json."""
        self.transport.write(_BAD_HEAD)
        self.transport.close()

    def _head_late(self) -> None:
        self._head_timer = None
        if self.transport.is_closing():
            return
        if self._head_bytes and (self.cycle is None or self.cycle.response_complete):
            self.head_timeouts.note(header_timeout_s=self.header_timeout_s)
            self.transport.write(_HEAD_TIMEOUT)
        self.transport.close()


def max_connections(settings: Settings) -> int:
    """The configured cap, or 4,096 kept under half the process's descriptor limit."""
    if settings.max_connections is not None:
        return settings.max_connections
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return DEFAULT_MAX_CONNECTIONS
    return max(16, min(DEFAULT_MAX_CONNECTIONS, soft // 2))


def protocol_for(settings: Settings) -> type[GuardedHttpTools]:
    """A protocol class carrying these settings (uvicorn builds it with its own arguments)."""
    attrs = {
        "header_timeout_s": settings.header_timeout_s,
        "max_connections": max_connections(settings),
        "refused": _Tally("connection_cap_reached"),
        "head_timeouts": _Tally("request_head_timeouts"),
    }
    return type("NewsbriefHttpTools", (GuardedHttpTools,), attrs)


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """The server options of `newsbrief serve` (host and port aside)."""
    proxies = settings.trusted_proxy_list()
    return {
        "loop": "uvloop",
        "http": protocol_for(settings),
        "timeout_keep_alive": settings.keepalive_timeout_s,
        # X-Forwarded-For / -Proto are believed only from the proxies named in the settings.
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": list(proxies) if proxies else [],
        "access_log": False,
    }
