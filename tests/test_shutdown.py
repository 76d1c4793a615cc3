"""`newsbrief serve` as a real process: SIGTERM with requests in flight drains them and exits 0.

Requests that finish inside `NEWSBRIEF_SHUTDOWN_GRACE_S` get their digest; those still running
at the grace get a complete problem+json 503 `shutting-down` with `Retry-After` (never uvicorn's
plain-text 500 and traceback), and a request arriving during the drain gets the same 503. Also
reads the process's log: one JSON line per request with what the issue asks for, and never the
article text or an API key.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import pytest

from tests.answers import GOOD
from tests.conftest import free_port
from tests.fakellm import FakeLLM, ok

KEY = "sk-shutdown-test-key-0042"
IN_FLIGHT = 6


Served = tuple[subprocess.Popen[bytes], str, Path]


@pytest.fixture
def grace_s() -> float:
    return 15.0


@pytest.fixture
def served(fake_llm: FakeLLM, tmp_path: Path, grace_s: float) -> Iterator[Served]:
    port = free_port()
    log_path = tmp_path / "serve.log"
    env = {
        **os.environ,
        "NEWSBRIEF_ENGINE": "openai",
        "OPENAI_BASE_URL": fake_llm.base_url,
        "OPENAI_API_KEY": "test-key",
        "NEWSBRIEF_MODEL": "fake-model",
        "NEWSBRIEF_API_KEYS": KEY,
        "NEWSBRIEF_SHUTDOWN_GRACE_S": str(grace_s),
        "NEWSBRIEF_GROUNDING_WORKERS": "0",
        "NEWSBRIEF_DATA_DIR": str(tmp_path / "data"),
    }
    cli = Path(sys.executable).parent / "newsbrief"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [str(cli), "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx2.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"newsbrief serve did not start:\n{log_path.read_text()}")
            time.sleep(0.1)
        yield proc, base, log_path
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_sigterm_drains_in_flight_requests_and_exits_0(
    served: Served, fake_llm: FakeLLM, seed_text: str
) -> None:
    proc, base, log_path = served
    fake_llm.default(ok(GOOD, delay_s=1.5))
    auth = {"authorization": f"Bearer {KEY}"}

    def summarize(i: int) -> int:
        with httpx2.Client(base_url=base, timeout=30) as client:
            body = {"text": seed_text, "title": f"article {i}"}
            return client.post("/v1/summaries", json=body, headers=auth).status_code

    with ThreadPoolExecutor(IN_FLIGHT) as pool:
        futures = [pool.submit(summarize, i) for i in range(IN_FLIGHT)]
        deadline = time.monotonic() + 10
        while len(fake_llm.calls) < IN_FLIGHT and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(fake_llm.calls) == IN_FLIGHT  # all of them are waiting on the LLM
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        with pytest.raises(httpx2.ConnectError):  # no new connections once draining
            httpx2.get(f"{base}/healthz", timeout=2)
        assert proc.poll() is None  # still finishing the in-flight requests
        statuses = [f.result() for f in futures]
    assert statuses == [200] * IN_FLIGHT
    assert proc.wait(timeout=20) == 0

    log = log_path.read_text()
    assert KEY not in log
    assert "test-key" not in log
    assert "coalition of the willing" not in log.lower()  # no article text
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    requests = [x for x in lines if x.get("event") == "request" and x.get("route") == "/v1/summaries"]
    assert len(requests) == IN_FLIGHT
    for line in requests:
        assert line["status"] == 200
        assert len(line["request_id"]) == 32
        assert line["latency_ms"] >= 1500
        assert line["engine"] == "openai"
        assert line["attempts"] == 1
        assert (line["input_tokens"], line["output_tokens"]) == (100, 50)
        assert line["key_id"].startswith("key_")


@pytest.mark.parametrize("grace_s", [2.0])
def test_sigterm_past_the_grace_answers_problem_json_503_and_exits_0(
    served: Served, fake_llm: FakeLLM, seed_text: str
) -> None:
    """The LLM answers in 60 s, the grace is 2 s: each client gets a whole 503 problem+json."""
    proc, base, log_path = served
    fake_llm.default(ok(GOOD, delay_s=60.0))
    auth = {"authorization": f"Bearer {KEY}"}

    def summarize(i: int) -> httpx2.Response:
        with httpx2.Client(base_url=base, timeout=60) as client:
            body = {"text": seed_text, "title": f"slow article {i}"}
            return client.post("/v1/summaries", json=body, headers=auth)

    with ThreadPoolExecutor(3) as pool:
        futures = [pool.submit(summarize, i) for i in range(3)]
        deadline = time.monotonic() + 10
        while len(fake_llm.calls) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(fake_llm.calls) == 3  # all three are waiting on the LLM
        proc.send_signal(signal.SIGTERM)
        answers = [f.result() for f in futures]
    for answer in answers:
        assert answer.status_code == 503
        assert answer.headers["content-type"] == "application/problem+json"
        assert int(answer.headers["retry-after"]) >= 1
        problem = answer.json()  # a complete body: it parses
        assert problem["type"].endswith("/shutting-down")
        assert problem["status"] == 503
    assert proc.wait(timeout=30) == 0

    log = log_path.read_text()
    assert "Traceback" not in log
    assert "Internal Server Error" not in log
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    requests = [x for x in lines if x.get("event") == "request" and x.get("route") == "/v1/summaries"]
    assert [(x["status"], x.get("problem")) for x in requests] == [(503, "shutting-down")] * 3
    drains = [x for x in lines if x.get("event") == "shutdown_drain"]
    assert [(x["in_flight"], x["grace_s"]) for x in drains] == [(3, 2.0)]
