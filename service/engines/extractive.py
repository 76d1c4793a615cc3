"""The deterministic engine: leading sentences and rule-found figures, no LLM.

Used with `NEWSBRIEF_ENGINE=extractive` and as the degraded fallback. Everything it
returns is cut from the article, so it is grounded by construction.
"""

from __future__ import annotations

import re

from service.numbers import find_numbers, parse_number
from service.schema import KeyFigure, Options

# A sentence ends at . ! ? (optionally followed by a closing quote or bracket) before
# whitespace and an upper-case letter, digit or opening quote; or at a blank line.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)\]]?\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n\s*\n")
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sir",
        "st",
        "jr",
        "sr",
        "gen",
        "col",
        "lt",
        "sgt",
        "rep",
        "sen",
        "gov",
        "no",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "u.s",
        "u.k",
        "e.g",
        "i.e",
    ]
)


def sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) spans of the sentences of `text`, skipping spaces; a simple rule-based splitter."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        head = text[start : match.start()].rstrip()
        last_word = head.rsplit(None, 1)[-1].rstrip(".").lower() if head else ""
        if "\n" not in match.group() and last_word in _ABBREVIATIONS:
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    result = []
    for start_, end_ in spans:
        s, e = start_, end_
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            result.append((s, e))
    return result


def _is_headline(text: str) -> bool:
    return text[-1:] not in ".!?\"'”’" and len(text.split()) < 25


def lead_summary(text: str, n_sentences: int) -> str:
    """The first `n_sentences` body sentences (a headline-like first line is skipped)."""
    spans = sentences(text)
    if len(spans) > 1 and _is_headline(text[spans[0][0] : spans[0][1]]):
        spans = spans[1:]
    return " ".join(" ".join(text[s:e].split()) for s, e in spans[:n_sentences])


def figures(text: str, limit: int) -> list[KeyFigure]:
    """Numeric expressions in article order, years and bare ordinals left out."""
    found: list[KeyFigure] = []
    for s, e in find_numbers(text):
        parsed = parse_number(text[s:e])
        if parsed.value is None and parsed.kind != "date":
            continue
        if parsed.kind == "date" or (parsed.kind == "other" and parsed.unit is None):
            continue
        found.append(
            KeyFigure(
                text=text[s:e],
                span=[s, e],
                value=parsed.value,
                unit=parsed.unit,
                kind=parsed.kind,
                context="",
            )
        )
        if len(found) >= limit:
            break
    return found


def digest_parts(text: str, options: Options) -> tuple[str, list[KeyFigure]]:
    """Summary and figures for an article."""
    return lead_summary(text, options.summary_sentences), figures(text, options.max_figures)
