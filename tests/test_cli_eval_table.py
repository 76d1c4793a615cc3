"""`newsbrief eval`'s terminal table fits 100 columns and says what "reference targets" are."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from service.evaluation.report import COLUMNS, TERMINAL_COLUMNS, markdown_table, rich_table
from service.evaluation.scoring import ConfigMetrics


def metrics(label: str, **changes: Any) -> ConfigMetrics:
    values: dict[str, Any] = {
        "label": label, "engine": "local", "prompt": None, "model": None, "rows": 1000, "scored": 988,
        "errors": 12, "rouge1": 0.4123, "rouge2": 0.1834, "rougeL": 0.3702, "figure_recall": 0.634,
        "figure_targets": 812, "actor_recall": 0.712, "actor_targets": 2210, "grounding_rate": 0.998,
        "grounding_items": 5120, "degraded_rate": 0.125, "sentence_support": 0.875, "sentences_dropped": 12,
        "reasked_rate": 0.25, "summary_words_mean": 58.3,
        "latency_ms_p50": 12345.6, "latency_ms_p95": 38123.4, "tokens_per_article": 1234.0,
        "wall_s": 1200.0, "articles_per_s": 0.082,
    }  # fmt: skip
    values.update(changes)
    return ConfigMetrics(**values)


ROWS = [
    metrics("lead-3", latency_ms_p50=0.8, latency_ms_p95=1.2, articles_per_s=1234.5, tokens_per_article=None),
    metrics("extractive", errors=0),
    metrics("local/summarize@2"),
    metrics("openai/summarize@production"),
]
TITLE = "newsbrief eval · 1000 rows of test.jsonl, commit 0123456789 (uncommitted changes)"


def render(width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None)
    console.print(rich_table(ROWS, TITLE))
    return console.export_text().splitlines()


def test_table_fits_100_columns_at_its_natural_width() -> None:
    lines = render(400)  # no squeezing: the width the table wants
    assert max(len(line.rstrip()) for line in lines) <= 100
    body = "\n".join(lines)
    for row in ROWS:
        assert row.label in body  # every configuration, unabridged
    assert "87.5%" in body  # sentence support
    assert "38,123" in body
    assert "…" not in body


def test_table_in_a_100_column_terminal_is_not_squeezed() -> None:
    """Rendered in 100 columns it is the same table, line for line: nothing wrapped or cut."""
    assert [line.rstrip() for line in render(100)] == [line.rstrip() for line in render(400)]


def test_legend_explains_reference_targets_and_the_abbreviations() -> None:
    legend = " ".join(" ".join(render(100)).split())
    assert "reference targets, i.e. the figures and the people, organisations and places" in legend
    for header in ("fig.", "act.", "grnd.", "degr.", "err"):
        assert f"{header}:" in legend or f"{header}," in legend


def test_markdown_table_keeps_every_column() -> None:
    table = markdown_table(ROWS, "newsbrief eval test.jsonl")
    assert table.splitlines()[0] == "| " + " | ".join(COLUMNS) + " |"
    assert {name for name, _ in TERMINAL_COLUMNS} <= set(COLUMNS)
