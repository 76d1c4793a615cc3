"""The task queue of a Redis deployment: taskiq over a Redis stream, and the API side of it.

Why taskiq (+ taskiq-redis) and how it is made at-least-once (README: "Scaling out with
Redis"): `RedisStreamBroker` reads a stream through a consumer group, so a message
stays in the group's pending list until it is acknowledged, and `XAUTOCLAIM` hands
messages idle longer than `idle_timeout` to another consumer. But taskiq-redis (1.2.4)
runs that reclaim pass only behind a read that returned a *new* message, so on a quiet
queue a killed worker's jobs would wait indefinitely (tests/test_redis_scale.py kills a
worker mid-run). `JobStreamBroker` keeps the library's stream, group, message format and
receiver and changes three things:

* the reclaim pass runs on a timer (every quarter lease), whether or not new messages
  came, so a dead worker's message is redelivered within `NEWSBRIEF_JOB_LEASE_S` plus
  a quarter of it;
* the group starts at the stream's beginning (`0`), so jobs submitted before any worker
  ever ran are not skipped, and each read takes one message (a killed worker strands
  no backlog of prefetched jobs);
* an acknowledgement also deletes the entry (`XACK` + `XDEL`): the stream holds only
  unfinished work and needs no trimming (trimming could drop a pending job).

While Redis is unreachable the reader does not let the error out to taskiq's receiver
(it would restart at once and log a traceback each time, many a second): it
logs once when Redis goes away and once when it is back, and reconnects after a capped,
jittered backoff (`service.outage`). Connect and read timeouts are bounded
(`NEWSBRIEF_REDIS_TIMEOUT_S`, plus the `XREADGROUP` block for reads).

Acknowledgement is manual: a worker acks a job's message only once the job is final
in the store (or unknown), so a worker dying at any point leaves the message pending.

`RedisDispatcher` is the API side of the `Dispatcher` seam: `submit` already added the
message in the same script that stored the job (`RedisJobStore`), so `enqueue` has
nothing left to do; `cancel` tells the workers on a pub/sub channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

import orjson
import structlog
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ResponseError
from taskiq import AckableMessage
from taskiq.formatters.json_formatter import JSONFormatter
from taskiq.message import TaskiqMessage
from taskiq_redis import RedisStreamBroker

from service.jobs.store.redis import RedisJobStore
from service.outage import ERRORS, Outage
from service.settings import Settings

if TYPE_CHECKING:
    from service.jobs import Jobs
    from service.runtime import Runtime

TASK_NAME = "newsbrief.run_job"
XREAD_BLOCK_MS = 2000
ACK_TRIES = 3
log = structlog.get_logger("newsbrief.worker")
GROUP = "workers"
_FORMATTER = JSONFormatter()


def stream_of(settings: Settings) -> str:
    return f"{settings.redis_prefix}:queue"


def cancel_channel(settings: Settings) -> str:
    return f"{settings.redis_prefix}:cancel"


def encode_job(job_id: str) -> bytes:
    """The queue message that runs one job (taskiq's own JSON message format)."""
    message = TaskiqMessage(
        task_id=uuid.uuid4().hex, task_name=TASK_NAME, labels={}, args=[job_id], kwargs={}
    )
    return _FORMATTER.dumps(message).message


def make_store(settings: Settings, redis: Redis, worker: str | None = None) -> RedisJobStore:
    return RedisJobStore(
        redis,
        settings.redis_prefix,
        stream=stream_of(settings),
        encode=encode_job,
        idempotency_ttl_s=settings.idempotency_ttl_s,
        receipt_ttl_s=settings.webhook_dedup_ttl_s,
        lease_s=settings.job_lease_s,
        retention_s=settings.job_retention_s,
        worker=worker,
    )


class JobStreamBroker(RedisStreamBroker):
    """taskiq-redis's stream broker, reclaiming on a timer (see the module docstring)."""

    def __init__(self, settings: Settings, consumer: str) -> None:
        assert settings.redis_url is not None
        lease_ms = round(settings.job_lease_s * 1000)
        super().__init__(
            settings.redis_url,
            queue_name=stream_of(settings),
            consumer_group_name=GROUP,
            consumer_name=consumer,
            consumer_id="0",
            idle_timeout=lease_ms,
            xread_block=XREAD_BLOCK_MS,
            xread_count=1,
            unacknowledged_batch_size=16,
            socket_connect_timeout=settings.redis_timeout_s,
            socket_timeout=XREAD_BLOCK_MS / 1000 + settings.redis_timeout_s,
            retry=Retry(NoBackoff(), 1),  # one retry on a fresh connection after a Redis restart
        )
        self.reclaim_every_s = max(0.25, settings.job_lease_s / 4)
        self.outage = Outage("job-queue")

    def _acker(self, message_id: bytes) -> Callable[[], Awaitable[None]]:
        async def ack() -> None:
            outage = Outage("ack")
            for _ in range(ACK_TRIES):
                try:
                    async with Redis(connection_pool=self.connection_pool) as conn, conn.pipeline() as pipe:
                        pipe.xack(self.queue_name, self.consumer_group_name, message_id)
                        pipe.xdel(self.queue_name, message_id)
                        await pipe.execute()
                except ERRORS as exc:
                    await asyncio.sleep(outage.failed(exc))
                else:
                    outage.succeeded()
                    return
            # Harmless: the message stays pending, comes back after a lease, and its job is final.
            log.warning("ack_deferred", message=message_id.decode(errors="replace"))

        return ack

    async def listen(self) -> AsyncGenerator[AckableMessage, None]:
        while True:
            try:
                async for message in self._read():
                    yield message
            except ERRORS as exc:  # Redis is away: back off, then read again on a new connection
                await asyncio.sleep(self.outage.failed(exc))
            except ResponseError as exc:
                if "NOGROUP" not in str(exc):
                    raise
                # A Redis that came back empty (no persistence) lost the stream and its group.
                await asyncio.sleep(self.outage.failed(exc))
                with contextlib.suppress(*ERRORS):
                    await self._declare_consumer_group()

    async def _read(self) -> AsyncGenerator[AckableMessage, None]:
        async with Redis(connection_pool=self.connection_pool) as conn:
            next_reclaim = 0.0
            while True:
                now = time.monotonic()
                if now >= next_reclaim:
                    next_reclaim = now + self.reclaim_every_s
                    reply: Any = await conn.xautoclaim(
                        self.queue_name,
                        self.consumer_group_name,
                        self.consumer_name,
                        min_idle_time=self.idle_timeout,
                        count=self.unacknowledged_batch_size,
                    )
                    self.outage.succeeded()
                    for message_id, fields in reply[1]:
                        if fields:  # None: deleted meanwhile
                            yield AckableMessage(data=fields[b"data"], ack=self._acker(message_id))
                block_ms = max(1, min(self.block, round((next_reclaim - time.monotonic()) * 1000)))
                fetched: Any = await conn.xreadgroup(
                    self.consumer_group_name,
                    self.consumer_name,
                    {self.queue_name: ">"},
                    block=block_ms,
                    count=self.count,
                )
                for _stream, messages in fetched or []:
                    for message_id, fields in messages:
                        yield AckableMessage(data=fields[b"data"], ack=self._acker(message_id))


class RedisDispatcher:
    """The API processes' `Dispatcher`: workers run the jobs (see the module docstring)."""

    def __init__(self, redis: Redis, settings: Settings) -> None:
        self.redis = redis
        self.channel = cancel_channel(settings)

    async def start(self) -> None:
        """Nothing runs here: `newsbrief worker` processes run the jobs."""

    async def enqueue(self, job_id: str) -> None:
        """`RedisJobStore.submit` queued the message with the job, atomically."""

    async def cancel(self, job_ids: list[str]) -> None:
        """The store has marked them cancelled; a worker running one stops it now."""
        if job_ids:
            await self.redis.publish(self.channel, orjson.dumps(job_ids))

    async def aclose(self) -> None:
        """The client belongs to the runtime."""


@contextlib.asynccontextmanager
async def open_redis_jobs(runtime: Runtime, redis: Redis) -> AsyncIterator[Jobs]:
    """The job system of an API process in a Redis deployment: it stores and queues, workers run."""
    from service.jobs import Jobs  # noqa: PLC0415 - the package chooses this backend
    from service.jobs.ssrf import AllowList  # noqa: PLC0415

    settings = runtime.settings
    store = make_store(settings, redis)
    dispatcher = RedisDispatcher(redis, settings)
    await store.open()
    await dispatcher.start()
    try:
        yield Jobs(settings, store, dispatcher, AllowList.parse(settings.callback_allow))
    finally:
        await dispatcher.aclose()
        await store.close()


__all__ = [
    "TASK_NAME",
    "JobStreamBroker",
    "RedisDispatcher",
    "encode_job",
    "make_store",
    "open_redis_jobs",
]
