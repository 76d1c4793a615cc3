"""The eval report: JSON document, rich table and Markdown table."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

from rich import box
from rich.table import Table

from service.evaluation.dataset import Dataset
from service.evaluation.scoring import ConfigMetrics
from service.settings import PROJECT_ROOT

REPORT_VERSION = 1
DEFINITIONS = {
    "rouge": "mean F1 (rouge-score, Porter stemmer); L is summary-level rougeLsum, one sentence per line",
    "figure_recall": "distinct figures in both the reference and the article (no dates, years, ordinals)"
    " found among the digest's key_figures by parsed value within money/percent/other; pooled over rows",
    "actor_recall": "PERSON/ORG/GPE entities of the reference that the article names, found among the"
    " digest's actors by case-insensitive name or surname; pooled over rows",
    "grounding_rate": "figures with article[span] == text and actors with well-formed mentions and a name"
    " written in the article, over all figures and actors",
    "degraded_rate": "share of digests with provenance.degraded",
    "sentence_support": "summary sentences kept (each cited to article spans) over kept + dropped as"
    " unsupported, pooled over rows; a degraded digest keeps none of the engine's sentences",
    "sentences_dropped": "summary sentences dropped as unsupported, summed over rows",
    "reasked_rate": "share of digests that took more than one LLM attempt (repair re-ask or retry)",
    "latency_ms": "wall time of one pipeline call, p50/p95 over the scored rows",
    "tokens_per_article": "mean input + output tokens",
    "quote_recall": "gold quotes (rows with `quotes`, or joined by --gold-quotes) matched by a digest quote"
    " whose span overlaps them by >= 0.6 of the union, pooled over rows; quote_precision the same over"
    " the digest's quotes",
    "speaker_accuracy": "matched gold quotes with a speaker given the same speaker (same name, or one's"
    " last word in the other); wrong_speakers: matched quotes given another speaker",
}


def _git(*args: str) -> str | None:
    git = shutil.which("git")
    if git is None:
        return None
    try:
        done = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [git, "-C", str(PROJECT_ROOT), *args], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def git_info() -> dict[str, Any] | None:
    commit = _git("rev-parse", "HEAD")
    if not commit:
        return None
    return {"commit": commit, "dirty": bool(_git("status", "--porcelain", "--untracked-files=no"))}


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def machine_info() -> dict[str, Any]:
    return {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
    }


def build_report(
    dataset: Dataset,
    metrics: Sequence[ConfigMetrics],
    *,
    command: str,
    options: dict[str, Any],
    notes: Sequence[str],
) -> dict[str, Any]:
    return {
        "report_version": REPORT_VERSION,
        "command": command,
        "argv": sys.argv,
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "git": git_info(),
        "machine": machine_info(),
        "packages": {name: _version(name) for name in ("newsbrief", "rouge-score", "spacy")},
        "dataset": {
            "path": str(dataset.path),
            "sha256": dataset.sha256,
            "rows_read": dataset.rows_read,
            "rows_without_reference": dataset.rows_without_reference,
            "rows_matched": dataset.rows_matched,
            "rows": len(dataset.rows),
        },
        "options": options,
        "definitions": DEFINITIONS,
        "notes": list(notes),
        "configurations": [m.to_dict() for m in metrics],
    }


COLUMNS = (
    "config", "rows", "R-1", "R-2", "R-L", "figures", "actors", "grounded",
    "degraded", "support", "dropped", "re-asked", "words", "p50 ms", "p95 ms", "tokens", "art/s", "errors",
    "quotes", "speakers", "wrong spk.",
)  # fmt: skip


def _pct(value: float | None, scale: float = 100.0) -> str:
    return "–" if value is None else f"{value * scale:.1f}"


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def _number(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _throughput(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.1f}" if value >= 1 else f"{value:.2g}"  # a slow model still shows a number


def cells(m: ConfigMetrics) -> list[str]:
    """One table row; ROUGE as F1 x 100, rates as percentages, `–` where a metric does not apply."""
    return [
        m.label,
        str(m.rows),
        _pct(m.rouge1),
        _pct(m.rouge2),
        _pct(m.rougeL),
        _rate(m.figure_recall),
        _rate(m.actor_recall),
        _rate(m.grounding_rate),
        _rate(m.degraded_rate),
        _rate(m.sentence_support),
        str(m.sentences_dropped),
        _rate(m.reasked_rate),
        _number(m.summary_words_mean, 1),
        _ms(m.latency_ms_p50),
        _ms(m.latency_ms_p95),
        _number(m.tokens_per_article),
        _throughput(m.articles_per_s),
        str(m.errors),
        _rate(m.quote_recall),
        _rate(m.speaker_accuracy),
        "–" if m.wrong_speakers is None else str(m.wrong_speakers),
    ]


def quote_lines(metrics: Sequence[ConfigMetrics]) -> list[str]:
    """One line per configuration scored against gold quotes (the terminal table has no room)."""
    return [
        f"quotes · {m.label}: recall {_rate(m.quote_recall)} of {m.quote_gold} gold quotes in {m.quote_rows}"
        f" rows, precision {_rate(m.quote_precision)}, speaker right {_rate(m.speaker_accuracy)},"
        f" wrong speakers {m.wrong_speakers}, missing speakers {m.missing_speakers}"
        for m in metrics
        if m.quote_rows
    ]


# The terminal table: at most 100 columns wide (`COLUMNS` minus words, tokens and art/s, which the
# Markdown table and the JSON report keep), abbreviated headers, and a legend under it.
TERMINAL_COLUMNS = (
    ("config", "config"), ("rows", "rows"), ("R-1", "R-1"), ("R-2", "R-2"), ("R-L", "R-L"),
    ("figures", "fig."), ("actors", "act."), ("grounded", "grnd."), ("degraded", "degr."),
    ("support", "supp."), ("p95 ms", "p95 ms"), ("errors", "err"),
)  # fmt: skip
CONFIG_MAX_WIDTH = 27  # longer labels (engine/prompt@label) wrap inside their cell
LEGEND = (
    "R-1/R-2/R-L: ROUGE F1 x 100 against the reference summary. "
    "fig., act.: recall of the reference targets, i.e. the figures and the people, organisations "
    "and places that a row's reference summary names and its article also contains, found in the "
    "digest. grnd.: figures and actors of the digest that are written in the article. degr.: "
    "digests degraded to the extractive engine. "
    "supp.: summary sentences the article supports, over all the engine wrote (dropped ones included). "
    "p95 ms: time per article (p50 too in --markdown). err: rows that "
    "failed. Words, tokens and articles/s: --markdown and the JSON report (definitions there)."
)


def rich_table(metrics: Sequence[ConfigMetrics], title: str) -> Table:
    table = Table(
        title=title,
        title_justify="left",
        caption=LEGEND,
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1, 0, 0),  # one space right of each cell, plus the box's one-space divider
    )
    for i, (_, header) in enumerate(TERMINAL_COLUMNS):
        if i == 0:
            table.add_column(header, justify="left", max_width=CONFIG_MAX_WIDTH, overflow="fold")
        else:
            table.add_column(header, justify="right", no_wrap=True)
    shown = [COLUMNS.index(name) for name, _ in TERMINAL_COLUMNS]
    for m in metrics:
        row = cells(m)
        table.add_row(*(row[i] for i in shown), style="red" if m.errors else None)
    return table


def markdown_table(metrics: Sequence[ConfigMetrics], command: str, footer: str = "") -> str:
    """A GitHub table with the command that reproduces it."""
    lines = [
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "|".join([":---"] + ["---:"] * (len(COLUMNS) - 1)) + "|",
    ]
    lines += ["| " + " | ".join(cells(m)) + " |" for m in metrics]
    lines += ["", f"`{command}`" + (f" — {footer}" if footer else "")]
    return "\n".join(lines) + "\n"
