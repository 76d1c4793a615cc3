"""The author a quoted document speaks for ("the memo states": whoever the article says wrote it),
and the document an "it" stands for ("The memo, edited by …, says …. It reads:")."""

from __future__ import annotations

import re

from service.grounding.names import NAME_AFTER
from service.grounding.previous import BODY_SENTENCE_CHARS
from service.grounding.speakers import Speakers
from service.nlp.attribution import DOCUMENT_NOUNS, document_opening, rules_for, words

Span = tuple[int, int]

# "prepared by the Congressional Research Service", "a report by Acme Water": who wrote a document
# ("edited by", "seen by", "commissioned by" say someone else did)
_BY_NAME = re.compile(rf"(?<![\w-])(\w+(?:\s+up)?)\s+(by|from)\s+(?:the\s+)?((?>{NAME_AFTER}))")
_AUTHORING = words("prepared written compiled produced authored issued published")


def document_author(speakers: Speakers) -> tuple[int, Span] | None:
    """The speaker of a quoted document ("the memo states"): the one author the article names for
    a document ("The document, prepared by the CRS, ..."). Two different authors (a report by one
    body, a letter from another), or none: no speaker."""
    if _AUTHOR not in speakers.described:  # once per article: the author is the same for each quote
        speakers.described[_AUTHOR] = _document_author(speakers)
    return speakers.described[_AUTHOR]


_IT = re.compile(r"\s*It\s+(?:also\s+|[a-z]+ly\s+)?")  # "It also states", "It reads", "It then says"


def document_before(speakers: Speakers, at: int) -> tuple[int, Span] | None:
    """The author of the document an "it" at ``at`` stands for: a document that reports speech
    as the subject of the sentence before ("The memo, edited by …, says …. It reads:"), or of the
    one before a sentence that "it" opens too ("It also states …. It reads:")."""
    own_start = speakers._sentence_start(at)
    rules = rules_for(speakers.language)
    for _ in range(2):
        start = speakers._previous_sentence_start(own_start)
        if own_start - start > BODY_SENTENCE_CHARS or speakers.in_quote(start):
            return None
        it = _IT.match(speakers.text, start, own_start)
        if it is None or rules.verb.match(speakers.text, it.end(), own_start) is None:
            document = document_opening(speakers.text, start, own_start)
            if document is None or document[0] > start + 2:
                return None
            said = rules.verb.search(speakers.text, document[1], own_start)
            return document_author(speakers) if said and said.group()[:1].islower() else None
        own_start = start
    return None


_AUTHOR: Span = (-1, -1)  # where ``described`` keeps the article's document author


def _document_author(speakers: Speakers) -> tuple[int, Span] | None:
    authors: dict[str, Span] = {}
    for match in _BY_NAME.finditer(speakers.text):
        word = match.group(1).casefold()
        if not (
            word in DOCUMENT_NOUNS
            or (match.group(2) == "by" and (word in _AUTHORING or re.fullmatch(r"drawn\s+up", word)))
        ):
            continue
        span = (match.start(3), match.end(3))
        if not speakers.in_quote(match.start()) and speakers._named(*span):
            authors.setdefault(speakers.text[span[0] : span[1]], span)
    if len(authors) != 1:
        return None
    span = next(iter(authors.values()))
    named = speakers.by_mention(span)
    return named if named is not None else speakers.add(span)
