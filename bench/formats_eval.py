"""How the short-form checks (`service/grounding/formats.py`) judge real headlines, and what they cost.

    .venv/bin/python bench/formats_eval.py [--data PATH] [--articles N] [--repeats N]

On BBC articles of ``../shared/data/bbc.jsonl`` (every ``len/N``-th row, so all five categories),
whose first line is the headline a BBC editor wrote: the body (the article without that line)
is grounded with a fixed answer (the body's first sentence as summary) plus

* ``headline``: the article's own headline (a person's, often a paraphrase: the share the check
  keeps is how strict the rule is on honest headlines), and the headline of the next article of
  the same category (about something else: the share it keeps is false acceptance);
* ``bullets``: the first three sentences of the reference summary (article sentences: each
  should hold).

Cost: ``ground_answer`` of the same body with and without the three forms, warm caches (the
article analysed once before, as the helper does while the LLM answers), best of ``--repeats``.
Prints the counts (and a few rejected headlines, on the terminal only: the dataset's texts stay
out of the repository) and writes ``bench/results/formats-eval.json`` with the machine, the
command and the date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.grounding.answer import ground_answer, warm_article  # noqa: E402
from service.grounding.support.check import split_summary  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "bbc.jsonl"
RESULTS = ROOT / "bench" / "results" / "formats-eval.json"
# The references glue sentences together ('... said "no".The firm ...', '... in the US.Shares'):
# part them first, or a bullet would be two sentences.
_GLUED = re.compile(
    r"(?<=[a-z0-9%\"')][.!?])(?=[A-Z])|(?<=[.!?][\"'])(?=[A-Z\"])|(?<=[A-Z]{2}[.])(?=[A-Z][a-z])"
)


def _rows(path: Path, count: int) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    step = max(1, len(rows) // count)
    return rows[::step][:count]


def _split(article: str) -> tuple[str, str]:
    head, _, body = article.strip().partition("\n")
    return head.strip(), body.strip()


def _best_ms(call: Any, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rows = _rows(args.data, args.articles)
    by_category: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        by_category.setdefault(row["category"], []).append(index)
    own_kept = other_kept = bullets_total = bullets_kept = 0
    plain_ms: list[float] = []
    formats_ms: list[float] = []
    rejected_own: list[str] = []
    for index, row in enumerate(rows):
        headline, body = _split(row["article"])
        same = by_category[row["category"]]
        other = _split(rows[same[(same.index(index) + 1) % len(same)]]["article"])[0]
        sentences = split_summary(body, "en")
        base = {"summary": sentences[0], "key_figures": [], "actors": []}
        bullets = split_summary(_GLUED.sub(" ", " ".join(row["reference"].split())), "en")[:3]
        warm_article(body, "en")
        own = ground_answer(body, {**base, "headline": headline, "bullets": bullets}, language="en")
        assert own.formats is not None
        own_kept += own.formats.headline is not None
        if own.formats.headline is None:
            rejected_own.append(own.formats.failed["headline"])
        bullets_total += len(bullets)
        bullets_kept += len(own.formats.bullets)
        wrong = ground_answer(body, {**base, "headline": other}, language="en")
        assert wrong.formats is not None
        other_kept += wrong.formats.headline is not None and other != headline
        full = {**base, "headline": headline, "dek": sentences[0][:160], "bullets": bullets}
        plain_ms.append(_best_ms(lambda b=body, a=base: ground_answer(b, a, language="en"), args.repeats))
        formats_ms.append(_best_ms(lambda b=body, f=full: ground_answer(b, f, language="en"), args.repeats))
    n = len(rows)
    extra = [f - p for f, p in zip(formats_ms, plain_ms, strict=True)]
    result = {
        "articles": n,
        "own_headline_kept": own_kept,
        "other_headline_kept": other_kept,
        "reference_bullets": bullets_total,
        "reference_bullets_kept": bullets_kept,
        "ground_ms_p50_without_formats": round(statistics.median(plain_ms), 3),
        "ground_ms_p50_with_formats": round(statistics.median(formats_ms), 3),
        "extra_ms_p50": round(statistics.median(extra), 3),
        "extra_ms_p95": round(sorted(extra)[int(0.95 * (n - 1))], 3),
        "command": " ".join([".venv/bin/python", *sys.argv]),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average": os.getloadavg(),
    }
    print(f"articles {n}")
    print(f"own headline kept       {own_kept}/{n} ({own_kept / n:.1%})")
    print(f"another's headline kept {other_kept}/{n} ({other_kept / n:.1%})")
    print(f"reference bullets kept  {bullets_kept}/{bullets_total} ({bullets_kept / bullets_total:.1%})")
    print(
        f"grounding p50 {result['ground_ms_p50_without_formats']} ms without formats, "
        f"{result['ground_ms_p50_with_formats']} ms with; extra p50 {result['extra_ms_p50']} ms, "
        f"p95 {result['extra_ms_p95']} ms"
    )
    for example in rejected_own[:5]:
        print("  rejected:", example[:200])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
