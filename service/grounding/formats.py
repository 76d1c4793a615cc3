"""Ground the short forms of an answer (`options.formats`): headline, dek and bullets.

The same rule as the summary: nothing the article does not say. Each is judged by the judge
of summary sentences (`answer._judge`): every number and proper name must be in the article,
and the support checker must tie what it says to one or two article sentences.

* a bullet is judged like one summary sentence and, when supported, carries the article spans
  that state it (`support`);
* the dek is split into sentences and every one must be supported;
* the headline is judged as one sentence. Headlines are telegraphic ("Council approves
  £1.6bn for schools"): the checker weighs stemmed content words, so a dropped article or
  auxiliary and a present tense cost nothing, while a name, a number or a claim the article
  does not make fails it. A capitalised word the article does not have reads as a name
  and fails it (headline case or not), so the prompt asks for sentence case and the
  article's own words;
* over-length (headline > 100, dek > 160 characters), markup, a missing form or fewer than 3
  bullets is a problem too; more than 5 bullets are cut to 5, as extra figures are.

A failing item is reported as a problem that quotes it: the pipeline re-asks once with the
problems quoted, then drops what still fails with a warning (`pipeline.formats`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from service.grounding.support.check import split_summary
from service.schema import (
    BULLETS_MAX,
    BULLETS_MIN,
    DEK_MAX_CHARS,
    FORMATS,
    HEADLINE_MAX_CHARS,
    SentenceVerdict,
    SummarySentence,
)

Judge = Callable[[str, str, str], SentenceVerdict]  # (article, sentence, language) -> verdict

_MARKUP = re.compile(r"</?[A-Za-z][^>]*>|```|\*\*|^#+\s")
_BULLET_MARK = re.compile(r"^\s*(?:[-*•·–]|\d+[.)])\s+")  # "- ", "• ", "1. " before the text
_LIMITS = {"headline": HEADLINE_MAX_CHARS, "dek": DEK_MAX_CHARS}


@dataclass
class FormatsGrounded:
    """The short forms of one answer after grounding; a form that failed is None / left out."""

    asked: tuple[str, ...]
    headline: str | None = None
    dek: str | None = None
    bullets: list[SummarySentence] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # headline/dek -> the problem that quotes it
    unsupported_bullets: list[str] = field(default_factory=list)  # problems, each quoting its bullet
    bullet_issues: list[str] = field(default_factory=list)  # too few, not a list

    @property
    def problems(self) -> list[str]:
        """What a repair re-ask quotes back to the model (empty when every asked form is fine)."""
        return [*self.failed.values(), *self.unsupported_bullets, *self.bullet_issues]


def _flat(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _reasons(verdict: SentenceVerdict) -> str:
    return "; ".join(verdict.problems) or "no sentence of the article states this"


def _short_form(article: str, name: str, value: object, language: str, judge: Judge) -> tuple[str, str]:
    """(text, "") when the headline or dek holds, else ("", the problem quoting it)."""
    text = _flat(value)
    limit = _LIMITS[name]
    if not text:
        return "", f"the answer has no {name}; write one"
    if len(text) > limit:
        return "", f"{name} is {len(text)} characters, over the {limit} allowed: {text!r}"
    if _MARKUP.search(text):
        return "", f"{name} contains markup; write plain text: {text!r}"
    parts = [text] if name == "headline" else split_summary(text, language)
    for part in parts:
        verdict = judge(article, part, language)
        if not verdict.supported:
            quoted = repr(text) if part == text else f"{text!r}, in {part!r}"
            return "", f"{name} not supported by the article: {quoted} ({_reasons(verdict)})"
    return text, ""


def ground_formats(article: str, answer: dict[str, Any], language: str, judge: Judge) -> FormatsGrounded:
    """Judge each short form the answer carries (a key present, even null, means it was asked)."""
    result = FormatsGrounded(asked=tuple(f for f in FORMATS if f in answer))
    for name in ("headline", "dek"):
        if name in answer:
            text, problem = _short_form(article, name, answer[name], language, judge)
            setattr(result, name, text or None)
            if problem:
                result.failed[name] = problem
    if "bullets" in answer:
        raw = answer["bullets"]
        items = raw if isinstance(raw, list) else []
        seen: set[str] = set()
        written = 0
        for item in items:
            text = _BULLET_MARK.sub("", _flat(item))
            if not text or text.casefold() in seen:
                continue
            seen.add(text.casefold())
            written += 1
            if written > BULLETS_MAX:
                break
            verdict = judge(article, text, language)
            if verdict.supported:
                result.bullets.append(SummarySentence(text=text, support=verdict.support))
            else:
                result.unsupported_bullets.append(
                    f"bullet not supported by the article: {text!r} ({_reasons(verdict)})"
                )
        if written < BULLETS_MIN:
            result.bullet_issues.append(
                f"write {BULLETS_MIN} to {BULLETS_MAX} bullets; the answer has {written}"
            )
    return result
