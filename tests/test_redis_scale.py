"""Redis mode as deployed: real `newsbrief serve` and `newsbrief worker` processes on one redis-server.

The issue's test: 2 API processes + 2 workers, 50 jobs over 25 distinct articles submitted
across both APIs with callbacks, one worker SIGKILLed mid-run -> all 50 jobs succeed, the
fake LLM is asked once per distinct article (shared cache and single-flight across
processes), and each job's callback arrives under one webhook-id.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from tests.answers import GOOD
from tests.conftest import Receiver, wait_for
from tests.fakellm import Call, FakeLLM, ok
from tests.processes import Api, Proc, service_env
from tests.test_durability import V1

LEASE_S = 2.0
LLM_DELAY_S = 0.4


def redis_env(redis_url: str, fake: FakeLLM, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of every process of one Redis deployment (one prefix per test)."""
    redis = {
        "NEWSBRIEF_REDIS_URL": redis_url,
        "NEWSBRIEF_REDIS_PREFIX": f"t{uuid.uuid4().hex[:10]}",
        "NEWSBRIEF_JOB_LEASE_S": str(LEASE_S),
        "NEWSBRIEF_JOB_CONCURRENCY": "3",
        "NEWSBRIEF_DEADLINE_S": "30",
        "NEWSBRIEF_LLM_BACKOFF_INITIAL_S": "0",
        "NEWSBRIEF_LLM_BACKOFF_MAX_S": "0",
    }
    return service_env(fake, data_dir, **{**redis, **extra})


class Deployment:
    """APIs and workers of one Redis deployment; everything is stopped at the end."""

    def __init__(self, tmp_path: Path, env: dict[str, str]) -> None:
        self.tmp_path, self.env = tmp_path, env
        self.procs: list[Proc] = []

    def api(self, **extra: str) -> Api:
        api = Api({**self.env, **extra}, self.tmp_path / f"api{len(self.procs)}.log")
        self.procs.append(api)
        api.start()
        return api

    def worker(self, **extra: str) -> Proc:
        worker = Proc(["worker"], {**self.env, **extra}, self.tmp_path / f"worker{len(self.procs)}.log")
        self.procs.append(worker)
        worker.start()
        return worker

    def stop(self) -> None:
        for proc in self.procs:
            proc.stop()


@pytest.fixture
def deployment(tmp_path: Path, redis_url: str, fake_llm: FakeLLM) -> Iterator[Deployment]:
    dep = Deployment(tmp_path, redis_env(redis_url, fake_llm, tmp_path / "data"))
    try:
        yield dep
    finally:
        dep.stop()


def _article(seed: str, n: int) -> str:
    return f"{seed}\n\nUpdate {n}: the talks continue next week."


def _article_of(call: Call) -> int:
    user = next(m["content"] for m in call.body["messages"] if m["role"] == "user")
    marker = user.index("Update ")
    return int(user[marker + 7 : user.index(":", marker)])


def test_two_apis_two_workers_fifty_jobs_one_worker_killed(
    deployment: Deployment, fake_llm: FakeLLM, seed_text: str, receiver: Receiver
) -> None:
    fake_llm.default(ok(GOOD, delay_s=LLM_DELAY_S))
    started = time.monotonic()
    # The two workers reach the fake under two host names, so each call says which worker made it.
    victim = deployment.worker(OPENAI_BASE_URL=fake_llm.base_url.replace("127.0.0.1", "localhost"))
    survivor = deployment.worker()
    apis = [deployment.api(), deployment.api()]
    jobs: list[tuple[str, int]] = []

    def submit() -> None:
        for n in range(50):
            body = {"text": _article(seed_text, n % 25), "prompt": V1, "callback_url": receiver.url()}
            response = httpx2.post(apis[n % 2].url + "/v1/jobs", json=body, timeout=10)
            assert response.status_code == 202, response.text
            jobs.append((response.json()["id"], n % 25))

    def victim_calls() -> list[Call]:
        return [c for c in fake_llm.calls if c.headers.get("host", "").startswith("localhost")]

    def victim_mid_call() -> bool:  # an answer the victim waits for, not due for 0.15 s yet
        return any(c.t + LLM_DELAY_S > time.monotonic() + 0.15 for c in victim_calls())

    # Submit while watching: the victim must die holding an LLM call, and the workers may finish
    # the first articles before the last jobs are even submitted.
    submitting = threading.Thread(target=submit)
    submitting.start()
    wait_for(victim_mid_call, timeout_s=20, every_s=0.005)  # mid-run: the victim is calling the LLM
    victim.kill9()
    killed_at = time.monotonic()
    submitting.join(timeout=60)
    assert len(jobs) == 50
    survivor.alive()

    def all_done() -> bool:
        return all(apis[0].job(job_id)["status"] in {"succeeded", "failed"} for job_id, _ in jobs)

    wait_for(all_done, timeout_s=60, every_s=0.2)
    views = [apis[1].job(job_id) for job_id, _ in jobs]
    assert [v["status"] for v in views] == ["succeeded"] * 50, [v.get("problem") for v in views]
    wait_for(lambda: len({r.headers["webhook-id"] for r in receiver.requests}) >= 50, timeout_s=30)
    time.sleep(0.5)  # anything extra would arrive now
    elapsed_s = time.monotonic() - started

    # Callbacks: one webhook-id per job (the one on the job), and no job without its callback.
    ids_by_job: dict[str, set[str]] = {}
    for request in receiver.requests:
        ids_by_job.setdefault(json.loads(request.body)["job"]["id"], set()).add(request.headers["webhook-id"])
    assert set(ids_by_job) == {job_id for job_id, _ in jobs}
    assert all(len(ids) == 1 for ids in ids_by_job.values())
    assert all(ids_by_job[v["id"]] == {v["callback"]["id"]} for v in views)
    assert all(v["callback"]["state"] == "delivered" for v in views)

    # LLM calls: one per distinct article, except answers that died with the victim mid-call
    # (made, never received): those articles are asked again, once, by the survivor.
    calls = list(fake_llm.calls)
    lost = [c for c in victim_calls() if c.t + LLM_DELAY_S > killed_at]
    per_article: dict[int, int] = {}
    for call in calls:
        per_article[_article_of(call)] = per_article.get(_article_of(call), 0) + 1
    assert set(per_article) == set(range(25))
    assert len(calls) == 25 + len(lost)
    assert {a for a, n in per_article.items() if n > 1} == {_article_of(c) for c in lost}
    redelivered = [v for v in views if v["runs"] > 1]
    assert redelivered, "the killed worker held jobs: they must have been run again"
    print(
        f"\nscale: 50 jobs, {len(calls)} LLM calls ({len(lost)} lost with the killed worker), "
        f"{len(receiver.requests)} callback POSTs, {len(redelivered)} jobs run twice, {elapsed_s:.1f} s"
    )
