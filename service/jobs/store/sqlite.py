"""`SqliteJobStore`: the embedded `JobStore`, one SQLite file in WAL mode under the data dir.

Every operation is one short transaction on one connection, run in a worker thread
(`anyio.to_thread`) under a lock, so the event loop never blocks on disk. Commits
are `synchronous=FULL`: a job the API answered 202 for is on disk. One process per
data dir (the embedded mode is one process; scale out with Redis instead).

A full disk (or a disk that fails) is an answer, not a crash: writes raise SQLite's
error, which `service.jobs` turns into a 503 (`storage_problem`), so nothing is
accepted that was not stored; reads keep working. A store that cannot even open (no
room for its `-shm` file) opens on its next use instead, so the service still starts
and serves what needs no job store. `checkpoint` (`PRAGMA wal_checkpoint(TRUNCATE)`,
run by the queue's sweep and at close) moves the write-ahead log into the database and
truncates it, so the log never holds more than one sweep period of writes. `purge`
expires finished jobs after `NEWSBRIEF_JOB_RETENTION_S` with their deliveries; the
idempotency keys and webhook receipts keep their own TTLs.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
import orjson
import structlog

from service.errors import StorageUnavailable
from service.jobs.model import Delivery, DeliveryAttempt, DeliveryState, Job
from service.jobs.store.base import HookClaim, IdempotencyClaim, Outcome, Removal, Submission

T = TypeVar("T")
log = structlog.get_logger("newsbrief.jobs")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, status TEXT NOT NULL, request TEXT NOT NULL,
    callback_url TEXT, external_id TEXT, source TEXT, created_at REAL NOT NULL,
    started_at REAL, finished_at REAL, runs INTEGER NOT NULL DEFAULT 0, digest TEXT, problem TEXT);
CREATE INDEX IF NOT EXISTS jobs_queue ON jobs (status, created_at);
CREATE INDEX IF NOT EXISTS jobs_item ON jobs (source, external_id, status);
CREATE TABLE IF NOT EXISTS idempotency (
    owner TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, job_id TEXT NOT NULL,
    created_at REAL NOT NULL, PRIMARY KEY (owner, key));
CREATE TABLE IF NOT EXISTS hook_receipts (
    source TEXT NOT NULL, webhook_id TEXT NOT NULL, job_id TEXT, received_at REAL NOT NULL,
    PRIMARY KEY (source, webhook_id));
CREATE TABLE IF NOT EXISTS hook_items (
    source TEXT NOT NULL, external_id TEXT NOT NULL, content_hash TEXT NOT NULL, job_id TEXT NOT NULL,
    updated_at REAL NOT NULL, PRIMARY KEY (source, external_id));
CREATE TABLE IF NOT EXISTS deliveries (
    id TEXT PRIMARY KEY, job_id TEXT NOT NULL UNIQUE, url TEXT NOT NULL, body BLOB NOT NULL,
    state TEXT NOT NULL, next_attempt_at REAL, created_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS deliveries_state ON deliveries (state);
CREATE TABLE IF NOT EXISTS delivery_attempts (
    delivery_id TEXT NOT NULL, n INTEGER NOT NULL, at REAL NOT NULL, status_code INTEGER, error TEXT,
    next_attempt_at REAL, PRIMARY KEY (delivery_id, n));
"""
_JOB_COLUMNS = (
    "id, owner, status, request, callback_url, external_id, source, created_at, started_at, "
    "finished_at, runs, digest, problem"
)


def _job(row: sqlite3.Row | tuple[Any, ...]) -> Job:
    (id_, owner, status, request, callback_url, external_id, source, created, started, finished, runs,
     digest, problem) = row  # fmt: skip
    return Job(
        id=id_,
        owner=owner,
        status=status,
        request=orjson.loads(request),
        callback_url=callback_url,
        external_id=external_id,
        source=source,
        created_at=created,
        started_at=started,
        finished_at=finished,
        runs=runs,
        digest=orjson.loads(digest) if digest else None,
        problem=orjson.loads(problem) if problem else None,
    )


def _dump(value: object) -> str | None:
    return None if value is None else orjson.dumps(value).decode()


class SqliteJobStore:
    """The embedded `JobStore` (see `service.jobs.store` for the contract)."""

    def __init__(
        self,
        data_dir: Path,
        *,
        idempotency_ttl_s: float,
        receipt_ttl_s: float,
        retention_s: float = 7 * 24 * 3600.0,
    ) -> None:
        self.path = data_dir / "jobs.sqlite3"
        self.idempotency_ttl_s = idempotency_ttl_s
        self.receipt_ttl_s = receipt_ttl_s
        self.retention_s = retention_s
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._closed = False

    # -- plumbing

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.executescript(_SCHEMA)
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        return conn

    async def open(self) -> None:
        """Open now if possible; a store that cannot open yet (a full disk) opens on first use."""
        from service.jobs.store.base import storage_problem  # noqa: PLC0415 - store imports nothing of ours

        def locked() -> None:
            with self._lock:
                self._open()

        try:
            await anyio.to_thread.run_sync(locked)
        except sqlite3.Error as exc:
            if storage_problem(exc) is None:
                raise
            log.warning("job_store_not_opened", path=str(self.path), error=str(exc)[:200])

    async def close(self) -> None:
        """Checkpoint the write-ahead log into the database (best effort), then close."""
        self._closed = True
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                try:
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                except sqlite3.Error as exc:  # a full disk: the log stays and is replayed at the next open
                    log.warning("wal_checkpoint_failed", error=str(exc)[:200])
                conn.close()

    def _connection(self) -> sqlite3.Connection:
        """The open connection (opened now if start-up could not); called under the lock."""
        if self._conn is not None:
            return self._conn
        if self._closed:
            raise RuntimeError("the job store is closed")
        try:
            return self._open()
        except sqlite3.Error as exc:
            raise StorageUnavailable("the job store cannot be opened now", retry_after_s=30.0) from exc

    def _tx(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = fn(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return result

    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        return await anyio.to_thread.run_sync(self._tx, fn)

    @staticmethod
    def _get(conn: sqlite3.Connection, job_id: str) -> Job | None:
        row = conn.execute(f"SELECT {_JOB_COLUMNS} FROM jobs WHERE id = ?", (job_id,)).fetchone()  # noqa: S608
        return _job(row) if row else None

    # -- submitting

    async def submit(
        self, job: Job, *, idempotency: IdempotencyClaim | None = None, hook: HookClaim | None = None
    ) -> Submission:
        def tx(conn: sqlite3.Connection) -> Submission:
            now = time.time()
            if hook is not None:
                seen = self._receipt(conn, hook.source, hook.webhook_id)
                if seen is not None:
                    return seen
            if idempotency is not None:
                row = conn.execute(
                    "SELECT fingerprint, job_id FROM idempotency "
                    "WHERE owner = ? AND key = ? AND created_at > ?",
                    (idempotency.owner, idempotency.key, now - self.idempotency_ttl_s),
                ).fetchone()
                earlier = self._get(conn, row[1]) if row is not None else None
                if row is not None and earlier is not None:  # a job past retention is gone: a new one
                    if row[0] != idempotency.fingerprint:
                        return Submission("conflict", None)
                    return Submission("existing", earlier)
            if hook is not None:
                unchanged = self._unchanged(conn, hook)
                if unchanged is not None:
                    self._add_receipt(conn, hook.source, hook.webhook_id, unchanged.id)
                    return Submission("unchanged", unchanged)
                # Newer content supersedes a version that has not started yet.
                conn.execute(
                    "UPDATE jobs SET status = 'cancelled', finished_at = ? "
                    "WHERE source = ? AND external_id = ? AND status = 'queued'",
                    (now, hook.source, hook.external_id),
                )
            conn.execute(
                f"INSERT INTO jobs ({_JOB_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
                (
                    job.id,
                    job.owner,
                    job.status,
                    _dump(job.request),
                    job.callback_url,
                    job.external_id,
                    job.source,
                    job.created_at,
                    None,
                    None,
                    0,
                    None,
                    None,
                ),
            )
            if idempotency is not None:
                conn.execute(
                    "INSERT OR REPLACE INTO idempotency VALUES (?, ?, ?, ?, ?)",
                    (idempotency.owner, idempotency.key, idempotency.fingerprint, job.id, now),
                )
            if hook is not None:
                self._add_receipt(conn, hook.source, hook.webhook_id, job.id)
                conn.execute(
                    "INSERT OR REPLACE INTO hook_items VALUES (?, ?, ?, ?, ?)",
                    (hook.source, hook.external_id, hook.content_hash, job.id, now),
                )
            return Submission("created", job)

        return await self._run(tx)

    def _unchanged(self, conn: sqlite3.Connection, hook: HookClaim) -> Job | None:
        row = conn.execute(
            "SELECT content_hash, job_id FROM hook_items WHERE source = ? AND external_id = ?",
            (hook.source, hook.external_id),
        ).fetchone()
        if row is None or row[0] != hook.content_hash:
            return None
        last = self._get(conn, row[1])
        # A failed or cancelled digest is no reason to skip: the same content gets another try.
        return last if last is not None and last.status not in {"failed", "cancelled"} else None

    def _receipt(self, conn: sqlite3.Connection, source: str, webhook_id: str) -> Submission | None:
        row = conn.execute(
            "SELECT job_id FROM hook_receipts WHERE source = ? AND webhook_id = ? AND received_at > ?",
            (source, webhook_id, time.time() - self.receipt_ttl_s),
        ).fetchone()
        if row is None:
            return None
        outcome: Outcome = "replayed"
        return Submission(outcome, self._get(conn, row[0]) if row[0] else None)

    @staticmethod
    def _add_receipt(conn: sqlite3.Connection, source: str, webhook_id: str, job_id: str | None) -> None:
        conn.execute(
            "INSERT OR REPLACE INTO hook_receipts VALUES (?, ?, ?, ?)",
            (source, webhook_id, job_id, time.time()),
        )

    async def receipt(self, source: str, webhook_id: str) -> Submission | None:
        return await self._run(lambda conn: self._receipt(conn, source, webhook_id))

    async def remove(self, source: str, external_id: str, webhook_id: str) -> Removal:
        def tx(conn: sqlite3.Connection) -> Removal:
            if self._receipt(conn, source, webhook_id) is not None:
                return Removal(replayed=True, cancelled=[])
            rows = conn.execute(
                "UPDATE jobs SET status = 'cancelled', finished_at = ? WHERE source = ? AND external_id = ? "
                "AND status IN ('queued', 'running') RETURNING id",
                (time.time(), source, external_id),
            ).fetchall()
            conn.execute("DELETE FROM hook_items WHERE source = ? AND external_id = ?", (source, external_id))
            self._add_receipt(conn, source, webhook_id, None)
            return Removal(replayed=False, cancelled=[r[0] for r in rows])

        return await self._run(tx)

    # -- running

    async def get(self, job_id: str) -> Job | None:
        return await self._run(lambda conn: self._get(conn, job_id))

    async def claim(self) -> Job | None:
        def tx(conn: sqlite3.Connection) -> Job | None:
            row = conn.execute(
                "UPDATE jobs SET status = 'running', started_at = ?, runs = runs + 1 WHERE id = "  # noqa: S608
                "(SELECT id FROM jobs WHERE status = 'queued' ORDER BY created_at LIMIT 1) "
                f"RETURNING {_JOB_COLUMNS}",
                (time.time(),),
            ).fetchone()
            return _job(row) if row else None

        return await self._run(tx)

    async def requeue_running(self, keep: Collection[str] = ()) -> list[str]:
        """Running jobs that no task of this process runs go back to the queue (one process per data dir)."""
        kept = sorted(keep)

        def tx(conn: sqlite3.Connection) -> list[str]:
            marks = ", ".join("?" * len(kept))
            rows = conn.execute(
                "UPDATE jobs SET status = 'queued' "  # noqa: S608 - placeholders only
                f"WHERE status = 'running' AND id NOT IN ({marks}) RETURNING id",
                kept,
            ).fetchall()
            return [r[0] for r in rows]

        return await self._run(tx)

    async def release(self, job_ids: list[str]) -> None:
        def tx(conn: sqlite3.Connection) -> None:
            conn.executemany(
                "UPDATE jobs SET status = 'queued', runs = MAX(runs - 1, 0) "
                "WHERE id = ? AND status = 'running'",
                [(job_id,) for job_id in job_ids],
            )

        await self._run(tx)

    async def finish(self, job: Job, delivery: Delivery | None) -> bool:
        def tx(conn: sqlite3.Connection) -> bool:
            cur = conn.execute(
                "UPDATE jobs SET status = ?, finished_at = ?, digest = ?, problem = ? "
                "WHERE id = ? AND status = 'running'",
                (job.status, job.finished_at, _dump(job.digest), _dump(job.problem), job.id),
            )
            if cur.rowcount != 1:
                return False
            if delivery is not None:
                conn.execute(
                    "INSERT OR IGNORE INTO deliveries VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        delivery.id,
                        delivery.job_id,
                        delivery.url,
                        delivery.body,
                        delivery.state,
                        delivery.next_attempt_at,
                        delivery.created_at,
                    ),
                )
            return True

        return await self._run(tx)

    # -- callbacks

    @staticmethod
    def _deliveries(conn: sqlite3.Connection, where: str, args: tuple[object, ...]) -> list[Delivery]:
        rows = conn.execute(
            "SELECT id, job_id, url, body, state, next_attempt_at, created_at FROM deliveries "  # noqa: S608
            f"WHERE {where} ORDER BY created_at",
            args,
        ).fetchall()
        out = []
        for id_, job_id, url, body, state, next_at, created in rows:
            attempts = [
                DeliveryAttempt(*a)
                for a in conn.execute(
                    "SELECT at, status_code, error, next_attempt_at FROM delivery_attempts "
                    "WHERE delivery_id = ? ORDER BY n",
                    (id_,),
                )
            ]
            out.append(Delivery(id_, job_id, url, bytes(body), state, next_at, created, attempts))
        return out

    async def delivery_of(self, job_id: str) -> Delivery | None:
        found = await self._run(lambda conn: self._deliveries(conn, "job_id = ?", (job_id,)))
        return found[0] if found else None

    async def pending_deliveries(self) -> list[Delivery]:
        return await self._run(lambda conn: self._deliveries(conn, "state = 'pending'", ()))

    async def record_attempt(self, delivery_id: str, attempt: DeliveryAttempt, state: DeliveryState) -> None:
        def tx(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO delivery_attempts VALUES (?, "
                "(SELECT COUNT(*) FROM delivery_attempts WHERE delivery_id = ?), ?, ?, ?, ?)",
                (
                    delivery_id,
                    delivery_id,
                    attempt.at,
                    attempt.status_code,
                    attempt.error,
                    attempt.next_attempt_at,
                ),
            )
            conn.execute(
                "UPDATE deliveries SET state = ?, next_attempt_at = ? WHERE id = ?",
                (state, attempt.next_attempt_at, delivery_id),
            )

        await self._run(tx)

    async def purge(self) -> None:
        """Expire idempotency keys, webhook receipts and finished jobs (with their callbacks)."""

        def tx(conn: sqlite3.Connection) -> int:
            now = time.time()
            conn.execute("DELETE FROM idempotency WHERE created_at <= ?", (now - self.idempotency_ttl_s,))
            conn.execute("DELETE FROM hook_receipts WHERE received_at <= ?", (now - self.receipt_ttl_s,))
            expired = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM jobs WHERE status IN ('succeeded', 'failed', 'cancelled') "
                    "AND finished_at <= ? LIMIT 10000",
                    (now - self.retention_s,),
                )
            ]
            conn.executemany(
                "DELETE FROM delivery_attempts WHERE delivery_id IN "
                "(SELECT id FROM deliveries WHERE job_id = ?)",
                [(job_id,) for job_id in expired],
            )
            for table in ("deliveries", "hook_items"):
                conn.executemany(
                    f"DELETE FROM {table} WHERE job_id = ?",  # noqa: S608 - table names are ours
                    [(job_id,) for job_id in expired],
                )
            conn.executemany("DELETE FROM jobs WHERE id = ?", [(job_id,) for job_id in expired])
            return len(expired)

        expired = await self._run(tx)
        if expired:
            log.info("jobs_expired", count=expired, retention_s=self.retention_s)
        await self.checkpoint()

    async def checkpoint(self) -> None:
        """`PRAGMA wal_checkpoint(TRUNCATE)`: the log into the database, the log file back to 0 bytes."""

        def locked() -> None:
            with self._lock:
                self._connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")

        await anyio.to_thread.run_sync(locked)
