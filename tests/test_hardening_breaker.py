"""The circuit breaker: its state machine with a fake clock, then open -> half-open -> closed over HTTP."""

from __future__ import annotations

import time

import httpx2
import pytest

from service.errors import CircuitOpen
from service.llm.breaker import CircuitBreaker, State
from tests.answers import GOOD
from tests.conftest import ServiceFactory
from tests.fakellm import FakeLLM, error, ok, reset, server_error
from tests.test_bad_input import assert_problem


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_state_machine() -> None:
    clock = Clock()
    changes: list[State] = []
    breaker = CircuitBreaker(3, 30.0, clock=clock, on_change=changes.append)
    for _ in range(2):
        assert breaker.admit() is False
        breaker.record(False, probe=False)
    breaker.record(True, probe=False)  # a success breaks the streak
    for _ in range(3):
        breaker.admit()
        breaker.record(False, probe=False)
    assert breaker.state == "open"
    clock.now += 10
    with pytest.raises(CircuitOpen) as refused:
        breaker.admit()
    assert refused.value.retry_after_s == pytest.approx(20.0)
    breaker.record(True, probe=False)  # a late success of an older call does not close it
    assert breaker.state == "open"
    clock.now += 20
    state: str = breaker.state  # the clock alone moved it
    assert state == "half_open"
    assert breaker.admit() is True  # the probe
    with pytest.raises(CircuitOpen):
        breaker.admit()  # one probe at a time
    breaker.record(False, probe=True)  # probe failed: open for another cool-down
    assert breaker.state == "open"
    clock.now += 30
    assert breaker.admit() is True
    breaker.abandon(probe=True)  # cancelled probe: the next caller probes instead
    assert breaker.admit() is True
    breaker.record(True, probe=True)
    final: str = breaker.state
    assert final == "closed"
    expected: list[State] = ["open", "half_open", "open", "half_open", "closed"]
    assert changes == expected


def _readyz_circuit(client: httpx2.Client) -> str:
    r = client.get("/readyz")
    assert r.status_code == 200  # an open circuit does not take the replica out of rotation
    circuit: str = r.json()["circuit"]
    return circuit


def test_open_half_open_closed_over_http(service: ServiceFactory, fake_llm: FakeLLM, seed_text: str) -> None:
    client = service(breaker_failures=3, breaker_cooldown_s=1.5, llm_max_attempts=1, cache_max_entries=0)
    body = {"text": seed_text}
    fake_llm.default(server_error(500))
    for _ in range(3):
        assert_problem(client.post("/v1/summaries", json=body), 502, "llm-failed")
    assert _readyz_circuit(client) == "open"
    calls = len(fake_llm.calls)
    r = client.post("/v1/summaries", json=body)
    problem = assert_problem(r, 503, "circuit-open")
    assert r.headers["retry-after"] == "2"  # the rest of the 1.5 s cool-down, rounded up
    assert "after 3 consecutive LLM failures" in problem["detail"]
    assert len(fake_llm.calls) == calls  # no upstream call while open
    metrics = client.get("/metrics").text
    assert 'newsbrief_circuit_state{state="open"} 1.0' in metrics
    assert 'newsbrief_llm_attempts_total{outcome="circuit_open"} 1.0' in metrics
    assert 'newsbrief_llm_attempts_total{outcome="server_error"} 3.0' in metrics

    time.sleep(1.6)
    assert _readyz_circuit(client) == "half_open"
    fake_llm.default(reset())  # the probe fails: open again
    assert_problem(client.post("/v1/summaries", json=body), 503, "llm-unavailable")
    assert len(fake_llm.calls) == calls + 1
    assert _readyz_circuit(client) == "open"
    assert_problem(client.post("/v1/summaries", json=body), 503, "circuit-open")

    time.sleep(1.6)
    fake_llm.default(ok(GOOD))  # the probe succeeds: closed
    assert client.post("/v1/summaries", json=body).status_code == 200
    assert _readyz_circuit(client) == "closed"
    assert client.post("/v1/summaries", json=body).status_code == 200
    metrics = client.get("/metrics").text
    assert 'newsbrief_circuit_state{state="closed"} 1.0' in metrics
    assert 'newsbrief_circuit_transitions_total{state="open"} 2.0' in metrics
    assert 'newsbrief_circuit_transitions_total{state="closed"} 1.0' in metrics


def test_client_errors_do_not_open_the_circuit(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    client = service(breaker_failures=2, llm_max_attempts=1, cache_max_entries=0)
    fake_llm.default(error(400, message="bad request"))
    for _ in range(4):
        assert_problem(client.post("/v1/summaries", json={"text": seed_text}), 502, "llm-failed")
    assert _readyz_circuit(client) == "closed"
    assert len(fake_llm.calls) == 4


def test_a_call_counts_once_however_many_attempts_failed(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    """Each call whose retries are used up is one failure; the open circuit then stops the next call."""
    client = service(breaker_failures=2, llm_max_attempts=3, cache_max_entries=0)
    fake_llm.default(server_error(503))
    assert_problem(client.post("/v1/summaries", json={"text": seed_text}), 503, "llm-unavailable")
    assert len(fake_llm.calls) == 3
    assert _readyz_circuit(client) == "closed"  # 3 failed attempts, 1 failed call
    assert_problem(client.post("/v1/summaries", json={"text": seed_text + " 2"}), 503, "llm-unavailable")
    assert len(fake_llm.calls) == 6
    assert _readyz_circuit(client) == "open"
    assert_problem(client.post("/v1/summaries", json={"text": seed_text + " 3"}), 503, "circuit-open")
    assert len(fake_llm.calls) == 6


def test_failures_that_retries_recover_keep_the_circuit_closed(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    """A flaky upstream: many failed attempts in a row, but every call succeeds on a retry."""
    client = service(breaker_failures=2, llm_max_attempts=3, cache_max_entries=0)
    for i in range(4):
        fake_llm.script(server_error(500), reset(), ok(GOOD))
        r = client.post("/v1/summaries", json={"text": f"{seed_text} {i}"})
        assert r.status_code == 200, r.text
    assert len(fake_llm.calls) == 12
    assert _readyz_circuit(client) == "closed"


def test_open_circuit_degrades_to_the_extractive_digest(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    client = service(breaker_failures=1, llm_max_attempts=1, cache_max_entries=0, on_llm_failure="degrade")
    fake_llm.default(server_error(500))
    first = client.post("/v1/summaries", json={"text": seed_text})
    assert first.status_code == 200
    assert first.json()["provenance"]["degraded"] is True
    calls = len(fake_llm.calls)
    r = client.post("/v1/summaries", json={"text": seed_text})
    assert r.status_code == 200
    digest = r.json()
    assert digest["provenance"]["degraded"] is True
    assert digest["provenance"]["engine"] == "extractive"
    assert any("circuit" in w for w in digest["warnings"])
    assert len(fake_llm.calls) == calls
    assert 'newsbrief_degraded_total{reason="llm_failure"} 2.0' in client.get("/metrics").text
