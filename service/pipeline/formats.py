"""The short forms of `options.formats` (headline, dek, bullets) on the LLM path.

Asked for only when the request names them: the template renders its `formats` text and
the pipeline adds their schemas (`pipeline.answers`); a request without formats renders and
sends what it always did. Each answer's short forms are grounded beside its summary
(`grounding.formats`); a failing one is re-asked with the rest of the answer's problems, and
after the repair this module picks what survived:

* headline and dek: from the latest answer in which it held; else null, with a warning that
  quotes the last problem;
* bullets: those of the answer with the most supported bullets (the latest on a tie), with a
  warning per dropped bullet, and one more when fewer than 3 survive (never padded).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from service.grounding.answer import Grounded
from service.grounding.formats import FormatsGrounded
from service.prompts import PromptTemplate
from service.schema import BULLETS_MAX, BULLETS_MIN, Options, SummarySentence


@dataclass
class ShortForms:
    """What a digest carries of the asked short forms, and the warnings about the rest."""

    headline: str | None = None
    dek: str | None = None
    bullets: list[SummarySentence] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def variables(template: PromptTemplate, options: Options) -> dict[str, object]:
    """The `formats` template variable, for a template that declares formats."""
    return {"formats": list(options.formats)} if template.formats else {}


def carry(answer: Any, shaped: dict[str, Any], formats: Sequence[str]) -> dict[str, Any]:
    """The short forms of `answer` beside the digest-shaped picks of a candidate-guided answer."""
    return {**shaped, **{f: answer.get(f) for f in formats}} if formats else shaped


def mark_asked(answer: Any, formats: Sequence[str]) -> Any:
    """Every asked form present in the answer (null when the model left it out): grounding reports it."""
    if formats and isinstance(answer, dict):
        for name in formats:
            answer.setdefault(name, None)
    return answer


def few_bullets_warning(count: int) -> str:
    return (
        f"only {count} bullet{'s' if count != 1 else ''} supported by the article "
        f"({BULLETS_MIN}-{BULLETS_MAX} asked); none added"
    )


def pick(answers: list[Grounded], formats: Sequence[str]) -> ShortForms:
    """The short forms the answers grounded (see the module docstring)."""
    result = ShortForms()
    grounded: list[FormatsGrounded] = [a.formats for a in answers if a.formats is not None]
    if not formats or not grounded:
        return result
    for name in ("headline", "dek"):
        if name not in formats:
            continue
        held = [getattr(g, name) for g in grounded if getattr(g, name)]
        if held:
            setattr(result, name, held[-1])
        else:
            last = grounded[-1].failed.get(name, f"the answer has no {name}")
            result.warnings.append(f"dropped {last}")
    if "bullets" in formats:
        best = max(reversed(grounded), key=lambda g: len(g.bullets))
        result.bullets = best.bullets
        result.warnings += [f"dropped {problem}" for problem in best.unsupported_bullets]
        if len(best.bullets) < BULLETS_MIN:
            result.warnings.append(few_bullets_warning(len(best.bullets)))
    return result


def in_parts_warning(formats: Sequence[str]) -> list[str]:
    """An article digested in parts gets no short forms yet: say so rather than guess."""
    if not formats:
        return []
    return [f"{', '.join(formats)} not written: the article was digested in parts (too long for one call)"]
