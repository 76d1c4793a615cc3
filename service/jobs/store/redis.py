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
from typing import Any, Literal, cast

import orjson
from redis.asyncio import Redis

from service.jobs.model import Delivery, DeliveryAttempt, DeliveryState, Job
from service.jobs.store.base import HookClaim, IdempotencyClaim, Outcome, Removal, Submission

Claimed = Literal["claimed", "busy", "final", "gone"]
_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
"""

# ARGV: prefix, job id, fields (JSON list k, v, ...), idem key, idem fingerprint, idem ttl,
# receipt key, receipt ttl, item key, content hash, stream, message, created_at, retention s
_SUBMIT = """
local P, job_id = ARGV[1], ARGV[2]
local idem, fp, receipt, item, content = ARGV[4], ARGV[5], ARGV[7], ARGV[9], ARGV[10]
if receipt ~= '' then
  local seen = redis.call('GET', receipt)
  if seen then return {'replayed', seen} end
end
if idem ~= '' then
  local v = redis.call('GET', idem)
  if v then
    local sep = string.find(v, '|', 1, true)
    if string.sub(v, 1, sep - 1) ~= fp then return {'conflict', ''} end
    return {'existing', string.sub(v, sep + 1)}
  end
end
if item ~= '' then
  local last = redis.call('HMGET', item, 'content_hash', 'job_id')
  if last[1] == content and last[2] then
    local status = redis.call('HGET', P .. ':job:' .. last[2], 'status')
    if status and status ~= 'failed' and status ~= 'cancelled' then
      redis.call('SET', receipt, last[2], 'EX', ARGV[8])
      return {'unchanged', last[2]}
    end
  end
  for _, old in ipairs(redis.call('SMEMBERS', item .. ':jobs')) do
    local key = P .. ':job:' .. old
    local status = redis.call('HGET', key, 'status')
    if status == 'queued' then  -- newer content supersedes a version that has not started yet
      redis.call('HSET', key, 'status', 'cancelled', 'finished_at', ARGV[13])
      redis.call('EXPIRE', key, ARGV[14])
      redis.call('ZREM', P .. ':jobs:queued', old)
      redis.call('SREM', item .. ':jobs', old)
    elseif status ~= 'running' then
      redis.call('SREM', item .. ':jobs', old)
    end
  end
end
redis.call('HSET', P .. ':job:' .. job_id, unpack(cjson.decode(ARGV[3])))
redis.call('ZADD', P .. ':jobs:queued', ARGV[13], job_id)
if idem ~= '' then redis.call('SET', idem, fp .. '|' .. job_id, 'EX', ARGV[6]) end
if receipt ~= '' then redis.call('SET', receipt, job_id, 'EX', ARGV[8]) end
if item ~= '' then
  redis.call('HSET', item, 'content_hash', content, 'job_id', job_id)
  redis.call('SADD', item .. ':jobs', job_id)
end
redis.call('XADD', ARGV[11], '*', 'data', ARGV[12])
return {'created', job_id}
"""

# ARGV: prefix, receipt key, receipt ttl, item key, finished_at, retention s
_REMOVE = """
local P, receipt, item = ARGV[1], ARGV[2], ARGV[4]
if redis.call('EXISTS', receipt) == 1 then return {1} end
local out = {0}
for _, id in ipairs(redis.call('SMEMBERS', item .. ':jobs')) do
  local key = P .. ':job:' .. id
  local status = redis.call('HGET', key, 'status')
  if status == 'queued' or status == 'running' then
    redis.call('HSET', key, 'status', 'cancelled', 'finished_at', ARGV[5])
    redis.call('EXPIRE', key, ARGV[6])
    redis.call('ZREM', P .. ':jobs:queued', id)
    redis.call('ZREM', P .. ':jobs:running', id)
    table.insert(out, id)
  end
end
redis.call('DEL', item, item .. ':jobs')
redis.call('SET', receipt, '', 'EX', ARGV[3])
return out
"""

# ARGV: prefix, job id, worker, lease s, started_at
_CLAIM = (
    _NOW
    + """
local P, id = ARGV[1], ARGV[2]
local key = P .. ':job:' .. id
local status = redis.call('HGET', key, 'status')
if not status then return 'gone' end
if status == 'running' then
  if tonumber(redis.call('HGET', key, 'lease_until') or '0') > now then return 'busy' end
elseif status ~= 'queued' then
  return 'final'
end
local lease = now + tonumber(ARGV[4])
redis.call('HSET', key, 'status', 'running', 'started_at', ARGV[5], 'worker', ARGV[3], 'lease_until', lease)
redis.call('HINCRBY', key, 'runs', 1)
redis.call('ZREM', P .. ':jobs:queued', id)
redis.call('ZADD', P .. ':jobs:running', lease, id)
return 'claimed'
"""
)

# ARGV: prefix, worker, lease s, job ids... -> the ids that are no longer running here
_RENEW = (
    _NOW
    + """
local P, lease = ARGV[1], now + tonumber(ARGV[3])
local lost = {}
for i = 4, #ARGV do
  local key = P .. ':job:' .. ARGV[i]
  local state = redis.call('HMGET', key, 'status', 'worker')
  if state[1] == 'running' and state[2] == ARGV[2] then
    redis.call('HSET', key, 'lease_until', lease)
    redis.call('ZADD', P .. ':jobs:running', lease, ARGV[i])
  else
    table.insert(lost, ARGV[i])
  end
end
return lost
"""
)

# ARGV: prefix, job id, worker ('' = any whose lease expired), stream, message
_REQUEUE = (
    _NOW
    + """
local P, id = ARGV[1], ARGV[2]
local key = P .. ':job:' .. id
local state = redis.call('HMGET', key, 'status', 'worker', 'lease_until', 'runs', 'created_at')
if state[1] ~= 'running' then return 0 end
if ARGV[3] == '' then
  if tonumber(state[3] or '0') > now then return 0 end
elseif state[2] ~= ARGV[3] then
  return 0
else
  redis.call('HSET', key, 'runs', math.max(tonumber(state[4] or '1') - 1, 0))  -- a stop on purpose
end
redis.call('HSET', key, 'status', 'queued')
redis.call('HDEL', key, 'worker', 'lease_until')
redis.call('ZREM', P .. ':jobs:running', id)
redis.call('ZADD', P .. ':jobs:queued', state[5], id)
redis.call('XADD', ARGV[4], '*', 'data', ARGV[5])
return 1
"""
)

# ARGV: prefix, job id, fields JSON, retention s, delivery id ('' = none), delivery fields JSON,
# worker, lease s
_FINISH = (
    _NOW
    + """
local P, id = ARGV[1], ARGV[2]
local key = P .. ':job:' .. id
if redis.call('HGET', key, 'status') ~= 'running' then return 0 end
redis.call('HSET', key, unpack(cjson.decode(ARGV[3])))
redis.call('HDEL', key, 'worker', 'lease_until')
redis.call('ZREM', P .. ':jobs:running', id)
redis.call('EXPIRE', key, ARGV[4])
if ARGV[5] ~= '' then
  local dkey = P .. ':delivery:' .. ARGV[5]
  local lease = now + tonumber(ARGV[8])
  redis.call('HSET', dkey, unpack(cjson.decode(ARGV[6])))
  redis.call('HSET', dkey, 'holder', ARGV[7], 'lease_until', lease)
  redis.call('HSET', key, 'delivery', ARGV[5])
  redis.call('ZADD', P .. ':deliveries:pending', lease, ARGV[5])
end
return 1
"""
)

# ARGV: prefix, worker, lease s, max -> ids of pending deliveries whose lease ran out, now leased here
_TAKE_DELIVERIES = (
    _NOW
    + """
local P, lease = ARGV[1], now + tonumber(ARGV[3])
local pending = P .. ':deliveries:pending'
local ids = redis.call('ZRANGEBYSCORE', pending, '-inf', now, 'LIMIT', 0, tonumber(ARGV[4]))
for _, id in ipairs(ids) do
  redis.call('HSET', P .. ':delivery:' .. id, 'holder', ARGV[2], 'lease_until', lease)
  redis.call('ZADD', P .. ':deliveries:pending', lease, id)
end
return ids
"""
)

# ARGV: prefix, worker, lease s, delivery ids...
_RENEW_DELIVERIES = (
    _NOW
    + """
local P, lease = ARGV[1], now + tonumber(ARGV[3])
for i = 4, #ARGV do
  local key = P .. ':delivery:' .. ARGV[i]
  if redis.call('HGET', key, 'holder') == ARGV[2] and redis.call('HGET', key, 'state') == 'pending' then
    redis.call('HSET', key, 'lease_until', lease)
    redis.call('ZADD', P .. ':deliveries:pending', lease, ARGV[i])
  end
end
return 1
"""
)

# ARGV: prefix, delivery id, attempt JSON, state, next_attempt_at ('' = none), retention s
_ATTEMPT = """
local P, id = ARGV[1], ARGV[2]
local key = P .. ':delivery:' .. id
redis.call('RPUSH', key .. ':attempts', ARGV[3])
redis.call('HSET', key, 'state', ARGV[4])
if ARGV[5] == '' then redis.call('HDEL', key, 'next_attempt_at') else
  redis.call('HSET', key, 'next_attempt_at', ARGV[5]) end
if ARGV[4] ~= 'pending' then
  redis.call('ZREM', P .. ':deliveries:pending', id)
  redis.call('EXPIRE', key, ARGV[6])
  redis.call('EXPIRE', key .. ':attempts', ARGV[6])
end
return 1
"""


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
        self._scripts: dict[str, Any] = {
            name: redis.register_script(source)
            for name, source in {
                "submit": _SUBMIT,
                "remove": _REMOVE,
                "claim": _CLAIM,
                "renew": _RENEW,
                "requeue": _REQUEUE,
                "finish": _FINISH,
                "take_deliveries": _TAKE_DELIVERIES,
                "renew_deliveries": _RENEW_DELIVERIES,
                "attempt": _ATTEMPT,
            }.items()
        }

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
