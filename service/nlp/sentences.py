"""Cut an article into sentence spans with pysbd (rule-based, multilingual).

Blank lines always end a sentence, and so does a line break before anything but a
lower-case letter (a wrapped line goes on).  A first line without final punctuation,
followed by more text, is the headline.  Inside a line pysbd decides, knowing the
abbreviations, initials, decimals and quotations of the article's language; a few titles
it misses ("Sr.", "M.") are joined back to the sentence they begin.  Spans index the
original text and never start or end with white space.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the article: ``text[start:end]``."""

    start: int
    end: int
    headline: bool = False
    paragraph: int = 0  # index of the block (blank-line separated) it is in

    def text(self, article: str) -> str:
        return article[self.start : self.end]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
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


def _ends_with_title(piece: str, titles: frozenset[str]) -> bool:
    match = _LAST_WORD.search(piece)
    return match is not None and match.group(1).lower() in titles


def _segment(text: str, start: int, end: int, language: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text[start:end]``, a piece without hard line breaks."""
    piece = text[start:end].replace("\n", " ")  # same length: offsets stay valid
    segmenter = pysbd.Segmenter(language=language, clean=False)
    spans: list[tuple[int, int]] = []
    cursor = 0
    for segment in segmenter.segment(piece):
        stripped = segment.strip()
        at = piece.find(stripped, cursor) if stripped else -1
        if at < 0:
            continue  # pysbd never rewrites text with clean=False; be safe if it did
        spans.append((at, at + len(stripped)))
        cursor = at + len(stripped)
    if not spans:
        return [(start, end)]
    # Cover the piece: each sentence runs to the next one, so nothing falls between.
    covered = [
        (0 if i == 0 else s, spans[i + 1][0] if i + 1 < len(spans) else len(piece))
        for i, (s, _) in enumerate(spans)
    ]
    titles = _TITLE_WORDS.get(language, frozenset())
    merged: list[tuple[int, int]] = []
    for s, e in covered:
        if merged and _ends_with_title(piece[merged[-1][0] : merged[-1][1]].rstrip(), titles):
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
