"""The two seams of the job system: `JobStore` (durable state) and `Dispatcher` (who runs what).

The API, the webhook adapters, the runner and the callback deliverer only ever talk
to these two protocols. The embedded default is `SqliteJobStore` + `EmbeddedQueue`;
a Redis deployment supplies its own pair and nothing above changes.

What an implementation must guarantee:

* `submit` is atomic: the idempotency-key check, the webhook-id check, the
  unchanged-content check and the insert happen as one step (SQLite: one
  transaction; Redis: one Lua script or MULTI with WATCH). It returns only after the
  job is durable, because the API answers 202 right after.
* A job moves `queued -> running -> succeeded | failed`, or to `cancelled` from
  `queued` or `running`. `finish` only applies to a `running` job, so a job keeps the
  first result written and a cancelled job never gets one.
* `finish` stores the result and the job's callback `Delivery` together: a finished
  job with a callback target always has a delivery to resume.
* `claim` hands each queued job to one worker and counts the run (`Job.runs`).
  `requeue_running` puts back the jobs of workers that died (embedded: all of them,
  at start-up; a shared store would use leases); `release` those a worker stopped on
  purpose (a graceful shutdown), without counting the run.
* Webhook receipts and idempotency keys expire after their TTLs (`purge`); a receipt
  outlives the signature's timestamp tolerance. Finished jobs expire after
  `NEWSBRIEF_JOB_RETENTION_S` with their callback deliveries.
* A store that cannot be reached or written raises its own errors; `storage_problem`
  says which of them mean "the store is unavailable" (503 with Retry-After, never a
  500, and never a 202 for what was not stored).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal, Protocol

from service.errors import StorageFull, StorageUnavailable
from service.jobs.model import Delivery, DeliveryAttempt, DeliveryState, Job, JobStatus


@dataclass(frozen=True)
class IdempotencyClaim:
    """`Idempotency-Key` of `owner`, with the fingerprint of the body it was first used with."""

    owner: str
    key: str
    fingerprint: str


@dataclass(frozen=True)
class HookClaim:
    """A webhook delivery (`webhook-id`) about one CMS item and the hash of its content."""

    source: str
    webhook_id: str
    external_id: str
    content_hash: str


Outcome = Literal["created", "existing", "conflict", "replayed", "unchanged"]


@dataclass(frozen=True)
class Submission:
    """What `submit` did: `job` is the new job, or the existing one it points at."""

    outcome: Outcome
    job: Job | None  # None only for a `conflict`, or a replayed webhook that made no job


@dataclass(frozen=True)
class Removal:
    """What an unpublish webhook did: the jobs it cancelled, or that its id was seen before."""

    replayed: bool
    cancelled: list[str]


class JobStore(Protocol):
    async def open(self) -> None: ...
    async def close(self) -> None: ...

    async def submit(
        self, job: Job, *, idempotency: IdempotencyClaim | None = None, hook: HookClaim | None = None
    ) -> Submission:
        """Insert `job` unless a claim says it already exists (see `Outcome`)."""
        ...

    async def remove(self, source: str, external_id: str, webhook_id: str) -> Removal:
        """Unpublish: cancel queued and running jobs of that CMS item; record the receipt."""
        ...

    async def receipt(self, source: str, webhook_id: str) -> Submission | None:
        """The answer given to an earlier delivery of this webhook id, if any."""
        ...

    async def get(self, job_id: str) -> Job | None: ...
    async def claim(self) -> Job | None:
        """The oldest queued job, now `running` with `runs` incremented; None if none is queued."""
        ...

    async def requeue_running(self, keep: Collection[str] = ()) -> list[str]:
        """Put back running jobs whose worker is gone (all but `keep`: the ones this process runs)."""
        ...

    async def release(self, job_ids: list[str]) -> None:
        """Put jobs this worker stopped on purpose (shutdown) back in the queue, uncounted."""
        ...

    async def finish(self, job: Job, delivery: Delivery | None) -> bool:
        """Store `job.status`, result and `finished_at` if the job is still running; False if not."""
        ...

    async def delivery_of(self, job_id: str) -> Delivery | None: ...
    async def pending_deliveries(self) -> list[Delivery]: ...
    async def record_attempt(
        self, delivery_id: str, attempt: DeliveryAttempt, state: DeliveryState
    ) -> None: ...

    async def purge(self) -> None: ...


RETRY_AFTER_S = 5.0  # what a 503 for an unavailable store asks the caller to wait
_SQLITE_UNAVAILABLE = ("SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_BUSY", "SQLITE_LOCKED")


def storage_problem(exc: BaseException) -> StorageUnavailable | None:
    """The 503 an error of a store backend means, or None when it is not an availability error (a bug)."""
    from service.outage import ERRORS  # noqa: PLC0415 - keeps SQLite-only imports light

    if isinstance(exc, StorageUnavailable):
        return exc
    if isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", "") or ""
        if name == "SQLITE_FULL" or "disk is full" in str(exc):
            detail = "the disk under the job store is full; nothing new can be stored now"
            return StorageFull(detail, retry_after_s=30.0)
        if name.startswith(_SQLITE_UNAVAILABLE) or "disk I/O error" in str(exc):
            return StorageUnavailable("the job store cannot be written now", retry_after_s=RETRY_AFTER_S)
        return None
    if isinstance(exc, ERRORS):
        return StorageUnavailable("the job store (Redis) is unreachable", retry_after_s=RETRY_AFTER_S)
    return None


class Dispatcher(Protocol):
    """Runs queued jobs: wakes a worker after a submit, stops a cancelled job where it runs."""

    async def start(self) -> None: ...
    async def enqueue(self, job_id: str) -> None: ...
    async def cancel(self, job_ids: list[str]) -> None: ...
    async def aclose(self) -> None: ...


__all__ = [
    "Dispatcher",
    "HookClaim",
    "IdempotencyClaim",
    "JobStatus",
    "JobStore",
    "Outcome",
    "Removal",
    "Submission",
    "storage_problem",
]
