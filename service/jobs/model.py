"""Job records, the request that creates one, and the view that `GET /v1/jobs/{id}` returns."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from service.schema import Digest, Problem, SummarizeRequest

JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]
DeliveryState = Literal["pending", "delivered", "gone", "failed"]


class JobRequest(SummarizeRequest):
    """`POST /v1/jobs`: the summarize request plus where to report and the caller's own id."""

    callback_url: str | None = Field(
        None, max_length=2000, description="http(s) URL that receives the signed result."
    )
    external_id: str | None = Field(
        None, min_length=1, max_length=200, description="Your id for the article (CMS post id)."
    )

    def summarize_request(self) -> SummarizeRequest:
        return SummarizeRequest.model_validate(self.model_dump(exclude={"callback_url", "external_id"}))


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:24]}"


def iso(ts: float | None) -> str | None:
    """Epoch seconds as an RFC 3339 UTC timestamp (milliseconds)."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Job:
    """One summarization job as stored. `request` is the `SummarizeRequest` as JSON."""

    id: str
    owner: str
    request: dict[str, Any]
    status: JobStatus = "queued"
    callback_url: str | None = None
    external_id: str | None = None
    source: str | None = None  # the webhook adapter that made it; None for `POST /v1/jobs`
    created_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    runs: int = 0
    digest: dict[str, Any] | None = None
    problem: dict[str, Any] | None = None


@dataclass(frozen=True)
class DeliveryAttempt:
    at: float
    status_code: int | None
    error: str | None
    next_attempt_at: float | None


@dataclass
class Delivery:
    """One callback: the same `id` (the `webhook-id`) and the same body on every attempt."""

    id: str
    job_id: str
    url: str
    body: bytes
    state: DeliveryState = "pending"
    next_attempt_at: float | None = None
    created_at: float = field(default_factory=time.time)
    attempts: list[DeliveryAttempt] = field(default_factory=list)


class AttemptView(BaseModel):
    at: str
    status_code: int | None
    error: str | None
    next_attempt_at: str | None


class CallbackView(BaseModel):
    id: str = Field(description="The `webhook-id` of every attempt; receivers deduplicate on it.")
    url: str
    state: DeliveryState
    attempts: list[AttemptView]


class JobView(BaseModel):
    """What `GET /v1/jobs/{id}` returns."""

    id: str
    status: JobStatus
    external_id: str | None
    source: str | None
    created_at: str
    started_at: str | None
    finished_at: str | None
    runs: int = Field(description="How many times a worker started this job (restarts included).")
    digest: Digest | None
    problem: Problem | None
    callback: CallbackView | None

    @classmethod
    def of(cls, job: Job, delivery: Delivery | None) -> JobView:
        callback = None
        if delivery is not None:
            callback = CallbackView(
                id=delivery.id,
                url=delivery.url,
                state=delivery.state,
                attempts=[
                    AttemptView(
                        at=iso(a.at) or "",
                        status_code=a.status_code,
                        error=a.error,
                        next_attempt_at=iso(a.next_attempt_at),
                    )
                    for a in delivery.attempts
                ],
            )
        return cls(
            id=job.id,
            status=job.status,
            external_id=job.external_id,
            source=job.source,
            created_at=iso(job.created_at) or "",
            started_at=iso(job.started_at),
            finished_at=iso(job.finished_at),
            runs=job.runs,
            digest=Digest.model_validate(job.digest) if job.digest else None,
            problem=Problem.model_validate(job.problem) if job.problem else None,
            callback=callback,
        )


def callback_body(job: Job) -> dict[str, Any]:
    """The payload POSTed to the callback when `job` has finished."""
    return {
        "type": f"job.{job.status}",
        "job": {
            "id": job.id,
            "status": job.status,
            "external_id": job.external_id,
            "source": job.source,
            "created_at": iso(job.created_at),
            "finished_at": iso(job.finished_at),
            "runs": job.runs,
            "url": job.request.get("url"),
        },
        "digest": job.digest,
        "problem": job.problem,
    }
