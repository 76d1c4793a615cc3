"""Finished jobs in the embedded SQLite store expire after NEWSBRIEF_JOB_RETENTION_S (the periodic sweep)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.answers import GOOD
from tests.conftest import ServiceFactory, wait_for
from tests.fakellm import FakeLLM, ok
from tests.test_durability import V1


def _age(db: Path, job_id: str, by_s: float) -> None:
    """Move a finished job's `finished_at` back in time, as if it had finished `by_s` earlier."""
    with sqlite3.connect(db, timeout=30) as conn:
        conn.execute("UPDATE jobs SET finished_at = finished_at - ? WHERE id = ?", (by_s, job_id))


def test_a_job_past_retention_is_gone_and_an_unexpired_one_stays(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str, tmp_path: Path
) -> None:
    fake_llm.default(ok(GOOD))
    data = tmp_path / "jobs"
    client = service(data_dir=str(data), job_retention_s=600.0, job_sweep_s=0.2)
    old_body = {"text": seed_text, "prompt": V1}
    old = client.post("/v1/jobs", json=old_body, headers={"Idempotency-Key": "weir-1"})
    new = client.post("/v1/jobs", json={"text": seed_text + " Later.", "prompt": V1})
    assert old.status_code == new.status_code == 202

    def both_succeeded() -> bool:
        return all(client.get(r.headers["location"]).json()["status"] == "succeeded" for r in (old, new))

    wait_for(both_succeeded)

    _age(data / "jobs.sqlite3", old.json()["id"], 601.0)  # past retention; the other is seconds old
    wait_for(lambda: client.get(old.headers["location"]).status_code == 404, timeout_s=20)
    gone = client.get(old.headers["location"])
    assert gone.headers["content-type"].startswith("application/problem+json")
    assert client.get(new.headers["location"]).json()["status"] == "succeeded"
    with sqlite3.connect(data / "jobs.sqlite3", timeout=30) as conn:
        left = conn.execute("SELECT COUNT(*) FROM jobs WHERE id = ?", (old.json()["id"],)).fetchone()[0]
    assert left == 0

    # Its idempotency key keeps its own TTL; the job it named is gone, so the key makes a new one.
    again = client.post("/v1/jobs", json=old_body, headers={"Idempotency-Key": "weir-1"})
    assert again.status_code == 202, again.text
    assert again.json()["id"] != old.json()["id"]
