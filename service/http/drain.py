"""The SIGTERM drain of `newsbrief serve`: in-flight requests finish or get a problem+json 503.

uvicorn alone waits `timeout_graceful_shutdown` and then cancels what is still running; the
client of a cancelled request gets uvicorn's plain-text 500 and the log a long traceback. An
embedded-model request can take 10-40 s, so that happens. Here, at SIGTERM (`Drain.begin`),
every in-flight request keeps running until the grace (`NEWSBRIEF_SHUTDOWN_GRACE_S`) is over;
one still running then is cancelled by this module and answered `503 shutting-down` with
`Retry-After` (its request deadline is, in effect, clipped to the grace). Requests arriving
during the drain (on a kept-alive connection: the listening socket is already closed) get the
same 503 at once. uvicorn's own cancellation stays as a backstop `BACKSTOP_S` later.
"""

from __future__ import annotations

import asyncio

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service import logs
from service.errors import ShuttingDown
from service.http.problems import problem

log = structlog.get_logger("newsbrief.shutdown")

# uvicorn cancels what is left this long after our own cut-off: time to write the 503s.
BACKSTOP_S = 5.0
# What a client is told to wait before retrying (another replica, or this one restarted).
RETRY_AFTER_S = 5


class Drain:
    """Shared by the middleware and the server: when the drain began and who is in flight."""

    def __init__(self, grace_s: float) -> None:
        self.grace_s = grace_s
        self.cutoff: float | None = None  # loop time at which in-flight requests are cancelled
        self._in_flight: set[asyncio.Timeout] = set()
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def draining(self) -> bool:
        return self.cutoff is not None

    def in_flight(self) -> int:
        """HTTP requests being served now."""
        return len(self._in_flight)

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def begin_threadsafe(self) -> None:
        """From a signal handler: schedule `begin` on the loop (never touch the loop's heap here)."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self.begin)

    def begin(self) -> None:
        """Start the drain (idempotent): every in-flight request gets until now + grace."""
        if self.cutoff is not None:
            return
        self.cutoff = asyncio.get_running_loop().time() + self.grace_s
        for scope in self._in_flight:
            when = scope.when()
            if when is None or when > self.cutoff:
                scope.reschedule(self.cutoff)
        log.info("shutdown_drain", in_flight=len(self._in_flight), grace_s=self.grace_s)


_SHUTTING_DOWN = "this process is shutting down; retry (another replica, or this one once restarted)"
_HEADERS = {"Retry-After": str(RETRY_AFTER_S), "Connection": "close"}


class DrainGuard:
    """Pure ASGI middleware: 503 during the drain, and the cut-off of requests past the grace."""

    def __init__(self, app: ASGIApp, drain: Drain) -> None:
        self.app = app
        self.drain = drain

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.drain.draining:
            await self._refuse(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        cut = asyncio.timeout(None)  # no limit until the drain begins (the route has its deadline)
        try:
            async with cut:
                self.drain._in_flight.add(cut)
                try:
                    await self.app(scope, receive, watch)
                finally:
                    self.drain._in_flight.discard(cut)
        except TimeoutError:
            if not cut.expired():
                raise  # the app's own timeout, not our cut-off
        if cut.expired():
            if started:  # a response already under way cannot become a 503: end it as it is
                log.warning("shutdown_cut_mid_response", path=scope.get("path"))
                return
            await self._refuse(scope, receive, send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send) -> None:
        logs.annotate(problem=ShuttingDown.slug)
        await problem(ShuttingDown(_SHUTTING_DOWN), headers=_HEADERS)(scope, receive, send)
