"""Key figures by rule: every number ``service.nlp.numbers`` finds, ranked by salience.

A figure's salience adds up the salience of its sentence (lead-biased centrality, as in
``rank``), its kind (money and percentages first, then counted nouns and quantities, bare
numbers last), how often its value recurs, and whether the headline (or title) or a
summary sentence has it.

Values are deduplicated ("$1.13bn" and "1.13 billion dollars" are one figure, kept at its
first body mention).  Bare years, decades and ordinals are left out unless the headline has
them or they recur (three times or more); dates and vague quantities ("thousands of") have
no value and are left out, and so is a spelled zero or one counting nothing ("net zero").
``context`` is the clause around the figure, cut from the article.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass

from service.nlp.numbers import ParsedNumber, parse_number, scan_numbers
from service.nlp.rank import SALIENCE, Salience, analyze
from service.nlp.sentences import Sentence
from service.schema import KeyFigure

_KIND_WEIGHTS = {"money": 3.0, "percent": 2.6, "quantity": 1.8, "count": 1.8, "other": 1.2, "date": 0.2}
_BARE_COUNT_WEIGHT = 1.5  # "20" without a noun
_HEADLINE_BONUS = 1.5
_SUMMARY_BONUS = 0.5
_REPEAT_WEIGHT = 0.3  # per doubling of the mentions of a value
_SENTENCE_WEIGHT = 8.0  # times the salience of the figure's sentence (about 0..1.5)
_CONTEXT_WORDS = 7  # at most this many words on each side of the figure
_CLAUSE_BREAK = re.compile(r"[;:()\[\]—–]|(?<![0-9]),|,(?![0-9])|\s-\s|[\"“”«»]")
_REPEATS_FOR_YEARS = 3
_WORDS = re.compile(r"\S+")


@dataclass
class _Candidate:
    start: int
    end: int
    parsed: ParsedNumber
    mentions: int = 0
    in_headline: bool = False  # the headline or the title has the value
    at_headline: bool = False  # the kept mention is the headline's (replaced by a body mention)
    in_summary: bool = False
    sentence: int = 0


def _value_key(parsed: ParsedNumber) -> tuple[float, str | None]:
    value = parsed.value if parsed.value is not None else math.nan
    return float(f"{value:.9g}"), parsed.unit


def _is_minor(parsed: ParsedNumber) -> bool:
    """Years, decades and ordinals: figures only when salient."""
    return parsed.kind == "date" or parsed.unit == "ordinal"


def _is_noise(text: str, parsed: ParsedNumber) -> bool:
    """A spelled zero or one counting nothing ("net zero") is no key figure."""
    spelled = not any(c.isdigit() for c in text)
    return spelled and parsed.unit is None and parsed.value is not None and abs(parsed.value) < 2


def _weight(parsed: ParsedNumber) -> float:
    if parsed.kind == "count" and parsed.unit is None:
        return _BARE_COUNT_WEIGHT
    return _KIND_WEIGHTS.get(parsed.kind, 1.0)


def context(text: str, sentence: tuple[int, int], start: int, end: int) -> str:
    """The clause of ``sentence`` around ``text[start:end]``, at most a few words each side.

    A slice of the article (white space runs collapsed, edge punctuation trimmed).
    """
    s_start, s_end = sentence
    left = s_start
    for match in _CLAUSE_BREAK.finditer(text, s_start, start):
        left = match.end()
    right_match = _CLAUSE_BREAK.search(text, end, s_end)
    right = right_match.start() if right_match else s_end
    if len(text[left:start].split()) + len(text[end:right].split()) < 2:
        left, right = s_start, s_end  # "(£600m)": the clause is the figure; take the words around it
    before = list(_WORDS.finditer(text, left, start))[-_CONTEXT_WORDS:]
    after = list(_WORDS.finditer(text, end, right))[:_CONTEXT_WORDS]
    phrase = text[before[0].start() if before else start : after[-1].end() if after else end]
    return " ".join(phrase.split()).strip(" ,;:.-—–\"'“”‘’()[]«»")


def rank_figures(
    text: str,
    sentences: list[Sentence],
    *,
    language: str = "en",
    summary: list[Sentence] | None = None,
    title: str | None = None,
    salience: Salience | None = None,
    limit: int = 8,
) -> list[KeyFigure]:
    """The ``limit`` most salient figures of ``text``, most salient first."""
    starts = [s.start for s in sentences]
    headline = next((s for s in sentences if s.headline), None)
    summary_spans = [(s.start, s.end) for s in summary or []]
    title_values = {_value_key(parsed) for _, _, parsed in scan_numbers(title or "", language)}
    by_value: dict[tuple[float, str | None], _Candidate] = {}
    for start, end, _ in scan_numbers(text, language):
        parsed = parse_number(text[start:end], language)
        if parsed.value is None:
            continue
        key = _value_key(parsed)
        if _is_noise(text[start:end], parsed):
            continue
        in_headline = headline is not None and headline.start <= start < headline.end
        index = max(bisect_right(starts, start) - 1, 0)
        found = by_value.get(key)
        if found is None:
            found = by_value[key] = _Candidate(start, end, parsed, sentence=index, at_headline=in_headline)
        elif found.at_headline and not in_headline:  # keep the first body mention: it has context
            found.start, found.end, found.parsed, found.sentence = start, end, parsed, index
            found.at_headline = False
        found.mentions += 1
        found.in_headline |= in_headline or key in title_values
        found.in_summary |= any(s <= start < e for s, e in summary_spans)
    model = salience or analyze(text, sentences, language=language, title=title)
    sentence_salience = model.scores(SALIENCE)
    scored: list[tuple[float, int, _Candidate]] = []
    for candidate in by_value.values():
        parsed = candidate.parsed
        minor = _is_minor(parsed)
        if minor and not (candidate.in_headline or candidate.mentions >= _REPEATS_FOR_YEARS):
            continue
        score = _weight(parsed) * (0.2 if minor else 1.0) + _REPEAT_WEIGHT * math.log2(candidate.mentions)
        score += (_SENTENCE_WEIGHT * sentence_salience[candidate.sentence]) if sentences else 0.0
        score += _HEADLINE_BONUS * candidate.in_headline + _SUMMARY_BONUS * candidate.in_summary
        scored.append((-score, candidate.start, candidate))
    figures = []
    for _, _, c in sorted(scored, key=lambda item: item[:2])[:limit]:
        sentence = sentences[c.sentence] if sentences else Sentence(0, len(text))
        figures.append(
            KeyFigure(
                text=text[c.start : c.end],
                span=[c.start, c.end],
                value=c.parsed.value,
                unit=c.parsed.unit,
                kind=c.parsed.kind,
                context=context(text, (sentence.start, sentence.end), c.start, c.end),
            )
        )
    return figures
