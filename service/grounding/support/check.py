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
problem).  Article preprocessing (``article``) is cached per text, so checking the sentences of
one summary costs one article pass; the checks themselves are in ``rules``, the word lists per
language in ``lexicon``, the splitter and tokens in ``text`` (all in this package).  No model,
no download, CPU only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from service.grounding.support.article import ARTICLE_CACHE, Article, Unit, analyse, content, idf_of
from service.grounding.support.lexicon import NAME_CASE_LANGUAGES
from service.grounding.support.rules import (
    check_actors,
    check_name_pairs,
    check_names,
    check_negation,
    check_numbers,
)
from service.grounding.support.text import Span, Token, sentences, tokens, trimmed
from service.nlp.countries import demonym_code
from service.nlp.language import detect, primary

__all__ = [
    "THRESHOLD",
    "Span",
    "Support",
    "check_sentence",
    "check_summary",
    "prepare_support",
    "split_summary",
]

THRESHOLD = 0.62  # score a sentence needs to count as supported (set on the dev part of the dev set)
ELSEWHERE_CREDIT = 0.35  # a content word the article has, but not in the aligned sentences
PRIMARY_MIN_SHARE = 0.35  # the best article sentence alone must hold this share of the weight
REPORTING_WEIGHT = 0.3  # "said", "told": they say little about what happened
SECOND_MIN_GAIN = 0.12  # a second article sentence is aligned when it adds this share of the weight
FUSE_DISTANCE = 2  # a fused second sentence is at most this many sentences away (names do not count)
HARD_SCORE_FACTOR = 0.5  # a hard problem halves the score
SOFT_SCORE_FACTOR = 0.85  # and each soft one (a name or figure from a nearby sentence) costs this
NO_SUPPORT_COVERAGE = 0.3  # below this, no sentence of the article is close at all
MAX_LISTED_WORDS = 5
DETECT_CHARS = 600  # a few sentences tell en/es/de/fr apart; detection costs ~0.9 ms per 1,200 characters


@dataclass(frozen=True, slots=True)
class Support:
    """The verdict on one summary sentence."""

    supported: bool
    score: float
    spans: tuple[Span, ...]
    problems: tuple[str, ...]


def _language(language: str | None, text: str) -> str:
    return primary(language) or _detected(text)


@lru_cache(maxsize=ARTICLE_CACHE)
def _detected(text: str) -> str:
    """The article's language, detected once per text from its first characters."""
    return detect(text[:DETECT_CHARS])


def split_summary(summary: str, language: str | None = None) -> list[str]:
    """Sentences of a summary; " ".join(result) == " ".join(summary.split())."""
    del language  # the splitter's rules hold for en, es, de, fr alike
    flat = " ".join(summary.split())
    return [flat[s:e] for s, e in sentences(flat)]


def _is_name(tok: Token, position: int, sentence_toks: list[Token], article: Article) -> bool:
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


def _lowercase_in_article(low: str, article: Article) -> bool:
    return low in article.lower_lows


def _align(article: Article, weights: dict[str, float], names: set[str]) -> tuple[list[int], float]:
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


def prepare_support(article: str, language: str | None = None) -> None:
    """Analyse the article now (cached), so the checks of its summary sentences are cheap later."""
    analyse(article, _language(language, article))


def check_sentence(article: str, sentence: str, *, language: str | None = None) -> Support:
    """Does ``article`` support ``sentence``?  With the article spans that state it."""
    analysed = analyse(article, _language(language, article))
    return _check(analysed, sentence)


def _coverage(
    article: Article, sentence: str, toks: list[Token], weights: dict[str, float], aligned: list[Unit]
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


def _check(article: Article, sentence: str) -> Support:
    lex = article.lex
    toks = tokens(sentence, 0, len(sentence), lex)
    names = [t for k, t in enumerate(toks) if _is_name(t, k, toks, article)]
    weights: dict[str, float] = {}
    for tok in toks:
        if content(tok, lex):
            factor = REPORTING_WEIGHT if tok.stem in lex.reporting_stems else 1.0
            weights[tok.stem] = factor * idf_of(article, tok.stem)
    if not weights:
        return Support(False, 0.0, (), ("the sentence has no content words to check",))
    order, primary_share = _align(article, weights, {t.stem for t in names})
    aligned = [article.units[i] for i in order]
    coverage, missing = _coverage(article, sentence, toks, weights, aligned)
    problems: list[str] = []
    soft: list[str] = []
    if aligned:
        check_names(
            article,
            sentence=sentence,
            toks=toks,
            names=names,
            best=order[0],
            aligned=aligned,
            problems=problems,
            soft=soft,
        )
        check_numbers(article, sentence, aligned, problems, soft)
        stems = {t.stem for t in toks if content(t, lex)}
        negation = check_negation(article, sentence=sentence, toks=toks, stems=stems, aligned=aligned)
        if negation:
            problems.append(negation)
        problems.extend(check_name_pairs(article, sentence, toks))
        for unit in aligned:
            actor = check_actors(article, sentence, toks, names, unit)
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
    analysed = analyse(article, _language(language, article))
    return [(s, _check(analysed, s)) for s in split_summary(summary, analysed.lex.language)]
