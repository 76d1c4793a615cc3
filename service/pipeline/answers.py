"""The schema an answer is asked for and checked against, and parsing an answer into JSON.

Two schemas per template and request shape, both built once and cached:

* sent (`request_schema`): the template's own schema, with the ids of candidate-guided
  prompts bounded to the candidates, list lengths capped by the options, and the short forms
  the request asks for (`options.formats`) added from the template's `formats` section;
* checked (`Schemas.parse`): the same, but list caps come from the template (a model that
  returns too many items is truncated rather than re-asked) and a short form is checked only
  for its contract shape (`"headline": str`, `"dek": str`, `"bullets": [str]`): its length
  and its facts are grounding's to judge, so a long dek is repaired or dropped, never the
  whole digest.

Without formats both are exactly the template's schemas: the default request sends what it
always sent.
"""

from __future__ import annotations

import copy
from typing import Any, NamedTuple

import jsonschema
import jsonschema_rs
import orjson

from service.pipeline import candidates
from service.prompts import PromptTemplate
from service.schema import Options

# What the contract promises of each short form; null is "not written" (grounding reports it).
_CONTRACT_SHAPES: dict[str, dict[str, Any]] = {
    "headline": {"type": ["string", "null"]},
    "dek": {"type": ["string", "null"]},
    "bullets": {"type": ["array", "null"], "items": {"type": "string"}},
}


class _Validators(NamedTuple):
    """A schema with a compiled validator for the yes/no answer and one that explains failures."""

    schema: dict[str, Any]
    fast: jsonschema_rs.Draft202012Validator
    full: jsonschema.Draft202012Validator


def _strip_fences(content: str) -> str:
    text = content.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        text = text.rsplit("```", 1)[0]
    return text


def _with_formats(
    schema: dict[str, Any], shapes: dict[str, dict[str, Any]], *, required: bool
) -> dict[str, Any]:
    extended = copy.deepcopy(schema)
    extended.setdefault("properties", {}).update(copy.deepcopy(shapes))
    if required:
        extended["required"] = [*extended.get("required", []), *shapes]
    return extended


def _counts(found: candidates.Candidates | None) -> tuple[int, int]:
    return (len(found.figures), len(found.actors)) if found else (-1, -1)


class Schemas:
    """Per-pipeline caches of the sent and the checked schema (a handful of shapes in practice)."""

    def __init__(self) -> None:
        self._checked: dict[tuple[object, ...], _Validators] = {}
        self._sent: dict[tuple[object, ...], dict[str, Any]] = {}

    def _bounded(
        self, template: PromptTemplate, found: candidates.Candidates | None, formats: tuple[str, ...]
    ) -> _Validators:
        """The template's schema, ids bounded to the candidates (if any), formats by their shape."""
        key = (template.sha256, *_counts(found), formats)
        entry = self._checked.get(key)
        if entry is None:
            schema = (
                candidates.bound_schema(template.output_schema, found) if found else template.output_schema
            )
            if formats:
                schema = _with_formats(schema, {f: _CONTRACT_SHAPES[f] for f in formats}, required=False)
            entry = _Validators(
                schema, jsonschema_rs.Draft202012Validator(schema), jsonschema.Draft202012Validator(schema)
            )
            self._checked[key] = entry
        return entry

    def request_schema(
        self, template: PromptTemplate, options: Options, found: candidates.Candidates | None
    ) -> dict[str, Any]:
        """The schema sent to the model: list lengths also capped by the options (cached)."""
        formats = tuple(options.formats)
        key = (template.sha256, options.max_figures, options.max_actors, *_counts(found), formats)
        schema = self._sent.get(key)
        if schema is None:
            schema = copy.deepcopy(self._bounded(template, found, ()).schema)
            props = schema.get("properties", {})
            for field_name, wanted in (("key_figures", options.max_figures), ("actors", options.max_actors)):
                if isinstance(props.get(field_name), dict):
                    limits = props[field_name]
                    limits["maxItems"] = min(limits.get("maxItems", wanted), wanted)
                    if "minItems" in limits:
                        limits["minItems"] = min(limits["minItems"], limits["maxItems"])
            if formats:  # strict structured outputs need every property listed as required
                schema = _with_formats(schema, {f: template.formats[f] for f in formats}, required=True)
            self._sent[key] = schema
        return schema

    def parse(
        self,
        template: PromptTemplate,
        found: candidates.Candidates | None,
        formats: tuple[str, ...],
        content: str,
        truncated: bool,
    ) -> tuple[Any, list[str]]:
        """The answer as JSON, or the problems to quote back to the model."""
        if truncated:
            return None, ["the answer was cut off at the token limit; write a shorter answer"]
        try:
            data = orjson.loads(_strip_fences(content))
        except orjson.JSONDecodeError as exc:
            return None, [f"the answer is not valid JSON ({exc})"]
        validators = self._bounded(template, found, formats)
        if validators.fast.is_valid(data):
            return data, []
        errors = sorted(validators.full.iter_errors(data), key=lambda e: list(e.absolute_path))
        problems = [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors[:10]]
        return data, problems
