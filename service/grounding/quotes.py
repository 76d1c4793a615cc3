"""A digest's quotes: the article's direct quotes (``service.nlp.quotes``), each given the actor who spoke
(``service.grounding.speakers``), found once per article and kept for the digest's answer.

The speaker is always one of the digest's actors, named by an article span; a speaker that cannot
be kept within ``max_actors`` is dropped from its quote rather than named without an actor.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from service.grounding.attribution import resolve
from service.grounding.names import ARTICLES
from service.grounding.speakers import Speakers
from service.grounding.surnames import surname_of_two
from service.nlp.quotes import FoundQuote, find_quotes
from service.nlp.rank import stop_words
from service.nlp.roles import descriptor_words, title_words
from service.schema import Actor, Quote

Span = tuple[int, int]

ARTICLE_CACHE = 640  # articles whose quotes are kept found: more than are in flight


@lru_cache(maxsize=ARTICLE_CACHE)
def article_quotes(text: str, language: str) -> tuple[FoundQuote, ...]:
    """``find_quotes`` once per article text (the helper finds them while the LLM answers)."""
    return tuple(find_quotes(text, language))


def digest_quotes(
    text: str, actors: Sequence[Actor], *, language: str, max_actors: int
) -> tuple[list[Quote], list[Actor]]:
    """The digest's quotes and actors: speakers the actors lacked are added within ``max_actors``.

    A new speaker takes the place of the lowest-ranked actor no quote names; a quote whose speaker
    cannot be kept loses its speaker rather than naming someone absent from ``actors``.
    """
    quotes, grown = attach_quotes(text, actors, language=language, found=article_quotes(text, language))
    named = {q.speaker for q in quotes if q.speaker is not None}
    kept = list(grown)
    while len(kept) > max_actors:
        unnamed = [i for i, a in enumerate(kept) if a.name not in named]
        drop = unnamed[-1] if unnamed else len(kept) - 1
        named.discard(kept[drop].name)
        del kept[drop]
    names = {a.name for a in kept}
    quotes = [
        q
        if q.speaker is None or q.speaker in names
        else q.model_copy(update={"speaker": None, "speaker_mention": None})
        for q in quotes
    ]
    return quotes, kept


def attach_quotes(
    text: str, actors: Sequence[Actor], *, language: str = "en", found: Sequence[FoundQuote] | None = None
) -> tuple[list[Quote], list[Actor]]:
    """The article's quotes with their speakers, and the actors with any new speaker added at the end."""
    titles = title_words(language) | ARTICLES
    items = find_quotes(text, language) if found is None else list(found)
    speakers = Speakers(
        text,
        [a.model_copy() for a in actors],
        language,
        frozenset(titles),
        sorted(item.span for item in items),
    )
    quotes: list[Quote] = []
    last: tuple[int, Span] | None = None
    not_first = frozenset(titles | stop_words(language) | descriptor_words(language))  # no first names
    for item in items:
        resolved = resolve(item, speakers, last)
        if resolved is not None and surname_of_two(text, resolved[1], language, not_first):
            resolved = None  # "Cowell said" in an article about Simon and Tony Cowell: which one?
        last = resolved or last
        start, end = item.span
        if resolved is None:
            quotes.append(Quote(text=text[start:end], span=[start, end]))
            continue
        index, mention = resolved
        quotes.append(
            Quote(
                text=text[start:end],
                span=[start, end],
                speaker=speakers.actors[index].name,
                speaker_mention=list(mention),
            )
        )
    return quotes, speakers.actors
