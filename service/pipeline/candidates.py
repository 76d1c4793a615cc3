"""Candidate-guided prompts (`candidates: true` in a template, e.g. `summarize@2`).

The service finds candidate figures and actors deterministically (the extractive
engine's rules and NER), numbers them for the model, and maps the model's picks back
to the candidates' exact article text. Small models that invent figures and names
when asked free-form only have to choose here; the result still goes through the
same grounding as any answer.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio.to_thread

from service.engines import extractive
from service.schema import Actor, KeyFigure

MAX_CANDIDATES = 20
T = TypeVar("T")


@dataclass(frozen=True)
class Candidates:
    figures: list[KeyFigure] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def variables(self) -> dict[str, object]:
        """Template variables: `figures` and `actors`, numbered from 1."""
        return {
            "figures": [
                {"id": i, "text": f.text, "kind": f.kind, "context": f.context}
                for i, f in enumerate(self.figures, start=1)
            ],
            "actors": [
                {"id": i, "name": a.name, "kind": a.kind, "mentions": len(a.mentions)}
                for i, a in enumerate(self.actors, start=1)
            ],
        }


async def find(text: str, language: str | None) -> Candidates:
    """Ranked candidates (CPU work: runs in a worker thread)."""
    call = functools.partial(
        extractive.candidates, text, language=language, max_figures=MAX_CANDIDATES, max_actors=MAX_CANDIDATES
    )
    figures, actors, warnings = await anyio.to_thread.run_sync(call)
    return Candidates(list(figures), list(actors), list(warnings))


def _id_schema(array_schema: dict[str, Any]) -> dict[str, Any] | None:
    items: dict[str, Any] = array_schema.get("items", {})
    if items.get("type") == "integer":  # a list of ids
        return items
    nested = items.get("properties", {}).get("id")  # a list of objects with an id
    return nested if isinstance(nested, dict) else None


def bound_schema(schema: dict[str, Any], found: Candidates) -> dict[str, Any]:
    """The schema with each id limited to the candidate numbers that exist."""
    bounded = copy.deepcopy(schema)
    props = bounded.get("properties", {})
    for name, count in (("key_figures", len(found.figures)), ("actors", len(found.actors))):
        if not isinstance(props.get(name), dict):
            continue
        id_schema = _id_schema(props[name])
        if id_schema is not None:
            id_schema["maximum"] = max(count, 1)
            props[name]["minItems"] = min(props[name].get("minItems", 0), count)
            if count == 0:
                props[name]["maxItems"] = 0
    return bounded


def _pick(item: object) -> tuple[int, dict[str, Any]]:
    if isinstance(item, dict):
        return int(item.get("id", 0)), item
    return (item if isinstance(item, int) else 0), {}


def to_digest_shape(answer: dict[str, Any], found: Candidates) -> tuple[dict[str, Any], list[str]]:
    """Picks by id -> the `summarize@1` shape, texts and names from the candidates; bad ids are problems.

    A pick is an id, or an object with an `id` and optionally `kind` and `context`/`role`;
    what the model leaves out comes from the candidate itself.
    """
    problems: list[str] = []

    def chosen(key: str, pool: Sequence[T], noun: str) -> list[tuple[T, dict[str, Any]]]:
        picks = []
        for item in answer.get(key, []):
            index, extra = _pick(item)
            if 1 <= index <= len(pool):
                picks.append((pool[index - 1], extra))
            else:
                problems.append(f"{noun} {index} is not one of the candidates 1-{len(pool)}")
        return picks

    figures = [
        {"text": f.text, "kind": extra.get("kind", f.kind), "context": extra.get("context", f.context)}
        for f, extra in chosen("key_figures", found.figures, "figure")
    ]
    actors = [
        {"name": a.name, "kind": extra.get("kind", a.kind), "role": extra.get("role", a.role or "")}
        for a, extra in chosen("actors", found.actors, "actor")
    ]
    return {"summary": answer.get("summary", ""), "key_figures": figures, "actors": actors}, problems
