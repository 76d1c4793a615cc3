"""Running jobs: `JobRunner` turns one claimed job into a result; `EmbeddedQueue` feeds it.

`EmbeddedQueue` is the embedded `Dispatcher`: one loop in the API process claims
queued jobs from the store and runs up to `NEWSBRIEF_JOB_CONCURRENCY` at a time. At
start it puts back the jobs a killed process left `running` (at-least-once). A
distributed dispatcher (taskiq or arq over Redis) would call the same
`JobRunner.run` from its task function instead.

A result that cannot be stored (Redis down, disk full) is not lost and does not leave
its job `running`: the runner retries the write with backoff for
`NEWSBRIEF_JOB_FINISH_RETRY_S`, then hands the job back to the queue (uncounted). The
embedded queue also sweeps every `NEWSBRIEF_JOB_SWEEP_S`: jobs on disk as `running`
that no task of this process runs go back to the queue, finished jobs past
`NEWSBRIEF_JOB_RETENTION_S` and expired keys are purged, and the WAL is checkpointed.
Store errors in these loops are logged once per outage, not once per poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import orjson
import structlog

from service.errors import NewsbriefError
from service.http.problems import PROBLEMS, TYPE_BASE
from service.jobs.callbacks import Deliverer
from service.jobs.model import Delivery, Job, callback_body, new_id
from service.jobs.store.base import JobStore, storage_problem
from service.outage import Outage
from service.pipeline.summarize import Pipeline
from service.schema import SummarizeRequest
from service.settings import Settings

log = structlog.get_logger("newsbrief.jobs")


def problem_of(exc: Exception) -> dict[str, Any]:
    """The problem+json body a synchronous request would have answered with."""
    if isinstance(exc, NewsbriefError):
        for cls, status, slug, title in PROBLEMS:
            if isinstance(exc, cls):
                return {"type": TYPE_BASE + slug, "title": title, "status": status, "detail": exc.detail}
    return {
        "type": TYPE_BASE + "internal",
        "title": "Internal error",
        "status": 500,
        "detail": "an unexpected error occurred; it has been logged",
    }


class JobRunner:
    """Runs one claimed job through the pipeline and stores its result with its callback."""

    def __init__(self, store: JobStore, pipeline: Pipeline, deliverer: Deliverer, settings: Settings) -> None:
        self.store = store
        self.pipeline = pipeline
        self.deliverer = deliverer
        self.settings = settings

    async def run(self, job: Job) -> None:
        if job.runs > self.settings.job_max_runs:
            job.status = "failed"
            job.problem = {
                "type": TYPE_BASE + "job-abandoned",
                "title": "The job was abandoned",
                "status": 500,
                "detail": f"the job was started {job.runs - 1} times without finishing",
            }
        else:
            try:
                digest = await self.pipeline.summarize(SummarizeRequest.model_validate(job.request))
            except NewsbriefError as exc:
                job.status, job.problem = "failed", problem_of(exc)
            except Exception as exc:
                log.exception("job_crashed", job=job.id)
                job.status, job.problem = "failed", problem_of(exc)
            else:
                job.status, job.digest = "succeeded", orjson.loads(digest.model_dump_json())
        job.finished_at = time.time()
        delivery = self._delivery(job)
        if await self._finish(job, delivery):
            log.info("job_finished", job=job.id, status=job.status, runs=job.runs)
            if delivery is not None:
                self.deliverer.schedule(delivery)

    async def _finish(self, job: Job, delivery: Delivery | None) -> bool:
        """`store.finish`, retried while the store is unavailable; then the job goes back to the queue."""
        give_up = time.monotonic() + self.settings.job_finish_retry_s
        outage = Outage(f"job-result {job.id}", cap_s=2.0, backend="job_store")
        while True:
            try:
                done = await self.store.finish(job, delivery)
            except Exception as exc:
                problem = storage_problem(exc)
                if problem is None:
                    raise
                pause_s = outage.failed(exc)
                if time.monotonic() + pause_s > give_up:
                    log.warning("job_result_not_stored", job=job.id, problem=problem.detail)
                    try:
                        await self.store.release([job.id])
                    except Exception:  # still `running`: the queue's sweep puts it back
                        log.warning("job_not_released", job=job.id)
                    return False
                await asyncio.sleep(pause_s)
                continue
            outage.succeeded()
            return done

    def _delivery(self, job: Job) -> Delivery | None:
        target = job.callback_url or self.settings.callback_url
        if not target:
            return None
        return Delivery(id=new_id("msg"), job_id=job.id, url=target, body=orjson.dumps(callback_body(job)))


class EmbeddedQueue:
    """The in-process `Dispatcher` over the store's queue (see the module docstring)."""

    def __init__(
        self,
        store: JobStore,
        runner: JobRunner,
        concurrency: int,
        ready: asyncio.Event,
        *,
        poll_s: float = 1.0,
        sweep_s: float = 60.0,
    ) -> None:
        self.store = store
        self.runner = runner
        self.ready = ready
        self.poll_s = poll_s
        self.sweep_s = sweep_s
        self._slots = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._running: dict[str, asyncio.Task[None]] = {}
        self._loop: asyncio.Task[None] | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self._claims = Outage("claim", backend="job_store")
        # Held from a claim until its task is in `_running`, and by the sweep's requeue: a job
        # just claimed is never mistaken for a stuck one.
        self._claiming = asyncio.Lock()

    async def start(self) -> None:
        try:
            requeued = await self.store.requeue_running()
            if requeued:
                log.info("jobs_requeued", count=len(requeued), jobs=requeued[:20])
            await self.store.purge()
        except Exception as exc:  # a full disk must not stop the service: the sweep does this later
            if storage_problem(exc) is None:
                raise
            log.warning("job_store_start_deferred", error=f"{type(exc).__name__}: {str(exc)[:200]}")
        self._loop = asyncio.create_task(self._claim_loop(), name="job-queue")
        self._sweeper = asyncio.create_task(self._sweep_loop(), name="job-sweep")

    async def enqueue(self, job_id: str) -> None:
        self._wake.set()

    async def cancel(self, job_ids: list[str]) -> None:
        for job_id in job_ids:
            task = self._running.get(job_id)
            if task is not None:
                task.cancel()

    async def aclose(self) -> None:
        """Stop claiming and interrupt running jobs; they go back to the queue for the next start."""
        interrupted = list(self._running)
        tasks = [t for t in (self._loop, self._sweeper, *self._running.values()) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if interrupted:
            try:
                await self.store.release(interrupted)
            except Exception:  # still `running` on disk: requeued (and counted) at the next start
                log.exception("jobs_not_released", jobs=interrupted)
            else:
                log.info("jobs_released", count=len(interrupted))

    async def sweep(self) -> None:
        """Put back stuck jobs, purge what expired, checkpoint (see the module docstring)."""
        async with self._claiming:
            requeued = await self.store.requeue_running(keep=set(self._running))
        if requeued:
            log.warning("stuck_jobs_requeued", count=len(requeued), jobs=requeued[:20])
            self._wake.set()
        await self.store.purge()

    async def _sweep_loop(self) -> None:
        outage = Outage("sweep", backend="job_store")
        while True:
            await asyncio.sleep(self.sweep_s)
            try:
                await self.sweep()
            except Exception as exc:  # a full disk: logged once, tried again next period
                if storage_problem(exc) is None:
                    log.exception("job_sweep_failed")
                else:
                    outage.failed(exc)
            else:
                outage.succeeded()

    async def _claim_loop(self) -> None:
        await self.ready.wait()  # the embedded model may still be loading
        while True:
            await self._slots.acquire()
            self._wake.clear()
            async with self._claiming:
                job = await self._claim()
                if job is not None:
                    self._running[job.id] = asyncio.create_task(self._run(job), name=f"job-{job.id}")
            if job is None:
                self._slots.release()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.poll_s):
                        await self._wake.wait()

    async def _claim(self) -> Job | None:
        try:
            job = await self.store.claim()
        except Exception as exc:
            if storage_problem(exc) is None:
                log.exception("job_claim_failed")
            else:  # logged once per outage; claims resume at the next poll
                self._claims.failed(exc)
            return None
        self._claims.succeeded()
        return job

    async def _run(self, job: Job) -> None:
        try:
            await self.runner.run(job)
        except Exception:
            log.exception("job_not_finished", job=job.id)  # e.g. the store failed; the sweep puts it back
        finally:
            self._running.pop(job.id, None)
            self._slots.release()
