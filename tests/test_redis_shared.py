"""Shared state across real API processes: rate limits, the LLM budget, job ownership; limiter units."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
from redis.asyncio import Redis

from service.llm.quota.base import Ticket, UpstreamLimiter, acquire
from service.llm.quota.memory import MemoryLimiter
from service.llm.quota.redis import RedisLimiter
from tests.answers import GOOD
from tests.conftest import ServiceFactory
from tests.fakellm import FakeLLM, ok
from tests.test_durability import V1
from tests.test_redis_scale import Deployment, _article, redis_env


def test_rate_limit_is_one_quota_across_two_api_processes(
    tmp_path: Path, redis_url: str, fake_llm: FakeLLM
) -> None:
    env = redis_env(redis_url, fake_llm, tmp_path / "data", NEWSBRIEF_RATE_LIMIT_PER_MIN="6")
    deployment = Deployment(tmp_path, env)
    try:
        apis = [deployment.api(), deployment.api()]
        statuses = [httpx2.get(apis[n % 2].url + "/v1/prompts", timeout=5).status_code for n in range(9)]
        assert statuses == [200] * 6 + [429] * 3  # one bucket of 6 per minute, whichever replica
        refused = httpx2.get(apis[0].url + "/v1/prompts", timeout=5)
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert int(refused.headers["retry-after"]) >= 1
    finally:
        deployment.stop()


def test_llm_rpm_holds_across_two_api_processes(
    tmp_path: Path, redis_url: str, fake_llm: FakeLLM, seed_text: str
) -> None:
    rpm, window_s, requests, transit_s = 4, 3.0, 12, 1.0
    fake_llm.default(ok(GOOD, delay_s=0.05))
    env = redis_env(
        redis_url,
        fake_llm,
        tmp_path / "data",
        NEWSBRIEF_LLM_RPM=str(rpm),
        NEWSBRIEF_LLM_BUDGET_WINDOW_S=str(window_s),
        NEWSBRIEF_RATE_LIMIT_PER_MIN="0",
    )
    deployment = Deployment(tmp_path, env)
    try:
        apis = [deployment.api(), deployment.api()]

        def summarize(n: int) -> int:
            body = {"text": _article(seed_text, n), "prompt": V1}
            return httpx2.post(apis[n % 2].url + "/v1/summaries", json=body, timeout=60).status_code

        started = time.monotonic()
        with ThreadPoolExecutor(requests) as pool:
            statuses = list(pool.map(summarize, range(requests)))
        elapsed_s = time.monotonic() - started
    finally:
        deployment.stop()
    assert statuses == [200] * requests  # waited for the budget, within the deadline
    times = sorted(c.t for c in fake_llm.calls)
    assert len(times) == requests
    # Admission is on the Redis clock, arrival at the fake LLM on ours. A request admitted at a
    # then arrives within [a, a + transit_s], so arrivals inside any (window - transit) interval were
    # admitted inside one window and are at most rpm. A loaded 2-core CI machine delayed one
    # request by more than 300 ms, so allow a second; without the limiter all 12 would arrive
    # within ~0.1 s and the check still tells.
    busiest = max(sum(1 for u in times if t <= u < t + window_s - transit_s) for t in times)
    assert busiest <= rpm
    assert elapsed_s >= (requests / rpm - 1) * window_s - 0.1


def test_budget_spent_past_the_deadline_is_503_with_retry_after(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.default(ok(GOOD))
    client = service(llm_rpm=1, llm_budget_window_s=30.0, deadline_s=1.0)  # embedded limiter, no Redis
    assert client.post("/v1/summaries", json={"text": seed_text, "prompt": V1}).status_code == 200
    refused = client.post("/v1/summaries", json={"text": seed_text + " More.", "prompt": V1})
    assert refused.status_code == 503
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert int(refused.headers["retry-after"]) >= 25
    assert "budget" in refused.json()["detail"]
    assert len(fake_llm.calls) == 1


def test_jobs_belong_to_their_key_in_redis_mode(service: ServiceFactory, redis_url: str) -> None:
    client = service(redis_url=redis_url, redis_prefix="owners", api_keys="alpha,beta")
    made = client.post(
        "/v1/jobs", json={"text": "An article.", "prompt": V1}, headers={"Authorization": "Bearer alpha"}
    )
    assert made.status_code == 202
    location = made.headers["location"]
    assert client.get(location, headers={"Authorization": "Bearer alpha"}).json()["status"] == "queued"
    assert client.get(location, headers={"Authorization": "Bearer beta"}).status_code == 404


async def _drive(limiter: UpstreamLimiter) -> list[float]:
    """Admissions of 5 attempts of 40 tokens under 100 tokens per 0.5 s: two at once, then waits."""
    started = time.monotonic()
    admitted = []
    for _ in range(5):
        ticket = await acquire(limiter, 40, time.monotonic() + 5)
        admitted.append(time.monotonic() - started)
        await limiter.settle(ticket, 40)
    return admitted


def test_token_budget_memory_and_redis_agree(redis_url: str) -> None:
    async def both() -> tuple[list[float], list[float]]:
        redis = Redis.from_url(redis_url)
        try:
            shared = RedisLimiter(redis, "tpm-test", rpm=0, tpm=100, window_s=0.5)
            return await _drive(MemoryLimiter(0, 100, 0.5)), await _drive(shared)
        finally:
            await redis.aclose()

    for admitted in asyncio.run(both()):
        assert admitted[1] < 0.1  # 80 tokens fit in one window
        assert 0.45 <= admitted[2] < 0.8  # the third waits until the first leaves the window
        assert admitted[4] >= 0.95


def test_settle_replaces_the_estimate_with_the_reported_usage() -> None:
    async def run() -> tuple[float, float]:
        limiter = MemoryLimiter(0, 100, 10.0)
        ticket = await acquire(limiter, 90, time.monotonic() + 1)  # estimated 90 tokens
        before = await limiter.try_acquire(Ticket("probe", 80))  # 90 + 80 > 100: must wait
        await limiter.settle(ticket, 20)  # the provider counted 20
        return before, await limiter.try_acquire(Ticket("next", 80))  # 20 + 80 fit

    before, after = asyncio.run(run())
    assert before > 9.0
    assert after == 0.0
