"""Turn a schema-valid model answer into grounded figures and actors, with a warning per drop.

Only items found in the article survive; their text and spans are the article's own,
and value/unit come from our number parser, never from the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, get_args

from service.grounding import actor_mentions, article_language, ground_figure, summary_problems
from service.numbers import parse_number
from service.schema import Actor, ActorKind, FigureKind, KeyFigure, Options

_FIGURE_KINDS: frozenset[str] = frozenset(get_args(FigureKind))
_ACTOR_KINDS: frozenset[str] = frozenset(get_args(ActorKind))
_PARSER_DECIDES = frozenset({"money", "percent", "date"})
_MARKUP = re.compile(r"</?[A-Za-z][^>]*>|<[a-z]+:|```")
_MIN_SUMMARY_WORDS = 6
_JUNK = re.compile(r"[_<>{}\[\]|\\=]|https?:|\.json\b")  # identifiers, markup, file names


@dataclass
class Grounded:
    """One model answer after grounding."""

    summary: str
    summary_issues: list[str]
    figures: list[KeyFigure] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # warnings, one per dropped item

    @property
    def problems(self) -> list[str]:
        """What a repair re-ask should quote back to the model."""
        return [*self.dropped, *(f"summary: {issue}" for issue in self.summary_issues)]


def _clean_note(article: str, note: str, label: str, warnings: list[str], language: str) -> str:
    """Keep a free-text note (context, role) only when its numbers and names are in the article."""
    note = " ".join(note.split())
    if note and _JUNK.search(note):
        warnings.append(f"removed {label} that is not prose: {note!r}")
        return ""
    if note and summary_problems(article, note, language=language):
        warnings.append(f"removed {label} with facts not in the article: {note!r}")
        return ""
    return note


def _prose_problems(summary: str) -> list[str]:
    words = [w for w in summary.split() if any(c.isalpha() for c in w)]
    if _MARKUP.search(summary):
        return ["the summary contains markup; write plain sentences"]
    if len(words) < _MIN_SUMMARY_WORDS:
        return [f"the summary has {len(words)} words; write full sentences"]
    return []


def ground_answer(article: str, answer: dict[str, Any], *, language: str | None = None) -> Grounded:
    """Ground every figure and actor of a `summarize@1`-shaped answer.

    Numbers are read by `language`'s rules (the request's; None: the article's detected language).
    """
    language = article_language(article, language)
    summary = " ".join(str(answer.get("summary", "")).split())
    issues = _prose_problems(summary) or summary_problems(article, summary, language=language)
    result = Grounded(summary=summary, summary_issues=issues)
    seen_spans: set[tuple[int, int]] = set()
    for item in answer.get("key_figures", []):
        raw = str(item.get("text", ""))
        found = ground_figure(article, raw, language=language)
        if found is None:
            result.dropped.append(f"dropped figure not found in the article: {raw!r}")
            continue
        text, span = found
        if span in seen_spans:
            continue
        seen_spans.add(span)
        parsed = parse_number(text, language)
        model_kind = str(item.get("kind", "other"))
        kind = (
            parsed.kind if parsed.kind in _PARSER_DECIDES or model_kind not in _FIGURE_KINDS else model_kind
        )
        context = _clean_note(
            article, str(item.get("context", "")), "figure context", result.dropped, language
        )
        result.figures.append(
            KeyFigure(
                text=text, span=list(span), value=parsed.value, unit=parsed.unit, kind=kind, context=context
            )
        )
    seen_names: set[str] = set()
    for item in answer.get("actors", []):
        raw = str(item.get("name", ""))
        kind = str(item.get("kind", "other"))
        kind = kind if kind in _ACTOR_KINDS else "other"
        found_actor = actor_mentions(article, raw, kind)
        if found_actor is None:
            result.dropped.append(f"dropped actor not found in the article: {raw!r}")
            continue
        name, mentions = found_actor
        if name.casefold() in seen_names:
            continue
        seen_names.add(name.casefold())
        role = _clean_note(article, str(item.get("role", "")), "actor role", result.dropped, language)
        result.actors.append(
            Actor(name=name, kind=kind, role=role or None, mentions=[list(m) for m in mentions])
        )
    return result


def merge(final: Grounded, earlier: list[Grounded], options: Options) -> tuple[list[KeyFigure], list[Actor]]:
    """Grounded items of the final answer first, then any the earlier answers found; capped."""
    figures = list(final.figures)
    spans = {tuple(f.span) for f in figures}
    actors = list(final.actors)
    names = {a.name.casefold() for a in actors}
    for g in earlier:
        for f in g.figures:
            if tuple(f.span) not in spans:
                spans.add(tuple(f.span))
                figures.append(f)
        for a in g.actors:
            if a.name.casefold() not in names:
                names.add(a.name.casefold())
                actors.append(a)
    return figures[: options.max_figures], actors[: options.max_actors]
