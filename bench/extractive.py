"""Articles per second of the `extractive` engine, in-process through the real pipeline (no HTTP).

    taskset -c 0 .venv/bin/python bench/extractive.py [--seconds 10] [--out FILE]
        [--dataset ../shared/data/bbc.jsonl --filter category=business]

Every article is a seed article (or, with --dataset, one of the 100 rows nearest the
median length) plus a unique closing line, so the digest cache never answers.
Prints (or writes) JSON: articles/s, ms per article and this process's peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import time
from pathlib import Path
from typing import Any

import orjson

from service.runtime import open_runtime
from service.schema import SummarizeRequest
from service.settings import PROJECT_ROOT, Settings


def median_rows(dataset: Path, filters: list[str], count: int = 100) -> list[str]:
    """The `count` articles nearest the median length among the rows that match `filters`."""
    wanted = dict(f.split("=", 1) for f in filters)
    rows = [orjson.loads(line) for line in dataset.read_bytes().splitlines() if line.strip()]
    texts = [r["article"] for r in rows if all(str(r.get(k)) == v for k, v in wanted.items())]
    median = statistics.median(len(t) for t in texts)
    return sorted(texts, key=lambda t: abs(len(t) - median))[:count]


async def measure(seconds: float, seeds: list[str]) -> dict[str, Any]:
    settings = Settings(engine="extractive")
    per_ms: list[float] = []
    cached = 0
    async with open_runtime(settings) as runtime:
        await runtime.wait_ready()
        # One warm-up call: first use loads stop-word lists and compiles patterns.
        await runtime.pipeline.summarize(SummarizeRequest(text=seeds[0] + "\n\nWarm-up line."))
        started = time.perf_counter()
        n = 0
        while time.perf_counter() - started < seconds:
            text = f"{seeds[n % len(seeds)]}\n\nBench line {n}."
            t0 = time.perf_counter()
            digest = await runtime.pipeline.summarize(SummarizeRequest(text=text))
            per_ms.append((time.perf_counter() - t0) * 1000)
            cached += digest.provenance.cached
            n += 1
        elapsed = time.perf_counter() - started
    per_ms.sort()
    return {
        "engine": "extractive",
        "articles": n,
        "distinct_articles": len(seeds),
        "mean_article_chars": round(statistics.mean(len(t) for t in seeds)),
        "seconds": round(elapsed, 3),
        "articles_per_s": round(n / elapsed, 1),
        "ms_per_article": {
            "mean": round(statistics.mean(per_ms), 3),
            "p50": round(per_ms[len(per_ms) // 2], 3),
            "p99": round(per_ms[min(len(per_ms) - 1, int(len(per_ms) * 0.99))], 3),
        },
        "cached_answers": cached,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--dataset", type=Path)
    parser.add_argument("--filter", action="append", default=[])
    args = parser.parse_args()
    if args.dataset:
        seeds = median_rows(args.dataset, args.filter)
    else:
        seeds = [p.read_text(encoding="utf-8") for p in sorted((PROJECT_ROOT / "seeds").glob("*.txt"))]
    report = orjson.dumps(asyncio.run(measure(args.seconds, seeds)), option=orjson.OPT_INDENT_2)
    if args.out:
        args.out.write_bytes(report + b"\n")
    else:
        print(report.decode())


if __name__ == "__main__":
    main()
