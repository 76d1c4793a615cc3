"""Quotation marks of an article, paired: the quoted stretches of every paragraph, in order.

“…” and „…“ / „…”, «…» and »…«, ‘…’ (an opening ‘ at a word start, a closing ’ not followed by a
letter, so "don’t" is not a mark), straight "…" and '…' (opening where a quote can open: after white
space or an opening bracket). A quote left open at the end of its paragraph runs over into the next
one, as news style writes long quotes; a mark that opens a new quote while one is open ends it there
(the writer left it unclosed). ``service.nlp.quotes`` decides which stretches are someone's words.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

Span = tuple[int, int]

PARAGRAPH = re.compile(r"\n\s*\n|\n")
_MARK = re.compile(r"[\"'“”„‟«»‘’‹›]")
# ‘…' and '…’: a text that mixes straight and curly single marks (an edit, pasted paragraphs).
_CLOSERS = {"“": "”“", "„": "“”", "«": "»", "»": "«", "‘": "’'", '"': '"', "'": "'’", "‹": "›", "‟": "”"}
_KIN = {"'": "'‘", "‘": "‘'"}  # marks of one family: either one opens the next piece
# A quotation mark, but not an apostrophe inside a word ("BP's", "don’t").
QUOTE_MARK = re.compile(r"[\"“”„‟«»‹›]|(?<!\w)['‘’]|['‘’](?![^\W\d_]|\s?[«“])")
_AMBIGUOUS = "‘'\""  # also apostrophes or closing marks: they open only where a quote can open
# A year cut short ("the '90s", "class of '83", "Sep 4, ’03"): an apostrophe, never a mark ('90%
# full' may open a quote)
_ELISION = re.compile(r"['‘’]\d\ds?(?=[\s,.;:!?)–—-]|$)")
_OPEN_CONTEXT = re.compile(r"(?:^|[\s(\[{—–\-:/])$")
_DIALOGUE_DASHES = "—―"
_DIALOGUE_CLOSE = re.compile(r"\s[—―]")
SENTENCE_END = re.compile(r"[.!?…](?=\s|$)|\n")
_END_CHARS = ".!?…\n"


@dataclass(frozen=True, slots=True)
class Piece:
    open_at: int  # the opening mark
    close_at: int  # the closing mark, or the end of the paragraph when the quote runs on
    span: Span
    runs_on: bool
    continues: bool  # the paragraph's first piece, going on from a quote left open before it
    unclosed: bool = False  # ended by the next quote's opening mark, not a closing one


def trim(text: str, start: int, end: int) -> Span:
    while start < end and (text[start].isspace() or text[start] in "\u200b\u200e\u200f"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "\u200b\u200e\u200f"):
        end -= 1
    return start, end


def _opens(text: str, at: int, mark: str, paragraph_start: int, paragraph_end: int = -1) -> bool:
    """Can the mark at ``at`` open a quote?"""
    if _ELISION.match(text, at):
        return False
    after = text[at + 1 : at + 2]
    if not after or (after.isspace() and mark not in "«»„" and not _spaced_opening(text, at, paragraph_end)):
        return False
    if mark in _AMBIGUOUS:
        return bool(_OPEN_CONTEXT.search(text, max(paragraph_start, at - 1), at)) or at == paragraph_start
    if mark == "»":  # »…« (German style) opens only before a word
        return after.isalnum()
    return mark in _CLOSERS


def _spaced_opening(text: str, at: int, paragraph_end: int) -> bool:
    """'could be " very important to …"': a straight mark set off by a space on both sides
    opens a quote when a word follows it and the next straight mark of the paragraph closes one
    (it follows a word, not a space)."""
    if not (
        text[at] == '"'
        and at + 2 < paragraph_end
        and text[at - 1 : at].isspace()
        and text[at + 1] == " "
        and text[at + 2].isalpha()
    ):
        return False
    following = text.find('"', at + 1, paragraph_end)
    return following > at + 2 and not text[following - 1].isspace()


def _closes(text: str, at: int, mark: str, opener: str) -> bool:
    if mark not in _CLOSERS[opener] or _ELISION.match(text, at):
        return False
    if mark in "’'":  # an apostrophe ("don’t", "Ukraine’s") is followed by a letter
        after = text[at + 1 : at + 2]
        return not after.isalpha() and not text[at - 1 : at].isspace()
    return True


def _reopens(text: str, at: int, mark: str, opener: str, paragraph_start: int) -> bool:
    """A mark inside a quote that opens the next one: the writer left the first one unclosed.

    '"I won the race. "That is when he came past' is two quotes: a closing mark follows a word,
    this one follows a space and comes before one.
    """
    if mark != opener and not (mark in _KIN.get(opener, "") and at >= 2 and text[at - 2] in _END_CHARS):
        return False  # '‘A. 'B' (mixed marks) only after a sentence's end
    return mark in _AMBIGUOUS and text[at - 1 : at].isspace() and _opens(text, at, mark, paragraph_start)


def pieces(text: str) -> list[Piece]:
    """Every quoted stretch of every paragraph, in order."""
    pieces: list[Piece] = []
    starts = [0] + [m.end() for m in PARAGRAPH.finditer(text)]
    ends = [m.start() for m in PARAGRAPH.finditer(text)] + [len(text)]
    running_on = False
    for start, end in zip(starts, ends, strict=True):
        opener: str | None = None
        open_at = -1
        first = True
        marks_from = start
        dialogue = _dialogue(text, start, end)
        if dialogue is not None:
            pieces.append(dialogue)
            first, running_on, marks_from = False, False, dialogue.close_at + 1
        for match in _MARK.finditer(text, marks_from, end):
            at, mark = match.start(), match.group()
            if opener is None:
                if _opens(text, at, mark, start, end):
                    opener, open_at = mark, at
                    # a quote left open goes on only in a piece that opens the paragraph ('In a
                    # statement, detainee 'A' said:' is no continuation)
                    running_on = running_on and not (first and text[start:at].strip())
                continue
            if _reopens(text, at, mark, opener, start):
                span = trim(text, open_at + 1, at)
                if span[0] < span[1]:
                    pieces.append(Piece(open_at, at, span, False, first and running_on, unclosed=True))
                first = False
                open_at = at
            elif _closes(text, at, mark, opener):
                span = trim(text, open_at + 1, at)
                if span[0] < span[1]:
                    pieces.append(Piece(open_at, at, span, False, first and running_on))
                first = False
                opener = None
        running_on = False
        if opener is not None:
            span = trim(text, open_at + 1, end)
            if span[0] < span[1]:
                pieces.append(Piece(open_at, end, span, True, first and running_on))
                running_on = True
    return pieces


def _dialogue(text: str, start: int, end: int) -> Piece | None:
    """A paragraph of dialogue opened by a dash (es, fr): "—No habrá más retrasos —dijo Lucía."

    The words run from the opening dash to the next dash after a space (the attribution follows
    it), or to the paragraph's end.
    """
    lead = trim(text, start, end)[0]
    if lead >= end or text[lead] not in _DIALOGUE_DASHES:
        return None
    close = _DIALOGUE_CLOSE.search(text, lead + 1, end)
    close_at = close.start() + 1 if close else end
    span = trim(text, lead + 1, close_at)
    return Piece(lead, close_at, span, False, False) if span[0] < span[1] else None


def sentence_after(text: str, at: int) -> str:
    end = SENTENCE_END.search(text, at)
    return text[at : end.start() + 1 if end else len(text)]


@lru_cache(maxsize=8)
def _sentence_ends(text: str) -> tuple[list[int], list[int]]:
    """Where each sentence end of ``text`` starts and ends (found once per article, not per quote:
    a news text flattened into one paragraph would be scanned from its start for every quote)."""
    matches = list(SENTENCE_END.finditer(text))
    return [m.start() for m in matches], [m.end() for m in matches]


def sentence_before(text: str, at: int, floor: int) -> tuple[int, str]:
    """The sentence's text before ``at`` (from its start, or the last quote mark that is not a
    short quoted term's)."""
    starts, ends = _sentence_ends(text)
    i = bisect_right(ends, at) - 1  # the last sentence end that ends by ``at``
    start = ends[i] if i >= 0 and starts[i] >= floor else floor
    if floor < at and text[at - 1] in _END_CHARS:
        start = at  # a full stop right before ``at`` ends a sentence there, whatever follows it
    mark_starts, mark_ends = _marks(text)
    j = bisect_left(mark_starts, at) - 1  # the last mark before ``at``
    terms = _terms(text)
    while j >= 0 and mark_starts[j] >= start and mark_starts[j] in terms:
        # 'Ann Lee, one of the "Iron Ladies" elected in 1983, said': a term quoted in the sentence
        # is part of it, and the speaker may be named before it
        j = bisect_left(mark_starts, terms[mark_starts[j]]) - 1
    if j >= 0 and mark_starts[j] >= start:
        start = mark_ends[j]  # another quote's mark: what is before it is not about this quote
    return start, text[start:at]


MAX_TERM_WORDS = 4  # "Iron Ladies", "absolutely ridiculous": a term or a phrase, not a statement


@lru_cache(maxsize=8)
def _terms(text: str) -> dict[int, int]:
    """The closing mark of each short quoted term of ``text`` (a few words, no sentence end or
    comma inside), mapped to its opening mark."""
    return {
        piece.close_at: piece.open_at
        for piece in article_pieces(text)
        if not piece.runs_on
        and not piece.unclosed
        and len(text[piece.span[0] : piece.span[1]].split()) <= MAX_TERM_WORDS
        and not any(c in ".!?,;:" for c in text[piece.span[0] : piece.span[1]])
    }


def quotes_words(text: str, start: int, end: int) -> bool:
    """Is a quotation mark between ``start`` and ``end`` other than those of a short quoted term
    ('… called all women "Betty".' quotes nobody's sentence)?"""
    mark_starts, _ = _marks(text)
    terms = _terms(text)
    term_marks = {*terms, *terms.values()}
    return any(
        mark not in term_marks
        for mark in mark_starts[bisect_left(mark_starts, start) : bisect_left(mark_starts, end)]
    )


@lru_cache(maxsize=8)
def _marks(text: str) -> tuple[list[int], list[int]]:
    """Where each quotation mark of ``text`` starts and ends, found once per article (each is one
    character, and its look-arounds see the whole text, so they are the marks of any stretch). A
    plural's apostrophe the pairing left alone ("the TaxPayers’ Alliance said") is none."""
    found = article_pieces(text)
    used = {p.open_at for p in found} | {p.close_at for p in found}
    at = [
        m.start()
        for m in _MARK.finditer(text)  # a plain class finds the candidates fast; QUOTE_MARK decides
        if QUOTE_MARK.match(text, m.start())
        and (m.start() in used or not _PLURAL_APOSTROPHE.match(text, m.start() - 1))
    ]
    return at, [a + 1 for a in at]


_PLURAL_APOSTROPHE = re.compile(r"[sS]['’]\s[^\W\d_]")


@lru_cache(maxsize=8)
def article_pieces(text: str) -> tuple[Piece, ...]:
    """``pieces`` once per article."""
    return tuple(pieces(text))


def clear_caches() -> None:
    """Forget every article's marks, pieces and sentence ends (for a cold timing)."""
    for cached in (_sentence_ends, _marks, _terms, article_pieces):
        cached.cache_clear()
