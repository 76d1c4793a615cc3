"""Versioned prompt templates: load, verify against the lock file, look up, render.

A template lives in `prompts/<name>/v<N>.yaml` and is immutable once its sha256 is
in `prompts/prompts.lock`; changing a published prompt means adding `v<N+1>.yaml`.
`prompts/labels.yaml` maps labels (`production`, `canary`, ...) to versions.
A template that can also write short forms (`options.formats`: headline, dek, bullets)
declares the JSON Schema of each under `formats`; its text asks for them only when
the request does (the `formats` variable).
Templates are Jinja2 with `StrictUndefined`, compiled once at load: a missing
variable fails loudly instead of rendering an empty string.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import jsonschema
import yaml

from service.errors import UnknownPrompt
from service.schema import FORMATS

LOCK_FILE = "prompts.lock"
LABELS_FILE = "labels.yaml"
DEFAULT_LABEL = "production"
FORMATS_LABEL = "formats"  # a bare name asked for headline/dek/bullets: this label's version
_VERSION_FILE = re.compile(r"^v([1-9][0-9]*)\.yaml$")
# Prompts are plain text for a model, not HTML: escaping would corrupt the article.
_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)  # noqa: S701


class PromptCatalogueError(Exception):
    """The prompts folder is inconsistent (bad YAML, hash mismatch, unknown label target)."""


@dataclass(frozen=True)
class PromptTemplate:
    """One published prompt version."""

    name: str
    version: int
    sha256: str
    description: str
    system: str
    user: str
    repair: str
    output_schema: dict[str, Any]
    params: dict[str, Any]
    local_params: dict[str, Any]
    candidates: bool  # the prompt lists numbered candidate figures and actors (see candidates.py)
    formats: dict[str, dict[str, Any]] = field(default_factory=dict)  # format -> its answer's schema
    _compiled: dict[str, jinja2.Template] = field(repr=False, compare=False, default_factory=dict)

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    def render(self, part: str, variables: Mapping[str, object]) -> str:
        """Render `system`, `user` or `repair`; raises `jinja2.UndefinedError` on a missing variable."""
        return self._compiled[part].render(**variables)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _load_template(path: Path, name: str, version: int) -> PromptTemplate:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PromptCatalogueError(f"{path}: invalid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise PromptCatalogueError(f"{path}: expected a mapping")
    missing = {"system", "user", "repair", "output_schema"} - raw.keys()
    if missing:
        raise PromptCatalogueError(f"{path}: missing keys {sorted(missing)}")
    if raw.get("name", name) != name or raw.get("version", version) != version:
        raise PromptCatalogueError(f"{path}: name/version inside the file disagree with its path")
    schema = raw["output_schema"]
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise PromptCatalogueError(
            f"{path}: output_schema is not a valid JSON Schema: {exc.message}"
        ) from exc
    formats = raw.get("formats") or {}
    if not isinstance(formats, dict) or not set(formats) <= set(FORMATS):
        raise PromptCatalogueError(f"{path}: formats must map some of {', '.join(FORMATS)} to a schema")
    for format_name, format_schema in formats.items():
        try:
            jsonschema.Draft202012Validator.check_schema(format_schema)
        except jsonschema.SchemaError as exc:
            raise PromptCatalogueError(f"{path}: formats.{format_name} is not a JSON Schema") from exc
    parts = {p: str(raw[p]) for p in ("system", "user", "repair")}
    try:
        compiled = {p: _ENV.from_string(text) for p, text in parts.items()}
    except jinja2.TemplateSyntaxError as exc:
        raise PromptCatalogueError(f"{path}: template syntax error: {exc}") from exc
    return PromptTemplate(
        name=name,
        version=version,
        sha256=file_sha256(path),
        description=str(raw.get("description", "")).strip(),
        system=parts["system"],
        user=parts["user"],
        repair=parts["repair"],
        output_schema=schema,
        params=dict(raw.get("params") or {}),
        local_params=dict(raw.get("local_params") or {}),
        candidates=bool(raw.get("candidates", False)),
        formats={str(k): dict(v) for k, v in formats.items()},
        _compiled=compiled,
    )


def read_lock(root: Path) -> dict[str, str]:
    path = root / LOCK_FILE
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items()}


def write_lock(root: Path) -> dict[str, str]:
    """Add every new version to the lock file; refuse if a published version changed."""
    lock = read_lock(root)
    for path in sorted(root.glob("*/v*.yaml")):
        key = f"{path.parent.name}/{path.name}"
        digest = file_sha256(path)
        if key in lock and lock[key] != digest:
            raise PromptCatalogueError(f"{key} is published and changed; add a new version instead")
        lock[key] = digest
    (root / LOCK_FILE).write_text(json.dumps(lock, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return lock


class Catalogue:
    """All templates under a prompts folder, verified against the lock file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        lock = read_lock(root)
        self._templates: dict[str, dict[int, PromptTemplate]] = {}
        for path in sorted(root.glob("*/v*.yaml")):
            match = _VERSION_FILE.match(path.name)
            if not match:
                continue
            key = f"{path.parent.name}/{path.name}"
            template = _load_template(path, path.parent.name, int(match.group(1)))
            if lock.get(key) != template.sha256:
                state = "is not in" if key not in lock else "does not match"
                raise PromptCatalogueError(f"{key} {state} {LOCK_FILE}; published prompts never change")
            self._templates.setdefault(template.name, {})[template.version] = template
        labels_raw = yaml.safe_load((root / LABELS_FILE).read_text(encoding="utf-8")) or {}
        self.labels: dict[str, dict[str, int]] = {
            str(n): {str(lbl): int(v) for lbl, v in (m or {}).items()} for n, m in labels_raw.items()
        }
        for name, mapping in self.labels.items():
            for label, version in mapping.items():
                if version not in self._templates.get(name, {}):
                    raise PromptCatalogueError(f"label {name}@{label} points at missing version {version}")

    def names(self) -> list[str]:
        return sorted(self._templates)

    def versions(self, name: str) -> list[int]:
        return sorted(self._templates.get(name, {}))

    def labels_of(self, name: str, version: int) -> list[str]:
        return sorted(lbl for lbl, v in self.labels.get(name, {}).items() if v == version)

    def get(self, name: str, version: int) -> PromptTemplate:
        try:
            return self._templates[name][version]
        except KeyError:
            raise UnknownPrompt(f"no prompt {name}@{version}") from None

    def resolve(self, ref: str, engine: str | None = None, formats: Sequence[str] = ()) -> PromptTemplate:
        """`name`, `name@<version>` or `name@<label>` -> the template.

        A bare `name` means the `production-<engine>` label when the catalogue has one
        (an engine whose eval favours another version), else `production`; when the request
        asks for `formats`, the `formats-<engine>` / `formats` label instead (if there is one).
        A template that cannot write every asked format is an `UnknownPrompt` (422).
        """
        name, _, selector = ref.partition("@")
        if name not in self._templates:
            raise UnknownPrompt(f"no prompt named {name!r}; known: {', '.join(self.names())}")
        if not selector:
            labels = self.labels.get(name, {})
            base = FORMATS_LABEL if formats and FORMATS_LABEL in labels else DEFAULT_LABEL
            engine_label = f"{base}-{engine}"
            selector = engine_label if engine_label in labels else base
        template = self._select(name, selector)
        lacking = [f for f in formats if f not in template.formats]
        if lacking:
            able = [t.ref for t in self._templates[name].values() if set(formats) <= t.formats.keys()]
            raise UnknownPrompt(
                f"prompt {template.ref} does not write {', '.join(lacking)}; "
                f"ask {' or '.join(able) or 'no prompt version'}, or name no version"
            )
        return template

    def _select(self, name: str, selector: str) -> PromptTemplate:
        if selector.isascii() and selector.isdigit():  # "²" is a digit to str.isdigit, not to int()
            return self.get(name, int(selector))
        version = self.labels.get(name, {}).get(selector)
        if version is None:
            known = ", ".join(sorted(self.labels.get(name, {}))) or "none"
            raise UnknownPrompt(f"prompt {name!r} has no label {selector!r}; labels: {known}")
        return self.get(name, version)
