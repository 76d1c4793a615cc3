"""Names as the speaker step reads them: what kind of actor a name is from the name alone (a
country, a body such as "Leeds City Council" or "BBC", or, for two or more words with no body's
word, a person), the one word a person may be called by, and where a set of mention spans lies."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate

from service.nlp.attribution import BODY_NOUNS
from service.nlp.countries import country_code
from service.schema import Actor, ActorKind

Span = tuple[int, int]

ARTICLES = frozenset({"the", "el", "la", "le", "der", "die", "das", "les", "los", "las"})
# A run of capitalised words ("Ann Lee", "Mr Hale", "But Ann Lee")
# A name after a noun that says what it is ("magazine Mobile PC", "prepared by the CRS")
NAME_AFTER = r"[^\W\d_a-zß-ÿ][\w'’-]*(?:\s+(?:&\s+|of\s+)?[^\W\d_a-zß-ÿ][\w'’-]*)*"
# (an Arabic article or "bin" may open a later word: "Raed al-Jabouri", "Osama bin-Laden")
NAME_RUN = re.compile(
    r"[^\W\d_a-zß-ÿ][\w'’-]+(?:\s+(?:(?:al|el|ad|as|ash|at|az|bin|ibn|abu)-)?[^\W\d_a-zß-ÿ][\w'’-]+)*"
)
# The words set off after a name ("Julia Eccleshare, chair of the panel,")
APPOSITION = re.compile(r",\s+((?:[\w-]+\s+){0,3}[\w-]+)")

_ORG_WORDS = re.compile(
    r"\b(?:Ltd|Inc|plc|Corp|Group|Association|Federation|Union|Bank|Council|Party|Office|Agency|"
    r"Commission|Committee|Institute|University|Ministry|Department|Police|Club|FC|BBC|News|Trust|"
    r"Society|Foundation|Authority|Service|Board|Institution|College|School|Hospital|Directorate)\b"
)


# A list of three or more names ("Ann Lee, Bo Park, Cy Roe and Di Sun"): the people a sentence
# names as its objects when the list does not open the sentence or clause
_LISTED_NAME = r"[^\W\d_a-zß-ÿ][\w'’-]+(?:\s+[^\W\d_a-zß-ÿ][\w'’-]+){0,2}"
NAME_LIST = re.compile(
    rf"{_LISTED_NAME}(?:,\s+{_LISTED_NAME}){{2,}}(?:,?\s+(?:and|&|y|und|et)\s+{_LISTED_NAME})?"
)
# A peer's style ("Lord Carlile", "Baroness Scotland"): the style and the name are the name
PEER_STYLES = r"(?:Lord|Lady|Baroness|Baron|Viscount|Viscountess|Earl|Countess)"
_PEER_BEFORE = re.compile(rf"\b{PEER_STYLES}\s+$")
_ROLE_OF_PLACE = re.compile(r"^\S+\s+(?:of|de|von|du)\s")


def person_name(text: str, span: Span) -> str | None:
    """The name a person named by ``text[span]`` goes by: None for a role of a place ("the Bishop of
    Durham", whose holder the article names elsewhere); a peer's style and name without the seat
    ("Lord Carlile of Berriew" is "Lord Carlile")."""
    name = text[span[0] : span[1]]
    if not _ROLE_OF_PLACE.match(name):
        return name
    peer = _PEER_BEFORE.search(text, max(0, span[0] - 12), span[0])
    return None if peer is None else text[peer.start() : span[0]] + name.split()[0]


@lru_cache(maxsize=4096)  # asked again and again for the same actors' names
def kind_of(name: str, language: str) -> ActorKind | None:
    words = name.split()
    if country_code(name, language):
        return "country"
    if words[-1].lower() in BODY_NOUNS or _ORG_WORDS.search(name) or (len(words) == 1 and name.isupper()):
        return "organization"
    if len(words) >= 2:
        return "person"
    return None  # one capitalised word ("Commenting", "Tesco"?): not sure enough to name anyone


def called(name: str, *, knighted: bool) -> set[str]:
    """The one word a person may be called by: the surname, or after "Sir" the first name too."""
    parts = [w.casefold() for w in name.split() if w.casefold() not in ("sir", "dame")]
    if not parts:
        return set()
    return {parts[-1], parts[0]} if knighted else {parts[-1]}


class Cover:
    """Which positions a set of spans covers, answered by bisection (spans may nest or overlap)."""

    def __init__(self, spans: set[Span]) -> None:
        ordered = sorted(spans)
        self.starts = [s for s, _ in ordered]
        self.reach = list(accumulate((e for _, e in ordered), max))  # the furthest end so far

    def __contains__(self, at: int) -> bool:
        i = bisect_right(self.starts, at)
        return i > 0 and self.reach[i - 1] > at


def named_in(actors: list[Actor], span: Span) -> tuple[int, Span] | None:
    """The actor, and its mention, that the words at ``span`` name (``Speakers.by_mention``)."""
    found = [
        (i, (start, end))
        for i, actor in enumerate(actors)
        for start, end in actor.mentions
        if start < span[1]
        and span[0] < end
        and ((start <= span[0] and span[1] <= end) or len(actor.name.split()) > 1)
    ]
    # a mention inside another one is part of that name ("John Lewis" of "the John Lewis Partnership")
    outer = [
        n for n in found if not any(o[1] != n[1] and o[1][0] <= n[1][0] <= n[1][1] <= o[1][1] for o in found)
    ]
    persons = [n for n in outer if actors[n[0]].kind == "person"]
    chosen = persons or outer
    return chosen[0] if chosen else None
