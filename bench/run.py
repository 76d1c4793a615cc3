"""Benchmark newsbrief against a fast fake LLM; writes bench/results/*.json and BENCHMARKS.md.

    .venv/bin/python bench/run.py [--quick] [--only latency,faults,cache,profile,extractive] [--no-pin]

Starts the fake LLM (bench/fake_llm.py) and the service (`newsbrief serve`, one uvicorn
worker, default settings except the endpoint) as their own processes, loads them with
wrk, and always measures the direct-to-fake baseline in the same run. `--quick` runs
every point for a few seconds (smoke test) and writes to bench/results/quick/.
See bench/README.md for what each number means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson
import report
import steps
from loadgen import wrk_version
from procs import (
    ROOT,
    cpu_busy_pct,
    effective_settings,
    free_port,
    machine,
    pinned,
    service_env,
    start_fake,
    start_service,
)
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from spy import find_py_spy, profile_service

ALL_STEPS = ("latency", "faults", "cache", "profile", "extractive")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few seconds per point (smoke test)")
    parser.add_argument(
        "--only", default=",".join(ALL_STEPS), help="comma-separated subset of " + ",".join(ALL_STEPS)
    )
    parser.add_argument(
        "--no-pin", action="store_true", help="do not pin the service and the load to separate CPUs"
    )
    parser.add_argument(
        "--point-seconds", type=float, help="seconds per measured point (default 15, quick 2)"
    )
    parser.add_argument(
        "--fake-jitter-ms",
        type=float,
        default=0.0,
        help="uniform +- jitter on the fake's latency (default 0: every call takes exactly the set latency)",
    )
    parser.add_argument("--out-dir", type=Path, help="default bench/results (quick: bench/results/quick)")
    args = parser.parse_args()
    args.steps = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(args.steps) - set(ALL_STEPS)
    if unknown:
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}")
    return args


class Writer:
    """Writes one results file per step with the common envelope (machine, command, settings)."""

    def __init__(self, out_dir: Path, envelope: dict[str, Any]) -> None:
        self.out_dir = out_dir
        self.envelope = envelope
        out_dir.mkdir(parents=True, exist_ok=True)

    def write(self, step: str, numbers: dict[str, Any], **extra: Any) -> None:
        doc = {
            "step": step,
            "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            **self.envelope,
            **extra,
            "numbers": numbers,
        }
        (self.out_dir / f"{step}.json").write_bytes(
            orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS) + b"\n"
        )


def main() -> None:
    args = parse_args()
    quick = args.quick
    out_dir = args.out_dir or (ROOT / "bench" / "results" / ("quick" if quick else ""))
    work = ROOT / "bench" / "results" / "tmp"
    pin = not args.no_pin and (os.cpu_count() or 1) >= 2
    # The service may use both cores (its event loop and its grounding helper); the fake LLM,
    # wrk and this runner stay on CPU 1, so they never take CPU 0 from the event loop.
    all_cpus = f"0-{(os.cpu_count() or 1) - 1}"  # not inherited from this runner, which sits on CPU 1
    service_cpus, load_cpus = (all_cpus, "1") if pin else (None, None)
    if pin:
        os.sched_setaffinity(0, {1})  # this runner idles beside wrk and the fake
    point_s = args.point_seconds or (2.0 if quick else 15.0)
    envelope: dict[str, Any] = {
        "quick": quick,
        "command": shlex.join([".venv/bin/python", "bench/run.py", *sys.argv[1:]]),
        "machine": machine(wrk_version()),
        "pinning": {
            "service_cpus": service_cpus or "any",
            "fake_llm_and_wrk_cpus": load_cpus or "any",
            "how": "taskset -c" if pin else "not pinned",
        },
        "fake_jitter_ms": args.fake_jitter_ms,
        "load_generator": {"tool": "wrk", "threads": 1 if pin else 2, "script": "bench/wrk_post.lua"},
    }
    writer = Writer(out_dir, envelope)
    fake_port, service_port = free_port(), free_port()
    cwd = work / "service-cwd"
    # One load generator is one client: the per-client rate limit would throttle the benchmark itself.
    env = service_env(fake_port, NEWSBRIEF_RATE_LIMIT_PER_MIN="0")
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns) as progress:
        console = progress.console
        console.print(
            f"[bold]newsbrief benchmark[/] ({'quick' if quick else 'full'}), pinning: {envelope['pinning']}"
        )
        fake = start_fake(fake_port, log=work / "fake.log", cpus=load_cpus)
        service = None
        try:
            service = start_service(service_port, env, log=work / "service.log", cwd=cwd, cpus=service_cpus)
            envelope["service_settings"] = effective_settings(env, cwd)
            envelope["service_command"] = (
                "NEWSBRIEF_ENGINE=openai OPENAI_BASE_URL=http://127.0.0.1:FAKE/v1 OPENAI_API_KEY=x "
                "NEWSBRIEF_MODEL=fake-model NEWSBRIEF_RATE_LIMIT_PER_MIN=0 "
                f"{shlex.join(pinned(['newsbrief', 'serve', '--port', 'PORT'], service_cpus))}"
            )
            envelope["fake_command"] = shlex.join(fake.cmd).replace(str(ROOT) + "/", "")
            memory_at_start = service.memory_mb()
            b = steps.Bench(
                quick=quick,
                fake=fake,
                fake_url=f"http://127.0.0.1:{fake_port}",
                service=service,
                service_url=f"http://127.0.0.1:{service_port}",
                load_cpus=load_cpus,
                work_dir=work,
                progress=progress,
                point_s=point_s,
                warmup_s=1.0 if quick else 3.0,
                fault_requests=200 if quick else 1000,
                identical_requests=64,
            )
            b.fake_config(jitter_ms=args.fake_jitter_ms)
            run_steps(args.steps, b, writer, progress, out_dir)
            memory = {"at_start": memory_at_start, "at_end": service.memory_mb()}
        finally:
            if service is not None:
                service.stop()
            fake.stop()
        if "extractive" in args.steps:
            task = progress.add_task("extractive engine, in-process", total=1)
            writer.write(
                "extractive-rss",
                {
                    "extractive": extractive(2.0 if quick else 10.0, "0" if pin else None),
                    "service_memory_mb": memory,
                },
                cpu_busy_before_pct=cpu_busy_pct(),
            )
            progress.advance(task)
    report.write_markdown(
        out_dir, ROOT / "BENCHMARKS.md" if not quick and args.out_dir is None else out_dir / "BENCHMARKS.md"
    )
    print(f"results in {out_dir.relative_to(ROOT) if out_dir.is_relative_to(ROOT) else out_dir}")


def run_steps(selected: list[str], b: steps.Bench, writer: Writer, progress: Progress, out_dir: Path) -> None:
    def busy() -> float:
        return cpu_busy_pct()

    if "latency" in selected:
        busy_before = busy()
        total = len(b.fake_latencies_ms) * len(b.concurrency) + len(b.burst_concurrency)
        task = progress.add_task("added latency", total=total)
        numbers = steps.added_latency(b, task)
        writer.write("added-latency", numbers, cpu_busy_before_pct=busy_before, point_seconds=b.point_s)
        writer.write("throughput", steps.throughput(numbers), cpu_busy_before_pct=busy_before)
    if "faults" in selected:
        busy_before = busy()
        task = progress.add_task("faults", total=2)
        writer.write("faults", steps.faults(b, task), cpu_busy_before_pct=busy_before)
    if "cache" in selected:
        busy_before = busy()
        task = progress.add_task("cache", total=4)
        writer.write("cache", steps.cache(b, task), cpu_busy_before_pct=busy_before)
    if "profile" in selected:
        py_spy = find_py_spy()
        if py_spy is None:
            progress.console.print(
                "[yellow]py-spy not found: no profile (pip install --target /tmp/pyspy py-spy)"
            )
            return
        busy_before = busy()
        task = progress.add_task("profile (py-spy)", total=2)
        profiles = []
        for latency_ms in (1000.0, 0.0):
            progress.update(task, description=f"profile: py-spy, c=64, fake {latency_ms:g} ms")
            seconds = 3.0 if b.quick else 15.0
            profiles.append(
                profile_service(b, py_spy, latency_ms=latency_ms, c=64, seconds=seconds, out_dir=out_dir)
            )
            progress.advance(task)
        writer.write("profile", {"profiles": profiles}, cpu_busy_before_pct=busy_before)


def extractive(seconds: float, cpus: str | None) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBRIEF_", "OPENAI_"))}
    env["NEWSBRIEF_ENGINE"] = "extractive"
    cmd = pinned([sys.executable, str(ROOT / "bench" / "extractive.py"), "--seconds", f"{seconds:g}"], cpus)
    started = time.monotonic()
    out = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    result: dict[str, Any] = orjson.loads(out.stdout)
    result["wall_s"] = round(time.monotonic() - started, 2)
    result["command"] = "NEWSBRIEF_ENGINE=extractive " + shlex.join(
        pinned([".venv/bin/python", "bench/extractive.py", "--seconds", f"{seconds:g}"], cpus)
    )
    return result


if __name__ == "__main__":
    main()
