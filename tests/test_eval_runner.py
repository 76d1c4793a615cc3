"""The eval harness end to end on tiny hand-made rows: dataset, runner, aggregation, CLI, report."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import structlog
from typer.testing import CliRunner

from service.cli import app
from service.evaluation import cli as eval_cli
from service.evaluation import runner
from service.evaluation.actors import EntityExtractor
from service.evaluation.dataset import DatasetError, EvalRow, load, parse_filters
from service.evaluation.metrics import Recall
from service.evaluation.runner import Config, configurations, evaluate, new_progress, run_rows
from service.evaluation.scoring import RowScore, aggregate
from service.schema import Digest, Provenance, SummarizeRequest, Usage
from service.settings import Settings

ROWS = [
    {
        "id": "a1",
        "dataset": "demo",
        "category": "business",
        "article": "Acme Corp said profits rose 12% to $4.5bn. Chief executive Maria Lopez praised staff. "
        "The firm will hire 300 people in Leeds. Shares rose 3% on Friday.",
        "reference": "Acme Corp profits rose 12% to $4.5bn. Maria Lopez praised staff.",
    },
    {
        "id": "a2",
        "dataset": "demo",
        "category": "sport",
        "article": "Rovers won 2-1 on Saturday. Striker Sam Reed scored twice in front of 20,000 fans. "
        "The club is now top of the league.",
        "reference": "Sam Reed scored twice as Rovers won in front of 20,000 fans.",
    },
    {"id": "a3", "dataset": "other", "category": "business", "article": "Nothing to see.", "reference": ""},
    {
        "id": "a4",
        "dataset": "other",
        "category": "tech",
        "article": "A new phone launched.",
        "reference": "x",
    },
]


@dataclass(frozen=True)
class Ent:
    text: str
    label: str


def fake_entities(text: str, language: str = "en") -> list[Ent]:
    names = [("Maria Lopez", "PERSON"), ("Acme Corp", "ORG"), ("Sam Reed", "PERSON"), ("Rovers", "ORG")]
    return [Ent(name, label) for name, label in names if name in text]


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in ROWS) + "\n\n", encoding="utf-8")
    return path


@pytest.fixture
def _restore_structlog() -> Iterator[None]:
    saved = structlog.get_config()
    yield
    structlog.configure(**saved)


# dataset


def test_load_skips_empty_references_and_filters(dataset: Path) -> None:
    data = load(dataset, parse_filters(["category=business", "category=tech"]))
    assert (data.rows_read, data.rows_without_reference, data.rows_matched) == (4, 1, 2)
    assert [r.id for r in data.rows] == ["a1", "a4"]
    assert data.rows[0].labels["dataset"] == "demo"
    both = load(dataset, parse_filters(["category=business", "dataset=demo"]))
    assert [r.id for r in both.rows] == ["a1"]


def test_load_limit_and_seed(dataset: Path) -> None:
    assert [r.id for r in load(dataset, {}, limit=2).rows] == ["a1", "a2"]
    first = [r.id for r in load(dataset, {}, seed=7).rows]
    assert first == [r.id for r in load(dataset, {}, seed=7).rows]
    assert sorted(first) == ["a1", "a2", "a4"]


@pytest.mark.parametrize("bad", ["dataset", "=cnndm"])
def test_bad_filter(bad: str) -> None:
    with pytest.raises(DatasetError, match="KEY=VALUE"):
        parse_filters([bad])


def test_bad_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"article": "a", "reference": "b"}\n{oops\n', encoding="utf-8")
    with pytest.raises(DatasetError, match=r"bad\.jsonl:2"):
        load(path, {})


# configurations and aggregation


def test_configurations_cross_llm_engines_with_prompts() -> None:
    configs = configurations(["extractive", "local", "local"], ["summarize@1", "summarize@2"])
    assert [c.label for c in configs] == ["extractive", "local/summarize@1", "local/summarize@2"]
    assert [c.label for c in configurations(["openai"], [])] == ["openai/summarize"]


def test_aggregate_pools_recall_and_counts_errors() -> None:
    scores = [
        RowScore(1.0, 1.0, 1.0, 10, Recall(1, 2), Recall(0, 0), 3, 4, ("row x: figure",), True, 100, 10.0),
        RowScore(0.0, 0.0, 0.5, 20, Recall(2, 2), None, 2, 2, (), False, 50, 30.0),
    ]
    m = aggregate(
        "x", engine="local", prompt="summarize", model="m", scores=scores, errors=["boom"], wall_s=2.0
    )
    assert (m.rows, m.scored, m.errors) == (3, 2, 1)
    assert (m.rouge1, m.rougeL) == (0.5, 0.75)
    assert (m.figure_recall, m.figure_targets) == (0.75, 4)
    assert m.actor_recall is None
    assert m.grounding_rate == pytest.approx(5 / 6)
    assert (m.degraded_rate, m.summary_words_mean, m.tokens_per_article) == (0.5, 15.0, 75.0)
    assert (m.latency_ms_p50, m.articles_per_s) == (20.0, 1.5)
    assert m.ungrounded_examples == ["row x: figure"]


# runner


def _row(i: int, article: str, reference: str = "Profits rose 12%.") -> EvalRow:
    return EvalRow(index=i, id=f"r{i}", article=article, reference=reference)


def test_run_rows_counts_errors_and_bounds_concurrency() -> None:
    in_flight = peak = 0

    async def summarize(request: SummarizeRequest) -> Digest:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        if request.text and "fail" in request.text:
            raise RuntimeError("engine exploded")
        return Digest(
            id="dg_1",
            summary=request.text or "",
            sentences=[],
            key_figures=[],
            actors=[],
            provenance=Provenance(
                engine="local", model="m", prompt=None, attempts=1, usage=Usage(input_tokens=5), latency_ms=1
            ),
            warnings=[],
        )

    rows = [_row(0, "Profits rose 12%."), _row(1, "please fail"), _row(2, "Fine.")]
    progress = new_progress(disable=True)
    results, wall_s = asyncio.run(
        run_rows(summarize, rows, prompt="summarize@2", concurrency=2, progress=progress, label="x")
    )
    assert peak == 2
    assert wall_s > 0
    assert results[1] == "row r1: RuntimeError: engine exploded"
    assert [isinstance(r, str) for r in results] == [False, True, False]


def test_evaluate_with_the_real_extractive_pipeline(dataset: Path) -> None:
    rows = load(dataset, parse_filters(["dataset=demo"])).rows
    extract: EntityExtractor = fake_entities
    evaluation = asyncio.run(
        evaluate(
            rows,
            configurations(["extractive"], []),
            extract=extract,
            concurrency=2,
            progress=new_progress(disable=True),
        )
    )
    lead, extractive = evaluation.metrics
    assert lead.label == "lead-3"
    assert lead.figure_recall is None
    assert lead.grounding_rate is None
    assert lead.rouge1 is not None
    assert lead.rouge1 > 0.5
    assert (extractive.label, extractive.errors, extractive.scored) == ("extractive", 0, 2)
    assert extractive.grounding_rate == 1.0
    assert extractive.degraded_rate == 0.0
    assert extractive.sentence_support == 1.0  # extractive sentences support themselves
    assert (extractive.sentences_dropped, extractive.reasked_rate) == (0, 0.0)
    assert extractive.figure_targets == 3  # 12%, $4.5bn, 20,000
    assert extractive.actor_targets == 4
    assert evaluation.notes == []


def test_an_engine_that_cannot_start_fails_its_rows_not_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    @contextlib.asynccontextmanager
    async def broken(settings: Settings) -> AsyncIterator[Any]:
        if settings.engine != "extractive":
            raise RuntimeError(f"no model for {settings.engine}")
        yield None

    monkeypatch.setattr(runner, "open_runtime", broken)
    rows = [_row(0, "Profits rose 12%."), _row(1, "Costs fell.")]
    evaluation = asyncio.run(
        evaluate(
            rows,
            [Config("local", "summarize@1"), Config("local", "summarize@2")],
            extract=None,
            concurrency=1,
            progress=new_progress(disable=True),
        )
    )
    assert [(m.label, m.errors, m.scored) for m in evaluation.metrics] == [
        ("lead-3", 0, 2),
        ("local/summarize@1", 2, 0),
        ("local/summarize@2", 2, 0),
    ]
    assert evaluation.metrics[1].error_examples[0] == "local failed: RuntimeError: no model for local"
    assert "spaCy pipeline is not installed" in evaluation.notes[0]


def test_a_failing_entity_extractor_is_dropped_with_a_note() -> None:
    def broken(text: str, language: str = "en") -> list[Ent]:
        raise OSError("no spaCy pipeline")

    evaluation = asyncio.run(
        evaluate(
            [_row(0, "Profits rose 12%.")],
            [],
            extract=broken,
            concurrency=1,
            progress=new_progress(disable=True),
        )
    )
    assert "no spaCy pipeline" in evaluation.notes[0]


# CLI


@pytest.mark.usefixtures("_restore_structlog")
def test_cli_writes_report_and_markdown(
    dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(eval_cli, "default_extractor", lambda: fake_entities)
    out = tmp_path / "report.json"
    args = [
        "eval",
        str(dataset),
        "--filter",
        "dataset=demo",
        "--limit",
        "5",
        "--seed",
        "3",
        "--out",
        str(out),
    ]
    result = CliRunner().invoke(app, [*args, "--markdown", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("| config | rows | R-1 |")
    assert "| lead-3 | 2 |" in result.stdout
    assert "| extractive | 2 |" in result.stdout
    assert f"`newsbrief eval {dataset} --filter dataset=demo --limit 5 --engine extractive" in result.stdout
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["command"].endswith("--concurrency 4 --seed 3")
    assert report["dataset"]["rows"] == 2
    assert report["dataset"]["rows_without_reference"] == 1
    assert report["machine"]["cpu_count"] >= 1
    assert report["machine"]["python"]
    assert report["timestamp"]
    assert [c["label"] for c in report["configurations"]] == ["lead-3", "extractive"]
    assert report["configurations"][1]["grounding_rate"] == 1.0


@pytest.mark.usefixtures("_restore_structlog")
def test_cli_rich_table(dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(eval_cli, "default_extractor", lambda: None)
    result = CliRunner().invoke(
        app, ["eval", str(dataset), "--out", str(tmp_path / "r.json"), "--no-progress"]
    )
    assert result.exit_code == 0, result.output
    assert "extractive" in result.stdout
    assert "R-1" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--engine", "gpt"], "unknown engine"),
        (["--filter", "nonsense"], "KEY=VALUE"),
        (["--filter", "dataset=none"], "no rows"),
    ],
)
def test_cli_rejects_bad_options(dataset: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["eval", str(dataset), *args])
    assert result.exit_code == 2
    assert message in result.output
