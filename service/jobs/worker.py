"""`newsbrief worker`: runs the jobs of a Redis deployment (taskiq receiver + `JobRunner` + callbacks).

One worker process:

* receives job messages from `JobStreamBroker` (up to `NEWSBRIEF_JOB_CONCURRENCY` at
  once) and runs each through the same `JobRunner` and `Pipeline` as the embedded
  mode; a message is acknowledged only when its job is final in the store;
* leases each running job (and each callback it delivers) for `NEWSBRIEF_JOB_LEASE_S`
  and renews the leases every third of it; a job whose lease another worker still
  holds is left alone (`busy`), one whose lease ran out is taken over (its worker died);
* delivers the callbacks of the jobs it finished, and takes over pending callbacks whose
  worker died (same `webhook-id`, same body);
* stops a job as soon as an unpublish webhook cancels it (pub/sub, and the lease renewal
  as a fallback);
* on SIGTERM stops taking messages, interrupts its jobs and puts them back in the queue
  uncounted (a new message each, so another worker starts them at once), hands its
  callbacks back, and exits 0.

It touches a heartbeat file (`HEARTBEAT`) every lease renewal: the container healthcheck.

While Redis is unreachable each of its loops (queue reader, lease keeper, cancel
listener) logs one warning when Redis goes away and one line when it is back, and
retries after a capped, jittered backoff (`service.redisstate.outage`), never in a
tight loop; a job whose result cannot be stored yet keeps retrying the write
(`JobRunner`), its lease simply runs out if the worker dies meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import orjson
import structlog
from taskiq import Context, TaskiqDepends
from taskiq.acks import AcknowledgeType
from taskiq.api import run_receiver_task

from service.jobs.callbacks import Deliverer
from service.jobs.queue.redis import TASK_NAME, JobStreamBroker, cancel_channel, make_store
from service.jobs.runner import JobRunner
from service.jobs.ssrf import AllowList
from service.outage import ERRORS, Outage
from service.runtime import Runtime

log = structlog.get_logger("newsbrief.worker")
HEARTBEAT = Path(tempfile.gettempdir()) / "newsbrief-worker.alive"
MAINTAIN_EVERY_S = 600.0  # forget consumers of workers long gone


class Worker:
    """One worker process's job loop (see the module docstring)."""

    def __init__(self, runtime: Runtime) -> None:
        settings = runtime.settings
        assert runtime.redis is not None
        self.settings = settings
        self.redis = runtime.redis
        self.name = f"{os.uname().nodename}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.store = make_store(settings, runtime.redis, worker=self.name)
        self.deliverer = Deliverer(self.store, settings, AllowList.parse(settings.callback_allow))
        self.runner = JobRunner(self.store, runtime.pipeline, self.deliverer, settings)
        self.broker = JobStreamBroker(settings, consumer=self.name)
        self.broker.register_task(self._task(), task_name=TASK_NAME)
        self._jobs: dict[str, asyncio.Task[None]] = {}  # job id -> its run
        self._callbacks: set[asyncio.Task[Any]] = set()  # the receiver's tasks awaiting those runs
        self._cancelled: set[str] = set()
        self._stopping = False

    def _task(self) -> Any:
        async def run_job(job_id: str, context: Context = TaskiqDepends()) -> None:  # noqa: B008
            await self._run_job(job_id, context)

        return run_job

    async def _run_job(self, job_id: str, context: Context) -> None:
        outcome, job = await self.store.claim_job(job_id)
        if outcome == "busy":
            return  # not acked: redelivered after a lease, when its worker has finished or died
        if outcome != "claimed" or job is None:
            await context.ack()  # final, cancelled or expired: nothing to run
            return
        log.info("job_started", job=job_id, runs=job.runs, worker=self.name)
        task = asyncio.create_task(self.runner.run(job), name=f"job-{job_id}")
        self._jobs[job_id] = task
        callback = asyncio.current_task()
        if callback is not None:
            self._callbacks.add(callback)
            callback.add_done_callback(self._callbacks.discard)
        try:
            await task
        except asyncio.CancelledError:
            if not task.cancelled():
                raise  # this callback itself was cancelled
            if self._stopping:  # put it back, uncounted, with a new message; this one is done
                await asyncio.shield(self.store.release([job_id]))
                log.info("job_released", job=job_id)
            elif job_id in self._cancelled:
                log.info("job_cancelled", job=job_id)
            else:
                raise
        finally:
            self._jobs.pop(job_id, None)
            self._cancelled.discard(job_id)
        await context.ack()

    def _cancel(self, job_ids: list[str]) -> None:
        for job_id in job_ids:
            task = self._jobs.get(job_id)
            if task is not None and not task.done():
                self._cancelled.add(job_id)
                task.cancel()

    async def _keep_leases(self) -> None:
        """Renew leases; stop jobs that are no longer ours; take over callbacks of dead workers."""
        every_s = self.settings.job_lease_s / 3
        maintained = time.monotonic()
        outage = Outage("leases", cap_s=every_s)
        while True:
            try:
                lost = await self.store.renew(list(self._jobs))
                self._cancel(lost)
                for delivery in await self.store.pending_deliveries():  # always a Redis round trip
                    log.info("callback_taken_over", delivery=delivery.id, job=delivery.job_id)
                    self.deliverer.schedule(delivery)
                outage.succeeded()
                HEARTBEAT.touch()
                if time.monotonic() - maintained > MAINTAIN_EVERY_S:
                    maintained = time.monotonic()
                    await self._forget_idle_consumers()
            except ERRORS as exc:  # Redis unreachable: logged once, retried sooner than a lease period
                await asyncio.sleep(outage.failed(exc))
                continue
            except Exception as exc:
                log.warning("lease_renewal_failed", error=str(exc)[:200])
            await asyncio.sleep(every_s)

    async def _forget_idle_consumers(self) -> None:
        """Consumers with nothing pending, idle for a day, were workers that are gone."""
        for consumer in await self.redis.xinfo_consumers(
            self.broker.queue_name, self.broker.consumer_group_name
        ):
            if consumer["pending"] == 0 and consumer["idle"] > 86_400_000:
                await self.redis.xgroup_delconsumer(
                    self.broker.queue_name, self.broker.consumer_group_name, consumer["name"]
                )

    async def _listen_for_cancels(self) -> None:
        """Cancels by pub/sub; resubscribes after an outage (the lease renewal covers what it missed)."""
        outage = Outage("cancels")
        while True:
            try:
                async with self.redis.pubsub() as pubsub:
                    await pubsub.subscribe(cancel_channel(self.settings))
                    outage.succeeded()
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            with contextlib.suppress(ValueError, TypeError):
                                self._cancel([str(i) for i in orjson.loads(message["data"])])
            except ERRORS as exc:
                await asyncio.sleep(outage.failed(exc))

    async def run(self, stop: asyncio.Event) -> None:
        """Work until `stop` is set, then shut down as the module docstring says."""
        await self.store.open()
        await self.broker.startup()
        await self.deliverer.start()  # pending callbacks whose worker died
        background = [
            asyncio.create_task(self._keep_leases(), name="leases"),
            asyncio.create_task(self._listen_for_cancels(), name="cancels"),
            asyncio.create_task(
                run_receiver_task(
                    self.broker,
                    max_async_tasks=self.settings.job_concurrency,
                    max_prefetch=0,
                    ack_time=AcknowledgeType.MANUAL,
                    propagate_exceptions=False,
                ),
                name="receiver",
            ),
        ]
        log.info("worker_started", worker=self.name, concurrency=self.settings.job_concurrency)
        try:
            await stop.wait()
        finally:
            self._stopping = True
            for task in background:
                task.cancel()
            running = list(self._jobs.values())
            for task in running:
                task.cancel()
            for task in background:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            if self._callbacks:  # they release their jobs and ack their messages
                await asyncio.wait(list(self._callbacks), timeout=10)
            await self.deliverer.aclose()
            with contextlib.suppress(Exception):
                await self.store.release_deliveries()
            await self.broker.shutdown()
            HEARTBEAT.unlink(missing_ok=True)
            log.info("worker_stopped", worker=self.name, released=len(running))


__all__ = ["HEARTBEAT", "Worker"]
