"""Sample the service with py-spy while wrk loads it, and boil the stacks down to the top costs.

py-spy is not a project dependency; `bench/run.py` looks for it on PATH, in the venv,
or in /tmp/pyspy (`pip install --target /tmp/pyspy py-spy`), and skips this otherwise.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from loadgen import Target
from procs import ROOT, pinned
from steps import Bench, service_body

_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def find_py_spy() -> str | None:
    for candidate in (
        shutil.which("py-spy"),
        Path(sys.executable).parent / "py-spy",
        Path("/tmp/pyspy/bin/py-spy"),
    ):
        if candidate and Path(candidate).exists():
            return str(candidate)
    return None


def _short_file(path: str) -> str:
    """`.../site-packages/starlette/routing.py` -> `starlette/routing.py`; the project's files relative."""
    for marker in ("site-packages/", "/lib/python3.11/", "/work/main/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def _area(file: str) -> str:
    """Which library or project module a frame belongs to (`service/grounding/locate.py`, `pydantic`, ...)."""
    if file.startswith("service/"):
        return file
    head = file.split("/", 1)[0]
    return head.removesuffix(".py") if "/" in file or file.endswith(".py") else file


def summarize_raw(text: str, *, top: int = 15) -> dict[str, Any]:
    """Self and inclusive shares of busy samples, by function and by library/module."""
    self_fn: Counter[str] = Counter()
    incl_fn: Counter[str] = Counter()
    self_area: Counter[str] = Counter()
    incl_area: Counter[str] = Counter()
    total = 0
    for line in text.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        parts = stack.split(";")
        # Drop the start-up frames (console script, typer, uvicorn.run, asyncio.run) above the event loop.
        loop_at = next((i for i, f in enumerate(parts) if f.startswith("Runner.run (")), -1)
        if 0 <= loop_at < len(parts) - 1:
            parts = parts[loop_at + 1 :]
        frames = []
        for raw in parts:
            m = _FRAME.match(raw)
            file = _short_file(m["file"]) if m else raw
            frames.append((f"{m['func']} ({file})" if m else raw, _area(file)))
        for name in {f for f, _ in frames}:
            incl_fn[name] += count
        for area in {a for _, a in frames}:
            incl_area[area] += count
        self_fn[frames[-1][0]] += count
        self_area[frames[-1][1]] += count

    def share(counter: Counter[str]) -> list[dict[str, Any]]:
        return [{"name": k, "share": round(v / max(1, total), 4)} for k, v in counter.most_common(top)]

    return {
        "busy_samples": total,
        "self_by_function": share(self_fn),
        "inclusive_by_function": share(incl_fn),
        # the project's own functions: where in our code the time goes, below the library wrappers
        "inclusive_service_functions": share(Counter({k: v for k, v in incl_fn.items() if "(service/" in k})),
        "self_by_area": share(self_area),
        "inclusive_by_area": share(incl_area),
    }


def profile_service(
    b: Bench, py_spy: str, *, latency_ms: float, c: int, seconds: float, out_dir: Path
) -> dict[str, Any]:
    """py-spy record (GIL holder, by function) during one timed wrk run against the service."""
    b.fake_config(latency_ms=latency_ms, fault_rate=0.0)
    raw_path = out_dir / f"profile-{latency_ms:g}ms-c{c}.txt"
    rate = 200
    cmd = [
        py_spy,
        "record",
        "--pid",
        str(b.service.pid),
        "--rate",
        str(rate),
        "--duration",
        str(max(1, round(seconds))),
        "--format",
        "raw",
        "--function",
        "--gil",  # only the thread holding the GIL: the CPU that delays the event loop
        # blocking sampling (the default): --nonblocking tears stacks while the process runs
        "-o",
        str(raw_path),
    ]
    spy = subprocess.Popen(
        pinned(cmd, b.load_cpus), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    target = Target("service", b.service_url, "/v1/summaries", service_body(), unique=True)
    load = b.load(target, c, duration_s=seconds)
    _, err = spy.communicate(timeout=seconds + 60)
    b.drain(latency_ms)
    if spy.returncode != 0 or not raw_path.exists():
        return {"error": f"py-spy failed ({spy.returncode}): {err[-500:]}"}
    summary = summarize_raw(raw_path.read_text(encoding="utf-8"))
    expected = rate * seconds
    return {
        "fake_latency_ms": latency_ms,
        "concurrency": c,
        "seconds": seconds,
        "rate_hz": rate,
        # samples with a Python stack running, per sampling tick: ~ the CPU share of the service's threads
        "busy_share": round(summary["busy_samples"] / max(1, expected), 3),
        "requests": load["answered"],
        "rps": load["rps"],
        "service_cpu_ms_per_request": load["cpu_ms_per_request"],
        "raw_stacks": str(raw_path.relative_to(ROOT)) if raw_path.is_relative_to(ROOT) else str(raw_path),
        "command": " ".join(cmd),
        **summary,
    }
