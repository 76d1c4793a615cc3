"""Routes of the job system: `/v1/jobs` (API key) and `/v1/hooks/{source}` (Standard Webhooks).

API keys are checked by the gate in front of every `/v1` path (`service/limits.py`);
jobs belong to the key that made them (its id, `ClientKeyDep`). The hooks router is
separate and takes no key: a CMS authenticates by signing the body with
`NEWSBRIEF_WEBHOOK_SECRET`, so `/v1/hooks/` must stay exempt from the key check.
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Header, Request
from starlette.responses import Response

from service.errors import InvalidHookPayload
from service.hooks import ADAPTERS, check_before_body, verify
from service.http.routes import ClientKeyDep, RuntimeDep
from service.jobs import HOOK_OWNER_PREFIX, Jobs, check_summarize
from service.jobs.model import JobRequest, JobView
from service.jobs.store.base import HookClaim, Submission
from service.schema import Problem


async def get_jobs(request: Request) -> Jobs:
    jobs: Jobs = request.app.state.jobs
    return jobs


JobsDep = Annotated[Jobs, Depends(get_jobs)]


def _problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {s: {"model": Problem, "content": {"application/problem+json": {}}} for s in statuses}


jobs_router = APIRouter(prefix="/v1", tags=["jobs"], responses=_problems(401, 422))
hooks_router = APIRouter(prefix="/v1", tags=["webhooks"])


def owner_of(key_id: str | None) -> str:
    """Who owns the jobs this caller makes: its key's id; one shared owner when keys are off."""
    return key_id or "public"


def _json(body: object, status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json", headers=headers)


def _view_response(view: JobView, status: int, extra: dict[str, str] | None = None) -> Response:
    headers = {"Location": f"/v1/jobs/{view.id}", **(extra or {})}
    return Response(
        view.model_dump_json(), status_code=status, media_type="application/json", headers=headers
    )


@jobs_router.post(
    "/jobs", status_code=202, response_model=None, responses={202: {"model": JobView}, **_problems(413, 415)}
)
async def create_job(
    body: JobRequest,
    key_id: ClientKeyDep,
    runtime: RuntimeDep,
    jobs: JobsDep,
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=255)] = None,
) -> Response:
    """Queue one article for summarization; poll `Location` or wait for the signed callback."""
    check_summarize(runtime, body)
    owner = owner_of(key_id)
    submission = await jobs.submit(owner, body, idempotency_key=idempotency_key)
    assert submission.job is not None
    view = await jobs.view(submission.job.id, owner)
    replayed = {"Idempotent-Replayed": "true"} if submission.outcome == "existing" else None
    return _view_response(view, 202, replayed)


@jobs_router.get("/jobs/{job_id}", response_model=JobView, responses=_problems(404))
async def get_job(job_id: str, key_id: ClientKeyDep, jobs: JobsDep) -> Response:
    """A job's status, its digest or problem when finished, and its callback attempts."""
    view = await jobs.view(job_id, owner_of(key_id))
    return Response(view.model_dump_json(), media_type="application/json")


def _hook_answer(submission: Submission) -> Response:
    job = submission.job
    if job is None:
        return _json({"outcome": submission.outcome, "id": None}, 200)
    body = {"outcome": submission.outcome, "id": job.id, "status": job.status}
    status = 202 if submission.outcome == "created" else 200
    return _json(body, status, {"Location": f"/v1/jobs/{job.id}"})


@hooks_router.post(
    "/hooks/{source}",
    status_code=202,
    response_model=None,
    responses=_problems(200, 401, 404, 413, 415, 422),
)
async def receive_hook(source: str, request: Request, runtime: RuntimeDep, jobs: JobsDep) -> Response:
    """A signed CMS event: publish/update makes a job (202), unpublish cancels pending work."""
    secret = runtime.settings.webhook_secret
    check_before_body(secret, source, request.headers)  # the gate checked it too, before the body
    assert secret is not None
    adapter = ADAPTERS[source]
    raw = await request.body()
    webhook_id = verify(secret, raw, request.headers)
    try:
        payload = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise InvalidHookPayload("the body is not JSON") from None
    event = adapter(payload)
    if event is None:
        return _json({"outcome": "ignored", "id": None}, 200)
    if event.action == "remove":
        removal = await jobs.remove(source, event.external_id, webhook_id)
        outcome = "replayed" if removal.replayed else "cancelled"
        return _json({"outcome": outcome, "cancelled": removal.cancelled}, 200 if removal.replayed else 202)
    assert event.request is not None
    check_summarize(runtime, event.request)
    hook = HookClaim(source, webhook_id, event.external_id, event.content_hash())
    submission = await jobs.submit(HOOK_OWNER_PREFIX + source, event.request, source=source, hook=hook)
    return _hook_answer(submission)
