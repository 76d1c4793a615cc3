"""Actor recall and actor grounding (pure; the entity extractor is injected).

* Targets: the named entities of the reference (spaCy labels PERSON, ORG, GPE) whose name
  the article also writes (case-insensitive, whole words). Names are normalized (case,
  curly quotes, a leading "the", a trailing possessive); a lone surname that is the last
  word of another PERSON target ("Locke" beside "Gary Locke") is the same target.
* A target is found when a digest actor is called by that name (its `name` or the text of
  any of its mentions, case-insensitively), or, for PERSON targets, shares its surname
  (last word) with one of them: "Starmer" finds "Keir Starmer" and the reverse.
* An actor is grounded when every mention is a well-formed span of the article (inside
  it, non-blank, no leading or trailing space, not cutting a word) and its name is written
  in the article: as one of its mentions or anywhere, whole words, case-insensitively.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Sequence
from typing import NamedTuple, Protocol, cast

from service.evaluation.metrics import Recall
from service.schema import Actor

ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE"})
NER_MODULE = "service.nlp.ner"


class EntityLike(Protocol):
    """What the harness needs of a named entity (`service.nlp.ner.Entity` has more)."""

    @property
    def text(self) -> str: ...

    @property
    def label(self) -> str: ...


EntityExtractor = Callable[[str, str], Sequence[EntityLike]]


class ActorTarget(NamedTuple):
    name: str  # normalized
    label: str


_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"'})
_POSSESSIVE = re.compile(r"\s*'s?$")
_THE = re.compile(r"^the\s+")
_EDGE_PUNCT = " \t\n.,;:!?'\"()[]{}-"


def normalize_name(name: str) -> str:
    """Case-folded, single-spaced, without a leading "the", a trailing "'s" or edge punctuation."""
    text = " ".join(name.translate(_QUOTES).casefold().split()).strip(_EDGE_PUNCT)
    return _THE.sub("", _POSSESSIVE.sub("", text)).strip(_EDGE_PUNCT)


def _fold_text(text: str) -> str:
    """Case-folded, straight quotes, single spaces: what names are searched in."""
    return " ".join(text.translate(_QUOTES).casefold().split())


def _written_in(folded: str, name: str) -> bool:
    """`name` (normalized) occurs in `folded` as whole words, any white space between words."""
    if not name:
        return False
    pattern = r"\s+".join(map(re.escape, name.split()))
    return re.search(rf"(?<!\w){pattern}(?!\w)", folded) is not None


def actor_targets(
    article: str, reference: str, extract: EntityExtractor, language: str = "en"
) -> list[ActorTarget]:
    """Entities of the reference that the article also names, one per actor."""
    folded = _fold_text(article)
    targets: dict[str, ActorTarget] = {}
    for entity in extract(reference, language):
        name = normalize_name(entity.text)
        if entity.label in ACTOR_LABELS and name not in targets and _written_in(folded, name):
            targets[name] = ActorTarget(name, entity.label)
    full_names = [t.name.split() for t in targets.values() if t.label == "PERSON" and " " in t.name]
    return [
        t
        for t in targets.values()
        if not (
            t.label == "PERSON" and " " not in t.name and any(words[-1] == t.name for words in full_names)
        )
    ]


def _aliases(article: str, actor: Actor) -> set[str]:
    names = {normalize_name(actor.name)}
    for start, end in actor.mentions:
        if 0 <= start < end <= len(article):
            names.add(normalize_name(article[start:end]))
    names.discard("")
    return names


def _found(target: ActorTarget, aliases: set[str]) -> bool:
    if target.name in aliases:
        return True
    surname = target.name.split()[-1]
    return target.label == "PERSON" and len(surname) > 2 and any(a.split()[-1] == surname for a in aliases)


def actor_recall(article: str, targets: Sequence[ActorTarget], actors: Sequence[Actor]) -> Recall:
    """How many targets the digest's actors name."""
    alias_sets = [_aliases(article, actor) for actor in actors]
    found = sum(1 for target in targets if any(_found(target, aliases) for aliases in alias_sets))
    return Recall(found, len(targets))


def _well_formed(article: str, start: int, end: int) -> bool:
    if not 0 <= start < end <= len(article):
        return False
    text = article[start:end]
    if text != text.strip():
        return False
    cuts_start = start > 0 and article[start - 1].isalnum() and article[start].isalnum()
    cuts_end = end < len(article) and article[end - 1].isalnum() and article[end].isalnum()
    return not (cuts_start or cuts_end)


def actor_grounded(article: str, actor: Actor) -> bool:
    """Every mention is a well-formed span and the actor's name is written in the article."""
    if not actor.mentions or not all(_well_formed(article, s, e) for s, e in actor.mentions):
        return False
    name = normalize_name(actor.name)
    if name in {normalize_name(article[s:e]) for s, e in actor.mentions}:
        return True
    return _written_in(_fold_text(article), name)


def default_extractor() -> EntityExtractor | None:
    """`service.nlp.ner.entities` when that module and its English spaCy pipeline are installed."""
    try:
        module = importlib.import_module(NER_MODULE)
    except ImportError:
        return None
    extract = getattr(module, "entities", None)
    has_pipeline = getattr(module, "has_pipeline", None)
    if not callable(extract) or (callable(has_pipeline) and not has_pipeline("en")):
        return None  # without a pipeline `entities` answers [], which would read as "no targets"
    return cast("EntityExtractor", extract)
