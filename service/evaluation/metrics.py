"""Pure metric functions of the eval harness: ROUGE, figure recall, grounding, percentiles.

Definitions (the report repeats them):

* ROUGE-1/2/L are F1 from `rouge-score` with Porter stemming; L is the summary-level
  `rougeLsum`, for which reference and summary are split into one sentence per line.
* Figure recall: the *target* figures of a row are the distinct figures that occur both in
  the reference and in the article (spans from `find_numbers`, meaning from `parse_number`).
  Figures compare by parsed value within a family (money, percent, any other number), not by
  wording or unit: "$1.13bn" matches "1.13 billion dollars", "39-year-old" matches "aged 39",
  "2%" does not match "2 goals". Dates and years (`kind == "date"`: a bare 1800-2100 is a
  year), ordinals ("4th") and vague amounts ("thousands of") are not figures. A target is
  found when a key figure of the digest has the same key.
* Grounding: a figure is grounded when `article[span] == text`; an actor when every mention
  is a well-formed span (inside the article, non-blank, not cutting a word) and its name is
  written in the article (see `actors.actor_grounded`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import cache
from typing import Any, NamedTuple

from service.nlp.numbers import ParsedNumber, find_numbers, parse_number
from service.schema import KeyFigure

ROUGE_TYPES = ("rouge1", "rouge2", "rougeLsum")


class RougeScores(NamedTuple):
    """F1 scores in [0, 1]."""

    rouge1: float
    rouge2: float
    rougeL: float


class Recall(NamedTuple):
    """`found` of `total` targets; `value` is None when there is nothing to find."""

    found: int
    total: int

    @property
    def value(self) -> float | None:
        return self.found / self.total if self.total else None


# A sentence ends at . ! ? (plus closing quotes or brackets) followed by white space, or glued
# to the next sentence ("up 2%.Shares fell", as some datasets are scraped).
_SPACED_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_GLUED_END = re.compile(r"(?<=[a-z%)])[.!?](?=[A-Z][a-z])")
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "sir", "st", "jr", "sr", "gen", "col", "lt", "sgt", "rep"}
_ABBREVIATIONS |= {"sen", "gov", "no", "vs", "etc", "inc", "ltd", "co", "corp", "u.s", "u.k"}


def split_sentences(text: str) -> list[str]:
    """Sentences of `text`: lines first, then sentence ends inside each line (rule-based, cheap).

    Only used to lay out text for summary-level ROUGE-L, where an occasional wrong split
    barely moves the score.
    """
    found: list[str] = []
    for line in text.splitlines():
        for part in _GLUED_END.sub(lambda m: m.group() + "\n", line).split("\n"):
            start = 0
            for match in _SPACED_END.finditer(part):
                head = part[start : match.start()].rsplit(None, 1)
                if head and head[-1].lower() in _ABBREVIATIONS:
                    continue
                found.append(part[start : match.start() + len(match.group().rstrip())])
                start = match.end()
            found.append(part[start:])
    return [s.strip() for s in found if s.strip()]


@cache
def _scorer() -> Any:
    # Imported on first use: rouge-score pulls in nltk (~0.4 s), which `newsbrief serve` never needs.
    from rouge_score import rouge_scorer  # noqa: PLC0415

    return rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)


def rouge(reference: str, summary: str) -> RougeScores:
    """ROUGE-1/2/Lsum F1 of `summary` against `reference`."""
    scores = _scorer().score("\n".join(split_sentences(reference)), "\n".join(split_sentences(summary)))
    return RougeScores(*(float(scores[name].fmeasure) for name in ROUGE_TYPES))


FigureKey = tuple[str, float]


def figure_key(parsed: ParsedNumber) -> FigureKey | None:
    """What two mentions of one figure share: the family (money, percent or number) and the value
    to 9 significant digits. None for what is not a figure: dates, years, ordinals, vague amounts."""
    if parsed.value is None or parsed.kind == "date" or parsed.unit == "ordinal":
        return None
    family = parsed.kind if parsed.kind in ("money", "percent") else "number"
    return family, float(f"{parsed.value:.9g}")


def figure_values(text: str) -> frozenset[FigureKey]:
    """Distinct figures of `text`, by key."""
    keys = (figure_key(parse_number(text[start:end])) for start, end in find_numbers(text))
    return frozenset(key for key in keys if key is not None)


def figure_targets(article: str, reference: str) -> frozenset[FigureKey]:
    """Figures a journalist put in the reference that the article also contains."""
    return figure_values(reference) & figure_values(article)


def figure_recall(targets: frozenset[FigureKey], figures: Sequence[KeyFigure]) -> Recall:
    """How many targets the digest's key figures cover (each figure re-parsed from its text,
    with the digest's own value as a fallback, so engines are judged alike)."""
    found: set[FigureKey] = set()
    for figure in figures:
        parsed = parse_number(figure.text)
        if parsed.value is None and figure.value is not None:
            parsed = ParsedNumber(figure.value, figure.unit, figure.kind)
        key = figure_key(parsed)
        if key is not None:
            found.add(key)
    return Recall(len(targets & found), len(targets))


def figure_grounded(article: str, figure: KeyFigure) -> bool:
    """The figure's text is exactly the article at its span."""
    start, end = figure.span
    return 0 <= start < end <= len(article) and article[start:end] == figure.text


def summary_words(summary: str) -> int:
    return len(summary.split())


def percentile(values: Sequence[float], q: float) -> float | None:
    """The `q`-quantile (0..1) with linear interpolation between order statistics; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None
