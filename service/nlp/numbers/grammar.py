"""The shapes every number rule shares: a parsed figure, one language's grammar, and the
helpers that turn word lists into regexes and lookup tables."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal, TypeVar

Kind = Literal["money", "percent", "count", "quantity", "date", "other"]


@dataclass(frozen=True, slots=True)
class ParsedNumber:
    """The meaning of one numeric expression."""

    value: float | None  # None when not numeric (dates, vague quantities, plain text)
    unit: str | None  # ISO 4217 code, "percent", a unit name or the counted noun
    kind: Kind
    approximate: bool = False


_Hit = tuple[int, int, ParsedNumber]
_V = TypeVar("_V")
_NOT_NUMERIC = ParsedNumber(None, None, "other", False)
_DATE = ParsedNumber(None, None, "date", False)


def _alt(phrases: Iterable[str]) -> str:
    """Regex alternation of literal phrases, longest first, any whitespace between words."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, phrase.split())) for phrase in ordered)


def _key(text: str) -> str:
    """Lookup key of a matched word: casefolded (IGNORECASE also matches "ſ" and "K"), single spaces."""
    return " ".join(text.casefold().split())


def _words(text: str) -> list[str]:
    return text.split()


def _numbered(words: str, first: int, step: int = 1) -> dict[str, int]:
    return {word: first + i * step for i, word in enumerate(_words(words))}


@dataclass(frozen=True)
class _Grammar:
    """Everything the scanner needs to read one language's numbers."""

    core: re.Pattern[str]
    suffix: re.Pattern[str]
    start_words: frozenset[str]
    currency_words: dict[str, str]
    units: dict[str, str]
    ones: dict[str, int]  # spelled words that add up
    hundreds: dict[str, int]  # spelled words that multiply what precedes them ("hundred", "dozen")
    scales: dict[str, int]  # spelled scale words ("million")
    digit_scales: dict[str, int]  # exponent of a scale word after digits ("bn" 9, "Mrd." 9)
    articles: frozenset[str]  # "a", "un": one, before a scale word
    counted_noun: Callable[[str], str | None]
    noun: re.Pattern[str]  # a word after a number
    scaled_noun: re.Pattern[str]  # a word after a scale word ("millones de personas")
    rate: re.Pattern[str]
    periods: dict[str, str]
    year_context: re.Pattern[str]
    approx_before: re.Pattern[str]
    approx_after: re.Pattern[str]
    strict_spelled: bool = False  # a spelled number needs a scale word, unit or noun to count
    ordinal_words: dict[str, int] = field(default_factory=dict)
