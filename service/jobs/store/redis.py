"""`RedisJobStore`: the `JobStore` of a Redis deployment, shared by every API replica and worker.

Keys (all under `NEWSBRIEF_REDIS_PREFIX`, shown as `P`):

    P:job:<id>              hash: the job's fields; `lease_until`/`worker` while running
    P:jobs:queued           zset: queued job ids by creation time
    P:jobs:running          zset: running job ids by lease expiry
    P:idem:<sha>            "<fingerprint>|<job id>", expires after NEWSBRIEF_IDEMPOTENCY_TTL_S
    P:receipt:<sha>         the job id a webhook-id made ("" for an unpublish), expires after the dedup TTL
    P:item:<sha>            hash: content hash and last job of one CMS item; P:item:<sha>:jobs its live jobs
    P:delivery:<id>         hash: one callback (body, state, lease); P:delivery:<id>:attempts its attempts
    P:deliveries:pending    zset: pending deliveries by lease expiry (0: unleased)
    P:queue                 the task queue's stream (`service.jobs.redis_queue`)

Every step that the contract (`service.jobs.store`) wants atomic is one Lua script:
`submit` checks the webhook receipt, the idempotency key and unchanged content,
supersedes the item's queued jobs, inserts the job **and adds its message to the task
queue's stream**, so a 202 always has a message behind it. `claim_job` leases a job to
one worker (a running job whose lease ran out is taken over: its worker died); `finish`
writes only over a `running` job, so the first result stays and the callback `Delivery`
is created once, with the result. Leases use the Redis server's clock.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable, Collection
from importlib.resources import files
from typing import Any, Literal, cast

import orjson
from redis.asyncio import Redis

from service.jobs.model import Delivery, DeliveryAttempt, DeliveryState, Job
from service.jobs.store.base import HookClaim, IdempotencyClaim, Outcome, Removal, Submission

Claimed = Literal["claimed", "busy", "final", "gone"]
# One Lua script per atomic step, in `lua/<step>.lua` beside this module (package data, so they ship in
# the wheel and the image); each file says what its ARGV are.
_LUA = files("service.jobs.store") / "lua"
_SOURCES = {
    step: (_LUA / f"{step}.lua").read_text(encoding="utf-8")
    for step in (
        "submit",
        "remove",
        "claim",
        "renew",
        "requeue",
        "finish",
        "take_deliveries",
        "renew_deliveries",
        "attempt",
    )
}


def _sha(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:40]


def _fields(values: dict[str, object]) -> bytes:
    """A flat [k, v, ...] JSON list of strings for HSET (None values left out)."""
    flat: list[str] = []
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, dict | list):
            flat += [name, orjson.dumps(value).decode()]
        else:
            flat += [name, value if isinstance(value, str) else repr(value)]
    return orjson.dumps(flat)


def _str(value: object) -> str:
    """A Redis reply value as text (this client answers bytes)."""
    return value.decode() if isinstance(value, bytes) else str(value)


def _text(raw: dict[bytes, bytes], name: str) -> str | None:
    value = raw.get(name.encode())
    return None if value is None else value.decode()


def _float(raw: dict[bytes, bytes], name: str) -> float | None:
    value = raw.get(name.encode())
    return None if value is None else float(value)


def _json(raw: dict[bytes, bytes], name: str) -> Any:
    value = raw.get(name.encode())
    return None if value is None else orjson.loads(value)


def _job(job_id: str, raw: dict[bytes, bytes]) -> Job:
    return Job(
        id=job_id,
        owner=_text(raw, "owner") or "",
        request=_json(raw, "request") or {},
        status=_text(raw, "status") or "queued",  # type: ignore[arg-type]
        callback_url=_text(raw, "callback_url"),
        external_id=_text(raw, "external_id"),
        source=_text(raw, "source"),
        created_at=_float(raw, "created_at") or 0.0,
        started_at=_float(raw, "started_at"),
        finished_at=_float(raw, "finished_at"),
        runs=int(_float(raw, "runs") or 0),
        digest=_json(raw, "digest"),
        problem=_json(raw, "problem"),
    )


class RedisJobStore:
    """The shared `JobStore` (see the module docstring); `encode` makes the queue message of a job id."""

    def __init__(
        self,
        redis: Redis,
        prefix: str,
        *,
        stream: str,
        encode: Callable[[str], bytes],
        idempotency_ttl_s: float,
        receipt_ttl_s: float,
        lease_s: float,
        retention_s: float,
        worker: str | None = None,
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        self.stream = stream
        self.encode = encode
        self.idempotency_ttl_s = round(idempotency_ttl_s)
        self.receipt_ttl_s = round(receipt_ttl_s)
        self.lease_s = lease_s
        self.retention_s = round(retention_s)
        self.worker = worker or f"w-{uuid.uuid4().hex[:12]}"
        self.held_deliveries: set[str] = set()  # callbacks this process is delivering (leases renewed)
        self._scripts: dict[str, Any] = {step: redis.register_script(src) for step, src in _SOURCES.items()}

    async def _script(self, name: str, *args: object) -> Any:
        return await self._scripts[name](keys=[], args=[self.prefix, *args])

    def _key(self, kind: str, *parts: str) -> str:
        return f"{self.prefix}:{kind}:{_sha(*parts)}"

    async def open(self) -> None:
        await self.redis.ping()

    async def close(self) -> None:
        """The client belongs to the runtime."""

    # -- submitting

    async def submit(
        self, job: Job, *, idempotency: IdempotencyClaim | None = None, hook: HookClaim | None = None
    ) -> Submission:
        fields = _fields(
            {
                "owner": job.owner,
                "status": "queued",
                "request": job.request,
                "callback_url": job.callback_url,
                "external_id": job.external_id,
                "source": job.source,
                "created_at": job.created_at,
                "runs": 0,
            }
        )
        outcome, job_id = await self._script(
            "submit",
            job.id,
            fields,
            self._key("idem", idempotency.owner, idempotency.key) if idempotency else "",
            idempotency.fingerprint if idempotency else "",
            self.idempotency_ttl_s,
            self._key("receipt", hook.source, hook.webhook_id) if hook else "",
            self.receipt_ttl_s,
            self._key("item", hook.source, hook.external_id) if hook else "",
            hook.content_hash if hook else "",
            self.stream,
            self.encode(job.id),
            repr(job.created_at),
            self.retention_s,
        )
        result = cast(Outcome, _str(outcome))
        if result == "created":
            return Submission("created", job)
        found = await self.get(_str(job_id)) if job_id else None
        return Submission(result, found)

    async def receipt(self, source: str, webhook_id: str) -> Submission | None:
        seen = await self.redis.get(self._key("receipt", source, webhook_id))
        if seen is None:
            return None
        return Submission("replayed", await self.get(_str(seen)) if seen else None)

    async def remove(self, source: str, external_id: str, webhook_id: str) -> Removal:
        out = await self._script(
            "remove",
            self._key("receipt", source, webhook_id),
            self.receipt_ttl_s,
            self._key("item", source, external_id),
            repr(time.time()),
            self.retention_s,
        )
        if out[0] == 1:
            return Removal(replayed=True, cancelled=[])
        return Removal(replayed=False, cancelled=[_str(i) for i in out[1:]])

    # -- running

    async def get(self, job_id: str) -> Job | None:
        raw: dict[bytes, bytes] = await self.redis.hgetall(f"{self.prefix}:job:{job_id}")  # type: ignore[assignment]
        return _job(job_id, raw) if raw else None

    async def claim_job(self, job_id: str) -> tuple[Claimed, Job | None]:
        """Lease a job to this worker: `claimed` (and the job), `busy` (leased elsewhere), `final`, `gone`."""
        raw = await self._script("claim", job_id, self.worker, self.lease_s, repr(time.time()))
        outcome = cast(Claimed, _str(raw))
        if outcome != "claimed":
            return outcome, None
        return "claimed", await self.get(job_id)

    async def claim(self) -> Job | None:
        for raw in await self.redis.zrange(f"{self.prefix}:jobs:queued", 0, 9):
            outcome, job = await self.claim_job(_str(raw))
            if outcome == "claimed":
                return job
        return None

    async def renew(self, job_ids: list[str]) -> list[str]:
        """Extend this worker's leases; returns the jobs that are no longer running here (cancelled...)."""
        lost: list[str] = []
        if job_ids:
            lost = [_str(i) for i in await self._script("renew", self.worker, self.lease_s, *job_ids)]
        if self.held_deliveries:
            await self._script("renew_deliveries", self.worker, self.lease_s, *self.held_deliveries)
        return lost

    async def requeue_running(self, keep: Collection[str] = ()) -> list[str]:
        """Put back running jobs whose lease ran out (their worker died), each with a new queue message."""
        now = float(time.time())
        expired = await self.redis.zrangebyscore(f"{self.prefix}:jobs:running", "-inf", now, start=0, num=100)
        requeued = []
        for raw in expired:
            job_id = _str(raw)
            if await self._script("requeue", job_id, "", self.stream, self.encode(job_id)):
                requeued.append(job_id)
        return requeued

    async def release(self, job_ids: list[str]) -> None:
        for job_id in job_ids:
            await self._script("requeue", job_id, self.worker, self.stream, self.encode(job_id))

    async def finish(self, job: Job, delivery: Delivery | None) -> bool:
        fields = _fields(
            {
                "status": job.status,
                "finished_at": job.finished_at,
                "digest": job.digest,
                "problem": job.problem,
            }
        )
        delivery_fields = b"[]"
        if delivery is not None:
            delivery_fields = orjson.dumps(
                [
                    "job_id", delivery.job_id, "url", delivery.url, "body", delivery.body.decode(),
                    "state", delivery.state, "created_at", repr(delivery.created_at),
                ]
            )  # fmt: skip
        done = await self._script(
            "finish",
            job.id,
            fields,
            self.retention_s,
            delivery.id if delivery else "",
            delivery_fields,
            self.worker,
            self.lease_s,
        )
        if done and delivery is not None:
            self.held_deliveries.add(delivery.id)
        return bool(done)

    # -- callbacks

    async def _delivery(self, delivery_id: str) -> Delivery | None:
        key = f"{self.prefix}:delivery:{delivery_id}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hgetall(key)
            pipe.lrange(key + ":attempts", 0, -1)
            raw, attempts = await pipe.execute()
        if not raw:
            return None
        return Delivery(
            id=delivery_id,
            job_id=_text(raw, "job_id") or "",
            url=_text(raw, "url") or "",
            body=raw.get(b"body", b""),
            state=_text(raw, "state") or "pending",  # type: ignore[arg-type]
            next_attempt_at=_float(raw, "next_attempt_at"),
            created_at=_float(raw, "created_at") or 0.0,
            attempts=[DeliveryAttempt(*orjson.loads(a)) for a in attempts],
        )

    async def delivery_of(self, job_id: str) -> Delivery | None:
        delivery_id = await self.redis.hget(f"{self.prefix}:job:{job_id}", "delivery")
        return None if delivery_id is None else await self._delivery(_str(delivery_id))

    async def pending_deliveries(self) -> list[Delivery]:
        """Pending callbacks nobody is delivering (their process died), now leased to this one."""
        ids = await self._script("take_deliveries", self.worker, self.lease_s, 100)
        found = []
        for raw in ids:
            delivery = await self._delivery(_str(raw))
            if delivery is not None:
                self.held_deliveries.add(delivery.id)
                found.append(delivery)
        return found

    async def record_attempt(self, delivery_id: str, attempt: DeliveryAttempt, state: DeliveryState) -> None:
        await self._script(
            "attempt",
            delivery_id,
            orjson.dumps([attempt.at, attempt.status_code, attempt.error, attempt.next_attempt_at]),
            state,
            "" if attempt.next_attempt_at is None else repr(attempt.next_attempt_at),
            self.retention_s,
        )
        if state != "pending":
            self.held_deliveries.discard(delivery_id)

    async def release_deliveries(self) -> None:
        """Hand the callbacks this process holds back at once (a graceful stop): any worker takes them."""
        held, self.held_deliveries = self.held_deliveries, set()
        async with self.redis.pipeline(transaction=True) as pipe:
            for delivery_id in held:
                pipe.hset(f"{self.prefix}:delivery:{delivery_id}", "lease_until", "0")
                pipe.zadd(f"{self.prefix}:deliveries:pending", {delivery_id: 0}, xx=True)
            await pipe.execute()

    async def purge(self) -> None:
        """Receipts and idempotency keys expire by themselves (Redis TTLs)."""


__all__ = ["Claimed", "RedisJobStore"]
