"""Fast text units for the support checker: sentences, clauses and tokens, with exact spans.

A regex sentence splitter (linear; pysbd costs more than the checker's whole budget on a
600-word article), clause cuts at punctuation and contrastive conjunctions, and word tokens
with their lower-case form, stem and capitalisation.  Every span indexes the original text and
never starts or ends with white space.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from service.grounding.support.lexicon import Lexicon, words

Span = tuple[int, int]

# A sentence ends at final punctuation (and closing quotes) followed by white space, or at a line
# break that is not a wrapped line (the next line starting in lower case goes on), or where a
# scraped text lost the space after a full stop ("the community.Dr Venter").
# Every alternative starts with the character it needs, so most positions fail at one test (a
# leading look-behind was tried at every character: twice the time of the whole split).
_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)|\n|[.!?](?<=[^\W\d_A-Z]{2}[.!?])(?=[A-Z][^\W\d_A-Z])")
_NEXT_START = re.compile(r"\s*[\"'“‘«(\[¿¡]?[^\W_a-zß-ÿ]")  # capital letter, digit or opening quote
_WRAPPED = re.compile(r"[ \t\u00a0]*[a-zß-ÿ]")
_LAST_WORD = re.compile(r"([^\W\d_]+)\.+$")
_INITIALS = re.compile(r"(?:^|\s)(?:[^\W\d_]\.)+$")  # "J." or "U.S."
_ABBREVIATIONS = words(
    "mr mrs ms dr prof st gen sen rep gov lt col sgt capt jr sr inc corp co ltd no vs etc fig "
    "sra srta dra lic ing dña mme mlle hr fr nr bzw ca vgl"
)
_CLAUSE_CUT = re.compile(r"[;:—–()]|,\s|\s-\s")
_CONTRAST = {
    "en": re.compile(r"\s(?:but|while|although|though|whereas|however)\s", re.IGNORECASE),
    "es": re.compile(r"\s(?:pero|mientras|aunque|sino|sin embargo)\s", re.IGNORECASE),
    "de": re.compile(r"\s(?:aber|während|obwohl|doch|jedoch|sondern)\s", re.IGNORECASE),
    "fr": re.compile(r"\s(?:mais|tandis|alors que|bien que|pourtant|cependant)\s", re.IGNORECASE),
}
_TOKEN = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*['’]?|[0-9]+(?:[.,][0-9]+)*")
_BRACKET_TOKENS = words("LRB RRB LSB RSB LCB RCB")
_ELIDED = words("l d j m n s t c qu jusqu lorsqu puisqu")  # French "l'accord"


class Token(NamedTuple):
    """A word of a text: ``text[start:end]`` (a tuple: the checker makes ~1,000 per article)."""

    start: int
    end: int
    low: str  # lower case, elision and possessive removed
    stem: str
    cap: bool  # starts with a capital letter
    negative: bool  # a negation cue by itself ("not", "didn't", "n'a")


def trimmed(text: str, start: int, end: int) -> Span:
    """``(start, end)`` without white space at either edge."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_abbreviation(text: str, start: int, end: int) -> bool:
    """Does the piece ending at ``end`` (with a dot) end in a title, initial or abbreviation?"""
    tail = text[max(start, end - 12) : end]
    if not tail.endswith("."):
        return False
    if _INITIALS.search(tail):
        return True
    match = _LAST_WORD.search(tail)
    return match is not None and match.group(1).lower() in _ABBREVIATIONS


def sentences(text: str) -> list[Span]:
    """Sentence spans of ``text``, in order."""
    spans: list[Span] = []
    start = 0
    for match in _END.finditer(text):
        end = match.end()
        if match.group() == "\n":
            blank = text[end : end + 1] == "\n" or text[match.start() - 1 : match.start()] == "\n"
            if not blank and _WRAPPED.match(text, end):
                continue
            end = match.start()
        elif not _NEXT_START.match(text, end) or _is_abbreviation(text, start, end):
            continue
        piece = trimmed(text, start, end)
        if piece[0] < piece[1]:
            spans.append(piece)
        start = match.end()
    piece = trimmed(text, start, len(text))
    if piece[0] < piece[1]:
        spans.append(piece)
    return spans


def clauses(text: str, span: Span, language: str) -> list[Span]:
    """Clause spans inside the sentence ``span`` (cut at ; : dashes, commas, "but", ...)."""
    start, end = span
    cuts = [m.start() for m in _CLAUSE_CUT.finditer(text, start, end)]
    contrast = _CONTRAST.get(language)
    if contrast is not None:
        cuts += [m.start() for m in contrast.finditer(text, start, end)]
    out: list[Span] = []
    previous = start
    for cut in sorted(cuts):
        piece = trimmed(text, previous, cut)
        if piece[0] < piece[1]:
            out.append(piece)
        previous = cut
    piece = trimmed(text, previous, end)
    if piece[0] < piece[1]:
        out.append(piece)
    return out


def _low_form(word: str, language: str) -> str:
    low = word.lower().replace("’", "'")
    if "'" in low:
        head, _, tail = low.partition("'")
        if language == "fr" and head in _ELIDED and tail:
            return tail
        if language == "en" and tail in {"s", ""}:
            return head
        if language == "en" and low.endswith("n't"):
            return low
    return low.rstrip("'")


def _analyse_word(word: str, lex: Lexicon) -> tuple[str, str, bool, bool]:
    low = _low_form(word, lex.language)
    raw = word.lower().replace("’", "'")
    negative = (
        low in lex.negation_words
        or (lex.language == "en" and raw.endswith("n't"))
        or (lex.language == "fr" and raw.startswith("n'"))
    )
    return low, lex.stem(low), word[:1].isupper(), negative


# Word form -> (low, stem, capitalised, negative), per language: stemming is most of the cost of
# an article, and news repeats its words.  Cleared when full, so memory stays bounded.
_WORDS: dict[str, dict[str, tuple[str, str, bool, bool]]] = {}
_new_tuple = tuple.__new__
MAX_CACHED_WORDS = 200_000


class Word(NamedTuple):
    """What the checker needs to know of one word form, whatever its position."""

    low: str
    stem: str
    cap: bool
    negative: bool
    content: bool  # counts for alignment and coverage (not a stop word, digit or negation)
    name: bool  # capitalised and not a stop word: a name when it is not the first word
    referring: bool  # a pronoun or role noun that may stand for an earlier name ("the minister")
    cue: bool  # may negate what follows ("not", "refused")


_INFO: dict[str, dict[str, Word]] = {}  # language -> word form -> Word


def word_info(word: str, lex: Lexicon) -> Word:
    """The ``Word`` of a word form (cached per language, bounded like the token cache)."""
    cache = _INFO.setdefault(lex.language, {})
    known = cache.get(word)
    if known is None:
        if len(cache) >= MAX_CACHED_WORDS:
            cache.clear()
        low, stem, cap, negative = _analyse_word(word, lex)
        known = cache[word] = Word(
            low,
            stem,
            cap,
            negative,
            content=low not in lex.stops and not negative and len(low) > 1 and not low.isdigit(),
            name=cap and low not in lex.stops,
            referring=stem in lex.role_stems or low in lex.role_stems,
            cue=negative or (stem in lex.negative_stems and not cap),
        )
    return known


# A token and, when exactly one space and a letter follow it, that space: "Anna Lopez" is a pair of
# adjacent capitalised words without building a Token for every word of the article.
_TOKEN_GAP = re.compile(rf"({_TOKEN.pattern})( (?=[^\W\d_]))?")


def words_of(text: str, start: int, end: int, lex: Lexicon) -> tuple[list[Word], list[str]] | None:
    """The ``Word`` of every token of ``text[start:end]``, and what joins each to the next.

    The second list holds " " where exactly one space and a letter follow the token, else "".
    None when the piece has a Penn-Treebank bracket token, which ``tokens`` judges in context.
    """
    found = _TOKEN_GAP.findall(text, start, end)
    forms = [form for form, _ in found]
    if not _BRACKET_TOKENS.isdisjoint(forms):
        return None
    cache = _INFO.get(lex.language) or {}
    infos = [cache.get(form) or word_info(form, lex) for form in forms]
    return infos, [gap for _, gap in found]


def tokens(text: str, start: int, end: int, lex: Lexicon) -> list[Token]:
    """Word tokens of ``text[start:end]``."""
    cache = _WORDS.get(lex.language)
    if cache is None:
        cache = _WORDS[lex.language] = {}
    out: list[Token] = []
    for match in _TOKEN.finditer(text, start, end):
        word = match.group()
        known = cache.get(word)
        if known is None:
            if word in _BRACKET_TOKENS:  # never cached: what it is depends on the character before
                if text[match.start() - 1 : match.start()] == "-":
                    continue  # "-LRB-": a bracket in Penn-Treebank-tokenised text, not a word
                known = _analyse_word(word, lex)
            else:
                if len(cache) >= MAX_CACHED_WORDS:
                    cache.clear()
                known = cache[word] = _analyse_word(word, lex)
        out.append(_new_tuple(Token, (*match.span(), *known)))  # Token(...) without its Python __new__
    return out
