"""A full disk under the embedded SQLite job store, on a real small filesystem (a 2 MiB tmpfs).

Needs `mount` as root; skipped cleanly otherwise. The disk is filled by a filler file
written until the filesystem says ENOSPC, and freed by deleting it.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from tests.answers import GOOD
from tests.conftest import ServiceFactory, wait_for
from tests.fakellm import FakeLLM, ok
from tests.test_durability import V1

SIZE = "2m"
FAST = {"job_sweep_s": 0.2, "job_finish_retry_s": 0.5}


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mountpoint = tmp_path / "small"
    mountpoint.mkdir()
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", str(mountpoint)],
            capture_output=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"cannot mount a small tmpfs here: {exc}")
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], capture_output=True, timeout=10, check=False)


def fill(disk: Path) -> Path:
    """Write a filler file until the filesystem is full; returns it (delete it to free the space)."""
    filler = disk / "filler"
    with contextlib.suppress(OSError), filler.open("wb", buffering=0) as out:
        while True:
            out.write(b"\0" * 4096)
    return filler


def _article(n: int) -> str:
    return (
        f"Bulletin {n}. The river authority said on Tuesday that the northern weir will close for repairs. "
        "Engineer Tomas Ruiz said the work will cost £2.4 million and take about 14 weeks. " * 40
    )


def _is_storage_problem(response: httpx2.Response) -> bool:
    return (
        response.status_code == 503
        and response.headers["content-type"].startswith("application/problem+json")
        and int(response.headers["retry-after"]) >= 1
        and response.json()["type"].endswith(("/storage-full", "/storage-unavailable"))
    )


def test_submissions_on_a_full_disk_are_503_never_500_and_never_202_for_what_was_not_stored(
    small_disk: Path, service: ServiceFactory, fake_llm: FakeLLM
) -> None:
    fake_llm.default(ok(GOOD))
    client = service(data_dir=str(small_disk), **FAST)
    accepted: list[str] = []
    refused = 0
    fill(small_disk)
    for n in range(40):
        response = client.post("/v1/jobs", json={"text": _article(n), "prompt": V1})
        if response.status_code == 202:
            accepted.append(response.json()["id"])
        else:
            assert _is_storage_problem(response), response.text
            refused += 1
    assert refused >= 1
    for job_id in accepted:  # what was accepted is stored, and reads still work on a full disk
        assert client.get(f"/v1/jobs/{job_id}").status_code == 200
    assert client.get("/v1/prompts").status_code == 200


def test_a_job_whose_result_cannot_be_stored_runs_again_once_space_is_back(
    small_disk: Path, service: ServiceFactory, fake_llm: FakeLLM
) -> None:
    fake_llm.default(ok(GOOD, delay_s=1.0))
    client = service(data_dir=str(small_disk), **FAST)
    submitted = client.post("/v1/jobs", json={"text": _article(1), "prompt": V1})
    assert submitted.status_code == 202, submitted.text
    job_url = submitted.headers["location"]
    wait_for(lambda: fake_llm.calls, timeout_s=20)  # running: its LLM call is in flight
    filler = fill(small_disk)  # the result has nowhere to go
    time.sleep(2.0)  # the LLM answered (1 s), the write failed and its retries (0.5 s) ran out
    assert client.get(job_url).json()["status"] == "running"  # nothing could be stored
    filler.unlink()
    # On main the job stayed `running` until a restart; now the sweep puts it back in the queue.
    wait_for(lambda: client.get(job_url).json()["status"] in {"succeeded", "failed"}, timeout_s=30)
    view = client.get(job_url).json()
    assert view["status"] == "succeeded", view
    assert view["digest"]["summary"]


def test_the_service_starts_on_a_full_disk_and_answers_what_it_can(
    small_disk: Path, service: ServiceFactory, fake_llm: FakeLLM
) -> None:
    fake_llm.default(ok(GOOD))
    first = service(data_dir=str(small_disk), **FAST)
    done = first.post("/v1/jobs", json={"text": _article(2), "prompt": V1})
    assert done.status_code == 202
    wait_for(lambda: first.get(done.headers["location"]).json()["status"] == "succeeded", timeout_s=20)
    fill(small_disk)
    second = service(data_dir=str(small_disk), **FAST)  # a restart on the full disk
    assert second.get("/readyz").status_code == 200
    assert second.get(done.headers["location"]).json()["status"] == "succeeded"
    assert second.post("/v1/summaries", json={"text": _article(3), "prompt": V1}).status_code == 200
    assert _is_storage_problem(second.post("/v1/jobs", json={"text": _article(4), "prompt": V1}))


def test_the_write_ahead_log_is_checkpointed_and_truncated(
    service: ServiceFactory, fake_llm: FakeLLM, tmp_path: Path
) -> None:
    fake_llm.default(ok(GOOD))
    data = tmp_path / "wal-data"
    client = service(data_dir=str(data), **FAST)
    for n in range(5):
        assert client.post("/v1/jobs", json={"text": _article(n), "prompt": V1}).status_code == 202
    wal = data / "jobs.sqlite3-wal"
    wait_for(lambda: wal.exists() and os.path.getsize(wal) == 0, timeout_s=20)
