"""What kind of actor a name the article writes is, from the name alone: a country, a body ("Leeds
City Council", "BBC") or, for two or more words with no body's word, a person."""

from __future__ import annotations

import re

from service.nlp.attribution import BODY_NOUNS
from service.nlp.countries import country_code
from service.schema import ActorKind

_ORG_WORDS = re.compile(
    r"\b(?:Ltd|Inc|plc|Corp|Group|Association|Federation|Union|Bank|Council|Party|Office|Agency|"
    r"Commission|Committee|Institute|University|Ministry|Department|Police|Club|FC|BBC|News)\b"
)


def kind_of(name: str, language: str) -> ActorKind | None:
    words = name.split()
    if country_code(name, language):
        return "country"
    if words[-1].lower() in BODY_NOUNS or _ORG_WORDS.search(name) or (len(words) == 1 and name.isupper()):
        return "organization"
    if len(words) >= 2:
        return "person"
    return None  # one capitalised word ("Commenting", "Tesco"?): not sure enough to name anyone
