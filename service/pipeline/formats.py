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

An article digested in parts (`pipeline.longform`) gets its short forms from the parts, each part
grounded and repaired against its own text like a whole article:

* `for_part`: the first part is asked for every asked form (news is written lead first, and
  the merged summary is the first part's too); parts 2 to `BULLETS_MAX` (5) for bullets only;
  the rest for none (a later part's bullets could never pass the cap);
* `merge_parts`: headline and dek are the first part's; bullets are taken rank by rank across
  parts (every part's first, then every part's second, ...), support spans shifted into the
  article, a bullet whose text was already taken, or whose cited article text another part's
  bullet cited, left out as a duplicate, at most 5. The per-part "only N bullets" notes give way
  to one about the merged list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from service.grounding.answer import Grounded
from service.grounding.formats import FormatsGrounded
from service.prompts import PromptTemplate
from service.schema import BULLETS_MAX, BULLETS_MIN, Digest, Format, Options, SummarySentence


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


_FEW_BULLETS_END = f"supported by the article ({BULLETS_MIN}-{BULLETS_MAX} asked); none added"


def few_bullets_warning(count: int) -> str:
    return f"only {count} bullet{'s' if count != 1 else ''} {_FEW_BULLETS_END}"


def is_few_bullets_warning(warning: str) -> bool:
    return warning.startswith("only ") and warning.endswith(_FEW_BULLETS_END)


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


def for_part(formats: Sequence[Format], index: int) -> list[Format]:
    """The short forms part `index` (0-based) of a long article is asked for (module docstring)."""
    if index == 0:
        return list(formats)
    return ["bullets"] if "bullets" in formats and index < BULLETS_MAX else []


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def merge_parts(
    starts: Sequence[int], texts: Sequence[str], digests: Sequence[Digest], formats: Sequence[Format]
) -> ShortForms:
    """The short forms of a long article from its parts' digests: part k is `texts[k]`, at offset
    `starts[k]` of the article; each digest's spans index its part (module docstring)."""
    first = digests[0]
    result = ShortForms(headline=first.headline, dek=first.dek)
    if "bullets" not in formats:
        return result
    seen_texts: set[str] = set()
    cited_by: dict[str, int] = {}  # cited article text -> the part whose bullet cited it
    for rank, k in sorted((rank, k) for k, d in enumerate(digests) for rank in range(len(d.bullets))):
        bullet = digests[k].bullets[rank]
        text = _key(bullet.text)
        # The same fact in two parts (a long read repeats itself) is one bullet, however it is
        # worded; within one part, two bullets may state two facts of one sentence, as in one call.
        cited = " | ".join(_key(texts[k][s:e]) for s, e in bullet.support)
        if text in seen_texts or cited_by.get(cited, k) != k:
            continue
        seen_texts.add(text)
        cited_by.setdefault(cited, k)
        support = [[s + starts[k], e + starts[k]] for s, e in bullet.support]
        result.bullets.append(bullet.model_copy(update={"support": support}))
        if len(result.bullets) == BULLETS_MAX:
            break
    if len(result.bullets) < BULLETS_MIN:
        result.warnings.append(few_bullets_warning(len(result.bullets)))
    return result
