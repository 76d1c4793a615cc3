"""The grounding helper's work per new article when many are in flight at once.

At concurrency c the helper analyses c articles while their LLM calls run, then grounds each answer
when it comes back: the analysis of an article must still be in the per-article caches by then.
This warms ``n`` new seed-sized articles, then grounds a `summarize@1` answer for each and finds
its quotes, as the helper does, and reports the best of ``--rounds`` per-article times.

    .venv/bin/python bench/grounding_in_flight.py [--in-flight 16 64 256 512] [--rounds 5]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.grounding.answer import ground_answer, warm_article  # noqa: E402
from service.grounding.quotes import digest_quotes  # noqa: E402
from tests.answers import GOOD  # noqa: E402

SEED = (ROOT / "seeds" / "coalition-of-the-willing.txt").read_text(encoding="utf-8")


def per_article_ms(in_flight: int, rounds: int, ids: itertools.count[int]) -> float:
    best = float("inf")
    for _ in range(rounds):
        articles = [f"{SEED}\n\nBenchmark request {next(ids)}." for _ in range(in_flight)]
        started = time.perf_counter()
        for article in articles:
            warm_article(article)
        for article in articles:
            grounded = ground_answer(article, GOOD)
            digest_quotes(article, grounded.actors, language="en", max_actors=10)
        best = min(best, (time.perf_counter() - started) / in_flight * 1000)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--in-flight", type=int, nargs="+", default=[16, 64, 256, 512])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "grounding-in-flight.json")
    args = parser.parse_args()
    ids = itertools.count()
    per_article_ms(32, 2, ids)  # patterns compiled, word caches filled
    rows = []
    for n in args.in_flight:
        ms = per_article_ms(n, args.rounds, ids)
        rows.append({"in_flight": n, "ms_per_article": round(ms, 3)})
        print(f"{n:4d} in flight: {ms:.3f} ms per article (best of {args.rounds})", flush=True)
    result = {"what": "warm + ground + quotes per new seed article, one process", "rows": rows}
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
