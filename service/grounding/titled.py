"""A person named with a title or a trade in the speaker's words: "Indiana Pacers President Larry
Bird said" is Larry Bird's (not the Pacers'), "forward Pedro told reporters" is Pedro's (a one-word
name, but a forward's)."""

from __future__ import annotations

import re

from service.grounding.speakers import Speakers
from service.schema import ActorKind

Span = tuple[int, int]

_TITLE_AFTER = re.compile(r"(?:['’]s)?\s+((?:[\w-]+\s+){1,3}?)[^\W\d_a-z]")  # "… President Jos"
_TITLED_NAME = re.compile(
    r"(?:['’]s)?\s+((?:[\w-]+\s+){1,3}?)([^\W\d_a-z][\w'’.-]*(?:\s+[^\W\d_a-z][\w'’.-]*)+)\s*"
)


def titled_after_body(
    speakers: Speakers, span: Span, body: tuple[int, Span]
) -> tuple[tuple[int, Span] | None, bool]:
    """The body the speaker's words name (``body``: it and its mention), unless a title and a
    name follow it: "Indiana Pacers President Larry Bird said" is the person's (added as an
    actor); "EC President Jos&#233; …", a name the rules cannot read, nobody's (True)."""
    end = body[1][1]
    titled = _TITLE_AFTER.match(speakers.text, end, span[1])
    if titled is None or not all(w.casefold() in speakers.titles for w in titled.group(1).split()):
        return body, False
    found = _TITLED_NAME.fullmatch(speakers.text, end, span[1])
    added = speakers.add(found.span(2), "person") if found is not None else None
    if added is None or found is None:
        return None, True
    return (added[0], found.span(2)), False


def person_by_trade(speakers: Speakers, span: Span) -> ActorKind | None:
    """ "forward Pedro told reporters": one name after a trade is a person's (one capitalised
    word alone is no sure name: ``kind_of``)."""
    before = speakers.text[max(0, span[0] - 30) : span[0]].split()[-1:]
    alone = " " not in speakers.text[span[0] : span[1]].strip()
    return "person" if alone and before and before[0] in speakers.descriptors else None
