"""Evaluation rows from a JSONL file: `article` and `reference`, optional `id` and labels.

Filters are `KEY=VALUE` strings: values of one key are alternatives (OR), different keys
must all match (AND). Rows with an empty reference are skipped. Order is the file's order,
or a shuffle by `seed`; `limit` then keeps the first rows.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson


class DatasetError(ValueError):
    """The dataset or a filter cannot be read."""


@dataclass(frozen=True)
class EvalRow:
    index: int  # 0-based line position among the JSON rows of the file
    id: str
    article: str
    reference: str
    language: str = "en"
    labels: dict[str, str] = field(default_factory=dict)
    # hand-made gold quotes ({start, end, speaker} offsets into `article`), when the row has them:
    # its own `quotes` field, or joined from a gold file (`newsbrief eval --gold-quotes`)
    gold_quotes: tuple[dict[str, Any], ...] | None = None


@dataclass(frozen=True)
class Dataset:
    path: Path
    sha256: str
    rows_read: int
    rows_without_reference: int
    rows_matched: int
    rows: list[EvalRow]


def parse_filters(items: Iterable[str]) -> dict[str, frozenset[str]]:
    """`["dataset=cnndm", "dataset=xsum", "category=business"]` -> {key: allowed values}."""
    wanted: dict[str, set[str]] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise DatasetError(f"a filter is KEY=VALUE, got {item!r}")
        wanted.setdefault(key.strip(), set()).add(value.strip())
    return {key: frozenset(values) for key, values in wanted.items()}


def _text(value: object) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def row_from(index: int, data: dict[str, object]) -> EvalRow:
    labels = {
        key: _text(value)
        for key, value in data.items()
        if key not in ("article", "reference") and isinstance(value, str | int | float | bool)
    }
    quotes = data.get("quotes")
    gold = tuple(q for q in quotes if isinstance(q, dict)) if isinstance(quotes, list) else None
    return EvalRow(
        index=index,
        id=labels.get("id") or str(index),
        article=_text(data.get("article")),
        reference=_text(data.get("reference")),
        language=labels.get("language") or "en",
        labels=labels,
        gold_quotes=gold,
    )


def load(
    path: Path, filters: dict[str, frozenset[str]], *, limit: int | None = None, seed: int | None = None
) -> Dataset:
    """Read, skip rows without a reference, filter, order (or shuffle by `seed`), cut to `limit`."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DatasetError(f"cannot read {path}: {exc.strerror or exc}") from exc
    rows: list[EvalRow] = []
    read = without_reference = 0
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise DatasetError(f"{path}:{number}: not JSON ({exc})") from exc
        if not isinstance(data, dict):
            raise DatasetError(f"{path}:{number}: a row must be a JSON object")
        row = row_from(read, data)
        read += 1
        if not row.reference.strip():
            without_reference += 1
            continue
        if all(row.labels.get(key) in values for key, values in filters.items()):
            rows.append(row)
    matched = len(rows)
    if seed is not None:
        random.Random(seed).shuffle(rows)  # noqa: S311 - a reproducible sample, not security
    if limit is not None:
        rows = rows[:limit]
    return Dataset(path, hashlib.sha256(raw).hexdigest(), read, without_reference, matched, rows)
