"""Outbound callbacks: sign the finished job with Standard Webhooks, POST it, retry, record.

Each finished job with a target has one `Delivery`, made in the same transaction
as its result. Its `id` is the `webhook-id` of every attempt and its body never
changes, so a receiver that deduplicates on `webhook-id` sees each job once, even
when a restart resends a delivery whose answer was lost.

Attempts follow tenacity: exponential backoff with full jitter between
`NEWSBRIEF_CALLBACK_BACKOFF_INITIAL_S` and `..._MAX_S`, at most
`NEWSBRIEF_CALLBACK_MAX_ATTEMPTS` attempts. 2xx is delivered, 410 means the receiver
is gone (stop), anything else (3xx included: redirects are never followed), a
connection error, a timeout or a target the SSRF guard now refuses is retried.
Every attempt is written to the store with the time of the next one, so a restart
resumes where the last process stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from datetime import UTC, datetime

import aiohttp
import structlog
from standardwebhooks.webhooks import Webhook
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt

from service.errors import CallbackRefused
from service.jobs.model import Delivery, DeliveryAttempt, DeliveryState
from service.jobs.ssrf import AllowList, check_target
from service.jobs.store.base import JobStore
from service.settings import Settings

log = structlog.get_logger("newsbrief.callbacks")
USER_AGENT = "newsbrief-callbacks/1"


class _Retry(Exception):
    def __init__(self, status_code: int | None, error: str | None) -> None:
        super().__init__(error or f"HTTP {status_code}")
        self.status_code = status_code
        self.error = error


class _Backoff:
    """Full-jitter exponential backoff that continues from attempts made before a restart."""

    def __init__(self, initial_s: float, max_s: float, done: int) -> None:
        self.initial_s, self.max_s, self.done = initial_s, max_s, done

    def __call__(self, state: RetryCallState) -> float:
        exponent = min(self.done + state.attempt_number - 1, 40)
        return random.uniform(0, min(self.max_s, self.initial_s * 2**exponent))  # noqa: S311 - jitter


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return "timeout"
    return f"{type(exc).__name__}: {exc}"[:300]


class Deliverer:
    """Runs every pending delivery of this process as a task; `aclose` leaves them pending on disk."""

    def __init__(self, store: JobStore, settings: Settings, allow: AllowList) -> None:
        self.store = store
        self.settings = settings
        self.allow = allow
        self._signer = Webhook(settings.callback_secret) if settings.callback_secret else None
        self._tasks: set[asyncio.Task[None]] = set()
        self._session: aiohttp.ClientSession | None = None
        self._slots = asyncio.Semaphore(settings.job_concurrency)

    async def start(self) -> None:
        # No pooling: every attempt connects to the address just checked, with its own TLS name.
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(force_close=True, use_dns_cache=False),
            timeout=aiohttp.ClientTimeout(total=self.settings.callback_timeout_s),
            trust_env=False,
            headers={"User-Agent": USER_AGENT},
        )
        pending = await self.store.pending_deliveries()
        if pending:
            log.info("callbacks_resumed", count=len(pending))
        for delivery in pending:
            self.schedule(delivery)

    def schedule(self, delivery: Delivery) -> None:
        task = asyncio.create_task(self._deliver(delivery), name=f"callback-{delivery.id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._session is not None:
            await self._session.close()

    async def _record(
        self,
        delivery: Delivery,
        state: DeliveryState,
        status: int | None,
        error: str | None,
        wait_s: float | None,
    ) -> None:
        now = time.time()
        attempt = DeliveryAttempt(now, status, error, None if wait_s is None else now + wait_s)
        delivery.attempts.append(attempt)
        delivery.state = state
        await self.store.record_attempt(delivery.id, attempt, state)
        log.info(
            "callback_attempt",
            delivery=delivery.id,
            job=delivery.job_id,
            state=state,
            status=status,
            error=error,
        )

    async def _deliver(self, delivery: Delivery) -> None:
        try:
            await self._deliver_with_retries(delivery)
        except asyncio.CancelledError:
            raise
        except Exception:  # a store failure: the delivery stays pending and resumes at the next start
            log.exception("callback_failed", delivery=delivery.id)

    async def _deliver_with_retries(self, delivery: Delivery) -> None:
        done = len(delivery.attempts)
        remaining = self.settings.callback_max_attempts - done
        if remaining <= 0:
            await self._record(delivery, "failed", None, "no attempts left", None)
            return
        if delivery.next_attempt_at is not None:
            await asyncio.sleep(max(0.0, delivery.next_attempt_at - time.time()))

        async def before_sleep(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            wait_s = state.next_action.sleep if state.next_action else 0.0
            if isinstance(exc, _Retry):
                await self._record(delivery, "pending", exc.status_code, exc.error, wait_s)

        retrying = AsyncRetrying(
            stop=stop_after_attempt(remaining),
            wait=_Backoff(
                self.settings.callback_backoff_initial_s, self.settings.callback_backoff_max_s, done
            ),
            retry=retry_if_exception_type(_Retry),
            before_sleep=before_sleep,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    await self._attempt(delivery)
        except _Retry as exc:
            await self._record(delivery, "failed", exc.status_code, exc.error, None)

    async def _attempt(self, delivery: Delivery) -> None:
        """One POST; returns after recording a final answer, raises `_Retry` otherwise."""
        if self._signer is None or self._session is None:
            raise _Retry(None, "NEWSBRIEF_CALLBACK_SECRET is not set")
        try:
            target = await check_target(delivery.url, self.allow)
        except CallbackRefused as exc:
            raise _Retry(None, exc.detail) from None
        now = datetime.now(UTC)
        headers = {
            "Host": target.host_header,
            "Content-Type": "application/json",
            "webhook-id": delivery.id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": self._signer.sign(delivery.id, now, delivery.body.decode()),
        }
        try:
            async with (
                self._slots,
                self._session.post(
                    target.connect_url,
                    data=delivery.body,
                    headers=headers,
                    allow_redirects=False,
                    server_hostname=target.host if target.scheme == "https" else None,
                ) as response,
            ):
                status = response.status
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise _Retry(None, _describe(exc)) from None
        if 200 <= status < 300:
            await self._record(delivery, "delivered", status, None, None)
        elif status == 410:
            await self._record(delivery, "gone", status, None, None)
        else:
            raise _Retry(status, None)
