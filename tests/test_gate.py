"""The gate over real HTTP: API keys on every /v1 route, rate limits, bounded in-flight requests."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx2
import pytest

from service.ratelimit.base import Decision
from service.ratelimit.memory import MemoryRateLimitStore
from tests.answers import GOOD
from tests.conftest import ServiceFactory
from tests.fakellm import FakeLLM, ok
from tests.test_bad_input import assert_problem

KEY = "k-0123456789-secret"
AUTH = {"authorization": f"Bearer {KEY}"}


def _v1_operations(client: httpx2.Client) -> list[tuple[str, str]]:
    """Every documented /v1 operation that API keys protect, with its path parameters filled in."""
    spec = client.get("/openapi.json").json()
    ops = []
    for path, operations in spec["paths"].items():
        if path.startswith("/v1/") and not path.startswith("/v1/hooks/"):
            concrete = path.replace("{name}", "summarize").replace("{version}", "1").replace("{id}", "x")
            ops += [(method.upper(), concrete) for method in operations]
    return ops


def test_every_v1_route_needs_a_key_and_health_stays_open(service: ServiceFactory, fake_llm: FakeLLM) -> None:
    client = service(api_keys=(KEY, "other-key"))
    operations = _v1_operations(client)
    assert ("POST", "/v1/summaries") in operations
    assert ("GET", "/v1/prompts") in operations
    # Undocumented /v1 paths too: no route (present or future) is reachable without a key.
    for method, path in [*operations, ("GET", "/v1/not-a-route"), ("DELETE", "/v1/summaries")]:
        for headers in ({}, {"authorization": "Bearer wrong"}, {"authorization": f"Basic {KEY}"}):
            r = client.request(method, path, headers=headers, json={"text": "An article."})
            assert_problem(r, 401, "unauthorized")
            assert r.headers["www-authenticate"] == "Bearer"
    for path in ("/healthz", "/readyz", "/metrics"):
        assert client.get(path).status_code == 200
    assert client.get("/v1/prompts", headers=AUTH).status_code == 200
    assert client.get("/v1/prompts", headers={"authorization": "Bearer other-key"}).status_code == 200
    assert fake_llm.calls == []


def test_metrics_can_require_a_key(service: ServiceFactory) -> None:
    client = service(api_keys=(KEY,), metrics_public=False)
    assert_problem(client.get("/metrics"), 401, "unauthorized")
    r = client.get("/metrics", headers=AUTH)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    assert "newsbrief_http_request_duration_seconds" in r.text


def test_rate_limit_per_key_with_headers(service: ServiceFactory) -> None:
    client = service(api_keys=(KEY, "other-key"), rate_limit_per_min=3)
    remaining = []
    for _ in range(3):
        r = client.get("/v1/prompts", headers=AUTH)
        assert r.status_code == 200
        assert r.headers["ratelimit-limit"] == "3"
        assert r.headers["ratelimit-policy"] == "3;w=60"
        assert 0 < int(r.headers["ratelimit-reset"]) <= 60
        remaining.append(int(r.headers["ratelimit-remaining"]))
    assert remaining == [2, 1, 0]
    r = client.get("/v1/prompts", headers=AUTH)
    body = assert_problem(r, 429, "rate-limited")
    assert "3 requests per minute" in body["detail"]
    assert 15 <= int(r.headers["retry-after"]) <= 21  # one request's share of the minute
    assert r.headers["ratelimit-remaining"] == "0"
    # Another key has its own quota; health and metrics are never limited.
    assert client.get("/v1/prompts", headers={"authorization": "Bearer other-key"}).status_code == 200
    assert client.get("/healthz").status_code == 200
    # A refused request spends nothing, and a bad key is refused before the limiter.
    assert_problem(client.get("/v1/prompts", headers=AUTH), 429)
    assert_problem(client.get("/v1/prompts", headers={"authorization": "Bearer nope"}), 401)
    metrics = client.get("/metrics").text
    assert 'newsbrief_rejected_requests_total{reason="rate_limited"} 2.0' in metrics


def test_rate_limit_by_client_ip_without_keys(service: ServiceFactory) -> None:
    client = service(rate_limit_per_min=2)
    assert client.get("/v1/schema").status_code == 200
    assert client.get("/v1/schema").status_code == 200
    assert_problem(client.get("/v1/schema"), 429, "rate-limited")
    assert "ratelimit-limit" not in client.get("/healthz").headers


def test_rate_limit_off(service: ServiceFactory) -> None:
    client = service(rate_limit_per_min=0)
    for _ in range(5):
        r = client.get("/v1/schema")
        assert r.status_code == 200
        assert "ratelimit-limit" not in r.headers


def test_gcra_store_refills_smoothly() -> None:
    now = [100.0]
    store = MemoryRateLimitStore(clock=lambda: now[0])

    def hit(key: str) -> Decision:
        return asyncio.run(store.hit(key, 6, 60.0))

    decisions = [hit("k") for _ in range(7)]
    assert [d.allowed for d in decisions] == [True] * 6 + [False]
    assert [d.remaining for d in decisions[:6]] == [5, 4, 3, 2, 1, 0]
    assert decisions[-1].retry_after_s == pytest.approx(10.0)  # one request per 10 s
    assert decisions[5].reset_s == pytest.approx(60.0)
    now[0] += 10.0
    assert hit("k").allowed
    assert not hit("k").allowed
    now[0] += 60.0
    refilled = hit("k")
    assert refilled.allowed
    assert refilled.remaining == 5
    assert hit("other").remaining == 5


def test_in_flight_bound_answers_a_fast_503(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.default(ok(GOOD, delay_s=3.0))
    client = service(max_in_flight=2, cache_max_entries=0)
    with ThreadPoolExecutor(2) as pool:
        slow = [
            pool.submit(client.post, "/v1/summaries", json={"text": seed_text, "title": str(i)})
            for i in range(2)
        ]
        deadline = time.monotonic() + 5
        while len(fake_llm.calls) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        r = client.post("/v1/summaries", json={"text": seed_text})
        assert not any(f.done() for f in slow)  # refused at once, not queued behind the slow ones
        body = assert_problem(r, 503, "overloaded")
        assert "2 requests" in body["detail"]
        assert r.headers["retry-after"] == "1"
        # Health and metrics are exempt from the bound.
        assert client.get("/healthz").status_code == 200
        metrics = client.get("/metrics").text
        assert "newsbrief_http_requests_in_flight 2.0" in metrics
        assert [f.result().status_code for f in slow] == [200, 200]
    assert len(fake_llm.calls) == 2
    assert client.post("/v1/summaries", json={"text": seed_text}).status_code == 200


def test_openapi_declares_the_gate_answers(service: ServiceFactory) -> None:
    spec = service().get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    summaries = spec["paths"]["/v1/summaries"]["post"]
    assert summaries["security"] == [{"bearer": []}]
    for status in ("401", "413", "415", "422", "429", "502", "503", "504"):
        content = summaries["responses"][status]["content"]
        assert content == {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    assert "429" not in spec["paths"]["/healthz"]["get"]["responses"]


def test_concurrent_good_and_bad_keys(service: ServiceFactory) -> None:
    """Concurrent requests with good and bad keys each get their own verdict."""
    client = service(api_keys=(KEY,))
    results: list[int] = []
    lock = threading.Lock()

    def call(good: bool) -> None:
        r = client.get("/v1/prompts", headers=AUTH if good else {"authorization": "Bearer bad"})
        with lock:
            results.append(r.status_code if good else -r.status_code)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(call, [i % 2 == 0 for i in range(40)]))
    assert sorted(results) == [-401] * 20 + [200] * 20


def test_a_limit_of_one_lets_the_first_request_through_at_any_clock_reading() -> None:
    # at this monotonic reading (t + 60) - 60 > t in floating point: the first request had been
    # refused with a wait of a rounding error (a CI run hit one such reading)
    now = 8191.610680565681
    assert now < (now + 60.0) - 60.0
    store = MemoryRateLimitStore(clock=lambda: now)
    assert store.hit_now("ip:a", 1, 60.0).allowed
    assert not store.hit_now("ip:a", 1, 60.0).allowed
