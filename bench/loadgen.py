"""Closed-loop load with `wrk` (a C load generator) driven by `wrk_post.lua`; results as plain dicts.

Two modes: a fixed duration (`duration_s`), or a fixed number of requests (`quota`):
every connection stops asking once the quota is used up and the run ends when every
answer is in (wrk itself only knows durations, so the Lua script leaves a marker
file per thread and we interrupt wrk's sleep with SIGINT, which makes it report).
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
LUA = HERE / "wrk_post.lua"
_runs = itertools.count(1)


@dataclass(frozen=True)
class Target:
    """What to hit: a base URL, a path and a body (`@@ID@@` in it becomes unique when `unique`)."""

    name: str
    base_url: str
    path: str
    body: bytes | None = None
    unique: bool = False
    method: str = "POST"


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk (see bench/README.md)")
    return found


def wrk_version() -> str:
    out = subprocess.run([wrk_binary(), "--version"], capture_output=True, text=True, check=False)
    return (out.stdout or out.stderr).splitlines()[0].strip()


def percentile_of_counts(counts: dict[float, int], q: float) -> float | None:
    """The q-th percentile (0-100) of a value -> count histogram."""
    total = sum(counts.values())
    if not total:
        return None
    rank = q / 100 * total
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= rank:
            return value
    return max(counts)


def run_wrk(
    target: Target,
    *,
    connections: int,
    work_dir: Path,
    duration_s: float | None = None,
    quota: int | None = None,
    threads: int = 1,
    timeout_s: float = 120.0,
    cpus: str | None = None,
    stop_when: Callable[[], bool] | None = None,
    max_wall_s: float = 600.0,
    nonce: str | None = None,
    ramp_ms: float = 0.0,
) -> dict[str, Any]:
    """Run wrk once; returns its numbers (latency in ms) and the exact command."""
    if (duration_s is None) == (quota is None):
        raise ValueError("give exactly one of duration_s or quota")
    threads = max(1, min(threads, connections))
    if quota is not None and quota % threads:
        raise ValueError("quota must split evenly across wrk threads")
    run_id = next(_runs)
    work_dir.mkdir(parents=True, exist_ok=True)
    out = work_dir / f"wrk-{os.getpid()}-{run_id}.json"
    body_file = work_dir / f"body-{os.getpid()}-{run_id}.json"
    body_file.write_bytes(target.body or b"")
    for stale in work_dir.glob(out.name + ".done*"):
        stale.unlink()
    wrk_seconds = duration_s if duration_s is not None else 3600
    cmd = [
        wrk_binary(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(wrk_seconds))}s",
        f"--timeout={timeout_s:g}s",
        "-s",
        str(LUA),
        target.base_url,
    ]
    if cpus:
        cmd = ["taskset", "-c", cpus, *cmd]
    env = {
        **os.environ,
        "BENCH_METHOD": target.method,
        "BENCH_PATH": target.path,
        "BENCH_BODY_FILE": str(body_file),
        "BENCH_UNIQUE": "1" if target.unique else "0",
        "BENCH_NONCE": nonce or f"{os.getpid()}x{run_id}x{time.time_ns()}",
        "BENCH_QUOTA": str(quota // threads if quota else 0),
        "BENCH_OUT": str(out),
        "BENCH_RAMP_MS": f"{ramp_ms:g}",
        "BENCH_CONNECTIONS_PER_THREAD": str(connections // threads),
        "BENCH_THREADS": str(threads),
    }
    started = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if quota is not None:
        _wait_for_quota(proc, out, threads, stop_when, started + max_wall_s)
    stdout, _ = proc.communicate(timeout=wrk_seconds + timeout_s + 30)
    wall_s = time.monotonic() - started
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"wrk failed ({proc.returncode}): {stdout[-2000:]}")
    raw = orjson.loads(out.read_bytes())
    for path in (out, body_file, *work_dir.glob(out.name + ".done*")):
        path.unlink(missing_ok=True)
    return summarize(raw, target, connections=connections, quota=quota, wall_s=wall_s, cmd=cmd, env=env)


def _wait_for_quota(
    proc: subprocess.Popen[str],
    out: Path,
    threads: int,
    stop_when: Callable[[], bool] | None,
    give_up_at: float,
) -> None:
    while proc.poll() is None:
        finished = len(list(out.parent.glob(out.name + ".done*"))) >= threads
        if finished or time.monotonic() > give_up_at or (stop_when is not None and stop_when()):
            time.sleep(0.05)  # the last thread may still be leaving its loop
            proc.send_signal(signal.SIGINT)
            return
        time.sleep(0.02)


def summarize(
    raw: dict[str, Any],
    target: Target,
    *,
    connections: int,
    quota: int | None,
    wall_s: float,
    cmd: list[str],
    env: dict[str, str],
) -> dict[str, Any]:
    lat = {k: v / 1000 for k, v in raw["latency_us"].items()}  # µs -> ms
    duration_s = raw["duration_us"] / 1e6
    statuses = {int(k): v for k, v in raw["statuses"].items()}
    answered = sum(statuses.values())
    overhead = {float(k): v for k, v in raw["overhead_ms_counts"].items()}
    socket_errors = {k: v for k, v in raw["errors"].items() if k != "status" and v}
    shown_env = {
        k: v for k, v in env.items() if k.startswith("BENCH_") and k not in {"BENCH_OUT", "BENCH_NONCE"}
    }
    return {
        "target": target.name,
        "url": target.base_url + target.path,
        "method": target.method,
        "unique_bodies": target.unique,
        "body_bytes": len(target.body or b""),
        "connections": connections,
        "quota": quota,
        "duration_s": round(duration_s, 3),
        "wall_s": round(wall_s, 3),
        "requests": raw["requests"],
        "answered": answered,
        "rps": round(raw["requests"] / duration_s, 2) if duration_s else None,
        "latency_ms": {k: round(v, 3) for k, v in lat.items()},
        "statuses": statuses,
        "ok": sum(v for k, v in statuses.items() if 200 <= k < 300),
        "socket_errors": socket_errors,
        "cached_responses": raw["cached"],
        "overhead_ms": (
            {
                "count": sum(overhead.values()),
                "p50": percentile_of_counts(overhead, 50),
                "p99": percentile_of_counts(overhead, 99),
                "max": max(overhead),
            }
            if overhead
            else None
        ),
        "command": " ".join(f"{k}={v}" for k, v in sorted(shown_env.items())) + " " + " ".join(cmd),
    }
