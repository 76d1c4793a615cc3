"""kill -9 in embedded mode: accepted jobs and pending callbacks survive on the SQLite data dir."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from tests.answers import GOOD
from tests.conftest import Receiver, wait_for
from tests.fakellm import FakeLLM, ok
from tests.processes import Api, service_env

V1 = "summarize@1"


@pytest.fixture
def served(tmp_path: Path, fake_llm: FakeLLM) -> Iterator[Api]:
    """`newsbrief serve` as a real process on a fixed port and data dir, one job at a time."""
    env = service_env(fake_llm, tmp_path / "data", NEWSBRIEF_JOB_CONCURRENCY="1", NEWSBRIEF_DEADLINE_S="20")
    server = Api(env, tmp_path / "service.log")
    try:
        yield server
    finally:
        server.stop()


def _submit(server: Api, text: str, receiver: Receiver) -> str:
    body = {"text": text, "prompt": V1, "callback_url": receiver.url()}
    response = httpx2.post(server.url + "/v1/jobs", json=body, timeout=10)
    assert response.status_code == 202, response.text
    job_id: str = response.json()["id"]
    return job_id


def _ids_by_job(receiver: Receiver) -> dict[str, set[str]]:
    seen: dict[str, set[str]] = {}
    for request in receiver.requests:
        seen.setdefault(json.loads(request.body)["job"]["id"], set()).add(request.headers["webhook-id"])
    return seen


def test_kill_9_with_a_running_and_a_queued_job(
    served: Api, fake_llm: FakeLLM, seed_text: str, receiver: Receiver
) -> None:
    fake_llm.default(ok(GOOD, delay_s=3.0))
    served.start()
    running = _submit(served, seed_text, receiver)
    queued = _submit(served, seed_text + "\n\nThe talks continue next week.", receiver)
    wait_for(lambda: len(fake_llm.calls) == 1)
    assert served.job(running)["status"] == "running"
    assert served.job(queued)["status"] == "queued"

    served.kill9()  # mid-LLM-call: the answer never arrives
    fake_llm.default(ok(GOOD, delay_s=0.2))
    served.start()
    wait_for(lambda: {served.job(j)["status"] for j in (running, queued)} == {"succeeded"})
    wait_for(lambda: len(receiver.requests) >= 2)
    time.sleep(0.5)  # anything extra would arrive now

    ids = _ids_by_job(receiver)
    assert set(ids) == {running, queued}
    assert all(len(v) == 1 for v in ids.values())  # one webhook-id (one digest) per job
    assert len(receiver.requests) == 2
    assert served.job(running)["runs"] == 2
    assert served.job(queued)["runs"] == 1
    for job_id in (running, queued):
        view = served.job(job_id)
        assert view["callback"]["state"] == "delivered"
        assert view["digest"]["summary"] == GOOD["summary"]


def test_kill_9_during_the_callback_redelivers_with_the_same_webhook_id(
    served: Api, fake_llm: FakeLLM, seed_text: str, receiver: Receiver
) -> None:
    fake_llm.default(ok(GOOD))
    receiver.hold_s = 3.0  # the receiver has the body, but we never see its answer
    served.start()
    job_id = _submit(served, seed_text, receiver)
    wait_for(lambda: len(receiver.requests) == 1)
    served.kill9()
    receiver.hold_s = 0.0
    served.start()
    wait_for(lambda: served.job(job_id)["callback"]["state"] == "delivered")
    assert served.job(job_id)["runs"] == 1  # the result was already stored: no second LLM call
    assert len(fake_llm.calls) == 1
    assert len(receiver.requests) == 2
    assert _ids_by_job(receiver) == {job_id: {served.job(job_id)["callback"]["id"]}}
    assert receiver.requests[0].body == receiver.requests[1].body


def test_sigterm_puts_a_running_job_back_without_counting_the_run(
    served: Api, fake_llm: FakeLLM, seed_text: str, receiver: Receiver
) -> None:
    fake_llm.default(ok(GOOD, delay_s=3.0))
    served.start()
    job_id = _submit(served, seed_text, receiver)
    wait_for(lambda: len(fake_llm.calls) == 1)
    served.stop()  # SIGTERM: drains requests, then the lifespan interrupts and releases the job
    assert served.proc is not None
    assert served.proc.returncode == 0
    fake_llm.default(ok(GOOD))
    served.start()
    wait_for(lambda: served.job(job_id)["status"] == "succeeded")
    assert served.job(job_id)["runs"] == 1
    wait_for(lambda: len(receiver.requests) == 1)
