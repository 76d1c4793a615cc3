"""Does the article support a summary sentence?  A deterministic checker that cites where.

For each summary sentence the checker aligns the one or two article sentences that share the
most IDF-weighted stemmed content words with it, then checks the aligned text:

* coverage: the IDF-weighted share of the sentence's content words found in the aligned
  sentences (a word found only elsewhere in the article counts for ``ELSEWHERE_CREDIT``; role
  nouns and pronouns that may stand for a named actor count when the article has them);
* numbers: every figure of the sentence must have the same parsed value in the aligned
  sentences (the same value elsewhere in the article is a number moved to another event);
* names: every proper name must be in the article, and in the aligned sentences or the few
  sentences before them (coreference: "he", "the minister" in the aligned sentence);
* negation: the polarity of the sentence and of its best-matching article clause must agree;
* who does what: two names on either side of a shared word must not be in the opposite order
  in the article, unless exactly one of the two is passive ("was fined by").

``supported`` is ``score >= THRESHOLD`` and no hard problem (a name, number, negation or actor
problem).  Article preprocessing is cached per text, so checking the sentences of one summary
costs one article pass.  No model, no download, CPU only.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from service.nlp.countries import country_code, demonym_code
from service.nlp.language import detect, primary
from service.nlp.support_lexicon import NAME_CASE_LANGUAGES, Lexicon, lexicon
from service.nlp.support_text import Span, Token, clauses, sentences, tokens, trimmed
from service.numbers import ParsedNumber, scan_numbers

__all__ = ["THRESHOLD", "Span", "Support", "check_sentence", "check_summary", "split_summary"]

THRESHOLD = 0.62  # coverage a sentence needs to count as supported
ELSEWHERE_CREDIT = 0.35  # a content word the article has, but not in the aligned sentences
SECOND_MIN_GAIN = 0.12  # a second article sentence is aligned when it adds this share of the weight
FUSE_DISTANCE = 2  # a fused second sentence is at most this many sentences away (names do not count)
COREF_WINDOW = 3  # a name may come from this many sentences before the aligned one
HARD_SCORE_FACTOR = 0.5  # a hard problem halves the score
NO_SUPPORT_COVERAGE = 0.3  # below this, no sentence of the article is close at all
MAX_LISTED_WORDS = 5
_ARTICLE_CACHE = 128
_VALUE_TOLERANCE = 1e-6


@dataclass(frozen=True, slots=True)
class Support:
    """The verdict on one summary sentence."""

    supported: bool
    score: float
    spans: tuple[Span, ...]
    problems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Unit:
    """An article sentence, analysed."""

    span: Span
    tokens: tuple[Token, ...]
    stems: frozenset[str]
    lows: frozenset[str]
    numbers: tuple[tuple[str, ParsedNumber], ...]
    clauses: tuple[tuple[frozenset[str], str | None], ...]  # (stems, negation cue) per clause
    referring: bool  # has a pronoun or role noun that may stand for an earlier name


@dataclass(frozen=True, slots=True)
class _Article:
    text: str
    lex: Lexicon
    units: tuple[_Unit, ...]
    index: dict[str, tuple[int, ...]]  # stem -> units that have it
    idf: dict[str, float]
    unknown_idf: float
    lows: frozenset[str]
    name_lows: frozenset[str]  # words the article writes with a capital inside a sentence
    lower_lows: frozenset[str]  # words the article writes in lower case
    countries: frozenset[str]  # ISO codes of the countries it names or whose demonyms it uses


def _language(language: str | None, text: str) -> str:
    return primary(language) or detect(text)


def _negation(text: str, span: Span, toks: tuple[Token, ...] | list[Token], lex: Lexicon) -> str | None:
    """The first negation cue of ``text[span]`` ("not", "refused", "no longer"), or None."""
    for t in toks:
        if t.negative or t.stem in lex.negative_stems:
            return text[t.start : t.end]
    folded = " ".join(text[span[0] : span[1]].lower().split())
    return next((phrase for phrase in lex.negation_phrases if phrase in folded), None)


def _content(tok: Token, lex: Lexicon) -> bool:
    return tok.low not in lex.stops and not tok.negative and (len(tok.low) > 1 and not tok.low.isdigit())


def _value_key(text: str, parsed: ParsedNumber) -> str:
    """What two figures must share to be the same figure."""
    if parsed.value is not None:
        return f"{parsed.value:.6g}"
    return "date:" + "-".join("".join(c if c.isdigit() else " " for c in text).split())


def _unit(text: str, span: Span, lex: Lexicon, numbers: list[tuple[str, ParsedNumber]]) -> _Unit:
    toks = tuple(tokens(text, span[0], span[1], lex))
    parts = []
    for clause in clauses(text, span, lex.language):
        inside = [t for t in toks if clause[0] <= t.start < clause[1]]
        stems = frozenset(t.stem for t in inside if _content(t, lex))
        parts.append((stems, _negation(text, clause, inside, lex)))
    return _Unit(
        span=span,
        tokens=toks,
        stems=frozenset(t.stem for t in toks if _content(t, lex)),
        lows=frozenset(t.low for t in toks),
        numbers=tuple(numbers),
        clauses=tuple(parts),
        referring=any(t.stem in lex.role_stems or t.low in lex.role_stems for t in toks),
    )


@lru_cache(maxsize=_ARTICLE_CACHE)
def _analyse(text: str, language: str) -> _Article:
    """Sentences, stems, numbers and names of an article: once per article text."""
    lex = lexicon(language)
    spans = sentences(text)
    found = scan_numbers(text, language)
    by_unit: list[list[tuple[str, ParsedNumber]]] = [[] for _ in spans]
    cursor = 0
    for start, end, parsed in found:
        while cursor < len(spans) and spans[cursor][1] <= start:
            cursor += 1
        if cursor < len(spans):
            by_unit[cursor].append((_value_key(text[start:end], parsed), parsed))
    units = tuple(_unit(text, span, lex, nums) for span, nums in zip(spans, by_unit, strict=True))
    index: dict[str, list[int]] = defaultdict(list)
    for i, unit in enumerate(units):
        for stem in unit.stems:
            index[stem].append(i)
    n = max(len(units), 1)
    idf = {stem: math.log(1 + n / len(where)) for stem, where in index.items()}
    name_lows: set[str] = set()
    lows: set[str] = set()
    lower_lows: set[str] = set()
    for unit in units:
        for k, tok in enumerate(unit.tokens):
            lows.add(tok.low)
            if not tok.cap:
                lower_lows.add(tok.low)
            if tok.cap and k > 0 and tok.low not in lex.stops:
                name_lows.add(tok.low)
    countries = {code for word in name_lows if (code := country_code(word, language) or demonym_code(word))}
    return _Article(
        text=text,
        lex=lex,
        units=units,
        index={stem: tuple(where) for stem, where in index.items()},
        idf=idf,
        unknown_idf=math.log(1 + n) + 1.0,
        lows=frozenset(lows),
        name_lows=frozenset(name_lows),
        lower_lows=frozenset(lower_lows),
        countries=frozenset(countries),
    )


def split_summary(summary: str, language: str | None = None) -> list[str]:
    """Sentences of a summary; " ".join(result) == " ".join(summary.split())."""
    del language  # the splitter's rules hold for en, es, de, fr alike
    flat = " ".join(summary.split())
    return [flat[s:e] for s, e in sentences(flat)]


def _is_name(tok: Token, position: int, sentence_toks: list[Token], article: _Article) -> bool:
    """Is this token of a summary sentence (a word of) a proper name?"""
    lex = article.lex
    if tok.low in lex.stops or tok.low.isdigit():
        return False
    if not tok.cap:
        # lower-cased text: a word the article only ever writes with a capital
        return tok.low in article.name_lows and not _lowercase_in_article(tok.low, article)
    if position == 0:
        return tok.low in article.name_lows or (
            tok.stem not in article.index and tok.stem not in lex.role_stems
        )
    if lex.language not in NAME_CASE_LANGUAGES:
        previous = sentence_toks[position - 1].low
        return previous not in lex.determiners and tok.low not in article.lows
    return True


def _lowercase_in_article(low: str, article: _Article) -> bool:
    return low in article.lower_lows


def _align(article: _Article, weights: dict[str, float], names: set[str]) -> list[int]:
    """The one or two article sentences that share the most weight with the sentence."""
    overlap: dict[int, float] = defaultdict(float)
    for stem, weight in weights.items():
        for i in article.index.get(stem, ()):
            overlap[i] += weight
    if not overlap:
        return []
    total = sum(weights.values()) or 1.0
    best = max(overlap, key=lambda i: (overlap[i], -i))
    covered = article.units[best].stems | names
    gains = {
        i: sum(w for s, w in weights.items() if s in article.units[i].stems and s not in covered)
        for i in overlap
        if 0 < abs(i - best) <= FUSE_DISTANCE
    }
    if gains:
        second = max(gains, key=lambda i: (gains[i], -abs(i - best)))
        if gains[second] >= SECOND_MIN_GAIN * total:
            return sorted((best, second))
    return [best]


def _check_numbers(
    article: _Article, sentence: str, aligned: list[_Unit], problems: list[str], soft: list[str]
) -> None:
    language = article.lex.language
    here = {key for unit in aligned for key, _ in unit.numbers}
    everywhere = {key for unit in article.units for key, _ in unit.numbers}
    for start, end, parsed in scan_numbers(sentence, language):
        key = _value_key(sentence[start:end], parsed)
        if key in here or _close(key, here):
            continue
        figure = sentence[start:end]
        spelled = not any(c.isdigit() for c in figure)
        if key in everywhere:
            message = f'number "{figure}" is about another event in the article'
        else:
            message = f'number "{figure}" is not in the article'
        (soft if spelled else problems).append(message)


def _close(key: str, keys: set[str]) -> bool:
    """Same value within rounding ("1.6 billion" for "1,620 million")."""
    if key.startswith("date:"):
        return False
    value = float(key)
    for other in keys:
        if other.startswith("date:"):
            continue
        ref = float(other)
        if ref and abs(value - ref) / abs(ref) <= 0.03 and value != ref and _rounded(value, ref):
            return True
    return False


def _rounded(value: float, ref: float) -> bool:
    """Is ``value`` ``ref`` rounded to fewer significant digits?"""
    return any(float(f"{ref:.{digits}g}") == value for digits in (1, 2, 3))


def _check_names(
    article: _Article,
    *,
    sentence: str,
    names: list[Token],
    best: int,
    aligned: list[_Unit],
    problems: list[str],
) -> None:
    here = {low for unit in aligned for low in unit.lows}
    window = article.units[max(0, best - COREF_WINDOW) : best]
    nearby = {low for unit in window for low in unit.lows}
    referring = any(unit.referring for unit in aligned)
    for tok in names:
        code = demonym_code(tok.low) or country_code(tok.low, article.lex.language)
        word = sentence[tok.start : tok.end]
        if tok.low in here or (code is not None and code in article.countries):
            continue
        if tok.low not in article.lows:
            problems.append(f'"{word}" is not in the article')
        elif not (referring and tok.low in nearby):
            problems.append(f'"{word}" is not in the sentences of the article that say this')


def _check_negation(
    article: _Article,
    *,
    sentence: str,
    toks: list[Token],
    stems: set[str],
    aligned: list[_Unit],
    problems: list[str],
) -> None:
    lex = article.lex
    cue = _negation(sentence, (0, len(sentence)), toks, lex)
    best_overlap, clause_cue = -1, None
    for unit in aligned:
        for clause_stems, clause_neg in unit.clauses:
            overlap = len(stems & clause_stems)
            if overlap > best_overlap:
                best_overlap, clause_cue = overlap, clause_neg
    if (cue is None) == (clause_cue is None):
        return
    if cue is not None and any(neg for unit in aligned for _, neg in unit.clauses):
        return  # the negation is in the aligned sentence, in a clause the words did not pick
    if clause_cue is not None:
        problems.append(f'the article says "{clause_cue} ..." (negation)')
    else:
        problems.append(f'the article does not say "{cue}" (negation)')


def _check_actors(
    article: _Article, sentence: str, toks: list[Token], names: list[Token], unit: _Unit
) -> str | None:
    """Two names on opposite sides of a shared word, in the reverse order in the article?"""
    lex = article.lex
    if len(names) < 2:
        return None
    position = {t.low: k for k, t in reversed(list(enumerate(unit.tokens)))}
    stem_position = {t.stem: k for k, t in reversed(list(enumerate(unit.tokens))) if _content(t, lex)}
    name_lows = {t.low for t in names}
    index = {id(t): k for k, t in enumerate(toks)}
    for k, tok in enumerate(toks):
        if tok.low in name_lows or not _content(tok, lex) or tok.stem not in stem_position:
            continue
        before = [t for t in names if index[id(t)] < k and t.low in position]
        after = [t for t in names if index[id(t)] > k and t.low in position]
        if not before or not after:
            continue
        a, b, v = position[before[-1].low], position[after[0].low], stem_position[tok.stem]
        if b < v < a:
            passive_here = any(t.low in lex.passive for t in toks[k + 1 : k + 3])
            passive_there = any(t.low in lex.passive for t in unit.tokens[v + 1 : v + 3])
            if passive_here == passive_there:
                subject = sentence[before[-1].start : before[-1].end]
                return f'"{subject}" is not the one who "{sentence[tok.start : tok.end]}" in the article'
    return None


def check_sentence(article: str, sentence: str, *, language: str | None = None) -> Support:
    """Does ``article`` support ``sentence``?  With the article spans that state it."""
    analysed = _analyse(article, _language(language, article))
    return _check(analysed, sentence)


def _check(article: _Article, sentence: str) -> Support:
    lex = article.lex
    toks = list(tokens(sentence, 0, len(sentence), lex))
    names = [t for k, t in enumerate(toks) if _is_name(t, k, toks, article)]
    weights: dict[str, float] = {}
    for tok in toks:
        if _content(tok, lex):
            weights[tok.stem] = article.idf.get(tok.stem, article.unknown_idf)
    if not weights:
        return Support(False, 0.0, (), ("the sentence has no content words to check",))
    order = _align(article, weights, {t.stem for t in names})
    aligned = [article.units[i] for i in order]
    here = {s for unit in aligned for s in unit.stems}
    total = sum(weights.values())
    gained = 0.0
    missing: list[str] = []
    for tok in toks:
        if tok.stem not in weights or tok.stem in {m.lower() for m in missing}:
            continue
        weight = weights.pop(tok.stem)
        code = demonym_code(tok.low) if tok.cap else None
        role = tok.stem in lex.role_stems and tok.stem in article.index
        if tok.stem in here or (code is not None and code in article.countries) or role:
            gained += weight
        elif tok.stem in article.index:
            gained += weight * ELSEWHERE_CREDIT
        else:
            missing.append(sentence[tok.start : tok.end])
    coverage = gained / total if total else 0.0
    problems: list[str] = []
    soft: list[str] = []
    if aligned:
        _check_names(
            article, sentence=sentence, names=names, best=order[0], aligned=aligned, problems=problems
        )
        _check_numbers(article, sentence, aligned, problems, soft)
        stems = {t.stem for t in toks if _content(t, lex)}
        _check_negation(
            article, sentence=sentence, toks=toks, stems=stems, aligned=aligned, problems=problems
        )
        for unit in aligned:
            actor = _check_actors(article, sentence, toks, names, unit)
            if actor:
                problems.append(actor)
                break
    else:
        problems.append("no sentence of the article says this")
    score = coverage * (HARD_SCORE_FACTOR if problems else 1.0) * (0.85 ** len(soft))
    score = min(max(score, 0.0), 1.0)
    supported = score >= THRESHOLD and not problems
    if not supported and coverage < THRESHOLD:
        if coverage < NO_SUPPORT_COVERAGE and "no sentence of the article says this" not in problems:
            problems.append("no sentence of the article says this")
        if missing:
            listed = ", ".join(f'"{w}"' for w in missing[:MAX_LISTED_WORDS])
            problems.append(f"the article does not have: {listed}")
    problems.extend(soft if not supported else ())
    spans = tuple(trimmed(article.text, *unit.span) for unit in aligned) if supported else ()
    return Support(supported, round(score, 4), spans, tuple(problems))


def check_summary(article: str, summary: str, *, language: str | None = None) -> list[tuple[str, Support]]:
    """Every sentence of ``summary`` with its verdict."""
    analysed = _analyse(article, _language(language, article))
    return [(s, _check(analysed, s)) for s in split_summary(summary, analysed.lex.language)]
