"""The scanner: where a number can start, the grammar's pattern tried there, and the public
entry points (``scan_numbers``, ``article_numbers``, ``find_numbers``, ``parse_number``)."""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache

from service.nlp.numbers.characters import _normalize
from service.nlp.numbers.english import _START
from service.nlp.numbers.grammar import _NOT_NUMERIC, ParsedNumber, _Grammar, _Hit
from service.nlp.numbers.grammars import _grammar
from service.nlp.numbers.read import _read

_DOTTED = re.compile(r"[.,][0-9]")


_FIRST = operator.itemgetter(0)


def _candidates(g: _Grammar, text: str) -> Iterator[re.Match[str]]:
    """Digits, signs, and the words that may start a number ("twenty", "March", "a" million).

    A news article has ~20 of these among ~300 words: the filter runs as C-level iterators, so
    the words that cannot start a number cost no Python step each (bench/verify_latency.py).
    """
    tokens = list(_START.finditer(text))
    words = list(map(re.Match.group, tokens))
    not_a_word = map(operator.not_, map(str.isalpha, map(_FIRST, words)))
    starts_a_number = map(g.start_words.__contains__, map(str.casefold, words))
    return itertools.compress(tokens, map(operator.or_, not_a_word, starts_a_number))


def _scan(g: _Grammar, text: str) -> list[_Hit]:
    # The core pattern is tried only where a number can start: much faster than searching long text.
    hits: list[_Hit] = []
    done = 0
    for token in _candidates(g, text):
        start = token.start()
        if start < done:
            continue
        match = g.core.match(text, start)
        hit = _read(g, text, match) if match else None
        if hit is None or text[hit[1] : hit[1] + 1].isalnum() or _DOTTED.match(text, hit[1]):
            continue  # not a figure, or stopped inside a word or a dotted version: "5G", "1.6.2"
        hits.append(hit)
        done = hit[1]
    return hits


def scan_numbers(text: str, language: str | None = None) -> list[tuple[int, int, ParsedNumber]]:
    """Every numeric expression in ``text`` with its span and meaning, in order, non-overlapping.

    A span's meaning is what ``parse_number`` reads from the span's own text, except that the
    words around it may make a year of a number ("in 2000 troops").
    """
    return _scan(_grammar(language), _normalize(text))


# Articles whose numbers are kept scanned: more than the requests in flight (max_in_flight, 512 by
# default). The grounding helper analyses an article while its LLM call runs and reads the analysis
# again when the answer comes back, up to that many requests later; a smaller cache scans it twice
# (bench/grounding_in_flight.py measures the helper's work per article).
ARTICLE_CACHE = 640


@lru_cache(maxsize=ARTICLE_CACHE)
def article_numbers(text: str, language: str | None = None) -> tuple[tuple[int, int, ParsedNumber], ...]:
    """``scan_numbers`` of a whole article, once per text and language.

    Grounding (figures near a match) and the support checker (figures per sentence) read the
    same article's numbers; one scan serves both.
    """
    return tuple(scan_numbers(text, language))


def find_numbers(text: str, language: str | None = None) -> list[tuple[int, int]]:
    """Spans ``[start, end)`` of every numeric expression in ``text``, in order, non-overlapping.

    ``language`` (ISO 639-1 or BCP 47: "es", "de-AT") selects that language's conventions
    (Spanish, German and French are known); None or any other language reads English.
    """
    return [(start, end) for start, end, _ in scan_numbers(text, language)]


def parse_number(text: str, language: str | None = None) -> ParsedNumber:
    """Parse the first numeric expression in ``text`` (a figure such as "around £1.6bn")."""
    g = _grammar(language)
    normalized = _normalize(text).strip()
    hits = _scan(g, normalized)
    if not hits:
        ordinal = g.ordinal_words.get(normalized.lower().strip(".,;:!?"))
        return ParsedNumber(float(ordinal), "ordinal", "other") if ordinal else _NOT_NUMERIC
    start, end, parsed = hits[0]
    approximate = (
        parsed.approximate
        or g.approx_before.search(normalized, 0, start) is not None
        or g.approx_after.match(normalized, end) is not None
    )
    value = parsed.value
    if parsed.kind == "money" and value and value > 0 and normalized[:1] == "(" and normalized[-1:] == ")":
        value = -value  # accounting style: (£2.5m) is a loss
    return replace(parsed, value=value, approximate=approximate)
