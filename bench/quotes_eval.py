"""Quote recall and speaker accuracy of the rule-based quotes against the hand-made gold set.

For each article of ``bench/gold/quotes.jsonl`` (offsets into ``../shared/data``), the extractive
engine's actors (``candidates``: the same NER and merging the digest uses) and the digest's quote
step (``attach_quotes``) give quotes with speakers. A found quote matches a gold quote when their
spans overlap by at least ``MATCH_IOU`` of their union. Reported:

* recall: matched gold quotes / gold quotes; precision: matched found quotes / found quotes;
* speaker right: of the matched gold quotes with a speaker, the share given the same person or body
  (the same name, or one's last word in the other: "Iwata" is "Satoru Iwata");
* wrong speaker: matched quotes given a speaker that is not the gold one (a gold ``null`` included);
* missing speaker: matched gold quotes with a speaker that were given none.

    .venv/bin/python bench/quotes_eval.py [--data ../shared/data] [--out bench/results/quotes-eval.json] [-v]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.engines.extractive import candidates  # noqa: E402
from service.grounding.quotes import attach_quotes  # noqa: E402

MATCH_IOU = 0.6


def _iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def same_speaker(found: str | None, gold: str | None) -> bool:
    if found is None or gold is None:
        return found is None and gold is None
    f, g = found.casefold().split(), gold.casefold().split()
    return f == g or f[-1] in g or g[-1] in f


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--gold", type=Path, default=ROOT / "bench" / "gold" / "quotes.jsonl")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "quotes-eval.json")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every miss and wrong speaker")
    args = parser.parse_args()
    texts: dict[tuple[str, str], str] = {}
    gold_rows = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line]
    for source in {row["source"] for row in gold_rows}:
        for line in (args.data / source).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            texts[(source, row["id"])] = row["article"]
    names = "gold found matched_gold matched_found with_speaker speaker_right wrong_speaker missing_speaker"
    counts = dict.fromkeys(names.split(), 0)
    started = time.perf_counter()
    for n, row in enumerate(gold_rows, 1):
        text = texts[(row["source"], row["id"])]
        _, actors, _ = candidates(text, language="en", max_actors=10)
        quotes, _ = attach_quotes(text, actors, language="en")
        gold = row["quotes"]
        counts["gold"] += len(gold)
        counts["found"] += len(quotes)
        used: set[int] = set()
        for g in gold:
            span = (g["start"], g["end"])
            best = max(
                ((i, _iou(span, (q.span[0], q.span[1]))) for i, q in enumerate(quotes) if i not in used),
                key=lambda pair: pair[1],
                default=(-1, 0.0),
            )
            if best[1] < MATCH_IOU:
                if args.verbose:
                    print(f"  MISS {row['id']} {text[span[0] : span[1]][:70]!r}")
                continue
            used.add(best[0])
            counts["matched_gold"] += 1
            found = quotes[best[0]]
            if g["speaker"] is not None:
                counts["with_speaker"] += 1
                if same_speaker(found.speaker, g["speaker"]):
                    counts["speaker_right"] += 1
                elif found.speaker is None:
                    counts["missing_speaker"] += 1
                    if args.verbose:
                        print(f"  NOSPEAKER {row['id']} {found.text[:50]!r}: gold {g['speaker']!r}")
            if found.speaker is not None and not same_speaker(found.speaker, g["speaker"]):
                counts["wrong_speaker"] += 1
                if args.verbose:
                    print(
                        f"  WRONG {row['id']} {found.text[:50]!r}: {found.speaker!r}, gold {g['speaker']!r}"
                    )
        counts["matched_found"] += len(used)
        if args.verbose:
            for i, q in enumerate(quotes):
                if i not in used:
                    print(f"  EXTRA {row['id']} {q.text[:60]!r} ({q.speaker})")
        print(f"\r[{n}/{len(gold_rows)}] articles", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    result: dict[str, Any] = {
        "what": "rule-based quotes (service.nlp.quotes + service.grounding.quotes) with extractive actors "
        "against bench/gold/quotes.jsonl",
        "articles": len(gold_rows),
        **counts,
        "recall": round(counts["matched_gold"] / max(counts["gold"], 1), 4),
        "precision": round(counts["matched_found"] / max(counts["found"], 1), 4),
        "speaker_right": round(counts["speaker_right"] / max(counts["with_speaker"], 1), 4),
        "seconds": round(time.perf_counter() - started, 1),
    }
    result["speaker_right_count"] = counts["speaker_right"]
    print(json.dumps(result, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
