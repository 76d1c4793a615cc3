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
  outlives the signature's timestamp tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

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

    async def requeue_running(self) -> list[str]: ...
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
]
