"""The support checker's view of an article: sentences, stems, figures, names, negation cues.

Built once per article text (``analyse`` is an LRU cache keyed by the text and language), so
checking the 3-6 sentences of a summary costs one pass over the article.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from service.grounding.support.lexicon import Lexicon, lexicon
from service.grounding.support.text import Span, Token, clauses, sentences, tokens, words_of
from service.nlp.countries import country_code, demonym_code
from service.nlp.numbers import ParsedNumber, article_numbers

ARTICLE_CACHE = 640  # articles kept analysed: more than are in flight (see service.nlp.numbers)
NEGATION_SCOPE_AFTER = 1  # content words after a negation cue that it may negate ("not approve")
# and before it, where the cue follows the verb ("stimmte nicht zu")
NEGATION_SCOPE_BEFORE = {"de": 2}


@dataclass(slots=True, eq=False)
class Unit:
    """An article sentence, analysed."""

    span: Span
    stems: frozenset[str]
    lows: frozenset[str]
    numbers: tuple[tuple[str, ParsedNumber], ...]
    cues: tuple[tuple[str, frozenset[str]], ...]  # negation cues with the stems in their scope
    names: frozenset[str]  # lower-case words written with a capital inside the sentence
    referring: bool  # has a pronoun or role noun that may stand for an earlier name
    text: str  # the article's text (the unit is ``text[span[0]:span[1]]``)
    lex: Lexicon
    _tokens: tuple[Token, ...] | None = None

    @property
    def tokens(self) -> tuple[Token, ...]:
        """The sentence's tokens, made when a check needs them (only aligned sentences do)."""
        if self._tokens is None:
            self._tokens = tuple(tokens(self.text, self.span[0], self.span[1], self.lex))
        return self._tokens


@dataclass(frozen=True, slots=True)
class Article:
    text: str
    lex: Lexicon
    units: tuple[Unit, ...]
    index: dict[str, tuple[int, ...]]  # stem -> units that have it
    unknown_idf: float  # the weight of a stem no unit has
    lows: frozenset[str]
    name_lows: frozenset[str]  # words the article writes with a capital inside a sentence
    lower_lows: frozenset[str]  # words the article writes in lower case
    countries: frozenset[str]  # ISO codes of the countries it names or whose demonyms it uses
    name_pairs: frozenset[tuple[str, str]]  # adjacent capitalised words ("anna", "lopez")


def idf_of(article: Article, stem: str) -> float:
    """How rare ``stem`` is among the article's sentences (computed for the few a summary has)."""
    where = article.index.get(stem)
    return math.log(1 + max(len(article.units), 1) / len(where)) if where else article.unknown_idf


def cues(
    text: str, span: Span, toks: Sequence[Token], lex: Lexicon
) -> tuple[tuple[str, frozenset[str]], ...]:
    """Negation cues ("not", "refused", "never") with the content stems in their scope.

    The scope is the next content words after the cue in its clause (and before it in German):
    what it negates must be one of them, so a negation elsewhere in a long sentence does not flip an unrelated
    statement.
    """
    if not any(t.negative or (t.stem in lex.negative_stems and not t.cap) for t in toks):
        return ()
    parts = clauses(text, span, lex.language)
    out = []
    for t in toks:
        if not (t.negative or (t.stem in lex.negative_stems and not t.cap)):
            continue
        clause = next(((a, b) for a, b in parts if a <= t.start < b), (t.start, t.end))
        inside = [u for u in toks if clause[0] <= u.start < clause[1] and content(u, lex)]
        before = [u.stem for u in inside if u.start < t.start][::-1][
            : NEGATION_SCOPE_BEFORE.get(lex.language, 0)
        ]
        after = [u.stem for u in inside if u.start > t.start and u.low not in lex.negation_continuations]
        after = after[:NEGATION_SCOPE_AFTER]
        out.append((text[t.start : t.end], frozenset(before + after)))
    return tuple(out)


def content(tok: Token, lex: Lexicon) -> bool:
    return tok.low not in lex.stops and not tok.negative and (len(tok.low) > 1 and not tok.low.isdigit())


def value_key(text: str, parsed: ParsedNumber) -> str:
    """What two figures must share to be the same figure."""
    if parsed.value is not None:
        return f"{parsed.value:.6g}"
    return "date:" + "-".join("".join(c if c.isdigit() else " " for c in text).split())


@dataclass(slots=True)
class _Words:
    """What the article's sentences say about its words as a whole (filled unit by unit)."""

    lows: set[str] = field(default_factory=set)
    lower_lows: set[str] = field(default_factory=set)
    capitalised: set[str] = field(default_factory=set)
    name_pairs: set[tuple[str, str]] = field(default_factory=set)


def _unit(text: str, span: Span, lex: Lexicon, numbers: list[tuple[str, ParsedNumber]], seen: _Words) -> Unit:
    analysed = words_of(text, span[0], span[1], lex)
    if not analysed or not analysed[0]:  # a bracket token: the slow path judges it by its neighbours
        return _unit_from_tokens(text, span, lex, numbers, seen)
    infos, gaps = analysed
    # One C-level transpose, then every set is built by C iterators: ~300 words an article.
    lows, stems, caps, _negative, contents, names, referring, with_cue = zip(*infos, strict=True)
    unit_lows = frozenset(lows)
    seen.lows |= unit_lows
    seen.lower_lows.update(itertools.compress(lows, map(operator.not_, caps)))
    seen.capitalised.update(itertools.compress(lows, caps))
    pairs = map(operator.and_, map(operator.and_, map(bool, gaps), caps), caps[1:])
    seen.name_pairs.update(itertools.compress(itertools.pairwise(lows), pairs))
    return Unit(
        span=span,
        stems=frozenset(itertools.compress(stems, contents)),
        lows=unit_lows,
        numbers=tuple(numbers),
        cues=cues(text, span, tuple(tokens(text, span[0], span[1], lex)), lex) if any(with_cue) else (),
        names=frozenset(itertools.compress(lows[1:], names[1:])),
        referring=any(referring),
        text=text,
        lex=lex,
    )


def _unit_from_tokens(
    text: str, span: Span, lex: Lexicon, numbers: list[tuple[str, ParsedNumber]], seen: _Words
) -> Unit:
    toks = tuple(tokens(text, span[0], span[1], lex))
    seen.lows.update(t.low for t in toks)
    seen.lower_lows.update(t.low for t in toks if not t.cap)
    seen.capitalised.update(t.low for t in toks if t.cap)
    seen.name_pairs.update(
        (a.low, b.low)
        for a, b in itertools.pairwise(toks)
        if a.cap and b.cap and text[a.end : b.start] == " "
    )
    return Unit(
        span=span,
        stems=frozenset(t.stem for t in toks if content(t, lex)),
        lows=frozenset(t.low for t in toks),
        numbers=tuple(numbers),
        cues=cues(text, span, toks, lex),
        names=frozenset(t.low for k, t in enumerate(toks) if t.cap and k > 0 and t.low not in lex.stops),
        referring=any(t.stem in lex.role_stems or t.low in lex.role_stems for t in toks),
        text=text,
        lex=lex,
        _tokens=toks,
    )


@lru_cache(maxsize=ARTICLE_CACHE)
def analyse(text: str, language: str) -> Article:
    """Sentences, stems, numbers and names of an article: once per article text."""
    lex = lexicon(language)
    spans = sentences(text)
    found = article_numbers(text, language)
    by_unit: list[list[tuple[str, ParsedNumber]]] = [[] for _ in spans]
    cursor = 0
    for start, end, parsed in found:
        while cursor < len(spans) and spans[cursor][1] <= start:
            cursor += 1
        if cursor < len(spans):
            by_unit[cursor].append((value_key(text[start:end], parsed), parsed))
    seen = _Words()
    units = tuple(_unit(text, span, lex, nums, seen) for span, nums in zip(spans, by_unit, strict=True))
    index: dict[str, list[int]] = defaultdict(list)
    for i, unit in enumerate(units):
        for stem in unit.stems:
            index[stem].append(i)
    n = max(len(units), 1)
    countries = {
        code for word in seen.capitalised if (code := country_code(word, language) or demonym_code(word))
    }
    return Article(
        text=text,
        lex=lex,
        units=units,
        index={stem: tuple(where) for stem, where in index.items()},
        unknown_idf=math.log(1 + n) + 1.0,
        lows=frozenset(seen.lows),
        name_lows=frozenset().union(*(unit.names for unit in units)),
        lower_lows=frozenset(seen.lower_lows),
        countries=frozenset(countries),
        name_pairs=frozenset(seen.name_pairs),
    )
