"""Quote recall, precision and speaker accuracy against hand-made gold quotes.

A gold row names an article by ``source`` file and ``id`` and lists its quotes as offsets
(``start``, ``end``, ``speaker``): no article text (see ``bench/gold/README.md``). A found quote
matches a gold quote when their spans overlap by at least ``MATCH_IOU`` of their union.

The gold set is split once, by a hash of each article's name, into a dev part (rules are tuned on
it) and a held-back part (``held_back``: about one article in four, scored only to report), so the
figures published for the held-back part measure rules that never saw those articles.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.schema import Quote

MATCH_IOU = 0.6
HELD_BACK_ONE_IN = 4  # articles whose name hashes to 0 modulo this are held back


def held_back(source: str, article_id: str) -> bool:
    """Is the gold article ``source``/``article_id`` in the held-back part (not tuned on)?"""
    digest = hashlib.sha256(f"{source}:{article_id}".encode()).hexdigest()
    return int(digest, 16) % HELD_BACK_ONE_IN == 0


def _iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def load_gold(path: Path) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """The gold quotes of ``path`` (``bench/gold/quotes.jsonl``'s format) by (source file name, row id)."""
    gold: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            gold[(str(row["source"]), str(row["id"]))] = list(row["quotes"])
    return gold


def same_speaker(found: str | None, gold: str | None) -> bool:
    """The same person or body: the same name, one's last word in the other ("Okada"), or one the
    other's initials ("CPS"); but two full names with different first names are two people
    ("Simon Cowell" is not "Tony Cowell"; styles and titles aside: "Lord Nicholls" is "Lord
    Nicholls of Birkenhead")."""
    if found is None or gold is None:
        return found is None and gold is None
    f, g = found.casefold().split(), gold.casefold().split()
    if _first_names_differ(f, g):
        return False
    return f == g or f[-1] in g or g[-1] in f or _acronym(found) == gold or _acronym(gold) == found


_STYLES = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady", "baroness", "baron", "earl"}
    | {"prince", "princess"}
)


def _first_names_differ(found: list[str], gold: list[str]) -> bool:
    f = [w for w in found if w.rstrip(".") not in _STYLES]
    g = [w for w in gold if w.rstrip(".") not in _STYLES]
    return len(f) > 1 and len(g) > 1 and f[0] != g[0] and f[0] not in g and g[0] not in f


def _acronym(name: str) -> str:
    """ "Crown Prosecution Service" as "CPS": the initials of its capitalised words."""
    return "".join(w[0] for w in name.split() if w[:1].isupper())


@dataclass
class QuoteScores:
    """Counts over a set of articles; the shares are properties."""

    gold: int = 0
    found: int = 0
    matched: int = 0
    with_speaker: int = 0  # matched gold quotes whose speaker the article gives
    speaker_right: int = 0
    wrong_speaker: int = 0  # matched quotes given a speaker that is not the gold one
    missing_speaker: int = 0  # matched gold quotes with a speaker that were given none
    notes: list[str] = field(default_factory=list)  # each miss and wrong speaker, for -v

    def add(self, article_id: str, gold: Sequence[dict[str, Any]], found: Sequence[Quote]) -> None:
        self.gold += len(gold)
        self.found += len(found)
        used: set[int] = set()
        for g in gold:
            span = (int(g["start"]), int(g["end"]))
            scored = [(i, _iou(span, (q.span[0], q.span[1]))) for i, q in enumerate(found) if i not in used]
            best = max(scored, key=lambda pair: pair[1], default=(-1, 0.0))
            if best[1] < MATCH_IOU:
                self.notes.append(f"missed {article_id} [{span[0]}:{span[1]}]")
                continue
            used.add(best[0])
            self.matched += 1
            quote = found[best[0]]
            if g["speaker"] is not None:
                self.with_speaker += 1
                self.speaker_right += same_speaker(quote.speaker, g["speaker"])
                self.missing_speaker += quote.speaker is None
            if quote.speaker is not None and not same_speaker(quote.speaker, g["speaker"]):
                self.wrong_speaker += 1
                said = f"{quote.text[:50]!r}: {quote.speaker!r}, gold {g['speaker']!r}"
                self.notes.append(f"wrong speaker {article_id} {said}")

    @classmethod
    def pooled(cls, parts: Iterable[QuoteScores]) -> QuoteScores:
        """The counts of ``parts`` added up (a micro average over their articles)."""
        total = cls()
        for part in parts:
            for name in _COUNTS:
                setattr(total, name, getattr(total, name) + getattr(part, name))
            total.notes += part.notes
        return total

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 0.0

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_right / self.with_speaker if self.with_speaker else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "gold": self.gold,
            "found": self.found,
            "matched": self.matched,
            "recall": round(self.recall, 4),
            "precision": round(self.precision, 4),
            "with_speaker": self.with_speaker,
            "speaker_right": self.speaker_right,
            "speaker_accuracy": round(self.speaker_accuracy, 4),
            "wrong_speaker": self.wrong_speaker,
            "missing_speaker": self.missing_speaker,
        }


_COUNTS = ("gold", "found", "matched", "with_speaker", "speaker_right", "wrong_speaker", "missing_speaker")
