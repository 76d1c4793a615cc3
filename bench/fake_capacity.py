"""How fast the benchmarks' fake LLM answers on one core: it must never be what a run measures.

The fast fake (`bench/fake_llm.py`, latency 0) runs pinned to CPU 1 and wrk (`loadgen.run_wrk`,
the direct-baseline body of `steps.direct_body`, unique per request) pinned to CPU 0, c=64, for
`--seconds` per run. Reports wrk's req/s and the fake's own CPU time per answered request
(user + system from /proc): `1e6 / cpu_us_per_request` is its capacity on one core, which holds
even when other work shares the machine and wrk's req/s drops. The floor is 10,000 req/s.

    .venv/bin/python bench/fake_capacity.py [--runs 3] [--seconds 10]
"""

from __future__ import annotations

import argparse
import json
import statistics

from loadgen import Target, run_wrk
from procs import ROOT, free_port, start_fake
from steps import direct_body

FLOOR_RPS = 10_000


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    work = ROOT / "bench" / "results" / "tmp"
    port = free_port()
    fake = start_fake(port, log=work / "fake-capacity.log", cpus="1")
    target = Target("direct", f"http://127.0.0.1:{port}", "/v1/chat/completions", direct_body(), unique=True)
    runs = []
    try:
        for _ in range(args.runs):
            cpu_s = fake.cpu_s()
            result = run_wrk(
                target, connections=args.connections, duration_s=args.seconds, work_dir=work, cpus="0"
            )
            cpu_us = (fake.cpu_s() - cpu_s) * 1e6 / max(1, result["answered"])
            non_2xx = result["answered"] - result["ok"]
            runs.append({"rps": result["rps"], "non_2xx": non_2xx, "cpu_us": cpu_us})
            print(f"wrk {result['rps']:8.0f} req/s   fake CPU {cpu_us:5.1f} us/request", flush=True)
    finally:
        fake.stop()
    cpu_us = statistics.median(run["cpu_us"] for run in runs)
    summary = {
        "wrk_rps_median": statistics.median(run["rps"] for run in runs),
        "wrk_rps_best": max(run["rps"] for run in runs),
        "fake_cpu_us_per_request": round(cpu_us, 1),
        "one_core_capacity_rps": round(1e6 / cpu_us),
        "floor_rps": FLOOR_RPS,
        "non_2xx": sum(run["non_2xx"] for run in runs),
        "command": result["command"],
        "fake_command": " ".join(fake.cmd).replace(str(ROOT) + "/", ""),
    }
    print(json.dumps(summary, indent=2))
    return 0 if summary["one_core_capacity_rps"] >= FLOOR_RPS and not summary["non_2xx"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
