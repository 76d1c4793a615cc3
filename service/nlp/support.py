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
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from service.nlp.countries import country_code, demonym_code
from service.nlp.language import detect, primary
from service.nlp.support_lexicon import NAME_CASE_LANGUAGES, Lexicon, lexicon
from service.nlp.support_text import Span, Token, clauses, sentences, tokens, trimmed
from service.numbers import ParsedNumber, scan_numbers

__all__ = ["THRESHOLD", "Span", "Support", "check_sentence", "check_summary", "split_summary"]

THRESHOLD = 0.62  # coverage a sentence needs to count as supported
ELSEWHERE_CREDIT = 0.35  # a content word the article has, but not in the aligned sentences
PRIMARY_MIN_SHARE = 0.35  # the best article sentence alone must hold this share of the weight
REPORTING_WEIGHT = 0.3  # "said", "told": they say little about what happened
SECOND_MIN_GAIN = 0.12  # a second article sentence is aligned when it adds this share of the weight
FUSE_DISTANCE = 2  # a fused second sentence is at most this many sentences away (names do not count)
COREF_WINDOW = 3  # a name may come from this many sentences before the aligned one
NEGATION_SCOPE_AFTER = 1  # content words after a negation cue that it may negate ("not approve")
# and before it, where the cue follows the verb ("stimmte nicht zu")
NEGATION_SCOPE_BEFORE = {"de": 2}
HARD_SCORE_FACTOR = 0.5  # a hard problem halves the score
SOFT_SCORE_FACTOR = 0.85  # and each soft one (a name or figure from a nearby sentence) costs this
NO_SUPPORT_COVERAGE = 0.3  # below this, no sentence of the article is close at all
MAX_LISTED_WORDS = 5
_ARTICLE_CACHE = 128
DETECT_CHARS = 1200  # enough text to tell en/es/de/fr apart; the detector's cost grows with length
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
    cues: tuple[tuple[str, frozenset[str]], ...]  # negation cues with the stems in their scope
    names: frozenset[str]  # lower-case words written with a capital inside the sentence
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
    name_pairs: frozenset[tuple[str, str]]  # adjacent capitalised words ("anna", "lopez")


def _language(language: str | None, text: str) -> str:
    return primary(language) or _detected(text)


@lru_cache(maxsize=_ARTICLE_CACHE)
def _detected(text: str) -> str:
    """The article's language, detected once per text from its first characters."""
    return detect(text[:DETECT_CHARS])


def _cues(
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
        inside = [u for u in toks if clause[0] <= u.start < clause[1] and _content(u, lex)]
        before = [u.stem for u in inside if u.start < t.start][::-1][
            : NEGATION_SCOPE_BEFORE.get(lex.language, 0)
        ]
        after = [u.stem for u in inside if u.start > t.start and u.low not in lex.negation_continuations]
        after = after[:NEGATION_SCOPE_AFTER]
        out.append((text[t.start : t.end], frozenset(before + after)))
    return tuple(out)


def _content(tok: Token, lex: Lexicon) -> bool:
    return tok.low not in lex.stops and not tok.negative and (len(tok.low) > 1 and not tok.low.isdigit())


def _value_key(text: str, parsed: ParsedNumber) -> str:
    """What two figures must share to be the same figure."""
    if parsed.value is not None:
        return f"{parsed.value:.6g}"
    return "date:" + "-".join("".join(c if c.isdigit() else " " for c in text).split())


def _unit(text: str, span: Span, lex: Lexicon, numbers: list[tuple[str, ParsedNumber]]) -> _Unit:
    toks = tuple(tokens(text, span[0], span[1], lex))
    return _Unit(
        span=span,
        tokens=toks,
        stems=frozenset(t.stem for t in toks if _content(t, lex)),
        lows=frozenset(t.low for t in toks),
        numbers=tuple(numbers),
        cues=_cues(text, span, toks, lex),
        names=frozenset(t.low for k, t in enumerate(toks) if t.cap and k > 0 and t.low not in lex.stops),
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
    capitalised = {t.low for unit in units for t in unit.tokens if t.cap}
    countries = {code for word in capitalised if (code := country_code(word, language) or demonym_code(word))}
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
        name_pairs=frozenset(
            (a.low, b.low)
            for unit in units
            for a, b in zip(unit.tokens, unit.tokens[1:], strict=False)
            if a.cap and b.cap and text[a.end : b.start] == " "
        ),
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


def _align(article: _Article, weights: dict[str, float], names: set[str]) -> tuple[list[int], float]:
    """The one or two article sentences that share the most weight with the sentence.

    With the share of the sentence's weight that the best one alone has.
    """
    overlap: dict[int, float] = defaultdict(float)
    for stem, weight in weights.items():
        for i in article.index.get(stem, ()):
            overlap[i] += weight
    if not overlap:
        return [], 0.0
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
            return sorted((best, second)), overlap[best] / total
    return [best], overlap[best] / total


def _check_numbers(
    article: _Article, sentence: str, aligned: list[_Unit], problems: list[str], soft: list[str]
) -> None:
    language = article.lex.language
    here = {key for unit in aligned for key, _ in unit.numbers}
    everywhere = {key for unit in article.units for key, _ in unit.numbers}
    found = [
        (sentence[start:end], _value_key(sentence[start:end], parsed))
        for start, end, parsed in scan_numbers(sentence, language)
    ]
    # The aligned sentences state a figure the summary sentence left out: a figure of the summary
    # found only elsewhere in the article is then most likely in its place.
    replaced = here - {key for _, key in found}
    for figure, key in found:
        if key in here or _close(key, here):
            continue
        spelled = not any(c.isdigit() for c in figure)
        if key not in everywhere:
            (soft if spelled else problems).append(f'number "{figure}" is not in the article')
        elif replaced:
            problems.append(f'number "{figure}" is about another event in the article')
        else:
            soft.append(f'number "{figure}" is in another sentence of the article')


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


_STOP_CONTEXTS = frozenset({"<.", ">."})


def _contexts(toks: Sequence[Token], wanted: set[str]) -> set[str]:
    """The words right before and after each run of capitalised words holding a wanted word."""
    out: set[str] = set()
    k = 0
    while k < len(toks):
        if not toks[k].cap:
            k += 1
            continue
        end = k
        while end < len(toks) and toks[end].cap:
            end += 1
        if any(t.low in wanted for t in toks[k:end]):
            if k > 0:
                out.add("<" + toks[k - 1].low)
            if end < len(toks):
                out.add(">" + toks[end].low)
        k = end
    return out


def _check_names(
    article: _Article,
    *,
    sentence: str,
    toks: list[Token],
    names: list[Token],
    best: int,
    aligned: list[_Unit],
    problems: list[str],
    soft: list[str],
) -> None:
    here = {low for unit in aligned for low in unit.lows}
    window = article.units[max(0, best - COREF_WINDOW) : best]
    nearby = {low for unit in window for low in unit.lows}
    referring = any(unit.referring for unit in aligned)
    ours = {t.low for t in names} | {low for t in names if (low := t.low)}
    # Names of the aligned sentences the summary sentence does not have: if it brings in another
    # name of the article instead, that name is most likely in their place (a wrong actor).
    left_out = {low for unit in aligned for low in unit.names} - ours - article.lex.stops
    # ... when it stands where they stand: between the same words.
    slots = {c for unit in aligned for c in _contexts(unit.tokens, left_out)} - _STOP_CONTEXTS
    for tok in names:
        code = demonym_code(tok.low) or country_code(tok.low, article.lex.language)
        word = sentence[tok.start : tok.end]
        if tok.low in here or (code is not None and code in article.countries):
            continue
        if tok.low not in article.lows:
            problems.append(f'"{word}" is not in the article')
        elif referring and tok.low in nearby:
            continue
        elif _contexts(toks, {tok.low}) & slots:
            problems.append(f'"{word}" is not the one the article names where it says this')
        else:
            soft.append(f'"{word}" is not in the sentences of the article that say this')


def _check_negation(
    article: _Article, *, sentence: str, toks: list[Token], stems: set[str], aligned: list[_Unit]
) -> str | None:
    """A negation flip: a cue on one side whose scope holds words of the other, and none there."""
    here = {s for unit in aligned for s in unit.stems}
    mine = _cues(sentence, (0, len(sentence)), toks, article.lex)
    theirs = [(cue, scope) for unit in aligned for cue, scope in unit.cues if scope & stems]
    ours = [(cue, scope) for cue, scope in mine if scope & here]
    if theirs and not mine:
        return f'the article says "{theirs[0][0]} ..." (negation)'
    if ours and (not theirs or len(mine) > sum(len(unit.cues) for unit in aligned)):
        return f'the article does not say "{ours[0][0]}" (negation)'
    return None


def _check_name_pairs(article: _Article, sentence: str, toks: list[Token]) -> list[str]:
    """Two capitalised words in a row that the article never writes together ("Per Klopp")."""
    out = []
    titles = article.lex.titles | article.lex.honorifics
    first_is_name = bool(toks) and toks[0].low in article.name_lows  # "Shocked Cooper" is no name
    for a, b in pairwise(toks if first_is_name else toks[1:]):
        possessive = sentence[a.end - 2 : a.end] in {"'s", "’s"}
        if not (a.cap and b.cap) or sentence[a.end : b.start] != " " or a.low in titles or possessive:
            continue
        if a.low in article.lex.stops or (a.low, b.low) in article.name_pairs:
            continue
        if a.low in article.name_lows and b.low in article.name_lows:
            out.append(f'"{sentence[a.start : b.end]}" is not a name the article uses')
    return out


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
        v = stem_position[tok.stem]
        crossed = [x for x in before if position[x.low] > v and any(position[y.low] < v for y in after)]
        if crossed:
            passive_here = any(t.low in lex.passive for t in toks[k + 1 : k + 3])
            passive_there = any(t.low in lex.passive for t in unit.tokens[v + 1 : v + 3])
            if passive_here == passive_there:
                subject = sentence[crossed[-1].start : crossed[-1].end]
                return f'"{subject}" is not the one who "{sentence[tok.start : tok.end]}" in the article'
    return None


def check_sentence(article: str, sentence: str, *, language: str | None = None) -> Support:
    """Does ``article`` support ``sentence``?  With the article spans that state it."""
    analysed = _analyse(article, _language(language, article))
    return _check(analysed, sentence)


def _coverage(
    article: _Article, sentence: str, toks: list[Token], weights: dict[str, float], aligned: list[_Unit]
) -> tuple[float, list[str]]:
    """Weighted share of the content words the aligned sentences state; the words none has."""
    lex = article.lex
    here = {s for unit in aligned for s in unit.stems}
    left = dict(weights)
    total = sum(weights.values())
    gained = 0.0
    missing: list[str] = []
    for tok in toks:
        if tok.stem not in left:
            continue
        weight = left.pop(tok.stem)
        code = demonym_code(tok.low) if tok.cap else None
        role = tok.stem in lex.role_stems and tok.stem in article.index
        if tok.stem in here or (code is not None and code in article.countries) or role:
            gained += weight
        elif tok.stem in article.index:
            gained += weight * ELSEWHERE_CREDIT
        else:
            missing.append(sentence[tok.start : tok.end])
    return (gained / total if total else 0.0), missing


def _check(article: _Article, sentence: str) -> Support:
    lex = article.lex
    toks = list(tokens(sentence, 0, len(sentence), lex))
    names = [t for k, t in enumerate(toks) if _is_name(t, k, toks, article)]
    weights: dict[str, float] = {}
    for tok in toks:
        if _content(tok, lex):
            factor = REPORTING_WEIGHT if tok.stem in lex.reporting_stems else 1.0
            weights[tok.stem] = factor * article.idf.get(tok.stem, article.unknown_idf)
    if not weights:
        return Support(False, 0.0, (), ("the sentence has no content words to check",))
    order, primary_share = _align(article, weights, {t.stem for t in names})
    aligned = [article.units[i] for i in order]
    coverage, missing = _coverage(article, sentence, toks, weights, aligned)
    problems: list[str] = []
    soft: list[str] = []
    if aligned:
        _check_names(
            article,
            sentence=sentence,
            toks=toks,
            names=names,
            best=order[0],
            aligned=aligned,
            problems=problems,
            soft=soft,
        )
        _check_numbers(article, sentence, aligned, problems, soft)
        stems = {t.stem for t in toks if _content(t, lex)}
        negation = _check_negation(article, sentence=sentence, toks=toks, stems=stems, aligned=aligned)
        if negation:
            problems.append(negation)
        problems.extend(_check_name_pairs(article, sentence, toks))
        for unit in aligned:
            actor = _check_actors(article, sentence, toks, names, unit)
            if actor:
                problems.append(actor)
                break
    if not aligned or primary_share < PRIMARY_MIN_SHARE:
        problems.append("no sentence of the article says this")
    score = coverage * (HARD_SCORE_FACTOR if problems else 1.0) * (SOFT_SCORE_FACTOR ** len(soft))
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
