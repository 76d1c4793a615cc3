"""Asynchronous jobs: `POST /v1/jobs`, CMS webhooks and signed callbacks, durable by default.

    service.jobs
    ├── model      Job, Delivery, the request (`JobRequest`) and view (`JobView`) models
    ├── store      the `JobStore` and `Dispatcher` protocols: the seams a Redis backend fills
    ├── sqlite     `SqliteJobStore`: the embedded store (SQLite, WAL) under NEWSBRIEF_DATA_DIR
    ├── worker     `JobRunner` (one job -> result + callback) and `EmbeddedQueue` (in-process)
    ├── callbacks  `Deliverer`: Standard Webhooks signing, tenacity retries, attempts recorded
    └── ssrf       which callback URLs we connect to, and at which address

`Jobs` below is what the routes see: they never touch a store or a queue directly. It
turns a store that cannot be reached or written (Redis down, a full disk) into a 503
problem with Retry-After (`service.jobs.store.storage_problem`).
`open_jobs` builds the embedded pair; with `NEWSBRIEF_REDIS_URL` it builds the Redis
pair instead (`redis_store`, `redis_queue`; `redis_worker` is `newsbrief worker`), and
the API code stays as it is.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import orjson
import structlog

from service.errors import CallbackRefused, IdempotencyConflict, JobNotFound
from service.jobs.callbacks import Deliverer
from service.jobs.model import Job, JobRequest, JobView, new_id
from service.jobs.runner import EmbeddedQueue, JobRunner
from service.jobs.ssrf import AllowList, check_target
from service.jobs.store.base import (
    Dispatcher,
    HookClaim,
    IdempotencyClaim,
    JobStore,
    Removal,
    Submission,
    storage_problem,
)
from service.jobs.store.sqlite import SqliteJobStore
from service.runtime import Runtime
from service.schema import SummarizeRequest
from service.settings import Settings

log = structlog.get_logger("newsbrief.jobs")
HOOK_OWNER_PREFIX = "hook:"


def fingerprint(value: object) -> str:
    """A stable hash of a JSON-able value (keys sorted), for idempotency and change detection."""
    return hashlib.sha256(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)).hexdigest()


@contextlib.contextmanager
def _store_errors() -> Iterator[None]:
    """A store that is unavailable becomes a 503 problem; anything else stays what it is."""
    try:
        yield
    except Exception as exc:
        problem = storage_problem(exc)
        if problem is None or problem is exc:
            raise
        log.warning("job_store_unavailable", error=f"{type(exc).__name__}: {str(exc)[:200]}")
        raise problem from exc


@dataclass
class Jobs:
    """The job system of one process, as the API uses it."""

    settings: Settings
    store: JobStore
    dispatcher: Dispatcher
    allow: AllowList

    async def check_callback(self, url: str) -> None:
        """422 now for a target we would refuse later."""
        if not self.settings.callback_secret:
            raise CallbackRefused("callbacks are not configured on this server (NEWSBRIEF_CALLBACK_SECRET)")
        await check_target(url, self.allow)

    async def submit(
        self,
        owner: str,
        body: JobRequest,
        *,
        idempotency_key: str | None = None,
        source: str | None = None,
        hook: HookClaim | None = None,
    ) -> Submission:
        if body.callback_url is not None:
            await self.check_callback(body.callback_url)
        request = body.summarize_request().model_dump(mode="json")
        job = Job(
            id=new_id("job"),
            owner=owner,
            request=request,
            callback_url=body.callback_url,
            external_id=body.external_id,
            source=source,
        )
        claim = None
        if idempotency_key is not None:
            claim = IdempotencyClaim(owner, idempotency_key, fingerprint(body.model_dump(mode="json")))
        with _store_errors():
            submission = await self.store.submit(job, idempotency=claim, hook=hook)
        if submission.outcome == "conflict":
            raise IdempotencyConflict("this Idempotency-Key was used with a different request body")
        if submission.outcome == "created":
            with _store_errors():
                await self.dispatcher.enqueue(job.id)
        return submission

    async def remove(self, source: str, external_id: str, webhook_id: str) -> Removal:
        with _store_errors():
            removal = await self.store.remove(source, external_id, webhook_id)
        if removal.cancelled:
            with _store_errors():
                await self.dispatcher.cancel(removal.cancelled)
            log.info("jobs_cancelled", source=source, jobs=removal.cancelled)
        return removal

    async def view(self, job_id: str, owner: str) -> JobView:
        """The job if `owner` may see it; jobs made by webhooks are visible to every caller."""
        with _store_errors():
            job = await self.store.get(job_id) if len(job_id) <= 64 else None
        if job is None or not (job.owner == owner or job.owner.startswith(HOOK_OWNER_PREFIX)):
            raise JobNotFound(f"no job {job_id!r}")
        with _store_errors():
            return JobView.of(job, await self.store.delivery_of(job.id))


def check_summarize(runtime: Runtime, request: SummarizeRequest) -> None:
    """Fail at submission, not later, on what a job could never do (an unknown prompt)."""
    if runtime.engine.llm is not None:
        runtime.catalogue.resolve(request.prompt, runtime.engine.name)


@contextlib.asynccontextmanager
async def open_jobs(runtime: Runtime) -> AsyncIterator[Jobs]:
    """The embedded job system: SQLite store, in-process queue and callback deliverer.

    With `NEWSBRIEF_REDIS_URL` it is the Redis one instead (`service.jobs.redis_queue`):
    this process stores and queues, `newsbrief worker` processes run the jobs.
    """
    settings = runtime.settings
    if settings.callback_url and not settings.callback_secret:
        raise RuntimeError("NEWSBRIEF_CALLBACK_URL is set but NEWSBRIEF_CALLBACK_SECRET is not")
    if settings.redis_url:
        from service.jobs.queue.redis import open_redis_jobs  # noqa: PLC0415 - Redis deployments only

        async with open_redis_jobs(runtime) as jobs:
            yield jobs
        return
    allow = AllowList.parse(settings.callback_allow)
    store = SqliteJobStore(
        settings.data_dir,
        idempotency_ttl_s=settings.idempotency_ttl_s,
        receipt_ttl_s=settings.webhook_dedup_ttl_s,
        retention_s=settings.job_retention_s,
    )
    await store.open()
    deliverer = Deliverer(store, settings, allow)
    runner = JobRunner(store, runtime.pipeline, deliverer, settings)
    concurrency = settings.job_concurrency
    queue = EmbeddedQueue(store, runner, concurrency, runtime.ready, sweep_s=settings.job_sweep_s)
    try:
        await deliverer.start()
        await queue.start()
        yield Jobs(settings, store, queue, allow)
    finally:
        await queue.aclose()
        await deliverer.aclose()
        await store.close()


__all__ = ["HOOK_OWNER_PREFIX", "Jobs", "check_summarize", "fingerprint", "open_jobs"]
