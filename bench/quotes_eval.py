"""Quote recall and speaker accuracy of the rule-based quotes against the hand-made gold set.

For each article of ``bench/gold/quotes.jsonl`` (offsets into ``../shared/data``), the extractive
engine's actors (``candidates``: the NER and merging a digest uses, capped at 10 as by default) and
the digest's quote step (``digest_quotes``) give quotes with speakers, scored by
``service.evaluation.quotes`` (recall, precision, speaker accuracy, wrong and missing speakers).

    .venv/bin/python bench/quotes_eval.py [--part dev|held|all] [--data ../shared/data] [-v]

``--part dev`` (the default) scores the articles rules may be tuned on; ``--part held`` the
held-back quarter (``service.evaluation.quotes.held_back``), to be scored only to report.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.engines.extractive import candidates  # noqa: E402
from service.evaluation.quotes import QuoteScores, held_back  # noqa: E402
from service.grounding.quotes import digest_quotes  # noqa: E402

MAX_ACTORS = 10  # Options.max_actors' default


def _texts(data: Path, sources: set[str]) -> dict[tuple[str, str], str]:
    texts = {}
    for source in sources:
        for line in (data / source).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            texts[(source, row["id"])] = row["article"]
    return texts


def _shown(path: Path) -> str:
    """A path as the command line gives it: relative to the project where it is inside it."""
    resolved = path.resolve()
    return str(resolved.relative_to(ROOT)) if resolved.is_relative_to(ROOT) else str(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--gold", type=Path, default=ROOT / "bench" / "gold" / "quotes.jsonl")
    parser.add_argument("--out", type=Path, help="JSON report (default bench/results/quotes-eval-PART.json)")
    parser.add_argument("--part", choices=["dev", "held", "all"], default="dev", help="which gold articles")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every miss and wrong speaker")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line]
    if args.part != "all":
        rows = [row for row in rows if held_back(row["source"], row["id"]) == (args.part == "held")]
    texts = _texts(args.data, {row["source"] for row in rows})
    scores = QuoteScores()
    started = time.perf_counter()
    for n, row in enumerate(rows, 1):
        text = texts[(row["source"], row["id"])]
        _, actors, _ = candidates(text, language="en", max_actors=MAX_ACTORS)
        quotes, _ = digest_quotes(text, actors, language="en", max_actors=MAX_ACTORS)
        scores.add(row["id"], row["quotes"], quotes)
        print(f"\r[{n}/{len(rows)}] articles", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    if args.verbose:
        print("\n".join(scores.notes))
    result = {
        "what": f"rule-based quotes with extractive actors against {_shown(args.gold)}",
        "command": f"bench/quotes_eval.py --part {args.part}"
        + ("" if args.gold == ROOT / "bench" / "gold" / "quotes.jsonl" else f" --gold {_shown(args.gold)}"),
        "part": args.part,
        "articles": len(rows),
        **scores.summary(),
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(result, indent=2))
    out = args.out or ROOT / "bench" / "results" / f"quotes-eval-{args.part}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
