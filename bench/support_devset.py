"""Build the labelled dev set of the support checker from the shared datasets, on the fly.

    .venv/bin/python bench/support_devset.py [--frank PATH] [--bbc PATH] [--out PATH] [--seed N]

Deterministic for a seed.  Nothing of the datasets is committed: the rows are written to
``--out`` (default ``bench/results/support-devset.jsonl``, git-ignored).  Each line is either
``{"type": "article", "id", "style", "split", "text"}`` or ``{"type": "row", "article", "style",
"split", "label", "mutation", "sentence", "source"}`` with ``label`` 1 = supported.

Positives: CNN/DailyMail reference highlights (mostly supported by their article), and faithful
transforms of article sentences for every style (a clause dropped, two adjacent sentences fused,
a full name cut to its surname, clauses reordered).  Raw XSum references are NOT positives:
most contain information their article lacks (Maynez et al. 2020); the XSum style gets one-
sentence positives made by compressing article sentences, and its raw references are kept as an
unlabelled diagnostic group (``xsum-reference``).  Negatives are mutations of positives: a name
from elsewhere in the article, a name from another article, a changed number, a number moved from
another sentence of the article, a negation flip, two actors swapped, an invented sentence from
the pool below (our own words), and a sentence of another article.  The split is by a hash of the
article id: ``HELDOUT_SHARE`` of the articles are held out and never used for tuning.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from service.grounding.support.check import split_summary
from service.grounding.support.lexicon import words
from service.grounding.support.text import sentences

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
DEFAULT_OUT = ROOT / "bench" / "results" / "support-devset.jsonl"
HELDOUT_SHARE = 0.30
BBC_ARTICLES = 300  # a seeded sample of the 2,225 BBC articles
POSITIVES_PER_ARTICLE = 3  # transformed article sentences per article
MIN_WORDS, MAX_WORDS = 8, 45

# Generic news-ish sentences with no name and no number, written for this dev set.
INVENTED = """\
Officials said the situation would improve soon.
It will take another year to recover from this.
She said that this is an important part of her work.
The decision was welcomed by local residents.
Critics warned that the plan could backfire.
The fire spread quickly through the building before crews arrived.
Witnesses described hearing a loud bang shortly before midnight.
The company apologised to customers for the delay.
Experts believe the trend will continue for some time.
He added that he was proud of what the team had achieved.
The move is expected to cost taxpayers more than planned.
Police are appealing for anyone with information to come forward.
The changes will come into force early next year.
Campaigners have called for an independent inquiry.
Several people were treated in hospital for minor injuries.
The talks ended without an agreement.
Investors reacted nervously to the news.
The report found that standards had slipped in recent years.
Local businesses say they have lost customers since the closure.
The government has promised to review the rules.
Fans were left disappointed after the match was called off.
The building was evacuated as a precaution.
Teachers say the new system has created extra work.
The scheme has been praised for helping young people find jobs.
Doctors say the treatment could help thousands of patients.
The announcement came as a surprise to many in the industry.
Prices are likely to rise further in the coming months.
The family said they were devastated by the loss.
The project has been delayed several times.
Officials insisted that safety had never been compromised.
The group said it would challenge the ruling in court.
Residents were told to keep their windows closed.
The new rules have divided opinion among members.
Sales fell sharply during the final quarter.
The charity said demand for its services had never been higher.
Union leaders warned of further strikes.
The club said it had no plans to sell its best players.
Rescue workers searched through the night.
The minister admitted that mistakes had been made.
Shoppers are expected to spend less this year.
The proposal was rejected after a heated debate.
Engineers are still trying to find the cause of the fault.
The singer thanked her fans for their support.
The council said the road would reopen within weeks.
Analysts had expected a much weaker result.
The victim's relatives have asked for privacy.
Security has been stepped up across the region.
Many customers complained about the new prices.
The researchers now plan a larger study.
The hospital said it was reviewing its procedures.
"""
INVENTED_POOL = tuple(line for line in INVENTED.splitlines() if line.strip())

# An English negation flip: an auxiliary gains or loses "not".
_AUX = re.compile(r"\b(is|was|were|are|has|have|had|will|would|can|could|should|did|does|do)\b")
_NOT = re.compile(r"\s(not|n't)\b|n't\b")
_NAME = re.compile(r"(?<=[a-z,;] )((?:[A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?: [A-Z][a-z]+){0,2})\b")
_DIGITS = re.compile(r"(?<![\w.,])[0-9]+(?:[.,][0-9]+)?(?![\w.,]?[0-9])")
_CLAUSE = re.compile(r", (?:who|which|where|while|after|before|as|when|with|according to|but)\b[^,]*")


_NOT_FIRST_NAMES = words(
    "minister president secretary council court city county university club party police bank "
    "north south east west new united royal national society authority street house"
)


def heldout(article_id: str) -> bool:
    """Is the article in the held-out part?  By a hash of its id, stable across runs."""
    digest = hashlib.sha1(article_id.encode(), usedforsecurity=False).digest()
    return digest[0] / 256 < HELDOUT_SHARE


def _words(text: str) -> int:
    return len(text.split())


def _article_sentences(text: str) -> list[str]:
    out = []
    for start, end in sentences(text):
        piece = " ".join(text[start:end].split())
        if (
            MIN_WORDS <= _words(piece) <= MAX_WORDS
            and piece[-1:] in ".!?"
            and not piece.startswith(("'", '"'))
        ):
            out.append(piece)
    return out


def _names(text: str) -> list[str]:
    return [m.group(1) for m in _NAME.finditer(text) if len(m.group(1)) > 2]


def _compress(sentence: str) -> str | None:
    """Drop a subordinate clause: a faithful shorter sentence."""
    match = _CLAUSE.search(sentence)
    if match is None or match.end() >= len(sentence) - 1:
        trailing = sentence.rsplit(", ", 1)
        if len(trailing) == 2 and _words(trailing[0]) >= MIN_WORDS:
            return trailing[0].rstrip(",;:") + "."
        return None
    shorter = sentence[: match.start()] + sentence[match.end() :]
    return shorter if _words(shorter) >= MIN_WORDS - 2 else None


def _fuse(first: str, second: str) -> str | None:
    if not first.endswith(".") or _words(first) + _words(second) > MAX_WORDS + 10:
        return None
    return f"{first[:-1]}, and {second[0].lower()}{second[1:]}"


def _surname(sentence: str) -> str | None:
    """A two-word personal name ("Anna Lopez", not "Housing Minister Grant Shapps") cut to its last word."""
    for match in _NAME.finditer(sentence):
        name = match.group(1)
        parts = name.split()
        before = sentence[: match.start()].split()[-1:]
        after = sentence[match.end() : match.end() + 2]
        if len(parts) != 2 or (before and ("'" in before[0] or "’" in before[0])) or after[1:2].isupper():
            continue
        if any(p.lower() in _NOT_FIRST_NAMES for p in parts):
            continue
        return sentence[: match.start()] + parts[-1] + sentence[match.end() :]
    return None


def _reorder(sentence: str) -> str | None:
    """ "X said, adding Y." -> keep; "A, B said." is reordered as "B said A." only for quotes."""
    match = re.match(r"^(.{20,}?), ((?:he|she|they|it|police|officials) (?:said|added|says))\.$", sentence)
    if match is None:
        return None
    return f"{match.group(2)[0].upper()}{match.group(2)[1:]} {match.group(1)[0].lower()}{match.group(1)[1:]}."


def _negate(sentence: str) -> str | None:
    if _NOT.search(sentence):
        flipped = _NOT.sub("", sentence, count=1)
        return " ".join(flipped.split())
    match = _AUX.search(sentence)
    if match is None:
        return None
    return sentence[: match.end()] + " not" + sentence[match.end() :]


def _swap_actors(sentence: str) -> str | None:
    names = list(dict.fromkeys(_names(sentence)))
    if len(names) < 2 or names[0] in names[1] or names[1] in names[0]:
        return None
    a, b = names[0], names[1]
    return sentence.replace(a, "\0").replace(b, a).replace("\0", b)


def _numbers(sentence: str) -> list[re.Match[str]]:
    return list(_DIGITS.finditer(sentence))


def _change_number(sentence: str, article: str, rng: random.Random) -> str | None:
    matches = [m for m in _numbers(sentence) if m.group() not in {"1", "2"}]
    if not matches:
        return None
    match = rng.choice(matches)
    value = float(match.group().replace(",", ""))
    for factor in (1.5, 2, 3, 0.5, 4):
        new = value * factor if not value.is_integer() else int(value * factor) + (factor == 0.5)
        text = f"{new:g}" if isinstance(new, float) else str(new)
        if text not in article and text != match.group():
            return sentence[: match.start()] + text + sentence[match.end() :]
    return None


def _move_number(sentence: str, others: list[str], rng: random.Random) -> str | None:
    matches = _numbers(sentence)
    pool = [m.group() for other in others for m in _numbers(other)]
    pool = [n for n in pool if n not in sentence]
    if not matches or not pool:
        return None
    match = rng.choice(matches)
    return sentence[: match.start()] + rng.choice(pool) + sentence[match.end() :]


def _swap_name(sentence: str, candidates: list[str], article: str, rng: random.Random) -> str | None:
    names = _names(sentence)
    pool = [c for c in candidates if c not in sentence and not any(c in n or n in c for n in names)]
    if not names or not pool:
        return None
    return sentence.replace(rng.choice(names), rng.choice(pool), 1)


def _load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _articles(frank: Path, bbc: Path, rng: random.Random) -> list[tuple[str, str, str, str]]:
    """``(id, style, article, reference)`` of the articles used."""
    out = [
        (r["id"], r["dataset"], r["article"], r["reference"]) for r in _load(frank) if r["reference"].strip()
    ]
    bbc_rows = _load(bbc)
    for row in rng.sample(bbc_rows, min(BBC_ARTICLES, len(bbc_rows))):
        out.append((f"bbc-{row['id']}", "bbc", row["article"], row["reference"]))
    return out


def generate(frank: Path, bbc: Path, seed: int) -> Iterator[dict[str, Any]]:
    """The article records and labelled rows, deterministic for ``seed``."""
    rng = random.Random(seed)
    articles = _articles(frank, bbc, rng)
    all_names = [name for _, _, text, _ in articles for name in _names(text)]
    by_style: dict[str, list[str]] = {}
    for _, style, text, _ in articles:
        by_style.setdefault(style, []).extend(_article_sentences(text)[:5])
    for article_id, style, text, reference in articles:
        split = "heldout" if heldout(article_id) else "dev"
        yield {"type": "article", "id": article_id, "style": style, "split": split, "text": text}

        def row(
            label: int,
            mutation: str,
            sentence: str,
            source: str,
            *,
            _a: str = article_id,
            _s: str = style,
            _p: str = split,
        ) -> dict[str, Any]:
            return {
                "type": "row",
                "article": _a,
                "style": _s,
                "split": _p,
                "label": label,
                "mutation": mutation,
                "sentence": " ".join(sentence.split()),
                "source": source,
            }

        sents = _article_sentences(text)
        positives: list[tuple[str, str]] = []
        if style == "cnndm":
            positives += [("reference", s) for s in split_summary(reference) if _words(s) >= 4]
        elif style == "xsum":
            yield row(-1, "xsum-reference", reference, "reference")
        picks = rng.sample(range(len(sents)), min(len(sents), POSITIVES_PER_ARTICLE + 3))
        made = 0
        for i in picks:
            if made >= POSITIVES_PER_ARTICLE:
                break
            options = [
                ("compress", _compress(sents[i])),
                ("surname", _surname(sents[i])),
                ("reorder", _reorder(sents[i])),
            ]
            if i + 1 < len(sents) and style != "xsum":
                options.append(("fuse", _fuse(sents[i], sents[i + 1])))
            usable = [(kind, s) for kind, s in options if s]
            if not usable and style == "bbc":
                usable = [("copy", sents[i])]
            if usable:
                positives.append(rng.choice(usable))
                made += 1
        names = _names(text)
        outsiders = [n for n in rng.sample(all_names, min(200, len(all_names))) if n not in text]
        for kind, sentence in positives:
            yield row(1, kind, sentence, "reference" if kind == "reference" else "article")
            others = [s for s in sents if s not in sentence]
            mutations = {
                "name-from-article": _swap_name(sentence, names, text, rng),
                "name-from-outside": _swap_name(sentence, outsiders, text, rng),
                "number-changed": _change_number(sentence, text, rng),
                "number-moved": _move_number(sentence, others, rng),
                "negation": _negate(sentence),
                "actor-swap": _swap_actors(sentence),
            }
            for mutation, mutated in mutations.items():
                if mutated and mutated != sentence:
                    yield row(0, mutation, mutated, kind)
        yield row(0, "invented", rng.choice(INVENTED_POOL), "pool")
        foreign = [s for s in by_style[style] if s not in text]
        if foreign:
            yield row(0, "off-topic", rng.choice(foreign), "another article")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frank", type=Path, default=DATA / "frank.jsonl")
    parser.add_argument("--bbc", type=Path, default=DATA / "bbc.jsonl")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with args.out.open("w", encoding="utf-8") as handle:
        for record in generate(args.frank, args.bbc, args.seed):
            key = record["type"] if record["type"] == "article" else f"{record['style']}/{record['mutation']}"
            counts[key] = counts.get(key, 0) + 1
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    for key in sorted(counts):
        print(f"{key:32} {counts[key]:6}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
