"""Cost of checking one summary with the support checker, on ~600-word articles.

    .venv/bin/python bench/verify_latency.py [--data PATH] [--articles N] [--repeats N]

For each CNN/DailyMail article of FRANK between ``MIN_WORDS`` and ``MAX_WORDS`` words, the summary
is its first three reference highlights.  "cold" is the first ``check_summary`` of that article
(the article's analysis and language caches are emptied first; the process-wide cache of
word stems is kept, as in a running service), "cold-words" the same with the word cache emptied
too (a fresh process), "warm" the same call again; wall-clock times, and "cold-cpu" the
thread's CPU time of the cold call (what it costs, without the waits of a shared machine).  Measured with the
process pinned to one core (``os.sched_setaffinity``), with the language given ("en") and with
it detected.  Prints p50/p95/max and writes ``bench/results/verify-latency.json`` with the
machine, the command and the date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.grounding.support import article as support_article  # noqa: E402
from service.grounding.support import check as support  # noqa: E402
from service.grounding.support import text as support_text  # noqa: E402
from service.nlp.language import detect  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "frank.jsonl"
RESULTS = ROOT / "bench" / "results" / "verify-latency.json"
MIN_WORDS, MAX_WORDS = 450, 750
SUMMARY_SENTENCES = 3


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _stats(values_ms: list[float]) -> dict[str, float | int]:
    return {
        "n": len(values_ms),
        "p50_ms": round(statistics.median(values_ms), 3),
        "p95_ms": round(_percentile(values_ms, 0.95), 3),
        "max_ms": round(max(values_ms), 3),
    }


def _cases(path: Path, limit: int) -> list[tuple[str, str]]:
    cases = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            words = len(row["article"].split())
            if row["dataset"] != "cnndm" or not MIN_WORDS <= words <= MAX_WORDS:
                continue
            sentences = support.split_summary(row["reference"])[:SUMMARY_SENTENCES]
            if len(sentences) == SUMMARY_SENTENCES:
                cases.append((row["article"], " ".join(sentences)))
            if len(cases) >= limit:
                break
    return cases


def _measure(cases: list[tuple[str, str]], language: str | None, repeats: int) -> dict[str, Any]:
    cold: list[float] = []
    fresh: list[float] = []
    cold_cpu: list[float] = []
    warm: list[float] = []
    for _ in range(repeats):
        for article, summary in cases:
            support_article.analyse.cache_clear()
            support._detected.cache_clear()
            support_text._WORDS.clear()
            support_text._INFO.clear()
            started = time.perf_counter()
            support.check_summary(article, summary, language=language)
            fresh.append((time.perf_counter() - started) * 1000)
            support_article.analyse.cache_clear()
            support._detected.cache_clear()
            started, cpu_started = time.perf_counter(), time.thread_time()
            support.check_summary(article, summary, language=language)
            cold.append((time.perf_counter() - started) * 1000)
            cold_cpu.append((time.thread_time() - cpu_started) * 1000)
            started = time.perf_counter()
            support.check_summary(article, summary, language=language)
            warm.append((time.perf_counter() - started) * 1000)
    return {
        "cold": _stats(cold),
        "cold-cpu": _stats(cold_cpu),
        "cold-words": _stats(fresh),
        "warm": _stats(warm),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    cores = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cores[-1]})
    cases = _cases(args.data, args.articles)
    words = [len(article.split()) for article, _ in cases]
    # Load once what every process loads once (stop words, stemmers, the language model).
    detect(cases[0][0])
    support.check_summary(cases[0][0], cases[0][1], language="en")
    results = {
        "language given": _measure(cases, "en", args.repeats),
        "language detected": _measure(cases, None, args.repeats),
    }
    print(
        f"{len(cases)} articles, {statistics.median(words):.0f} words median, {SUMMARY_SENTENCES} sentences"
    )
    print(f"{'case':20} {'':10} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for case, by_state in results.items():
        for state, s in by_state.items():
            print(f"{case:20} {state:10} {s['p50_ms']:8.3f} {s['p95_ms']:8.3f} {s['max_ms']:8.3f}")
    report = {
        "command": " ".join([".venv/bin/python", "bench/verify_latency.py", *sys.argv[1:]]),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "what": "service.nlp.support.check_summary, 3-sentence summary (FRANK CNN/DM highlights), one core",
        "articles": len(cases),
        "article_words_median": statistics.median(words),
        "repeats": args.repeats,
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "pinned_to_core": cores[-1],
            "load_average_1m": round(os.getloadavg()[0], 2),
        },
        "results": results,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
