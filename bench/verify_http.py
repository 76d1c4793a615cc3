"""`POST /v1/verify` over HTTP: what a CMS calling it inline waits, on ~600-word articles.

    .venv/bin/python bench/verify_http.py [--data PATH] [--articles N]

Starts a real `newsbrief serve` (extractive engine: no model to load; /v1/verify calls no LLM
anyway) on a free loopback port, then sends each case once, one request at a time: the article
of a FRANK CNN/DailyMail row of 450-750 words with its first three reference highlights as the
summary. Every article is new to the service, so each call pays the article's analysis (cold).
Prints p50/p95/max of the client's wall time and of the service's own `X-Overhead-Ms`, and
writes ``bench/results/verify-http.json`` with the machine, the command and the date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path

import httpx2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.procs import extractive_service, free_port  # noqa: E402
from bench.verify_latency import DATA, _cases, _stats  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "verify-http.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--articles", type=int, default=60)
    args = parser.parse_args()
    cases = _cases(args.data, args.articles)
    port = free_port()
    with extractive_service(port):
        wall_ms: list[float] = []
        overhead_ms: list[float] = []
        with httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=30.0) as client:
            print(f"verifying {len(cases)} summaries, one at a time", file=sys.stderr)
            for i, (article, summary) in enumerate(cases, 1):
                started = time.perf_counter()
                r = client.post("/v1/verify", json={"text": article, "summary": summary, "language": "en"})
                wall_ms.append((time.perf_counter() - started) * 1000)
                r.raise_for_status()
                overhead_ms.append(float(r.headers.get("x-overhead-ms", "nan")))
                print(f"\r{i}/{len(cases)}", end="", file=sys.stderr)
        print(file=sys.stderr)
    result = {
        "command": " ".join(["bench/verify_http.py", *sys.argv[1:]]),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "cases": len(cases),
        "wall": _stats(wall_ms),
        "overhead": _stats(overhead_ms),
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("cases", "wall", "overhead")}, indent=2))


if __name__ == "__main__":
    main()
