"""What the CLI prints is for people: figure values with digit grouping, never `1.6e+09`."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from service.cli import app, readable_number

ARTICLE = """Harbour authority approves £1.6 billion tidal barrier

The harbour authority of Porthmellin approved a £1.6 billion tidal barrier on Tuesday, its chair
Ellen Trevaskis said. The barrier will protect 42,000 homes and take 7 years to build. Fees for
ships will rise by 2.5% from next spring, and the authority expects 0.4 million more visitors.
"""


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1_600_000_000.0, "1,600,000,000"),
        (42_000.0, "42,000"),
        (7.0, "7"),
        (2.5, "2.5"),
        (11.4, "11.4"),
        (0.035, "0.035"),
        (-3.25, "-3.25"),
        (1234567.891, "1,234,567.891"),
        (1e-9, "1e-09"),
        (0.0, "0"),
    ],
)
def test_readable_number(value: float, shown: str) -> None:
    assert readable_number(value) == shown


def test_summarize_prints_grouped_values(tmp_path: Path) -> None:
    article = tmp_path / "barrier.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    env = {"NEWSBRIEF_ENGINE": "extractive", "NEWSBRIEF_DATA_DIR": str(tmp_path), "COLUMNS": "200"}
    result = CliRunner().invoke(app, ["summarize", str(article)], env=env)
    assert result.exit_code == 0, result.output
    assert "1,600,000,000" in result.stdout
    assert "42,000" in result.stdout
    assert "e+0" not in result.stdout


def test_summarize_prints_quotes_and_the_short_forms_asked_for(tmp_path: Path) -> None:
    article = tmp_path / "barrier.txt"
    article.write_text(ARTICLE + '\n"We waited [long] for this," Ellen Trevaskis said.\n', encoding="utf-8")
    env = {"NEWSBRIEF_ENGINE": "extractive", "NEWSBRIEF_DATA_DIR": str(tmp_path), "COLUMNS": "200"}
    result = CliRunner().invoke(app, ["summarize", str(article), "--format", "bullets"], env=env)
    assert result.exit_code == 0, result.output
    assert "We waited [long] for this" in result.stdout  # quoted as written, markup-like text too
    assert "Ellen Trevaskis" in result.stdout
    assert result.stdout.count("•") >= 3  # the extractive engine's ranked sentences
    refused = CliRunner().invoke(app, ["summarize", str(article), "--format", "haiku"], env=env)
    assert refused.exit_code == 2
