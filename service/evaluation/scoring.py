"""One digest -> a row score; the row scores of a configuration -> its metrics (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from service.evaluation.actors import (
    ActorTarget,
    EntityExtractor,
    actor_grounded,
    actor_recall,
    actor_targets,
)
from service.evaluation.dataset import EvalRow
from service.evaluation.metrics import (
    FigureKey,
    Recall,
    figure_grounded,
    figure_recall,
    figure_targets,
    mean,
    percentile,
    rouge,
    summary_words,
)
from service.evaluation.quotes import QuoteScores
from service.schema import Digest

MAX_EXAMPLES = 5  # error and grounding-failure examples kept per configuration


@dataclass(frozen=True)
class RowTargets:
    """What a row's reference asks for; computed once per row, shared by every configuration."""

    figures: frozenset[FigureKey]
    actors: list[ActorTarget] | None  # None: no entity extractor


def row_targets(row: EvalRow, extract: EntityExtractor | None) -> RowTargets:
    actors = None if extract is None else actor_targets(row.article, row.reference, extract, row.language)
    return RowTargets(figure_targets(row.article, row.reference), actors)


@dataclass(frozen=True)
class RowScore:
    """The scores of one summary (a digest, or a baseline's plain text)."""

    rouge1: float
    rouge2: float
    rougeL: float
    words: int
    figures: Recall | None = None
    actors: Recall | None = None
    grounded: int = 0
    grounding_items: int = 0
    ungrounded: tuple[str, ...] = ()
    degraded: bool = False
    tokens: int = 0
    latency_ms: float | None = None
    sentences_kept: int = 0  # summary sentences returned, each with its support
    sentences_dropped: int = 0  # summary sentences dropped as unsupported
    reasked: bool = False  # more than one LLM attempt (a repair re-ask or a retry)
    quotes: QuoteScores | None = None  # the digest's quotes against the row's gold quotes, if any


def score_summary(row: EvalRow, summary: str, latency_ms: float | None = None) -> RowScore:
    """ROUGE and length only: for baselines that produce nothing but text."""
    scores = rouge(row.reference, summary)
    return RowScore(*scores, words=summary_words(summary), latency_ms=latency_ms)


def score_digest(row: EvalRow, targets: RowTargets, digest: Digest, latency_ms: float) -> RowScore:
    article = digest.text if digest.text is not None else row.article
    ungrounded = [
        f"figure {f.text!r} at {f.span}" for f in digest.key_figures if not figure_grounded(article, f)
    ]
    ungrounded += [
        f"actor {a.name!r} at {a.mentions}" for a in digest.actors if not actor_grounded(article, a)
    ]
    items = len(digest.key_figures) + len(digest.actors)
    usage = digest.provenance.usage
    return RowScore(
        *rouge(row.reference, digest.summary),
        words=summary_words(digest.summary),
        figures=figure_recall(targets.figures, digest.key_figures),
        actors=None if targets.actors is None else actor_recall(article, targets.actors, digest.actors),
        grounded=items - len(ungrounded),
        grounding_items=items,
        ungrounded=tuple(f"row {row.id}: {item}" for item in ungrounded),
        degraded=digest.provenance.degraded,
        tokens=usage.input_tokens + usage.output_tokens,
        latency_ms=latency_ms,
        sentences_kept=0 if digest.provenance.degraded else len(digest.sentences),
        sentences_dropped=sum(w.startswith(DROPPED_SENTENCE) for w in digest.warnings),
        reasked=digest.provenance.attempts > 1,
        quotes=_quote_scores(row, digest),
    )


def _quote_scores(row: EvalRow, digest: Digest) -> QuoteScores | None:
    if row.gold_quotes is None:
        return None
    scores = QuoteScores()
    scores.add(row.id, row.gold_quotes, digest.quotes)
    return scores


DROPPED_SENTENCE = "dropped summary sentence"  # the pipeline's warning for an unsupported sentence


def _support_rate(scores: Sequence[RowScore]) -> float | None:
    """Kept / (kept + dropped) summary sentences of the engine's own summaries (degraded: none kept)."""
    total = sum(s.sentences_kept + s.sentences_dropped for s in scores)
    return sum(s.sentences_kept for s in scores) / total if total else None


def _pooled(recalls: Sequence[Recall | None]) -> tuple[float | None, int]:
    """Share of all targets found (micro average) and the number of targets."""
    present = [r for r in recalls if r is not None]
    found, total = sum(r.found for r in present), sum(r.total for r in present)
    return Recall(found, total).value, total


def _grounding_rate(scores: Sequence[RowScore]) -> float | None:
    """Grounded items / items; 1.0 when digests came back but held no items at all."""
    items = sum(s.grounding_items for s in scores)
    if not items:
        return 1.0 if scores else None
    return sum(s.grounded for s in scores) / items


@dataclass
class ConfigMetrics:
    """Per-configuration results, as they go into the JSON report. Rates are fractions (0..1)."""

    label: str
    engine: str
    prompt: str | None
    model: str | None
    rows: int
    scored: int
    errors: int
    rouge1: float | None
    rouge2: float | None
    rougeL: float | None
    figure_recall: float | None
    figure_targets: int
    actor_recall: float | None
    actor_targets: int
    grounding_rate: float | None
    grounding_items: int
    degraded_rate: float | None
    sentence_support: float | None
    sentences_dropped: int
    reasked_rate: float | None
    summary_words_mean: float | None
    latency_ms_p50: float | None
    latency_ms_p95: float | None
    tokens_per_article: float | None
    wall_s: float
    articles_per_s: float | None
    error_examples: list[str] = field(default_factory=list)
    ungrounded_examples: list[str] = field(default_factory=list)
    quote_rows: int = 0  # scored rows with gold quotes
    quote_gold: int = 0  # their gold quotes
    quote_recall: float | None = None
    quote_precision: float | None = None
    speaker_accuracy: float | None = None  # of matched gold quotes that have a speaker
    wrong_speakers: int | None = None  # matched quotes given a speaker that is not the gold one
    missing_speakers: int | None = None  # matched gold quotes with a speaker that were given none

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def aggregate(
    label: str,
    *,
    engine: str,
    prompt: str | None,
    model: str | None,
    scores: Sequence[RowScore],
    errors: Sequence[str],
    wall_s: float,
    digests: bool = True,
) -> ConfigMetrics:
    """Means over the scored rows; recalls pooled over all targets; errors counted apart."""
    figure_rate, figure_total = _pooled([s.figures for s in scores])
    actor_rate, actor_total = _pooled([s.actors for s in scores])
    latencies = [s.latency_ms for s in scores if s.latency_ms is not None]
    rows = len(scores) + len(errors)
    quoted = [s.quotes for s in scores if s.quotes is not None]
    quotes = QuoteScores.pooled(quoted) if quoted else None
    return ConfigMetrics(
        label=label,
        engine=engine,
        prompt=prompt,
        model=model,
        rows=rows,
        scored=len(scores),
        errors=len(errors),
        rouge1=mean([s.rouge1 for s in scores]),
        rouge2=mean([s.rouge2 for s in scores]),
        rougeL=mean([s.rougeL for s in scores]),
        figure_recall=figure_rate if digests else None,
        figure_targets=figure_total,
        actor_recall=actor_rate if digests else None,
        actor_targets=actor_total,
        grounding_rate=_grounding_rate(scores) if digests else None,
        grounding_items=sum(s.grounding_items for s in scores),
        degraded_rate=mean([float(s.degraded) for s in scores]) if digests else None,
        sentence_support=_support_rate(scores) if digests else None,
        sentences_dropped=sum(s.sentences_dropped for s in scores),
        reasked_rate=mean([float(s.reasked) for s in scores]) if digests else None,
        summary_words_mean=mean([float(s.words) for s in scores]),
        latency_ms_p50=percentile(latencies, 0.5),
        latency_ms_p95=percentile(latencies, 0.95),
        tokens_per_article=mean([float(s.tokens) for s in scores]) if digests else None,
        wall_s=wall_s,
        articles_per_s=rows / wall_s if wall_s > 0 and rows else None,
        error_examples=list(errors[:MAX_EXAMPLES]),
        ungrounded_examples=[u for s in scores for u in s.ungrounded][:MAX_EXAMPLES],
        quote_rows=len(quoted),
        quote_gold=quotes.gold if quotes else 0,
        quote_recall=quotes.recall if quotes and quotes.gold else None,
        quote_precision=quotes.precision if quotes and quotes.found else None,
        speaker_accuracy=quotes.speaker_accuracy if quotes and quotes.with_speaker else None,
        wrong_speakers=quotes.wrong_speaker if quotes else None,
        missing_speakers=quotes.missing_speaker if quotes else None,
    )
