"""Seconds per article and tokens/s of the embedded `local` engine, end to end through the pipeline.

    .venv/bin/python bench/local_engine.py [--dataset PATH] [--filter category=business] [--limit N]

Without a dataset it uses the articles in seeds/. Writes bench/results/local-engine.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from rich.progress import Progress

from service.errors import NewsbriefError
from service.runtime import open_runtime
from service.schema import SummarizeRequest
from service.settings import PROJECT_ROOT, Settings


def load_rows(dataset: Path | None, filters: list[str], limit: int) -> list[str]:
    if dataset is None:
        return [p.read_text(encoding="utf-8") for p in sorted((PROJECT_ROOT / "seeds").glob("*.txt"))][:limit]
    wanted = dict(f.split("=", 1) for f in filters)
    rows = []
    with dataset.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if all(str(row.get(k)) == v for k, v in wanted.items()):
                rows.append(row["article"])
            if len(rows) >= limit:
                break
    return rows


async def run(articles: list[str], prompt: str) -> dict[str, Any]:
    settings = Settings(engine="local", deadline_s=600, llm_timeout_s=300)
    per: list[dict[str, Any]] = []
    async with open_runtime(settings) as runtime:
        t0 = time.monotonic()
        await runtime.wait_ready()
        load_s = time.monotonic() - t0
        with Progress() as progress:
            task = progress.add_task("local engine", total=len(articles))
            for text in articles:
                start = time.monotonic()
                try:
                    digest = await runtime.pipeline.summarize(SummarizeRequest(text=text, prompt=prompt))
                except NewsbriefError as exc:
                    per.append({"seconds": time.monotonic() - start, "error": exc.detail})
                    progress.advance(task)
                    continue
                elapsed = time.monotonic() - start
                p = digest.provenance
                per.append(
                    {
                        "seconds": elapsed,
                        "words": len(text.split()),
                        "attempts": p.attempts,
                        "input_tokens": p.usage.input_tokens,
                        "output_tokens": p.usage.output_tokens,
                        "figures": len(digest.key_figures),
                        "actors": len(digest.actors),
                        "dropped": sum(w.startswith("dropped") for w in digest.warnings),
                        "degraded": p.degraded,
                        # Counts only: summaries and warnings quote the article, which must
                        # not end up in this repository.
                        "warnings": len(digest.warnings),
                        "summary_words": len(digest.summary.split()),
                    }
                )
                progress.advance(task)
    errors = [r for r in per if "error" in r]
    per_ok = [r for r in per if "error" not in r]
    secs = [r["seconds"] for r in per_ok] or [0.0]
    out_tokens = sum(r["output_tokens"] for r in per_ok)
    return {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "model": runtime.engine.model,
        "prompt": prompt,
        "articles": len(per),
        "errors": len(errors),
        "load_s": round(load_s, 2),
        "seconds_per_article": {
            "mean": round(statistics.mean(secs), 2),
            "median": round(statistics.median(secs), 2),
            "max": round(max(secs), 2),
        },
        "output_tokens_per_s": round(out_tokens / max(sum(secs), 1e-9), 1),
        "mean_attempts": round(statistics.mean(r["attempts"] for r in per_ok), 2) if per_ok else None,
        "mean_figures": round(statistics.mean(r["figures"] for r in per_ok), 2) if per_ok else None,
        "mean_actors": round(statistics.mean(r["actors"] for r in per_ok), 2) if per_ok else None,
        "mean_dropped_items": round(statistics.mean(r["dropped"] for r in per_ok), 2) if per_ok else None,
        "degraded_rate": round(sum(r["degraded"] for r in per_ok) / max(len(per_ok), 1), 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "per_article": per,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path)
    parser.add_argument("--filter", action="append", default=[])
    parser.add_argument("--limit", type=int, default=10)
    parser.add_argument("--prompt", default="summarize")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "bench" / "results" / "local-engine.json")
    args = parser.parse_args()
    report = asyncio.run(run(load_rows(args.dataset, args.filter, args.limit), args.prompt))
    report["command"] = " ".join(["python", *sys.argv])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k != "per_article"}, indent=2))


if __name__ == "__main__":
    main()
