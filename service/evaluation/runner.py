"""Drive the real pipeline over the rows, one configuration (engine x prompt) at a time.

Each engine gets its own runtime (`open_runtime(Settings(engine=...))`); its prompts run
one after the other with at most `concurrency` articles in flight. Failures are counted
per row (or for every row when the engine cannot start), never raised. Digests are scored
after the timed phase, so latency and throughput measure the service alone.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import get_args

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from service.engines.extractive import lead_summary
from service.errors import NewsbriefError
from service.evaluation.actors import EntityExtractor
from service.evaluation.dataset import EvalRow
from service.evaluation.scoring import (
    ConfigMetrics,
    RowTargets,
    aggregate,
    row_targets,
    score_digest,
    score_summary,
)
from service.runtime import open_runtime
from service.schema import Digest, EngineName, SummarizeRequest
from service.settings import Settings

EvalEngine = EngineName
ENGINES: tuple[EvalEngine, ...] = tuple(sorted(get_args(EngineName)))  # extractive, local, openai
BASELINE = "lead-3"
DEFAULT_PROMPT = "summarize"
Summarizer = Callable[[SummarizeRequest], Awaitable[Digest]]


@dataclass(frozen=True)
class Config:
    engine: EvalEngine
    prompt: str | None  # None: the engine uses no prompt (extractive)

    @property
    def label(self) -> str:
        return self.engine if self.prompt is None else f"{self.engine}/{self.prompt}"


def configurations(engines: Sequence[EvalEngine], prompts: Sequence[str]) -> list[Config]:
    """Engines in the order given, each LLM engine once per prompt (default: `summarize`)."""
    configs: list[Config] = []
    for engine in dict.fromkeys(engines):
        if engine == "extractive":
            configs.append(Config(engine, None))
        else:
            configs += [Config(engine, p) for p in dict.fromkeys(prompts or [DEFAULT_PROMPT])]
    return configs


@dataclass
class Evaluation:
    metrics: list[ConfigMetrics] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _error(row: EvalRow, exc: BaseException) -> str:
    detail = exc.detail if isinstance(exc, NewsbriefError) else str(exc) or repr(exc)
    return f"row {row.id}: {type(exc).__name__}: {detail}"


def new_progress(*, disable: bool = False) -> Progress:
    """One bar per configuration, on stderr (stdout is for the table)."""
    from rich.console import Console  # noqa: PLC0415 - only the CLI path needs a console

    return Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[errors]} errors"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=disable,
    )


async def run_rows(
    summarize: Summarizer,
    rows: Sequence[EvalRow],
    *,
    prompt: str | None,
    concurrency: int,
    progress: Progress,
    label: str,
) -> tuple[list[tuple[EvalRow, Digest, float] | str], float]:
    """Summarize every row; returns per-row (row, digest, latency_ms) or an error, and the wall time."""
    semaphore = asyncio.Semaphore(max(1, concurrency))
    results: list[tuple[EvalRow, Digest, float] | str] = ["not run"] * len(rows)
    task = progress.add_task(label, total=len(rows), errors=0)
    errors = 0

    async def one(i: int, row: EvalRow) -> None:
        nonlocal errors
        async with semaphore:
            started = time.perf_counter()
            try:
                request = SummarizeRequest(text=row.article, prompt=prompt or DEFAULT_PROMPT)
                digest = await summarize(request)
            except Exception as exc:  # counted in the report; the run goes on
                results[i] = _error(row, exc)
                errors += 1
            else:
                results[i] = (row, digest, (time.perf_counter() - started) * 1000)
            progress.update(task, advance=1, errors=errors)

    started = time.perf_counter()
    await asyncio.gather(*(one(i, row) for i, row in enumerate(rows)))
    return results, time.perf_counter() - started


def score_results(
    config: Config,
    results: Sequence[tuple[EvalRow, Digest, float] | str],
    targets: dict[int, RowTargets],
    wall_s: float,
    model: str | None,
) -> ConfigMetrics:
    scores = [score_digest(r[0], targets[r[0].index], r[1], r[2]) for r in results if not isinstance(r, str)]
    errors = [r for r in results if isinstance(r, str)]
    models = [r[1].provenance.model for r in results if not isinstance(r, str)]
    return aggregate(
        config.label,
        engine=config.engine,
        prompt=config.prompt,
        model=models[0] if models else model,
        scores=scores,
        errors=errors,
        wall_s=wall_s,
    )


def baseline(rows: Sequence[EvalRow], progress: Progress) -> ConfigMetrics:
    """The lead-3 row: the first three sentences, scored for ROUGE and length."""
    task = progress.add_task(BASELINE, total=len(rows), errors=0)
    scores = []
    wall_s = 0.0
    for row in rows:
        started = time.perf_counter()
        summary = lead_summary(row.article, 3)
        latency_s = time.perf_counter() - started
        wall_s += latency_s
        scores.append(score_summary(row, summary, latency_s * 1000))
        progress.advance(task)
    return aggregate(
        BASELINE,
        engine=BASELINE,
        prompt=None,
        model=None,
        scores=scores,
        errors=[],
        wall_s=wall_s,
        digests=False,
    )


async def run_engine(
    engine: EvalEngine,
    configs: Sequence[Config],
    rows: Sequence[EvalRow],
    targets: dict[int, RowTargets],
    *,
    concurrency: int,
    progress: Progress,
    ready_timeout_s: float = 600.0,
) -> list[ConfigMetrics]:
    """Every configuration of one engine, in one runtime; a runtime that fails fails all its rows."""
    results: list[ConfigMetrics] = []
    try:
        async with open_runtime(Settings(engine=engine)) as runtime:
            if not runtime.ready.is_set():
                progress.console.print(f"[dim]waiting for the {engine} model to load...[/]")
            await runtime.wait_ready(timeout_s=ready_timeout_s)
            for config in configs:
                if config.prompt is not None and runtime.engine.llm is not None:
                    runtime.catalogue.resolve(config.prompt)  # an unknown prompt fails before any row
                outcome, wall_s = await run_rows(
                    runtime.pipeline.summarize,
                    rows,
                    prompt=config.prompt,
                    concurrency=concurrency,
                    progress=progress,
                    label=config.label,
                )
                results.append(score_results(config, outcome, targets, wall_s, runtime.engine.model))
    except Exception as exc:  # the engine (or a prompt) is unusable: every remaining row is an error
        detail = exc.detail if isinstance(exc, NewsbriefError) else str(exc) or repr(exc)
        message = f"{engine} failed: {type(exc).__name__}: {detail}"
        for config in configs[len(results) :]:
            results.append(score_results(config, [message] * len(rows), targets, 0.0, None))
    return results


def prepare_targets(
    rows: Sequence[EvalRow], extract: EntityExtractor | None, progress: Progress, notes: list[str]
) -> dict[int, RowTargets]:
    """Figure and actor targets of every row; an extractor that fails is dropped for all rows, with a note."""
    task = progress.add_task("reference targets", total=len(rows), errors=0)
    try:
        targets: dict[int, RowTargets] = {}
        for row in rows:
            targets[row.index] = row_targets(row, extract)
            progress.advance(task)
    except Exception as exc:  # e.g. no spaCy pipeline installed: say so, then go on without NER
        if extract is None:
            raise
        notes.append(f"actor recall not computed: the entity extractor failed ({type(exc).__name__}: {exc})")
        return prepare_targets(rows, None, progress, notes)
    return targets


async def evaluate(
    rows: Sequence[EvalRow],
    configs: Sequence[Config],
    *,
    extract: EntityExtractor | None,
    concurrency: int,
    progress: Progress,
) -> Evaluation:
    """The lead-3 baseline, then each configuration, grouped by engine."""
    evaluation = Evaluation()
    if extract is None:
        evaluation.notes.append(
            "actor recall not computed: service.nlp.ner or its English spaCy pipeline is not installed"
        )
    with progress:
        targets = prepare_targets(rows, extract, progress, evaluation.notes)
        evaluation.metrics.append(baseline(rows, progress))
        for engine in dict.fromkeys(c.engine for c in configs):
            mine = [c for c in configs if c.engine == engine]
            evaluation.metrics += await run_engine(
                engine, mine, rows, targets, concurrency=concurrency, progress=progress
            )
    return evaluation
