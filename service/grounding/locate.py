"""Locate an LLM's figures, actors and summary claims in the article they came from.

The service returns nothing that is not in the article, so every item the model produces is
looked up here and either mapped to an exact ``[start, end)`` span of the article text or
rejected:

* ``locate`` / ``locate_all`` find a needle tolerantly: any run of whitespace (NBSP, newlines)
  matches any other, curly and straight quotes are equal, dashes equal hyphens, digits of
  any script and full-width forms equal their ASCII twins ("４２" is "42"), and
  whitespace or punctuation around the needle is ignored.  Spans index the original article.
* ``ground_figure`` finds a key figure by its text, else by its parsed value and unit
  ("£1.6bn" grounds to the article's "£1.6 billion").
* ``actor_mentions`` finds a named actor and all its mentions ("Keir Starmer", then "Starmer").
* ``summary_problems`` lists the numbers and proper names of a summary that the article lacks.

Numbers are read by the rules of the article's language (``language``: an ISO 639-1 code or
BCP 47 tag, as the request gives it; None detects it from the article): "11,4 %" is 11.4
percent in a Spanish article and "1.600 millones de euros" 1.6 billion euros.

Folded articles, their detected language and their parsed numbers (per language) are cached,
so grounding many items against one article costs one pass over it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache
from typing import NamedTuple

from service.nlp import language as languages
from service.nlp.numbers import (
    ARTICLE_CACHE,
    ParsedNumber,
    article_numbers,
    ascii_digits,
    find_numbers,
    parse_number,
)

Span = tuple[int, int]


def _words(text: str) -> list[str]:
    return text.split()


_LOOKALIKES = {
    **dict.fromkeys("‘’‚‛´`′", "'"),
    **dict.fromkeys("“”„‟″", '"'),
    **dict.fromkeys("‐‑‒–—―−", "-"),
}
_LOOKALIKE = re.compile(f"[{''.join(_LOOKALIKES)}]")
_SPACE = re.compile(r"\s{2,}|[^\S ]")  # runs to collapse: anything but a lone ordinary space
_EDGES = " \t\r\n\f\v\u00a0\u2007\u2009\u202f.,;:!?'\"‘’“”«»()[]{}…–—*•"
_WORD = re.compile(r"(?<!\w)[^\W\d_]\w*(?:['’-]\w+)*")  # not the "G" of "3G" (see _CODE)
# A token that starts with digits and goes on in letters and is not a figure ("3G", "3D", "2FA",
# "737MAX"): a name of a thing, which must be in the article as written.
_CODE = re.compile(r"(?<!\w)\d+[^\W\d_]\w*")
_LOWER_TAIL = re.compile(r"-[a-z]")
_THE = re.compile(r"^the\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"\s*['’]s?$")
_TITLES = (
    "sir dame lord lady mr mrs ms miss mx dr prof professor president vice prime minister chancellor "
    "king queen prince princess pope general gen colonel col senator sen rep governor gov mayor "
    "secretary judge justice rev reverend sheikh cardinal ambassador chief deputy former acting "
    "foreign defence defense home health finance interior state"
)
_HONORIFICS = re.compile(rf"^(?:(?:{'|'.join(_words(_TITLES))})\.?\s+)+", re.IGNORECASE)
_TITLE_WORDS = frozenset(_words(_TITLES))
_PARTICLES = frozenset(_words("de du da di von van der den del della la le al bin ibn"))  # "von der Leyen"
_CONNECTORS = _PARTICLES | {"of", "the", "y"}  # may join capitalised words into one name
_SUFFIXES = frozenset(_words("jr jr. sr sr. ii iii iv"))
_STARTERS = frozenset(
    _words(
        "the a an in on at by for from with as after before during despite although though while when "
        "where meanwhile however moreover furthermore additionally also but and or so yet this that "
        "these those its their his her our both all some many most several other such according "
        "following amid amidst under over since until if once it they he she we there here then thus "
        "overall still currently recently today yesterday now earlier later separately elsewhere instead "
        "indeed notably similarly together to of about among between"
    )
)
_DEMONYM_ENDINGS = ("ian", "ese", "ish", "an", "i", "n")
_SENTENCE_ENDS = ".!?:;•*"
_OPENERS = " \t\u00a0\"'“”‘’([{"


def _clean(needle: str) -> str:
    """The needle without edge punctuation, white space or invisible marks (RTL marks, ZWSP)."""
    start, end = 0, len(needle)
    while start < end and (needle[start] in _EDGES or _invisible(needle[start])):
        start += 1
    while end > start and (needle[end - 1] in _EDGES or _invisible(needle[end - 1])):
        end -= 1
    return needle[start:end]


def _invisible(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) == "Cf"


class _Folded(NamedTuple):
    """Typography-neutral text, and how to map its offsets back to the original text."""

    text: str
    starts: list[int]  # folded offsets where the shift changes (after each collapsed whitespace run)
    shifts: list[int]  # original offset = folded offset + shift

    def original(self, at: int) -> int:
        return at + self.shifts[bisect_right(self.starts, at) - 1]


def _lower(text: str) -> str:
    """Lower case, one character for one: the few that lower to two ("İ") stay as they are."""
    lowered = text.lower()
    return (
        lowered
        if len(lowered) == len(text)
        else "".join(c if len(c.lower()) > 1 else c.lower() for c in text)
    )


def _fold(text: str, ignore_case: bool) -> _Folded:
    text = _LOOKALIKE.sub(lambda match: _LOOKALIKES[match.group()], text)  # faster than str.translate
    text = ascii_digits(text)  # "４２" and "٤٢" are "42", "１，６００" is "1,600": one character each
    if ignore_case:
        text = _lower(text)
    pieces: list[str] = []
    starts, shifts = [0], [0]
    done = 0
    for run in _SPACE.finditer(text):
        start, end = run.span()
        pieces += [text[done:start], " "]
        folded_after = start - shifts[-1] + 1
        starts.append(folded_after)
        shifts.append(end - folded_after)
        done = end
    pieces.append(text[done:])
    return _Folded("".join(pieces), starts, shifts)


@lru_cache(maxsize=ARTICLE_CACHE)
def _folded_article(article: str, ignore_case: bool) -> _Folded:
    if ignore_case:  # lower case keeps every white space run where it is: the offsets map is shared
        cased = _folded_article(article, False)
        return _Folded(_lower(cased.text), cased.starts, cased.shifts)
    return _fold(article, ignore_case)


_DETECT_CHARS = 600  # ~0.23 ms to detect, against 0.8 ms for 3,000 (it runs once per new article)


@lru_cache(maxsize=ARTICLE_CACHE)
def _detected_language(article: str) -> str:
    return languages.detect(article[:_DETECT_CHARS])


def article_language(article: str, language: str | None = None) -> str:
    """The language whose number rules apply: ``language``'s primary subtag, else the article's."""
    return languages.primary(language) or _detected_language(article)


def prepare_article(article: str, language: str) -> None:
    """Fill this process's caches of the article (folded text, capitalised words)."""
    _folded_article(article, True)
    _folded_article(article, False)
    _capitalised_words(article)


@lru_cache(maxsize=ARTICLE_CACHE)
def _article_numbers(article: str, language: str) -> tuple[tuple[Span, ParsedNumber], ...]:
    return tuple(
        ((start, end), parse_number(article[start:end], language))
        for start, end, _ in article_numbers(article, language)
    )


def _bounded(hay: str, start: int, end: int) -> bool:
    """True if ``hay[start:end]`` is not glued to a neighbouring word or to more digits."""
    before, first, last, after = hay[start - 1 : start], hay[start], hay[end - 1], hay[end : end + 1]
    if (before.isalnum() and first.isalnum()) or (after.isalnum() and last.isalnum()):
        return False
    if first.isdigit() and before in (".", ",") and hay[start - 2 : start - 1].isdigit():
        return False  # "20" inside "1,200" or "2.20"
    return not (last.isdigit() and after in (".", ",") and hay[end + 1 : end + 2].isdigit())


def _search(
    article: str, needle: str, *, ignore_case: bool, whole_words: bool, first: bool = False
) -> list[Span]:
    key = _clean(needle)
    if not key:
        return []
    folded_needle = _fold(key, ignore_case).text
    folded = _folded_article(article, ignore_case)
    hay = folded.text
    spans: list[Span] = []
    at = hay.find(folded_needle)
    while at != -1:
        stop = at + len(folded_needle)
        if whole_words and not _bounded(hay, at, stop):
            at = hay.find(folded_needle, at + 1)
            continue
        spans.append((folded.original(at), folded.original(stop - 1) + 1))
        if first:
            break
        at = hay.find(folded_needle, stop)
    return spans


def locate(article: str, needle: str, *, ignore_case: bool = False) -> Span | None:
    """Span of the first tolerant occurrence of ``needle`` in ``article`` (a substring match)."""
    spans = _search(article, needle, ignore_case=ignore_case, whole_words=False, first=True)
    return spans[0] if spans else None


def locate_all(
    article: str, needle: str, *, ignore_case: bool = False, whole_words: bool = True
) -> list[Span]:
    """Spans of every non-overlapping tolerant occurrence of ``needle``, in order."""
    return _search(article, needle, ignore_case=ignore_case, whole_words=whole_words)


def _comparable(number: ParsedNumber) -> tuple[float | None, str | None]:
    if number.unit == "fraction" and number.value is not None:
        return number.value * 100, "percent"  # "half" and "50%" are the same share
    return number.value, number.unit


def _same_quantity(wanted: ParsedNumber, found: ParsedNumber) -> bool:
    (value, unit), (other, other_unit) = _comparable(wanted), _comparable(found)
    if value is None or other is None or (unit is not None and unit != other_unit):
        return False
    return math.isclose(value, other, rel_tol=1e-9)


def _value_match(article: str, wanted: ParsedNumber, language: str) -> Span | None:
    """The article's smallest expression of the same value (and unit, if ``wanted`` has one)."""
    numbers = _article_numbers(article, language)
    matches = [(span, found) for span, found in numbers if _same_quantity(wanted, found)]
    if not matches:
        return None
    best = min(matches, key=lambda m: (m[1].unit != wanted.unit, m[0][1] - m[0][0], m[0][0]))
    return best[0]


def _numbers_overlapping(article: str, start: int, end: int, language: str) -> list[Span]:
    """Numeric expressions of the article (its one cached scan) that overlap ``[start, end)``."""
    return [(s, e) for s, e, _ in article_numbers(article, language) if s < end and e > start]


def ground_figure(article: str, text: str, *, language: str | None = None) -> tuple[str, Span] | None:
    """The article's own text and span for a key figure, or None if the article lacks it.

    ``language`` picks the number rules (None: the article's detected language).
    """
    code = article_language(article, language)
    needle = _clean(text)
    if not needle or not (find_numbers(needle, code) or parse_number(needle, code).value is not None):
        return None  # a figure must be a number or a date
    found = _search(article, needle, ignore_case=True, whole_words=True, first=True)
    if found:
        start, end = found[0]
        inside = _numbers_overlapping(article, start, end, code)
        for number_start, number_end in inside:  # widen "1.6" to the article's whole "£1.6 billion"
            start, end = min(start, number_start), max(end, number_end)
        if inside:
            first_start, first_end = inside[0]
            outside = len(_words(article[start:first_start])) + len(_words(article[first_end:end]))
            if outside > _MAX_QUALIFIER_WORDS:  # a phrase around a number: the figure is the number
                start, end = first_start, first_end
        return article[start:end], (start, end)
    span = _value_match(article, parse_number(needle, code), code)
    return (article[span[0] : span[1]], span) if span else None


_MAX_QUALIFIER_WORDS = 2  # "around 20 countries" stays whole; a sentence around "20" does not


def _name_spans(article: str, name: str) -> list[Span]:
    spans = _search(article, name, ignore_case=True, whole_words=True)
    if name.isupper() and len(name) > 1:  # an acronym: "US" must not match "us"
        return [span for span in spans if article[span[0] : span[1]] == name]
    capitalised = [span for span in spans if article[span[0]].isupper()]
    return capitalised or spans  # "Turkey" is not "turkey", unless the article only has that


def _surname(full_name: str) -> str | None:
    tokens = [token for token in full_name.split() if token.lower() not in _SUFFIXES]
    if len(tokens) < 2:
        return None
    particle = next(
        (i for i in range(1, len(tokens) - 1) if tokens[i].lower() in _PARTICLES), len(tokens) - 1
    )
    return " ".join(tokens[particle:])


def actor_mentions(article: str, name: str, kind: str) -> tuple[str, list[Span]] | None:
    """The actor's name as the article writes it and every mention span, or None if absent."""
    cleaned = _clean(_POSSESSIVE.sub("", _clean(name)))  # "FC Tokyo 's" is "FC Tokyo"
    candidates = [_THE.sub("", cleaned), cleaned]  # "the UK" is mentioned wherever "UK" is
    if kind == "person":
        bare = _HONORIFICS.sub("", _THE.sub("", cleaned))
        candidates.append(bare)
        tokens = bare.split()
        if len(tokens) > 2:  # "UK Prime Minister Keir Starmer": fall back to the last two words
            candidates.append(" ".join(tokens[-2:]))
    spans: list[Span] = []
    for candidate in dict.fromkeys(c for c in candidates if c):
        spans = _name_spans(article, candidate)
        if spans:
            break
    if not spans:
        return None
    canonical = article[spans[0][0] : spans[0][1]]
    mentions = list(spans)
    surname = _surname(_HONORIFICS.sub("", canonical)) if kind == "person" else None
    if surname:
        for start, end in _search(article, surname, ignore_case=False, whole_words=True):
            if not any(start < full_end and full_start < end for full_start, full_end in spans):
                mentions.append((start, end))
    return canonical, sorted(mentions)


def _sentence_initial(text: str, start: int) -> bool:
    at = start - 1
    while at >= 0 and text[at] in _OPENERS:
        at -= 1
    return at < 0 or text[at] in _SENTENCE_ENDS or text[at] == "\n"


def _name_runs(summary: str, skip: list[Span]) -> list[list[Span]]:
    """Runs of capitalised words ("Bank of England"), joined by single spaces or connectors."""
    runs: list[list[Span]] = []
    run: list[Span] = []
    for match in _WORD.finditer(summary):
        start, end = match.span()
        if any(s <= start < e for s, e in skip):
            continue
        if match.group().endswith(("'s", "’s")):
            end -= 2
        if tail := _LOWER_TAIL.search(summary, start, end):
            end = tail.start()  # "UK-led" names "UK"
        word = summary[start:end]
        gap = summary[run[-1][1] : start] if run else ""
        joined = bool(run) and gap.isspace() and "\n" not in gap
        if joined and (word[0].isupper() or word in _CONNECTORS):
            run.append((start, end))
            continue
        runs.append(run)
        run = [(start, end)] if word[0].isupper() else []
    runs.append(run)
    trimmed: list[list[Span]] = []
    for words in runs:
        last = len(words)
        while last and summary[words[last - 1][0] : words[last - 1][1]] in _CONNECTORS:
            last -= 1
        trimmed += [words[:last]] if last else []
    return trimmed


@lru_cache(maxsize=ARTICLE_CACHE)
def _capitalised_words(article: str) -> frozenset[str]:
    return frozenset(word for word in _WORD.findall(article) if word[0].isupper())


def _demonym_of_mentioned(article: str, word: str) -> bool:
    """True for "Ukrainian" when the article names "Ukraine" ("Chinese"/"China", "British"/"Britain")."""
    stems = [word.removesuffix(ending) for ending in _DEMONYM_ENDINGS if word.endswith(ending)]
    return any(
        name.startswith(stem) and len(name) <= len(stem) + 3
        for stem in stems
        if len(stem) >= 4
        for name in _capitalised_words(article)
    )


def _unsupported_names(article: str, summary: str, run: list[Span]) -> list[Span]:
    words = [summary[start:end] for start, end in run]
    initial = _sentence_initial(summary, run[0][0])
    if initial and (words[0].lower() in _STARTERS or len(run) == 1):
        return _unsupported_names(article, summary, run[1:]) if len(run) > 1 else []
    free = [w.lower() in _CONNECTORS or w.lower().rstrip(".") in _TITLE_WORDS or w == "I" for w in words]
    missing: list[int] = []
    i = 0
    while i < len(run):
        if free[i]:
            i += 1
            continue
        ends = [j for j in range(len(run), i, -1) if not free[j - 1]]
        found = next((j for j in ends if _mentions(article, summary[run[i][0] : run[j - 1][1]])), None)
        if found is None and not _demonym_of_mentioned(article, words[i]):
            missing.append(i)
        i = found or i + 1
    if initial and missing[:1] == [0] and 1 not in missing:
        missing = missing[1:]  # a lone sentence-initial word ("Amid Russian ...") is not a name
    spans: list[Span] = []
    for n, i in enumerate(missing):
        if n and all(free[k] for k in range(missing[n - 1] + 1, i)):
            spans[-1] = (spans[-1][0], run[i][1])  # "Emmanuel Macron" is one problem, not two
        else:
            spans.append(run[i])
    return spans


def _mentions(article: str, text: str) -> bool:
    return bool(_search(article, text, ignore_case=True, whole_words=True, first=True))


def summary_problems(article: str, summary: str, *, language: str | None = None) -> list[str]:
    """One message per number or proper name in ``summary`` that ``article`` does not support.

    Numbers of both are read by ``language``'s rules (None: the article's detected language).
    """
    code = article_language(article, language)
    problems: list[tuple[int, str]] = []
    number_spans = find_numbers(summary, code)
    for start, end in number_spans:
        text = summary[start:end]
        if _mentions(article, text) or _value_match(article, parse_number(text, code), code):
            continue
        problems.append((start, f'number "{text}" is not in the article'))
    for match in _CODE.finditer(summary):
        start, end = match.span()
        if not any(s <= start < e for s, e in number_spans) and not _mentions(article, match.group()):
            problems.append((start, f'name "{match.group()}" is not in the article'))
    for run in _name_runs(summary, number_spans):
        for start, end in _unsupported_names(article, summary, run):
            problems.append((start, f'name "{summary[start:end]}" is not in the article'))
    return list(dict.fromkeys(message for _, message in sorted(problems)))
