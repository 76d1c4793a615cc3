"""Time of sentence segmentation against text length (issue 15 item 3: it must be linear).

    taskset -c 0 .venv/bin/python bench/sentences_scaling.py [--sizes 10000,50000,200000] [--repeat 3]
        [--dataset ../shared/data/frank.jsonl]

Texts are made here (sentences with abbreviations, decimals, list-like numbers and quotes), in
two layouts: one line without breaks, and paragraphs of about 600 characters.  With
--dataset the articles of a JSON Lines file (field ``article``) are joined into one line and
cut to each size as well.  Prints one JSON object per row: layout, characters, best-of-repeat
milliseconds, microseconds per character and the number of sentences.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from service.nlp.sentences import split

_SENTENCES = [
    "Mr. Smith met Dr. Jones in St. Louis on Jan. 5 at 10 a.m. and said the U.S. plan costs {n}.5% more.",
    "The council approved £1.6 billion for {n} schools, the mayor said on Tuesday!",
    "\u2018We will not back down,\u2019 she said. \u2018Not now.\u2019",
    "Steps were listed: 1. consult, 2. vote, 3. build, and about {n} people came?",
    "Shares rose by {n}. The index (the FTSE 100) closed higher, e.g. in London.",
]


def made_text(chars: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < chars:
        part = rng.choice(_SENTENCES).format(n=rng.randint(2, 999))
        parts.append(part)
        total += len(part) + 1
    return " ".join(parts)[:chars]


def paragraphs(line: str, size: int = 600) -> str:
    pieces, at = [], 0
    while at < len(line):
        cut = line.find(" ", at + size)
        cut = len(line) if cut < 0 else cut
        pieces.append(line[at:cut].strip())
        at = cut
    return "\n\n".join(p for p in pieces if p)


def measure(text: str, repeat: int) -> tuple[float, int]:
    best = float("inf")
    count = 0
    for _ in range(repeat):
        started = time.perf_counter()
        count = len(split(text))
        best = min(best, time.perf_counter() - started)
    return best * 1000, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,50000,200000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dataset", type=Path, default=None)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    joined = ""
    if args.dataset is not None:
        with args.dataset.open(encoding="utf-8") as rows:
            joined = " ".join(" ".join(json.loads(row)["article"].split()) for row in rows)
    split("Warm up. The patterns compile once.")
    for chars in sizes:
        line = made_text(chars)
        layouts = {"single line": line, "paragraphs": paragraphs(line)}
        if joined:
            layouts["dataset, single line"] = joined[:chars]
        for layout, text in layouts.items():
            ms, count = measure(text, args.repeat)
            row = {"layout": layout, "chars": len(text), "ms": round(ms, 1)}
            row |= {"us_per_char": round(ms * 1000 / len(text), 2), "sentences": count}
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
