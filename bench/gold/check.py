"""Check the hand-made quote gold set (bench/gold/quotes.jsonl) against the articles it points into.

The gold file holds offsets and speaker names only; the article texts stay in the dataset folder
(default ../shared/data, relative to the project root). For every quote this checks that the span is
non-empty, not padded with white space, does not include a quotation mark at either end, and that the
speaker mention (when there is one) contains part of the speaker's name. It prints the counts the
README reports and, with --sample N, N quotes for review (text shortened, printed, never written).

    python3 bench/gold/check.py                  # checks, counts; exit status 1 on any problem
    python3 bench/gold/check.py --sample 20      # also print 20 random quotes with their speakers
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GOLD = Path(__file__).resolve().with_name("quotes.jsonl")
OPEN_MARKS = "\"“‘'«„"
CLOSE_MARKS = "\"”’'»“"
ALL_MARKS = set(OPEN_MARKS + CLOSE_MARKS)


def load_articles(data_dir: Path, source: str) -> dict[str, str]:
    """Map row id -> article text for one dataset file."""
    articles: dict[str, str] = {}
    with (data_dir / source).open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            articles[row["id"]] = row["article"]
    return articles


def name_parts(name: str) -> list[str]:
    """Words of a speaker name that a mention may contain ("Mr Smith" for "John Smith")."""
    return [p.lower() for p in re.split(r"\W+", name) if len(p) >= 2]


def problems_of(text: str, quote: dict[str, Any]) -> list[str]:
    """What is wrong with one gold quote, as short messages (empty when it is fine)."""
    out: list[str] = []
    start, end = quote["start"], quote["end"]
    span = text[start:end]
    if not 0 <= start < end <= len(text):
        return [f"span {start}:{end} outside the article or empty"]
    if span != span.strip():
        out.append("span padded with white space")
    if span[0] in ALL_MARKS or span[-1] in ALL_MARKS:
        out.append("span includes a quotation mark")
    speaker = quote["speaker"]
    s_start, s_end = quote["speaker_start"], quote["speaker_end"]
    if speaker is None:
        if s_start is not None or s_end is not None:
            out.append("mention offsets without a speaker")
    elif s_start is None or s_end is None:
        out.append("speaker without a mention span")
    else:
        mention = text[s_start:s_end].lower()
        if not mention or not any(p in mention for p in name_parts(speaker)):
            out.append(f"mention {text[s_start:s_end]!r} does not name {speaker!r}")
        if start <= s_start < end:
            out.append("speaker mention inside the quote")
    return out


def is_unclosed(text: str, end: int) -> bool:
    """True when no closing mark follows the span: the quote runs on into the next paragraph."""
    return end >= len(text) or text[end] not in CLOSE_MARKS


def is_partial(text: str, quote: dict[str, Any]) -> bool:
    """Heuristic for the README count: a fragment inside a sentence, not a whole quoted sentence.

    Fragments start in lower case or carry no final punctuation inside the marks (`"respectable"`,
    `"a disaster"`); whole quoted sentences start with a capital and end with . , ! ? or ....
    """
    span = text[quote["start"] : quote["end"]]
    return span[0].islower() or span[-1] not in ".,!?…:;"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--sample", type=int, default=0, help="print N random quotes for review")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    rows = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line]
    texts = {src: load_articles(args.data, src) for src in sorted({r["source"] for r in rows})}
    problems = 0
    counts = {"articles": len(rows), "quotes": 0, "with_speaker": 0, "without_speaker": 0}
    counts |= {"articles_without_quotes": 0, "multi_paragraph": 0, "partial": 0}
    by_source: dict[str, list[int]] = {}
    everything: list[tuple[str, str, dict[str, Any]]] = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        key = (row["source"], row["id"])
        if key in seen:
            print(f"{key}: listed twice")
            problems += 1
        seen.add(key)
        text = texts[row["source"]][row["id"]]
        quotes = row["quotes"]
        by_source.setdefault(row["source"], [0, 0])
        by_source[row["source"]][0] += 1
        by_source[row["source"]][1] += len(quotes)
        counts["quotes"] += len(quotes)
        counts["articles_without_quotes"] += not quotes
        previous_unclosed = False
        for quote in quotes:
            for message in problems_of(text, quote):
                print(f"{row['id']} {quote['start']}:{quote['end']}: {message}")
                problems += 1
            counts["with_speaker" if quote["speaker"] else "without_speaker"] += 1
            unclosed = is_unclosed(text, quote["end"])
            # Both pieces of a quote split over paragraphs count: the unclosed one and the one after it.
            counts["multi_paragraph"] += unclosed or previous_unclosed
            previous_unclosed = unclosed
            counts["partial"] += is_partial(text, quote)
            everything.append((row["source"], text, quote))
    for name, value in counts.items():
        print(f"{name}: {value}")
    for source, (n_articles, n_quotes) in sorted(by_source.items()):
        print(f"{source}: {n_articles} articles, {n_quotes} quotes")
    rng = random.Random(args.seed)
    for _source, text, quote in rng.sample(everything, min(args.sample, len(everything))):
        span = text[quote["start"] : quote["end"]]
        shown = span if len(span) <= 70 else f"{span[:45]} ... {span[-20:]}"
        mention = None if quote["speaker"] is None else text[quote["speaker_start"] : quote["speaker_end"]]
        print(f"  [{quote['start']}:{quote['end']}] {shown!r} -> {quote['speaker']} (mention {mention!r})")
    print(f"problems: {problems}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
