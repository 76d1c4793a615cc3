"""Chaos run of a Redis deployment: Redis restarts and a worker killed under a steady job load.

    .venv/bin/python bench/chaos.py --duration-s 60 --rate 8 --out bench/results/chaos.json

Starts a private `redis-server` (append-only file, synced on every write, as a production
Redis keeps jobs), the fake LLM (`bench/fake_llm.py`), 2 `newsbrief serve` and 2
`newsbrief worker` processes, and submits jobs at `--rate` per second for `--duration-s`,
alternating between the two APIs. Meanwhile it stops Redis for `--redis-down-s` twice (at
20% and 70% of the run) and SIGKILLs a worker at 45% (a new one starts a second later).
Then it waits for every accepted job to be final and counts:

* `lost`: accepted (202) but unknown afterwards (404),
* `stuck`: accepted and still `queued`/`running` after `--settle-s`,
* `wrongly_failed`: `failed` although the fake LLM never fails,
* submissions refused with a 503 problem (the store was down: nothing accepted), and any
  other answer (a 500 is a defect),
* tracebacks in the workers' logs.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
from procs import BIN, ROOT, Proc, free_port, http_json, service_env, start_fake, start_service

SEED = ROOT / "seeds" / "coalition-of-the-willing.txt"


class Redis:
    """A redis-server on a fixed port that can be stopped and started again (append-only, fsync always)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir, self.port = workdir, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("redis-server is not installed")
        args = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes"]
        args += ["--appendfsync", "always", "--dir", str(self.workdir), "--loglevel", "warning"]
        self.proc = subprocess.Popen([binary, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while (
            subprocess.run(
                ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, check=False
            ).stdout.strip()
            != b"PONG"
        ):
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
            self.proc = None


def _worker(n: int, env: dict[str, str], tmp: Path) -> Proc:
    return Proc(
        f"worker{n}", [str(BIN / "newsbrief"), "worker"], log=tmp / f"worker{n}.log", env=env, cwd=tmp
    )


def main() -> None:  # noqa: PLR0915 - one linear script
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration-s", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=8.0, help="job submissions per second")
    parser.add_argument("--redis-down-s", type=float, default=3.0)
    parser.add_argument("--settle-s", type=float, default=90.0)
    parser.add_argument("--latency-ms", type=float, default=300.0, help="the fake LLM's answer time")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "chaos.json")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="newsbrief-chaos-"))
    seed = SEED.read_text(encoding="utf-8")
    redis = Redis(tmp)
    redis.start()
    fake_port = free_port()
    procs: list[Proc] = [start_fake(fake_port, log=tmp / "fake.log", cpus=None, latency_ms=args.latency_ms)]
    env = service_env(
        fake_port,
        NEWSBRIEF_REDIS_URL=redis.url,
        NEWSBRIEF_REDIS_PREFIX="chaos",
        NEWSBRIEF_JOB_LEASE_S="5",
        NEWSBRIEF_JOB_CONCURRENCY="8",
        NEWSBRIEF_RATE_LIMIT_PER_MIN="0",
        NEWSBRIEF_GROUNDING_WORKERS="0",
        NEWSBRIEF_LOG_LEVEL="info",
    )
    events: list[dict[str, Any]] = []
    submissions: list[tuple[float, int, str | None, str]] = []  # (t, status, job id, problem type)
    started = time.monotonic()

    def event(what: str) -> None:
        events.append({"t_s": round(time.monotonic() - started, 2), "event": what})
        print(f"{events[-1]['t_s']:7.2f} s  {what}", flush=True)

    try:
        apis = []
        for n in range(2):
            port = free_port()
            procs.append(start_service(port, env, log=tmp / f"api{n}.log", cwd=tmp / f"api{n}", cpus=None))
            apis.append(f"http://127.0.0.1:{port}")
        workers = [_worker(n, env, tmp) for n in range(2)]
        procs += workers
        started = time.monotonic()
        stop = threading.Event()

        def submit() -> None:
            n = 0
            while not stop.is_set():
                due = started + n / args.rate
                time.sleep(max(0.0, due - time.monotonic()))
                body = {"text": f"{seed}\n\nUpdate {n}: the talks continue.", "prompt": "summarize@1"}
                try:
                    status, answer = http_json(apis[n % 2] + "/v1/jobs", body, timeout_s=15)
                except OSError as exc:
                    status, answer = 0, {"type": type(exc).__name__}
                job_id = answer.get("id") if status == 202 and isinstance(answer, dict) else None
                kind = answer.get("type", "") if isinstance(answer, dict) and status != 202 else ""
                submissions.append((time.monotonic() - started, status, job_id, str(kind)))
                n += 1

        submitter = threading.Thread(target=submit, daemon=True)
        submitter.start()
        plan = [
            (0.20, "redis-restart"),
            (0.45, "kill-9-worker"),
            (0.70, "redis-restart"),
        ]
        for at, what in plan:
            time.sleep(max(0.0, started + at * args.duration_s - time.monotonic()))
            if what == "redis-restart":
                event("redis stopped")
                redis.stop()
                time.sleep(args.redis_down_s)
                redis.start()
                event("redis started")
            else:
                victim = workers.pop(0)
                victim.popen.kill()
                victim.popen.wait(10)
                event(f"{victim.name} killed (SIGKILL)")
                time.sleep(1.0)
                replacement = _worker(len(procs), env, tmp)
                procs.append(replacement)
                workers.append(replacement)
                event(f"{replacement.name} started")
        time.sleep(max(0.0, started + args.duration_s - time.monotonic()))
        stop.set()
        submitter.join(timeout=30)
        event("load stopped")

        accepted = [job_id for _, status, job_id, _ in submissions if job_id]
        final: dict[str, dict[str, Any]] = {}
        settle_until = time.monotonic() + args.settle_s
        while time.monotonic() < settle_until and len(final) < len(accepted):
            for job_id in accepted:
                if job_id in final:
                    continue
                status, view = http_json(f"{apis[0]}/v1/jobs/{job_id}", timeout_s=10)
                if status == 404:
                    final[job_id] = {"status": "lost"}
                elif status == 200 and view["status"] in {"succeeded", "failed", "cancelled"}:
                    final[job_id] = view
            time.sleep(0.5)
        event("settled")
    finally:
        for proc in reversed(procs):
            proc.stop()
        redis.stop()

    outcomes = Counter(v["status"] for v in final.values())
    failed = [v for v in final.values() if v["status"] == "failed"]
    tracebacks = {p.log.stem: p.log.read_text(errors="replace").count("Traceback") for p in procs[1:]}
    result = {
        "command": " ".join(["python bench/chaos.py", *sys.argv[1:]]),
        "config": {k: str(v) for k, v in vars(args).items()},
        "processes": "2 newsbrief serve + 2 newsbrief worker (one SIGKILLed and replaced), redis-server 1",
        "events": events,
        "submitted": len(submissions),
        "submission_statuses": dict(Counter(str(status) for _, status, _, _ in submissions)),
        "refusals": dict(Counter(kind for _, status, _, kind in submissions if status != 202)),
        "accepted": len(accepted),
        "succeeded": outcomes.get("succeeded", 0),
        "wrongly_failed": len(failed),
        "failed_problems": dict(Counter(str((v.get("problem") or {}).get("type")) for v in failed)),
        "lost": outcomes.get("lost", 0),
        "stuck": len(accepted) - len(final),
        "runs_over_1": sum(1 for v in final.values() if v.get("runs", 1) > 1),
        "tracebacks_in_logs": tracebacks,
        "logs": str(tmp),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2) + b"\n")
    print(
        orjson.dumps({k: v for k, v in result.items() if k != "events"}, option=orjson.OPT_INDENT_2).decode()
    )


if __name__ == "__main__":
    main()
