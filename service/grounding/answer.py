"""Turn a schema-valid model answer into grounded figures, actors and summary sentences.

Only items found in the article survive; their text and spans are the article's own,
and value/unit come from our number parser, never from the model.  The summary is checked
sentence by sentence (`service.grounding.support`): a sentence survives with the article spans
that state it, or is set aside with the reasons it is not supported (a repair re-ask quotes
them; after the last attempt the sentence is dropped with a warning that quotes it).
The short forms a request asks for (headline, dek, bullets) are judged the same way
(`service.grounding.formats`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, get_args

from service.grounding.formats import FormatsGrounded, ground_formats
from service.grounding.locate import (
    actor_mentions,
    article_language,
    ground_figure,
    prepare_article,
    summary_problems,
)
from service.grounding.quotes import article_quotes
from service.grounding.support.check import check_sentence, prepare_support, split_summary
from service.nlp.numbers import parse_number
from service.schema import (
    FORMATS,
    Actor,
    ActorKind,
    FigureKind,
    KeyFigure,
    Options,
    Quote,
    SentenceVerdict,
    SummarySentence,
    Verification,
)

_FIGURE_KINDS: frozenset[str] = frozenset(get_args(FigureKind))
_ACTOR_KINDS: frozenset[str] = frozenset(get_args(ActorKind))
_PARSER_DECIDES = frozenset({"money", "percent", "date"})
_MARKUP = re.compile(r"</?[A-Za-z][^>]*>|<[a-z]+:|```")
_MIN_SUMMARY_WORDS = 6
_CAPPED_SCORE = 0.5  # a sentence with a number or name the article lacks scores at most this
_JUNK = re.compile(r"[_<>{}\[\]|\\=]|https?:|\.json\b")  # identifiers, markup, file names


@dataclass(frozen=True)
class Unsupported:
    """A summary sentence the article does not support, and why."""

    text: str
    reasons: tuple[str, ...]

    def problem(self) -> str:
        """The sentence and its reasons, as quoted to the model and in the warning."""
        return f"summary sentence not supported by the article: {self.text!r} ({'; '.join(self.reasons)})"


@dataclass
class Grounded:
    """One model answer after grounding."""

    summary_issues: list[str]  # problems of the summary as a whole (markup, too short)
    sentences: list[SummarySentence] = field(default_factory=list)  # supported, in order
    unsupported: list[Unsupported] = field(default_factory=list)
    figures: list[KeyFigure] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # warnings, one per dropped item
    formats: FormatsGrounded | None = None  # the short forms, when the request asked for any
    # (actors, (quotes, actors with new speakers)) when the helper found the quotes in the same trip
    quotes: tuple[list[Actor], tuple[list[Quote], list[Actor]]] | None = None

    @property
    def summary(self) -> str:
        return " ".join(s.text for s in self.sentences)

    @property
    def problems(self) -> list[str]:
        """What a repair re-ask should quote back to the model."""
        return [
            *self.dropped,
            *(f"summary: {issue}" for issue in self.summary_issues),
            *(u.problem() for u in self.unsupported),
            *(self.formats.problems if self.formats else ()),
        ]


def _clean_note(article: str, note: str, label: str, warnings: list[str], language: str) -> str:
    """Keep a free-text note (context, role) only when its numbers and names are in the article."""
    note = " ".join(note.split())
    if note and _JUNK.search(note):
        warnings.append(f"removed {label} that is not prose: {note!r}")
        return ""
    if note and summary_problems(article, note, language=language):
        warnings.append(f"removed {label} with facts not in the article: {note!r}")
        return ""
    return note


def _prose_problems(summary: str) -> list[str]:
    words = [w for w in summary.split() if any(c.isalpha() for c in w)]
    if _MARKUP.search(summary):
        return ["the summary contains markup; write plain sentences"]
    if len(words) < _MIN_SUMMARY_WORDS:
        return [f"the summary has {len(words)} words; write full sentences"]
    return []


def warm_article(article: str, language: str | None = None) -> None:
    """Analyse the article for grounding and support ahead of the answer (fills the caches).

    The pipeline asks for this while the LLM call is in flight, so grounding the answer later
    costs only the answer's own items.
    """
    language = article_language(article, language)
    prepare_article(article, language)
    prepare_support(article, language)
    article_quotes(article, language)


def warm_quotes(article: str, language: str | None = None) -> None:
    """Find the article's quotes ahead of its digest (the extractive engine asks while its NER runs)."""
    article_quotes(article, article_language(article, language))


def _judge(article: str, sentence: str, language: str) -> SentenceVerdict:
    """The support checker's verdict, and every number and proper name must be in the article."""
    missing = summary_problems(article, sentence, language=language)
    verdict = check_sentence(article, sentence, language=language)
    supported = verdict.supported and bool(verdict.spans) and not missing
    problems = list(dict.fromkeys([*missing, *verdict.problems]))
    if not supported and not problems:
        problems = ["no sentence of the article states this"]
    return SentenceVerdict(
        text=sentence,
        supported=supported,
        score=round(min(verdict.score, _CAPPED_SCORE) if missing else verdict.score, 3),
        support=[list(span) for span in verdict.spans] if supported else [],
        problems=problems,
    )


def verify_summary(article: str, summary: str, *, language: str | None = None) -> Verification:
    """`POST /v1/verify`: each sentence of a summary written elsewhere, checked against the article."""
    language = article_language(article, language)
    verdicts = [_judge(article, s, language) for s in split_summary(" ".join(summary.split()), language)]
    return Verification(supported=all(v.supported for v in verdicts), sentences=verdicts)


def support_sentences(
    article: str, summary: str, language: str
) -> tuple[list[SummarySentence], list[Unsupported]]:
    """The summary's sentences the article supports (with their spans), and the others with reasons."""
    kept: list[SummarySentence] = []
    rejected: list[Unsupported] = []
    for sentence in split_summary(summary, language):
        verdict = _judge(article, sentence, language)
        if verdict.supported:
            kept.append(SummarySentence(text=sentence, support=verdict.support))
        else:
            rejected.append(Unsupported(sentence, tuple(verdict.problems)))
    return kept, rejected


def ground_answer(article: str, answer: dict[str, Any], *, language: str | None = None) -> Grounded:
    """Ground every figure, actor and summary sentence of a `summarize@1`-shaped answer.

    Numbers are read by `language`'s rules (the request's; None: the article's detected language).
    """
    language = article_language(article, language)
    summary = " ".join(str(answer.get("summary", "")).split())
    issues = _prose_problems(summary)
    result = Grounded(summary_issues=issues)
    if not issues:
        result.sentences, result.unsupported = support_sentences(article, summary, language)
    seen_spans: set[tuple[int, int]] = set()
    for item in answer.get("key_figures", []):
        raw = str(item.get("text", ""))
        found = ground_figure(article, raw, language=language)
        if found is None:
            result.dropped.append(f"dropped figure not found in the article: {raw!r}")
            continue
        text, span = found
        if span in seen_spans:
            continue
        seen_spans.add(span)
        parsed = parse_number(text, language)
        model_kind = str(item.get("kind", "other"))
        kind = (
            parsed.kind if parsed.kind in _PARSER_DECIDES or model_kind not in _FIGURE_KINDS else model_kind
        )
        context = _clean_note(
            article, str(item.get("context", "")), "figure context", result.dropped, language
        )
        result.figures.append(
            KeyFigure(
                text=text, span=list(span), value=parsed.value, unit=parsed.unit, kind=kind, context=context
            )
        )
    seen_names: set[str] = set()
    for item in answer.get("actors", []):
        raw = str(item.get("name", ""))
        kind = str(item.get("kind", "other"))
        kind = kind if kind in _ACTOR_KINDS else "other"
        found_actor = actor_mentions(article, raw, kind)
        if found_actor is None:
            result.dropped.append(f"dropped actor not found in the article: {raw!r}")
            continue
        name, mentions = found_actor
        if name.casefold() in seen_names:
            continue
        seen_names.add(name.casefold())
        role = _clean_note(article, str(item.get("role", "")), "actor role", result.dropped, language)
        result.actors.append(
            Actor(name=name, kind=kind, role=role or None, mentions=[list(m) for m in mentions])
        )
    if any(f in answer for f in FORMATS):
        result.formats = ground_formats(article, answer, language, _judge)
    return result


def merge(final: Grounded, earlier: list[Grounded], options: Options) -> tuple[list[KeyFigure], list[Actor]]:
    """Grounded items of the final answer first, then any the earlier answers found; capped."""
    figures = list(final.figures)
    spans = {tuple(f.span) for f in figures}
    actors = list(final.actors)
    names = {a.name.casefold() for a in actors}
    for g in earlier:
        for f in g.figures:
            if tuple(f.span) not in spans:
                spans.add(tuple(f.span))
                figures.append(f)
        for a in g.actors:
            if a.name.casefold() not in names:
                names.add(a.name.casefold())
                actors.append(a)
    return figures[: options.max_figures], actors[: options.max_actors]
