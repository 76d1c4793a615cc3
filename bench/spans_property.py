"""Count padded or inexact spans over many generated texts (issue 10 item 6: the floor is 0).

    .venv/bin/python bench/spans_property.py [--examples 10000] [--seed 0] [--out FILE]

Runs the generator and checks of ``tests/test_spans_property.py`` (sentences, extractive figures
and actors, grounded figures and actor mentions on texts mixing tokenised punctuation,
lower-casing, numbers of every language, full-width digits, CJK, emoji, combining marks, RTL
marks and NBSP) on ``--examples`` texts without stopping at a failure, and prints JSON: texts
checked, spans checked by kind, bad spans (with the first few) and the time taken.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.test_spans_property

from hypothesis import HealthCheck, given, seed, settings

from tests.test_spans_property import Tally, check_text, texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0, help="hypothesis seed: the same texts every run")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    tally = Tally()
    errors: list[str] = []

    @settings(
        max_examples=args.examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @seed(args.seed)
    @given(texts())
    def run(text: str) -> None:
        try:
            check_text(text, tally)
        except Exception as exc:  # counted, not raised: the run goes on over every text
            errors.append(f"{type(exc).__name__}: {exc} on {text!r}")

    started = time.perf_counter()
    run()
    report = {
        "seed": args.seed,
        "texts": tally.texts,
        "spans": dict(tally.spans),
        "spans_total": sum(tally.spans.values()),
        "bad_spans": len(tally.bad),
        "first_bad": tally.bad[:10],
        "first_bad_texts": tally.bad_texts[:3],
        "exceptions": len(errors),
        "first_exceptions": errors[:5],
        "seconds": round(time.perf_counter() - started, 1),
    }
    text = json.dumps(report, indent=2, ensure_ascii=False)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
