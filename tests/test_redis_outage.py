"""A bad day for Redis: the cache failing under a worker, Redis down under the API, a worker's log.

Real processes and a real `redis-server` that each test owns (tests/redis_server.py), so
it can stop and start it again on the same port (the blip); it keeps an append-only
file, as a production Redis would, so what was stored before the blip is there after.
"""

from __future__ import annotations

import itertools
import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
import redis

from tests.answers import GOOD
from tests.conftest import Receiver, ServiceFactory, wait_for
from tests.fakellm import FakeLLM, ok
from tests.redis_server import RedisProcess
from tests.test_durability import V1
from tests.test_redis_scale import Deployment, redis_env

OUTAGE_S = 4.0


@pytest.fixture
def blip_redis(tmp_path: Path) -> Iterator[RedisProcess]:
    server = RedisProcess(tmp_path / "redis", persist=True)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _read_only_cache_user(server: RedisProcess, prefix: str) -> str:
    """A Redis user that may do everything except write the digest cache (`<prefix>:digest:*`).

    Its every cache write fails (NOPERM) while the job store, queue, leases and quotas work:
    a cache error in isolation, the way a blip hits one command and not the next.
    """
    admin = redis.Redis.from_url(server.url)
    admin.acl_setuser(
        "cachero",
        enabled=True,
        passwords=["+cachero-pw"],
        commands=["+@all"],
        channels=["*"],
        keys=[f"%RW~{prefix}:[^d]*", f"%RW~{prefix}:d[^i]*", f"%R~{prefix}:di*", "%RW~flight*"],
    )
    admin.close()
    return f"redis://cachero:cachero-pw@127.0.0.1:{server.port}/0"


def test_a_cache_write_that_fails_never_fails_the_job_or_the_request(
    tmp_path: Path, blip_redis: RedisProcess, fake_llm: FakeLLM, seed_text: str, receiver: Receiver
) -> None:
    """Every digest write is refused by Redis; the job still succeeds and says so in its callback."""
    fake_llm.default(ok(GOOD))
    env = redis_env(blip_redis.url, fake_llm, tmp_path / "data", NEWSBRIEF_JOB_LEASE_S="10")
    env["NEWSBRIEF_REDIS_URL"] = _read_only_cache_user(blip_redis, env["NEWSBRIEF_REDIS_PREFIX"])
    deployment = Deployment(tmp_path, env)
    try:
        deployment.worker()
        api = deployment.api()
        body = {"text": seed_text, "prompt": V1, "callback_url": receiver.url()}
        submitted = httpx2.post(api.url + "/v1/jobs", json=body, timeout=10)
        assert submitted.status_code == 202, submitted.text
        job_id = submitted.json()["id"]
        wait_for(lambda: api.job(job_id)["status"] in {"succeeded", "failed"}, timeout_s=30)
        view = api.job(job_id)
        assert view["status"] == "succeeded", view.get("problem")
        assert view["digest"]["summary"]
        wait_for(lambda: receiver.requests, timeout_s=20)
        assert json.loads(receiver.requests[0].body)["type"] == "job.succeeded"
        # The synchronous route too: the write fails, the caller gets the digest.
        more = {"text": seed_text + " More.", "prompt": V1}
        sync = httpx2.post(api.url + "/v1/summaries", json=more, timeout=30)
        assert sync.status_code == 200, sync.text
    finally:
        deployment.stop()
    worker_log = (tmp_path / "worker0.log").read_text()
    assert "redis_unavailable" in worker_log  # counted and logged, not raised
    assert "Traceback" not in worker_log


def test_redis_down_every_route_answers_problem_json_and_readiness_says_so(
    service: ServiceFactory, fake_llm: FakeLLM, blip_redis: RedisProcess, seed_text: str
) -> None:
    fake_llm.default(ok(GOOD))
    client = service(redis_url=blip_redis.url, redis_prefix=f"t{uuid.uuid4().hex[:10]}")
    assert client.get("/readyz").status_code == 200
    assert client.post("/v1/jobs", json={"text": seed_text, "prompt": V1}).status_code == 202

    blip_redis.stop()
    # Routes that need nothing from Redis answer as usual (the rate limit fails over to a local one).
    prompts = client.get("/v1/prompts")
    assert prompts.status_code == 200, prompts.text
    summary = client.post("/v1/summaries", json={"text": seed_text, "prompt": V1})
    assert summary.status_code == 200, summary.text  # the cache is best effort
    # Routes that need the job store: 503 problem+json with Retry-After, never a 500.
    for response in (
        client.post("/v1/jobs", json={"text": seed_text, "prompt": V1}),
        client.get("/v1/jobs/job_0123456789abcdef"),
    ):
        assert response.status_code == 503, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert int(response.headers["retry-after"]) >= 1
        assert response.json()["type"].endswith("/storage-unavailable")
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.headers["content-type"].startswith("application/problem+json")
    assert int(ready.headers["retry-after"]) >= 1
    assert "Redis" in ready.json()["detail"]
    metrics = client.get("/metrics").text.splitlines()
    counted = [line for line in metrics if line.startswith("newsbrief_state_errors")]
    assert any('user="rate-limit"' in line and float(line.split()[-1]) >= 1 for line in counted), counted

    blip_redis.start()
    wait_for(lambda: client.get("/readyz").status_code == 200, timeout_s=30, every_s=0.1)

    def submit() -> httpx2.Response | None:
        response = client.post("/v1/jobs", json={"text": seed_text, "prompt": V1})
        return response if response.status_code == 202 else None

    again = wait_for(submit, timeout_s=30, every_s=0.1)
    assert client.get(again.headers["location"]).status_code == 200


def test_a_worker_logs_a_redis_outage_once_and_works_again_after_it(
    tmp_path: Path, blip_redis: RedisProcess, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.default(ok(GOOD))
    deployment = Deployment(tmp_path, redis_env(blip_redis.url, fake_llm, tmp_path / "data"))
    try:
        worker = deployment.worker()
        api = deployment.api()
        first = httpx2.post(api.url + "/v1/jobs", json={"text": seed_text, "prompt": V1}, timeout=10).json()
        wait_for(lambda: api.job(first["id"])["status"] == "succeeded", timeout_s=30)
        worker_log = tmp_path / "worker0.log"
        before = worker_log.read_text()

        blip_redis.stop()
        time.sleep(OUTAGE_S)  # a tight reconnect loop logs hundreds of tracebacks in this time
        blip_redis.start()

        def submit_again() -> dict[str, str] | None:
            body = {"text": seed_text + " Two.", "prompt": V1}
            response = httpx2.post(api.url + "/v1/jobs", json=body, timeout=10)
            return response.json() if response.status_code == 202 else None

        later = wait_for(submit_again, timeout_s=30, every_s=0.2)
        wait_for(lambda: api.job(later["id"])["status"] == "succeeded", timeout_s=30)
        worker.alive()
    finally:
        deployment.stop()
    during = worker_log.read_text()[len(before) :]
    assert "Traceback" not in during
    lines = [json.loads(line) for line in during.splitlines() if line.startswith("{")]
    down = [line for line in lines if line.get("event") == "redis_unavailable"]
    up = [line for line in lines if line.get("event") == "redis_recovered"]
    users = {line["user"] for line in down}
    # One line per loop and outage, not one per retry: a loop's lines alternate down, up, down ...
    # (a redis-server slow to stop on a loaded machine may answer a call between two failures).
    for user in users:
        events = [line["event"] for line in lines if line.get("user") == user and line in down + up]
        assert all(a != b for a, b in itertools.pairwise(events)), (user, events)
        assert events[0] == "redis_unavailable", (user, events)
    assert "job-queue" in users  # the queue reader saw it, and said so
    assert {line["user"] for line in up} >= {"job-queue"}
    assert len(lines) < 40, [line.get("event") for line in lines]
