"""Cut an article into sentence spans with pysbd (rule-based, multilingual).

Blank lines always end a sentence, and so does a line break before anything but a
lower-case letter (a wrapped line goes on).  A first line without final punctuation,
followed by more text, is the headline.  Inside a line pysbd decides, knowing the
abbreviations, initials, decimals and quotations of the article's language; a few titles
it misses ("Sr.", "M.") are joined back to the sentence they begin.  Spans index the
original text and never start or end with white space or an invisible mark (RTL marks,
zero-width space).

pysbd's cost grows with the square of its input, so a long line reaches it in windows of
bounded size (``_sentence_starts``): segmentation is linear in the length of the text.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import pysbd  # type: ignore[import-untyped]
from pysbd.languages import LANGUAGE_CODES  # type: ignore[import-untyped]

_BREAK = re.compile(r"\n(?:[ \t\r\f\v\u00a0]*\n)*")
_WRAPPED = re.compile(r"[ \t\u00a0]*[a-zà-ÿ]")  # a line that starts in lower case goes on
_CLOSERS = "\"'”’»)]"
_FINAL = ".!?…:;"
# Titles before a name that pysbd may take for a sentence end, by language.
_TITLES = {
    "en": "mr mrs ms dr prof sen rep gov gen col lt sgt st rev hon",
    "es": "sr sra srta dr dra lic ing prof d dña",
    "fr": "m mm mme mlle dr pr me",
    "de": "hr fr dr prof",
}
_TITLE_WORDS = {lang: frozenset(words.split()) for lang, words in _TITLES.items()}
_LAST_WORD = re.compile(r"([^\W\d_]+)\.$")
_WORD_CHAR = re.compile(r"[^\W_]")
_LIST_NUMBER = re.compile(r"[0-9]{1,4}[.]\s+(?=\S)")
_OPEN_END = re.compile(r"[^\W\d_A-Z]\s+$")  # ends on a lower-case letter
# Tokenised text: a full stop, "!" or "?" standing alone between spaces ends a sentence
# whatever follows ("grew 2 % . the bank"); pysbd keeps "cheered ! it was" together.
_TOKEN_END = re.compile(r"(?<=\s)(?:[.!?]|\?!|!\?)[\"'”’»)\]]*\s+(?=\S)")
# Lower-cased text: "!" or "?" before a word ends a sentence even though the word is lower case.
_LOWER_END = re.compile(r"[!?]+[\"'”’»)\]]*\s+(?=[^\W\d_])")
_TITLE_TAIL_CHARS = 16  # longer than any title word
_WINDOW_CHARS = 2000  # the most pysbd reads at once (its cost is quadratic in this)
_LOOKAHEAD_CHARS = 300  # text a kept sentence start has after it in its window


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the article: ``text[start:end]``."""

    start: int
    end: int
    headline: bool = False
    paragraph: int = 0  # index of the block (blank-line separated) it is in

    def text(self, article: str) -> str:
        return article[self.start : self.end]


def _padding(char: str) -> bool:
    """White space, or an invisible format mark (RTL marks, zero-width space, BOM)."""
    return char.isspace() or unicodedata.category(char) == "Cf"


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and _padding(text[start]):
        start += 1
    while end > start and _padding(text[end - 1]):
        end -= 1
    return start, end


def _lines(text: str) -> list[tuple[int, int, int]]:
    """``(start, end, paragraph)`` of the pieces separated by hard line breaks."""
    pieces: list[tuple[int, int, int]] = []
    start, paragraph = 0, 0
    for match in _BREAK.finditer(text):
        blank = match.group().count("\n") > 1
        if not blank and _WRAPPED.match(text, match.end()):
            continue
        pieces.append((start, match.start(), paragraph))
        start, paragraph = match.end(), paragraph + int(blank)
    pieces.append((start, len(text), paragraph))
    return [(s, e, p) for s, e, p in ((*_trimmed(text, a, b), p) for a, b, p in pieces) if s < e]


def _ends_with_title(piece: str, start: int, end: int, titles: frozenset[str]) -> bool:
    # Only the tail is looked at: a run of merged sentences must not be rescanned each time.
    match = _LAST_WORD.search(piece[max(start, end - _TITLE_TAIL_CHARS) : end].rstrip())
    return match is not None and match.group(1).lower() in titles


def _has_word(piece: str, start: int, end: int) -> bool:
    """False for a piece of punctuation alone (a closing quote pysbd left on its own)."""
    return _WORD_CHAR.search(piece, start, end) is not None


def _pysbd_starts(segmenter: Any, piece: str, start: int, end: int) -> list[int]:
    """Where pysbd starts a sentence in ``piece[start:end]``, after the first one (offsets of ``piece``)."""
    window = piece[start:end]
    starts: list[int] = []
    cursor = 0
    for segment in segmenter.segment(window):
        stripped = segment.strip()
        at = window.find(stripped, cursor) if stripped else -1
        if at < 0:
            continue  # pysbd never rewrites text with clean=False; be safe if it did
        if at > 0:
            starts.append(start + at)
        cursor = at + len(stripped)
    return starts


def _past_list_number(piece: str, at: int) -> int:
    """Move a start that pysbd put before a number ending the sentence ("rose by 5. The") past it.

    pysbd reads "5. The" as a numbered list item; after a sentence that stops on a lower-case
    word with no final punctuation, the number is that sentence's last word.
    """
    number = _LIST_NUMBER.match(piece, at)
    if number and _OPEN_END.search(piece, max(0, at - _TITLE_TAIL_CHARS), at):
        return number.end()
    return at


def _cut(piece: str, low: int, high: int) -> int:
    """A place in ``piece[low:high]`` just after white space (a word starts there), else ``high``."""
    space = piece.rfind(" ", low, high)
    return space + 1 if space >= 0 else high


def _sentence_starts(piece: str, language: str) -> list[int]:
    """Sentence starts in ``piece`` (after the first), pysbd's, in windows of bounded size.

    pysbd's cost grows with the square of its input (each abbreviation found rewrites the whole
    text), so a long piece goes through it in windows of at most ``_WINDOW_CHARS``.  A window
    keeps the starts pysbd finds with at least ``_LOOKAHEAD_CHARS`` of text after them (what
    pysbd looks at after a full stop is a few words); the next window begins at the last kept
    start, so later starts are decided again with text on both sides.  A window with no start
    to keep (one very long sentence) hands on at a word boundary near its end, and nothing is
    decided at that cut.  Each character is read by about ``_WINDOW_CHARS / (_WINDOW_CHARS -
    _LOOKAHEAD_CHARS)`` windows: the cost is linear in the length of the piece.
    """
    segmenter = pysbd.Segmenter(language=language, clean=False)
    starts: list[int] = []
    low, size = 0, len(piece)
    while size - low > _WINDOW_CHARS:
        high = _cut(piece, low + _WINDOW_CHARS // 2, low + _WINDOW_CHARS)
        kept = [at for at in _pysbd_starts(segmenter, piece, low, high) if at <= high - _LOOKAHEAD_CHARS]
        starts += kept
        low = kept[-1] if kept else _cut(piece, high - 2 * _LOOKAHEAD_CHARS, high - _LOOKAHEAD_CHARS)
    return starts + _pysbd_starts(segmenter, piece, low, size)


def _segment(text: str, start: int, end: int, language: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text[start:end]``, a piece without hard line breaks."""
    piece = text[start:end].replace("\n", " ")  # same length: offsets stay valid
    # Cover the piece: each sentence runs to the next one, so nothing falls between.
    starts = {_past_list_number(piece, at) for at in _sentence_starts(piece, language)}
    starts |= {match.end() for match in _TOKEN_END.finditer(piece)}
    if not any(char.isupper() for char in piece):
        starts |= {match.end() for match in _LOWER_END.finditer(piece)}
    bounds = [0, *sorted(at for at in starts if 0 < at < len(piece)), len(piece)]
    titles = _TITLE_WORDS.get(language, frozenset())
    merged: list[tuple[int, int]] = []
    for s, e in itertools.pairwise(bounds):
        if merged and (_ends_with_title(piece, *merged[-1], titles) or not _has_word(piece, s, e)):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return [_trimmed(text, start + s, start + e) for s, e in merged]


def _is_headline(line: str) -> bool:
    stripped = line.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] not in _FINAL and len(line.split()) <= 30


def split(text: str, language: str = "en") -> list[Sentence]:
    """The sentences of ``text`` in order; the first one may be flagged as the headline."""
    lang = language if language in LANGUAGE_CODES else "en"
    sentences: list[Sentence] = []
    pieces = _lines(text)
    for i, (start, end, paragraph) in enumerate(pieces):
        if i == 0 and len(pieces) > 1 and _is_headline(text[start:end]):
            sentences.append(Sentence(start, end, headline=True, paragraph=paragraph))
            continue
        sentences += [
            Sentence(s, e, paragraph=paragraph) for s, e in _segment(text, start, end, lang) if s < e
        ]
    return sentences
