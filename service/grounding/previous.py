"""Who spoke in the sentence just before a quote's attribution: "it said" and "the company said"
stand for the body that reported speech there ("The council said ... It said"), "said the
champion" for the person who did ("Ann Lee said the team would wait. "…," said the champion").
Both look only one sentence back, and give nobody when someone else is named since.

A person named there as the one who asked ("When asked by Lee whether he …") is not who answers.
"""

from __future__ import annotations

import re

from service.grounding.names import kind_of
from service.grounding.speakers import Speakers
from service.nlp.attribution import rules_for, words
from service.nlp.speakers import speaker_in

Span = tuple[int, int]

BODY_SENTENCE_CHARS = 400  # "It said": its body reports speech at most a sentence this long before
_POSSESSIVES = words(
    "its his her their our your su sus sein seine seinen ihr ihre ihren son sa ses leur leurs"
)
_PLACES = ("country", "other")


def sentence_before(speakers: Speakers, at: int) -> Span:
    """Where the sentence before the one ``at`` is in starts, and where ``at``'s own starts."""
    own_start = speakers._sentence_start(at)
    return speakers._previous_sentence_start(own_start), own_start


def body_before(speakers: Speakers, at: int) -> tuple[int, Span] | None:
    """The body an "it" at ``at`` stands for ("The council said ... It said ..."): a body that
    opens the sentence just before the pronoun's own and reports speech in it. Another person
    or body named since, or no such sentence, and there is none."""
    before_start, own_start = sentence_before(speakers, at)
    if own_start - before_start > BODY_SENTENCE_CHARS:
        return None
    mentions = [
        (i, (start, end))
        for i, actor in enumerate(speakers.actors)
        for start, end in actor.mentions
        if before_start <= start < at and not speakers.in_quote(start)
    ]
    # a place opening the sentence ("China's boom would help, the OECD said") is no "it" that speaks
    found = [m for m in mentions if speakers._subject(m[1][0]) and speakers.actors[m[0]].kind not in _PLACES]
    if len(found) != 1:
        return None  # nobody, or two subjects: which is meant?
    # the people and bodies named as subjects, or named after the body ("The council said Acme
    # had won. It said": the council or Acme?); an object before it ("was cancelled with the
    # ISS, NASA said") is not who "it" is
    named = {
        i
        for i, (start, _) in mentions
        if speakers.actors[i].kind in ("person", "organization")
        and not _held(speakers, start)
        and (start > found[0][1][0] or speakers._subject(start))
    }
    if named - {found[0][0]}:
        return None  # someone else named too (a body and a person): which is meant?
    index, (start, end) = found[0]
    actor = speakers.actors[index]
    if actor.kind in ("person", "country") or kind_of(actor.name, speakers.language) == "person":
        return None
    if start >= own_start or not rules_for(speakers.language).verb.search(speakers.text, end, own_start):
        return None  # the body does not report speech in the sentence before
    return found[0]


def speaker_just_before(speakers: Speakers, at: int) -> tuple[int, Span] | None:
    """The person who reports speech as the subject of the sentence right before the one ``at``
    is in ("British team member Ann Lee said the team would wait for Park. "…," said the
    champion": Lee goes on speaking), when the sentence names them by a name an actor has."""
    before_start, own_start = sentence_before(speakers, at)
    if own_start - before_start > BODY_SENTENCE_CHARS or speakers.in_quote(before_start):
        return None
    rules = rules_for(speakers.language)
    verb = rules.verb.search(speakers.text, before_start, own_start)
    if verb is None or not verb.group()[:1].islower():
        return None
    said = speaker_in(speakers.text, before_start, verb.start(), rules)
    if said is None or said[1]:
        return None  # nobody named, or a pronoun or a description: not said again here
    named = speakers.named_by(said[0])
    if named is None or speakers.actors[named[0]].kind != "person":
        return None
    return named


def _held(speakers: Speakers, start: int) -> bool:
    """Is the mention at ``start`` something a possessive holds ("its Xbox consoles"), no one
    who might speak?"""
    before = speakers.text[max(0, start - 8) : start].split()[-1:]
    return bool(before) and before[0].casefold() in _POSSESSIVES


# "When asked again by Jones whether he wanted a lawyer": the one named after it asked
_ASKED_BY = re.compile(r"\b(?:asked|questioned|pressed|challenged)\s+(?:\w+\s+){0,2}by\s+$", re.IGNORECASE)


def asked_by(speakers: Speakers, person: int, at: int) -> bool:
    """Is ``person`` named as the one who asked, in the sentence before a pronoun at ``at`` or in
    its own ("When asked again by Jones whether he wanted a lawyer, his response was quick. "Yes,"
    he said": the answer is not Jones's)? English only."""
    if speakers.language != "en":
        return False
    before_start, _ = sentence_before(speakers, at)
    return any(
        before_start <= start < at and _ASKED_BY.search(speakers.text, max(0, start - 40), start)
        for start, _ in speakers.actors[person].mentions
    )
