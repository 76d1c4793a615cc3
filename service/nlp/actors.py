"""Merge named entities into actors: one per person, organization, country or group.

* Names are cleaned: a leading article ("the"), a trailing possessive ("'s") and, for people,
  honorifics and titles ("Sir", "Dr", "President") are cut off the span.
* Short forms join the full name: "Starmer" (even when tagged as an organization) joins
  "Keir Starmer"; an acronym joins the organization whose initials it spells ("ECB").
* Countries, their other names and their demonyms are one actor: "UK", "Britain",
  "United Kingdom" and "British" (see ``countries``).  A demonym alone is a group.
* Every name an actor goes by is then looked up in the whole article, so mentions beyond
  the recognizer's reach count too.  Mention spans are exact article spans.
* A person's role is the title phrase before the name ("UK Prime Minister Sir Keir Starmer")
  or an apposition next to it ("Bob Dudley, BP's chief executive,"), cut from the article.
* Actors rank by mentions, the salience of the best sentence that names them (lead-biased
  centrality, as for figures) and a headline mention.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field

from service.nlp.countries import country_code, demonym_code
from service.nlp.ner import Entity
from service.nlp.roles import HONORIFICS, TITLES, role_for, title_words
from service.nlp.sentences import Sentence
from service.schema import Actor, ActorKind

_PERSON = frozenset({"PERSON", "PER"})
_ORG = frozenset({"ORG"})
_PLACE = frozenset({"GPE", "LOC"})
_GROUP = frozenset({"NORP"})
_INTERNATIONAL = frozenset(  # international bodies that the recognizer may tag as places
    {"eu", "european union", "un", "united nations", "nato", "opec", "wto", "imf", "g7", "g20", "g8"}
    | {"asean", "oecd", "who"}
)
# Parties the recognizer may tag as people ("Labour said"): organizations
_PARTIES = frozenset(
    {"labour", "tories", "tory", "conservatives", "lib dems", "liberal democrats", "snp", "ukip"}
    | {"plaid cymru", "sinn fein", "sinn féin", "dup", "greens", "democrats", "republicans", "gop"}
)
_ARTICLES = re.compile(r"(?:the|le|la|les|el|los|las|der|die|das)\s+|l['’]", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’]s?$")
_EDGE = " \t\n\u00a0.,;:!?\"'“”‘’()[]{}«»-–—"
_HEADLINE_BONUS = 1.5
_SALIENCE_WEIGHT = 3.0  # times the best salience of a sentence that mentions the actor
_SKIP_WORDS = re.compile(r"\d|^[a-z]")  # numbers and lower-case "names" are recognizer noise


@dataclass
class _Draft:
    kind: ActorKind
    names: list[tuple[int, int]] = field(default_factory=list)  # proper-name spans (not demonyms)
    mentions: set[tuple[int, int]] = field(default_factory=set)

    def first(self) -> int:
        return min(start for start, _ in self.mentions)


def _is_edge(char: str) -> bool:
    """Punctuation, white space or an invisible format mark (RTL marks, zero-width space)."""
    return char in _EDGE or char.isspace() or unicodedata.category(char) == "Cf"


def _trim_edges(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and _is_edge(text[start]):
        start += 1
    while end > start and _is_edge(text[end - 1]):
        end -= 1
    return start, end


def _clean(text: str, start: int, end: int, *, person: bool, language: str) -> tuple[int, int]:
    """Narrow an entity span to the name: no article, possessive, honorific or title.

    Edges are trimmed again after each cut: tokenised text puts a space before the
    possessive ("FC Tokyo 's"), and the name must not keep it.
    """
    start, end = _trim_edges(text, start, end)
    if possessive := _POSSESSIVE.search(text, start, end):
        end = possessive.start() if possessive.start() > start else end
        start, end = _trim_edges(text, start, end)
    if article := _ARTICLES.match(text, start, end):
        start = article.end() if article.end() < end else start
        start, end = _trim_edges(text, start, end)
    if person:
        titles = HONORIFICS.get(language, frozenset()) | TITLES.get(language, frozenset())
        words = list(re.finditer(r"[^\s]+", text[start:end]))
        drop = 0
        while drop < len(words) - 1 and words[drop].group().lower().rstrip(".") in titles:
            drop += 1
        if drop:
            start, end = _trim_edges(text, start + words[drop].start(), end)  # "Dr. \u200fName"
    return start, end


def _initials(name: str) -> str:
    return "".join(word[0] for word in name.split() if word[:1].isupper())


def _place_key(name: str, language: str) -> tuple[str, ActorKind]:
    code = country_code(name, language)
    if code:
        return f"country:{code}", "country"
    if name.lower() in _INTERNATIONAL:
        return f"org:{name.lower()}", "organization"
    return f"other:{name}", "other"


def _key(entity: Entity, name: str, language: str) -> tuple[str, ActorKind] | None:
    if entity.label in _PERSON and name.casefold() in _PARTIES:
        return f"org:{name}", "organization"  # "Labour", tagged as a person's name
    if entity.label in _PERSON:
        return f"person:{name}", "person"
    if entity.label in _ORG:
        return (
            _place_key(name, language) if name.lower() in _INTERNATIONAL else (f"org:{name}", "organization")
        )
    if entity.label in _PLACE:
        return _place_key(name, language)
    if entity.label in _GROUP:
        code = demonym_code(name) or country_code(name, language)
        if code:
            return f"country:{code}", "group"  # "country" once a proper name of it shows up
        return (f"group:{name}", "group") if name.endswith("s") else None  # "Democrats", not "European"
    return None


def _merge_short_forms(drafts: dict[str, _Draft], text: str) -> None:
    """Fold one-word people and stray surnames into full names, acronyms into organizations."""
    people = {key: draft for key, draft in drafts.items() if key.startswith("person:") and " " in key}
    for key in list(drafts):
        draft = drafts[key]
        kind, name = key.split(":", 1)
        if kind in ("person", "org", "other") and " " not in name:
            owners = [
                full
                for full_key, full in people.items()
                if full_key != key and name in full_key.split(":", 1)[1].split()
            ]
            if owners and (kind == "person" or name == _last_word(owners[0], text)):
                target = min(owners, key=lambda full: full.first())
                target.mentions |= draft.mentions
                del drafts[key]
                continue
        if kind == "org" and name.isupper() and 2 <= len(name) <= 6:
            for full_key, full in drafts.items():
                if full_key.startswith("org:") and full_key != key and _initials(full_key[4:]) == name:
                    full.mentions |= draft.mentions
                    full.names += draft.names
                    del drafts[key]
                    break


def _last_word(draft: _Draft, text: str) -> str:
    start, end = max(draft.names, key=lambda span: span[1] - span[0])
    last = text[start:end].rsplit(maxsplit=1)[-1]
    low, high = _trim_edges(last, 0, len(last))  # "Merkel \u200fU.S.": the surname is "U.S"
    return last[low:high] or last


def _name_of(draft: _Draft, text: str) -> str:
    spans = draft.names or sorted(draft.mentions)
    start, end = max(
        spans, key=lambda span: (len(text[span[0] : span[1]].split()), span[1] - span[0], -span[0])
    )
    return " ".join(text[start:end].split())


def _search_names(text: str, drafts: dict[str, _Draft]) -> None:
    """Add every whole-word, same-case occurrence of each actor's names (not inside another's)."""
    forms: dict[tuple[str, str], None] = {}
    owners: dict[str, list[str]] = {}
    for key, draft in drafts.items():
        for start, end in sorted({*draft.names, *draft.mentions}):
            forms[text[start:end], key] = None
        if key.startswith("person:") and " " in key:
            owners.setdefault(_last_word(draft, text), []).append(key)
    forms |= {(surname, keys[0]): None for surname, keys in owners.items() if len(keys) == 1}
    taken = {span for draft in drafts.values() for span in draft.mentions}
    for form, key in sorted(forms, key=lambda item: -len(item[0])):
        for span in _occurrences(text, form):
            if not any(s < span[1] and span[0] < e for s, e in taken):
                drafts[key].mentions.add(span)
                taken.add(span)


def _occurrences(text: str, form: str) -> list[tuple[int, int]]:
    """Whole-word, same-case occurrences of ``form`` ("US" not in "USA", "US$" or "BUS")."""
    spans: list[tuple[int, int]] = []
    if len(form) < 2:
        return spans
    at = text.find(form)
    while at >= 0:
        end = at + len(form)
        before, after = text[at - 1 : at], text[end : end + 1]
        if not (before.isalnum() or before == "_" or after.isalnum() or after in ("_", "$")):
            spans.append((at, end))
        at = text.find(form, at + 1)
    return spans


def _only_titles(name: str, person: bool, language: str) -> bool:
    """Is the name only honorifics ("Rt Rev Dr"), or for a body one title word ("Bishop")?"""
    words = [w.lower().rstrip(".") for w in name.split()]
    if all(w in HONORIFICS.get(language, frozenset()) for w in words):
        return True
    return not person and len(words) == 1 and words[0] in title_words(language)


def build_actors(
    text: str,
    entities: list[Entity],
    sentences: list[Sentence],
    *,
    language: str = "en",
    limit: int = 10,
    salience: list[float] | None = None,
) -> list[Actor]:
    """Ranked actors of ``text`` from its named entities.

    ``salience`` scores each of ``sentences`` (``rank.Salience.scores``); without it an actor
    ranks by how early it first appears.
    """
    drafts: dict[str, _Draft] = {}
    honorifics = HONORIFICS.get(language, frozenset())
    for entity in entities:
        first_word = text[entity.start : entity.end].split()[:1]
        # "Mr Reed" is a person whatever the recognizer says (it tags some as organizations)
        honorific = bool(first_word) and first_word[0].lower().rstrip(".") in honorifics
        person = entity.label in _PERSON or honorific
        start, end = _clean(text, entity.start, entity.end, person=person, language=language)
        name = " ".join(text[start:end].split())
        if len(name) < 2 or _SKIP_WORDS.search(name) or _only_titles(name, person, language):
            continue
        if person and not honorific and name.casefold() in _PARTIES:
            person = False  # "Labour", tagged as a person's name: a party (``_key``)
        keyed: tuple[str, ActorKind] | None = (
            (f"person:{name}", "person") if person else _key(entity, name, language)
        )
        if keyed is None:
            continue
        key, kind = keyed
        draft = drafts.setdefault(key, _Draft(kind))
        draft.mentions.add((start, end))
        if entity.label not in _GROUP:
            draft.names.append((start, end))
            if kind == "country":
                draft.kind = "country"  # a demonym seen first made it a group
    _merge_short_forms(drafts, text)
    _search_names(text, drafts)
    headline_end = next((s.end for s in sentences if s.headline), 0)
    starts = [s.start for s in sentences]
    scores = salience or [1.0 / math.sqrt(1 + i) for i in range(len(sentences))]

    def rank(draft: _Draft) -> tuple[float, int]:
        in_headline = any(start < headline_end for start, _ in draft.mentions)
        indexes = {max(bisect_right(starts, start) - 1, 0) for start, _ in draft.mentions}
        best = max((scores[i] for i in indexes if i < len(scores)), default=0.0)
        score = len(draft.mentions) + _HEADLINE_BONUS * in_headline + _SALIENCE_WEIGHT * best
        return -score, draft.first()

    actors = []
    for draft in sorted(drafts.values(), key=rank)[:limit]:
        mentions = sorted(draft.mentions)
        role = role_for(text, sentences, mentions, language) if draft.kind == "person" else None
        actors.append(
            Actor(
                name=_name_of(draft, text), kind=draft.kind, role=role, mentions=[list(m) for m in mentions]
            )
        )
    return actors
