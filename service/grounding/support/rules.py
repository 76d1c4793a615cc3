"""The hard and soft checks of the support checker: names, figures, negation, who did what.

Each looks at a summary sentence and the article sentences it was aligned to
(``service.grounding.support.check``), and returns or appends problems an editor or a model can read.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from service.grounding.support.article import Article, Unit, content, cues, value_key
from service.grounding.support.text import Token
from service.nlp.countries import country_code, demonym_code
from service.nlp.numbers import scan_numbers

COREF_WINDOW = 3  # a name may come from this many sentences before the aligned one


def check_numbers(
    article: Article, sentence: str, aligned: list[Unit], problems: list[str], soft: list[str]
) -> None:
    language = article.lex.language
    here = {key for unit in aligned for key, _ in unit.numbers}
    everywhere = {key for unit in article.units for key, _ in unit.numbers}
    found = [
        (sentence[start:end], value_key(sentence[start:end], parsed))
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


def check_names(
    article: Article,
    *,
    sentence: str,
    toks: list[Token],
    names: list[Token],
    best: int,
    aligned: list[Unit],
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


def check_negation(
    article: Article, *, sentence: str, toks: list[Token], stems: set[str], aligned: list[Unit]
) -> str | None:
    """A negation flip: a cue on one side whose scope holds words of the other, and none there."""
    here = {s for unit in aligned for s in unit.stems}
    mine = cues(sentence, (0, len(sentence)), toks, article.lex)
    theirs = [(cue, scope) for unit in aligned for cue, scope in unit.cues if scope & stems]
    ours = [(cue, scope) for cue, scope in mine if scope & here]
    if theirs and not mine:
        return f'the article says "{theirs[0][0]} ..." (negation)'
    if ours and (not theirs or len(mine) > sum(len(unit.cues) for unit in aligned)):
        return f'the article does not say "{ours[0][0]}" (negation)'
    return None


def check_name_pairs(article: Article, sentence: str, toks: list[Token]) -> list[str]:
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


def check_actors(
    article: Article, sentence: str, toks: list[Token], names: list[Token], unit: Unit
) -> str | None:
    """Two names on opposite sides of a shared word, in the reverse order in the article?"""
    lex = article.lex
    if len(names) < 2:
        return None
    position = {t.low: k for k, t in reversed(list(enumerate(unit.tokens)))}
    stem_position = {t.stem: k for k, t in reversed(list(enumerate(unit.tokens))) if content(t, lex)}
    name_lows = {t.low for t in names}
    index = {id(t): k for k, t in enumerate(toks)}
    for k, tok in enumerate(toks):
        if tok.low in name_lows or not content(tok, lex) or tok.stem not in stem_position:
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
