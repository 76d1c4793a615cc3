"""Who else a pronoun may mean: people named or described between the person it would stand for
and the pronoun ("Park said … but Ann Lee is unfazed. She admitted"; "Fox said …. The home
secretary said …. He said"; "Pat is single. Julia shows her skills. She admits"). Each check
says only that someone else may be meant; ``Speakers.person_before`` then names nobody.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from service.grounding.names import ARTICLES, Span

if TYPE_CHECKING:
    from service.grounding.speakers import Speakers

_PLACE_WORDS = "in|at|to|from|near|across|against|of|for|en|a|de|in|nach|aus|à|au"  # before a place or team
# A sentence opened by a description, up to its title word before a lowercase verb: "The home
# secretary said"
_DESCRIBED_LEAD = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=\n))(?:But |And )?(?:The|the) (?:[\w-]+ ){0,3}?([\w-]+) (?=[a-z])"
)


def described_subject_between(speakers: Speakers, best: tuple[int, Span], at: int) -> bool:
    """Does a sentence between ``best`` and ``at`` open with a description by a title that
    another person has, and ``best`` has not ("Fox said …. The home secretary said …. He
    said", where Home Secretary Charles Clarke is named: maybe Clarke)?"""
    titled = [_title_words(speakers, i) for i in range(len(speakers.actors))]
    for lead in _DESCRIBED_LEAD.finditer(speakers.text, best[1][1], at):
        head = lead.group(1).casefold()
        if (
            head not in speakers.titles
            or head in ARTICLES
            or head in titled[best[0]]
            or speakers.in_quote(lead.start())
        ):
            continue
        if any(head in words for i, words in enumerate(titled) if i != best[0] and speakers.is_person(i)):
            return True
    return False


def _title_words(speakers: Speakers, index: int) -> set[str]:
    """The words of a person's role and the two words before each of their mentions."""
    actor = speakers.actors[index]
    return {w.casefold() for w in (actor.role or "").split()} | {
        w.casefold() for s, _ in actor.mentions for w in speakers.text[max(0, s - 40) : s].split()[-2:]
    }


def clause_subject_after(speakers: Speakers, best: tuple[int, Span], at: int) -> bool:
    """Is another person the subject of a clause a conjunction opens between ``best`` and
    ``at`` ("Park said the race was between Cy Roe and Di Sun but Ann Lee is unfazed. She
    admitted": maybe Lee)?"""
    return any(
        i != best[0]
        and speakers.is_person(i)
        and best[1][1] <= s < at
        and not speakers.in_quote(s)
        and speakers._subject(s, after_conjunction=True)
        for i, actor in enumerate(speakers.actors)
        for s, _ in actor.mentions
    )


def first_name_between(speakers: Speakers, index: int, start: int, end: int) -> bool:
    """Is another person called by their first name as a subject between ``start`` and ``end``
    ("Pat Ingles and Julia Church dance. Pat is single. Julia shows her skills. She admits":
    Julia, whom the tagger may know only by the one word)?"""
    own = {w.casefold() for w in speakers.actors[index].name.split()}
    for first in _first_names(speakers) - own:
        alone = re.compile(rf"\b{re.escape(first)}\b(?!\s+[^\W\d_a-z])", re.IGNORECASE)
        for match in alone.finditer(speakers.text[start:end]):
            at = start + match.start()
            if match.group()[:1].isupper() and not speakers.in_quote(at) and speakers._subject(at):
                return True
    return False


def _first_names(speakers: Speakers) -> set[str]:
    """The first names of the article's persons: of a full name the tagger calls a person's,
    or a one-word actor the article also writes before a surname and never after a word of
    place ("Julia" of "Julia Church"; not "England" of "in England")."""
    names: set[str] = set()
    for actor in speakers.actors:
        parts = actor.name.split()
        if (len(parts) >= 2 and actor.kind == "person" and parts[0].casefold() not in speakers.titles) or (
            len(parts) == 1
            and actor.kind not in ("country", "group")
            and re.search(rf"\b{re.escape(parts[0])}\s+[^\W\d_a-z][a-z]", speakers.text)
            and not re.search(rf"\b(?i:{_PLACE_WORDS})\s+{re.escape(parts[0])}\b", speakers.text)
        ):
            names.add(parts[0].casefold())
    return names
