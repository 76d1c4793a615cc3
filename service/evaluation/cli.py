"""`newsbrief eval DATASET.jsonl`: score engines and prompt versions side by side."""

from __future__ import annotations

import asyncio
import shlex
import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, cast

import orjson
import typer
from rich.console import Console

from service.evaluation.actors import default_extractor
from service.evaluation.dataset import Dataset, DatasetError, load, parse_filters
from service.evaluation.quotes import load_gold
from service.evaluation.report import build_report, markdown_table, quote_lines, rich_table
from service.evaluation.runner import ENGINES, EvalEngine, configurations, evaluate, new_progress
from service.logs import configure_logging


def _command(
    dataset: Path,
    *,
    filters: list[str],
    limit: int | None,
    engines: list[str],
    prompts: list[str],
    concurrency: int,
    seed: int | None,
    gold_quotes: Path | None = None,
) -> str:
    """The command line that reproduces the numbers (output options left out)."""
    args = ["newsbrief", "eval", str(dataset)]
    args += [a for f in filters for a in ("--filter", f)]
    args += [] if limit is None else ["--limit", str(limit)]
    args += [a for e in engines for a in ("--engine", e)]
    args += [a for p in prompts for a in ("--prompt", p)]
    args += ["--concurrency", str(concurrency)]
    args += [] if seed is None else ["--seed", str(seed)]
    args += [] if gold_quotes is None else ["--gold-quotes", str(gold_quotes)]
    return shlex.join(args)


def _with_gold(data: Dataset, path: Path, err: Console) -> Dataset:
    """The rows of ``data`` with the gold quotes ``path`` lists for them (by file name and id)."""
    try:
        gold = load_gold(path)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        err.print(f"[red]error:[/] cannot read gold quotes {path}: {exc}")
        raise typer.Exit(2) from exc
    rows = [
        replace(row, gold_quotes=tuple(gold[(data.path.name, row.id)]))
        if (data.path.name, row.id) in gold
        else row
        for row in data.rows
    ]
    if not any(row.gold_quotes is not None for row in rows):
        err.print(f"[yellow]note:[/] no row of {data.path.name} has gold quotes in {path}")
    return replace(data, rows=rows)


def _quiet_logs() -> None:
    """Service log lines go to stderr, warnings and up, so stdout holds only the table."""
    configure_logging("warning", stream=sys.stderr)


def eval_command(
    dataset: Annotated[
        Path, typer.Argument(help="JSONL rows with `article` and `reference`.", dir_okay=False)
    ],
    *,
    filters: Annotated[
        list[str] | None,
        typer.Option("--filter", help="KEY=VALUE on a row field; repeat (same key: any of, keys: all of)."),
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Use at most N rows (after filters).")] = None,
    engines: Annotated[
        list[str] | None, typer.Option("--engine", help="extractive, local or openai; repeat.")
    ] = None,
    prompts: Annotated[
        list[str] | None, typer.Option("--prompt", help="Prompt for LLM engines, e.g. summarize@2; repeat.")
    ] = None,
    concurrency: Annotated[int, typer.Option(min=1, help="Articles in flight per configuration.")] = 4,
    seed: Annotated[
        int | None, typer.Option(help="Shuffle rows with this seed before --limit (default: file order).")
    ] = None,
    gold_quotes: Annotated[
        Path | None,
        typer.Option(
            "--gold-quotes",
            help="Gold quotes (bench/gold/quotes.jsonl format) joined to rows by file name and id:"
            " scores quote recall and speaker accuracy.",
            dir_okay=False,
        ),
    ] = None,
    out: Annotated[Path, typer.Option(help="Where to write the JSON report.")] = Path("eval-report.json"),
    markdown: Annotated[bool, typer.Option("--markdown", help="Print a Markdown table instead.")] = False,
    progress: Annotated[bool, typer.Option(help="Show progress bars on stderr.")] = True,
) -> None:
    """Score engines and prompt versions on a dataset: a lead-3 baseline row, then each configuration."""
    err = Console(stderr=True)
    engine_names = engines or ["extractive"]
    unknown = [e for e in engine_names if e not in ENGINES]
    if unknown:
        raise typer.BadParameter(
            f"unknown engine {unknown[0]!r}; choose from {', '.join(ENGINES)}", param_hint="--engine"
        )
    try:
        wanted = parse_filters(filters or [])
        data = load(dataset, wanted, limit=limit, seed=seed)
    except DatasetError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    if not data.rows:
        err.print("[red]error:[/] no rows to evaluate (check the filters)")
        raise typer.Exit(2)
    if gold_quotes is not None:
        data = _with_gold(data, gold_quotes, err)
    configs = configurations(cast("list[EvalEngine]", engine_names), prompts or [])
    command = _command(
        dataset,
        filters=filters or [],
        limit=limit,
        engines=engine_names,
        prompts=prompts or [],
        concurrency=concurrency,
        seed=seed,
        gold_quotes=gold_quotes,
    )
    _quiet_logs()
    evaluation = asyncio.run(
        evaluate(
            data.rows,
            configs,
            extract=default_extractor(),
            concurrency=concurrency,
            progress=new_progress(disable=not progress),
        )
    )
    if prompts and "extractive" in engine_names:
        evaluation.notes.append("--prompt does not apply to the extractive engine")
    options: dict[str, Any] = {
        "filters": {key: sorted(values) for key, values in wanted.items()},
        "limit": limit,
        "seed": seed,
        "gold_quotes": None if gold_quotes is None else str(gold_quotes),
        "engines": engine_names,
        "prompts": prompts or [],
        "concurrency": concurrency,
    }
    report = build_report(data, evaluation.metrics, command=command, options=options, notes=evaluation.notes)
    out.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2) + b"\n")
    git = report["git"] or {}
    footer = f"{len(data.rows)} rows of {dataset.name}"
    if git.get("commit"):
        footer += f", commit {git['commit'][:10]}" + (" (uncommitted changes)" if git.get("dirty") else "")
    if markdown:
        sys.stdout.write(markdown_table(evaluation.metrics, command, footer))
    else:
        out_console = Console()
        if not out_console.is_terminal:  # piped: do not squeeze the table into 80 columns
            out_console = Console(width=200)
        out_console.print(rich_table(evaluation.metrics, f"newsbrief eval · {footer}"))
    for line in quote_lines(evaluation.metrics):
        sys.stdout.write(line + "\n")
    for note in evaluation.notes:
        err.print(f"[yellow]note:[/] {note}")
    err.print(f"[dim]report written to {out}[/]")
