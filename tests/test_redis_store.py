"""The Redis `JobStore` keeps the same contract as the SQLite one, against a real redis-server."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from service.jobs.model import Delivery, DeliveryAttempt, Job
from service.jobs.queue.redis import encode_job
from service.jobs.store.base import HookClaim, IdempotencyClaim
from service.jobs.store.redis import RedisJobStore

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def client(redis_url: str) -> AsyncIterator[Redis]:
    redis = Redis.from_url(redis_url)
    try:
        yield redis
    finally:
        await redis.aclose()


def _store(redis: Redis, prefix: str, worker: str, lease_s: float = 30.0) -> RedisJobStore:
    return RedisJobStore(
        redis,
        prefix,
        stream=f"{prefix}:queue",
        encode=encode_job,
        idempotency_ttl_s=3600,
        receipt_ttl_s=3600,
        lease_s=lease_s,
        retention_s=3600,
        worker=worker,
    )


@pytest.fixture
def prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}"


def _job(owner: str = "key_a", **kw: object) -> Job:
    return Job(id=f"job_{uuid.uuid4().hex[:24]}", owner=owner, request={"text": "x"}, **kw)  # type: ignore[arg-type]


async def test_submit_is_durable_and_queues_one_message(client: Redis, prefix: str) -> None:
    store = _store(client, prefix, "w1")
    job = _job(callback_url="http://127.0.0.1:9/hook", external_id="post-1")
    submitted = await store.submit(job)
    assert submitted.outcome == "created"
    assert await client.xlen(f"{prefix}:queue") == 1
    stored = await store.get(job.id)
    assert stored is not None
    assert (stored.owner, stored.status, stored.request, stored.callback_url, stored.external_id) == (
        "key_a",
        "queued",
        {"text": "x"},
        "http://127.0.0.1:9/hook",
        "post-1",
    )
    assert stored.created_at == pytest.approx(job.created_at)


async def test_idempotency_same_body_same_job_other_body_conflict(client: Redis, prefix: str) -> None:
    store = _store(client, prefix, "w1")
    first = await store.submit(_job(), idempotency=IdempotencyClaim("key_a", "k1", "fp1"))
    again = await store.submit(_job(), idempotency=IdempotencyClaim("key_a", "k1", "fp1"))
    other = await store.submit(_job(), idempotency=IdempotencyClaim("key_a", "k1", "fp2"))
    elsewhere = await store.submit(_job("key_b"), idempotency=IdempotencyClaim("key_b", "k1", "fp2"))
    assert first.outcome == "created"
    assert again.outcome == "existing"
    assert again.job is not None
    assert first.job is not None
    assert again.job.id == first.job.id
    assert (other.outcome, other.job) == ("conflict", None)
    assert elsewhere.outcome == "created"  # keys belong to their owner
    assert await client.xlen(f"{prefix}:queue") == 2


async def test_webhook_replay_unchanged_content_and_unpublish(client: Redis, prefix: str) -> None:
    store = _store(client, prefix, "w1")
    hook = HookClaim("wordpress", "msg_1", "42", "hash-a")
    made = await store.submit(_job("hook:wordpress", source="wordpress"), hook=hook)
    replay = await store.submit(_job("hook:wordpress", source="wordpress"), hook=hook)
    same = await store.submit(
        _job("hook:wordpress", source="wordpress"), hook=HookClaim("wordpress", "msg_2", "42", "hash-a")
    )
    assert made.outcome == "created"
    assert made.job is not None
    assert replay.outcome == "replayed"
    assert replay.job is not None
    assert replay.job.id == made.job.id
    assert same.outcome == "unchanged"
    assert same.job is not None
    assert same.job.id == made.job.id
    assert (await store.receipt("wordpress", "msg_1")) is not None
    # New content supersedes the queued version.
    newer = await store.submit(
        _job("hook:wordpress", source="wordpress"), hook=HookClaim("wordpress", "msg_3", "42", "hash-b")
    )
    assert newer.outcome == "created"
    assert newer.job is not None
    superseded = await store.get(made.job.id)
    assert superseded is not None
    assert superseded.status == "cancelled"
    removal = await store.remove("wordpress", "42", "msg_4")
    assert (removal.replayed, removal.cancelled) == (False, [newer.job.id])
    cancelled = await store.get(newer.job.id)
    assert cancelled is not None
    assert cancelled.status == "cancelled"
    assert (await store.remove("wordpress", "42", "msg_4")).replayed
    assert (await store.claim_job(newer.job.id))[0] == "final"  # a cancelled job never runs


async def test_leases_one_runner_takeover_after_expiry_and_one_result(client: Redis, prefix: str) -> None:
    first, second = _store(client, prefix, "w1", lease_s=1.0), _store(client, prefix, "w2", lease_s=1.0)
    job = _job(callback_url="http://127.0.0.1:9/hook")
    await first.submit(job)
    outcome, claimed = await first.claim_job(job.id)
    assert outcome == "claimed"
    assert claimed is not None
    assert claimed.runs == 1
    assert (await second.claim_job(job.id))[0] == "busy"
    assert await first.renew([job.id]) == []
    await asyncio.sleep(1.2)  # the first worker "died": its lease runs out
    outcome, taken = await second.claim_job(job.id)
    assert outcome == "claimed"
    assert taken is not None
    assert taken.runs == 2
    assert await first.renew([job.id]) == [job.id]  # no longer the first worker's
    taken.status, taken.digest, taken.finished_at = "succeeded", {"summary": "s"}, 1.0
    delivery = Delivery(id="msg_a", job_id=job.id, url="http://127.0.0.1:9/hook", body=b'{"a": 1}')
    assert await second.finish(taken, delivery)
    late = Delivery(id="msg_b", job_id=job.id, url="http://127.0.0.1:9/hook", body=b"{}")
    claimed.status, claimed.digest = "succeeded", {"summary": "other"}
    assert not await first.finish(claimed, late)  # the first result stays, with its one delivery
    stored = await first.get(job.id)
    assert stored is not None
    assert stored.digest == {"summary": "s"}
    found = await first.delivery_of(job.id)
    assert found is not None
    assert (found.id, found.body, found.state) == ("msg_a", b'{"a": 1}', "pending")
    assert await first.pending_deliveries() == []  # leased to the worker that finished it
    await asyncio.sleep(1.2)  # ... which died: another worker takes the callback over
    taken_over = await first.pending_deliveries()
    assert [d.id for d in taken_over] == ["msg_a"]
    await first.record_attempt("msg_a", DeliveryAttempt(2.0, 204, None, None), "delivered")
    done = await second.delivery_of(job.id)
    assert done is not None
    assert done.state == "delivered"
    assert len(done.attempts) == 1


async def test_release_puts_a_job_back_uncounted_with_a_new_message(client: Redis, prefix: str) -> None:
    store = _store(client, prefix, "w1")
    job = _job()
    await store.submit(job)
    await store.claim_job(job.id)
    await store.release([job.id])
    back = await store.get(job.id)
    assert back is not None
    assert (back.status, back.runs) == ("queued", 0)
    assert await client.xlen(f"{prefix}:queue") == 2
    claimed = await store.claim()
    assert claimed is not None
    assert claimed.id == job.id
