"""A bad day for Redis: the cache failing under a worker, Redis down under the API, a worker's log.

Real processes and a real `redis-server` that each test owns (tests/redis_server.py), so
it can stop and start it again on the same port (the blip); it keeps an append-only
file, as a production Redis would, so what was stored before the blip is there after.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
import redis

from tests.answers import GOOD
from tests.conftest import Receiver, wait_for
from tests.fakellm import FakeLLM, ok
from tests.redis_server import RedisProcess
from tests.test_durability import V1
from tests.test_redis_scale import Deployment, redis_env


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
