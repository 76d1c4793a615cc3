"""The deterministic engine: ranked sentences, rule-found figures and NER actors, no LLM.

Used with ``NEWSBRIEF_ENGINE=extractive`` and as the degraded fallback; ``candidates``
also feeds candidate-guided prompts.  Everything it returns is cut from the article, so it
is grounded by construction: a figure's text is ``article[span]``, every actor mention is
an article span, and the summary is article sentences (so it is in the article's language).

Steps: detect the language (or take the caller's), cut sentences (``service.nlp.sentences``),
rank them (``service.nlp.rank``), rank the figures (``service.nlp.figures``), and build
actors from the language's spaCy pipeline (``service.nlp.ner`` / ``service.nlp.actors``);
a language without an installed pipeline gets a warning instead of actors.  CPU-bound and
synchronous: run it in a worker thread from async code.

Short forms (`options.formats`): bullets are ranked article sentences, each citing itself
(`BULLETS_MIN` of them, fewer with a warning when the article has fewer sentences); a
headline and a dek would have to be written, which this engine does not do: they are null,
with a warning that says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from service.engines.base import Engine
from service.nlp import language as lang
from service.nlp import ner
from service.nlp.actors import build_actors
from service.nlp.figures import rank_figures
from service.nlp.rank import SALIENCE, Salience, analyze, rank
from service.nlp.sentences import Sentence, split
from service.schema import BULLETS_MAX, BULLETS_MIN, Actor, KeyFigure, Options, SummarySentence
from service.settings import Settings


@dataclass(frozen=True)
class ExtractiveDigest:
    """What the extractive engine makes of one article."""

    summary: str
    sentences: list[SummarySentence]  # each supported by the article sentence it is
    figures: list[KeyFigure]
    actors: list[Actor]
    language: str  # ISO 639-1, detected or given
    warnings: list[str]
    bullets: list[SummarySentence] = field(default_factory=list)  # when `options.formats` asks


def _language(text: str, language: str | None) -> str:
    return lang.primary(language) or lang.detect(text)


def _summary(text: str, sentences: list[Sentence]) -> tuple[str, list[SummarySentence]]:
    """The chosen article sentences as a summary: whitespace made single, each citing itself."""
    chosen = [
        SummarySentence(text=" ".join(s.text(text).split()), support=[[s.start, s.end]]) for s in sentences
    ]
    return " ".join(s.text for s in chosen), chosen


def _actors(
    text: str, sentences: list[Sentence], language: str, limit: int, salience: Salience
) -> tuple[list[Actor], list[str]]:
    if limit <= 0:
        return [], []
    if not ner.has_pipeline(language):
        return [], [f'no named-entity model for "{language}"; actors not extracted']
    found = ner.entities(text, language)
    scores = salience.scores(SALIENCE)
    return build_actors(text, found, sentences, language=language, limit=limit, salience=scores), []


def extract(
    text: str,
    options: Options,
    *,
    title: str | None = None,
    language: str | None = None,
    on_actors: Callable[[list[Actor]], None] | None = None,
) -> ExtractiveDigest:
    """Summary, figures and actors of ``text``; deterministic, everything grounded.

    ``on_actors`` is called with the actors as soon as they are known, before the ranking: the
    pipeline has the grounding helper find the quotes' speakers meanwhile.
    """
    code = _language(text, language)
    sentences = split(text, code)
    salience = analyze(text, sentences, language=code, title=title)
    actors, warnings = _actors(text, sentences, code, options.max_actors, salience)
    if on_actors is not None:
        on_actors(actors)
    chosen = rank(text, sentences, options.summary_sentences, salience=salience)
    figures = rank_figures(
        text,
        sentences,
        language=code,
        summary=chosen,
        title=title,
        salience=salience,
        limit=options.max_figures,
    )
    summary, summary_sentences = _summary(text, chosen)
    bullets = _short_forms(text, sentences, options, salience, warnings)
    return ExtractiveDigest(summary, summary_sentences, figures, actors, code, warnings, bullets)


def _short_forms(
    text: str, sentences: list[Sentence], options: Options, salience: Salience, warnings: list[str]
) -> list[SummarySentence]:
    """Bullets from the ranked sentences; a warning for each form this engine does not write."""
    for name in ("headline", "dek"):
        if name in options.formats:
            warnings.append(f"{name} is null: the extractive engine writes none, it quotes the article")
    if "bullets" not in options.formats:
        return []
    bullets = _summary(text, rank(text, sentences, BULLETS_MIN, salience=salience))[1]
    if len(bullets) < BULLETS_MIN:
        warnings.append(
            f"only {len(bullets)} bullet{'s' if len(bullets) != 1 else ''} from the article's "
            f"sentences ({BULLETS_MIN}-{BULLETS_MAX} asked)"
        )
    return bullets


def lead(text: str, n_sentences: int, language: str | None = None) -> tuple[str, list[SummarySentence]]:
    """The first ``n_sentences`` body sentences (a headline-like first line is skipped), cited."""
    sentences = [s for s in split(text, _language(text, language)) if not s.headline]
    return _summary(text, sentences[:n_sentences])


def lead_summary(text: str, n_sentences: int) -> str:
    """The text of `lead`."""
    return lead(text, n_sentences)[0]


def candidates(
    text: str, *, language: str | None = None, max_figures: int = 20, max_actors: int = 20
) -> tuple[list[KeyFigure], list[Actor], list[str]]:
    """Ranked candidate figures and actors, and warnings, for a candidate-guided prompt."""
    code = _language(text, language)
    sentences = split(text, code)
    salience = analyze(text, sentences, language=code)
    figures = rank_figures(text, sentences, language=code, salience=salience, limit=max_figures)
    actors, warnings = _actors(text, sentences, code, max_actors, salience)
    return figures, actors, warnings


def build(settings: Settings) -> Engine:
    """The `extractive` engine: no LLM, ready at once."""
    return Engine("extractive", "rules", None)
