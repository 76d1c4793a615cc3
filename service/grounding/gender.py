"""Whether the article writes of a person as a man or a woman, so that "she said" is never given
to a man ("… Rojo and his lawyers …. 'I never wanted this,' she said": not Rojo).

The signs are the article's own, each one that rarely means someone else: an honorific before a
mention ("Mr", "Mrs"); "his" right after a name ("Rojo and his lawyers"); a sentence that opens
with "He" or "She" right after a sentence whose subject the person is, with nobody else named
between ("Rojo sent a text. He then asked"). The first pronoun after a name is no sign ("Lee said
she would win": she is someone else), nor is "her" after one ("Rojo invited her"). A person with
signs of both, or none, has no gender here, and the check removes no speaker. English only.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from service.grounding.speakers import Speakers

_SIGN = {"he": "m", "she": "f"}
_OWN = re.compile(r",?\s+(?:and\s+)?his\b")  # "her" right after a name is as often its object
_NEXT_OPENING = re.compile(r"\s*(?:(?:But|And|Then|Later|Now),?\s+)?(He|She)\b")
_HONORIFIC = {
    "mr": "m",
    "sir": "m",
    "lord": "m",
    "mrs": "f",
    "ms": "f",
    "miss": "f",
    "lady": "f",
    "dame": "f",
}
_SENTENCE_STOP = re.compile(r"[.!?]\s|\n")
_REACH_CHARS = 160  # the words after a mention the pronoun may be in


def gender_of(speakers: Speakers, index: int) -> str | None:
    """ "m" or "f" when every sign the article gives of person ``index`` agrees; else None (found
    once per person and article)."""
    if index not in speakers.genders:
        speakers.genders[index] = _gender_of(speakers, index)
    return speakers.genders[index]


def _gender_of(speakers: Speakers, index: int) -> str | None:
    if speakers.language != "en":
        return None
    text = speakers.text
    others = sorted(  # where everyone else is named, for bisect
        start for i, actor in enumerate(speakers.actors) if i != index for start, _ in actor.mentions
    )
    signs: set[str] = set()
    for start, end in speakers.actors[index].mentions:
        if speakers.in_quote(start):
            continue
        before = text[max(0, start - 6) : start].split()[-1:]
        if before and before[0].lower().rstrip(".") in _HONORIFIC:
            signs.add(_HONORIFIC[before[0].lower().rstrip(".")])
        own = _OWN.match(text, end)  # "Rojo and his lawyers", "Lee, his agent"
        if own:
            signs.add("m")
        stop = _SENTENCE_STOP.search(text, end, end + _REACH_CHARS)
        opening = _NEXT_OPENING.match(text, stop.end()) if stop and speakers._subject(start) else None
        first_other = bisect_left(others, end)
        if opening and not (first_other < len(others) and others[first_other] < opening.start(1)):
            signs.add(_SIGN[opening.group(1).lower()])  # "Rojo sent a text. He then asked"
    return signs.pop() if len(signs) == 1 else None


def contradicts(speakers: Speakers, index: int, pronoun: str) -> bool:
    """Does the article write of person ``index`` as the other gender from ``pronoun`` ("she")?"""
    said = _SIGN.get(pronoun.strip().lower())
    if said is None:
        return False
    found = gender_of(speakers, index)
    return found is not None and found != said
