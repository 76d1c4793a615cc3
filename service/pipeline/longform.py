"""Articles over the model's context budget: split on paragraph boundaries, digest each part, merge.

Budget: the tokens left for the article in one call are

    context - margin - prompt - reserve

* context: `NEWSBRIEF_CONTEXT_TOKENS`; default `NEWSBRIEF_LOCAL_CTX_TOKENS` for the embedded
  model (its llama.cpp server runs one slot with the whole window), 128000 for `openai`.
* margin: chat-template framing and tokenizer mismatch, 256 tokens + 2% of the context.
* prompt: the template's system and user text without the article, plus the headline, plus
  `CANDIDATE_ALLOWANCE_TOKENS` when the template lists candidates (`summarize@2`).
* reserve: the answer's `max_tokens` twice (the answer, and an earlier answer quoted back in
  one repair turn) plus the repair message.

Hot path: `Planner.split` first bounds tokens by UTF-8 bytes (see `tokens.byte_bound`) for
the article and the template alike; an article that fits by that bound, i.e. every
normal-size article, is never tokenized. Only above it is the article counted (see
`tokens.py`).

Split: on blank lines (paragraphs); a paragraph longer than a part is cut at sentence ends,
a sentence longer than a part at the last space. Parts are balanced in characters, then
each is counted and split again if it still does not fit. A part is an exact substring of
the article and knows its offset.

Merge (`merge_digests`): spans are shifted by the part's offset, so they index the original
article. Figures and actors are taken rank by rank across parts (every part's first pick,
then every part's second, ...), so a cap keeps the most important items of every part
rather than everything of the first part; a figure whose span or text was already taken is a
duplicate; actors with the same name (casefolded) are one actor, whose mentions are the union
of the parts' mentions. The summary is the first part's: news is written lead first, and the
first part's summary is grounded against text of the article like any other. The short forms
of `options.formats` come from the parts the same way (`pipeline.formats.merge_parts`: headline
and dek from the first part, bullets rank by rank). Attempts and tokens are summed; a warning
says in how many parts the article was digested.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from service.engines.local import tokenize_url
from service.errors import ArticleTooLong
from service.llm.client import LLMClient
from service.llm.tokens import EstimateCounter, ServerCounter, TiktokenCounter, TokenCounter, byte_bound
from service.pipeline import formats as short_forms
from service.prompts import PromptTemplate
from service.schema import Actor, Digest, KeyFigure, Options, SummarySentence
from service.settings import Settings

OPENAI_CONTEXT_TOKENS = 128_000  # gpt-4o class; NEWSBRIEF_CONTEXT_TOKENS for other models
MARGIN_TOKENS = 256
CANDIDATE_ALLOWANCE_TOKENS = 1_000  # up to 20 candidate figures and 20 actors, one short line each
PROBLEMS_ALLOWANCE_TOKENS = 300  # the problems a repair message quotes
MIN_PART_TOKENS = 256  # below this the settings leave no room for an article: a configuration error
_FILL = 0.9  # aim parts at 90% of the budget, so most fit at the first count
_MAX_ROUNDS = 6

_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s+")


@dataclass(frozen=True)
class Part:
    """An exact substring of the article: `article[start:end] == text`."""

    start: int
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


# ----------------------------------------------------------------------------- split


def _stripped(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _pieces(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Non-blank spans of text[start:end] between matches of `pattern`."""
    spans, done = [], start
    for match in pattern.finditer(text, start, end):
        spans.append(_stripped(text, done, match.end()))
        done = match.end()
    spans.append(_stripped(text, done, end))
    return [s for s in spans if s is not None]


def _hard_cuts(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """A run without sentence ends: cut at the last whitespace that fits, else at `max_chars`."""
    spans = []
    while end - start > max_chars:
        limit = start + max_chars
        cut = max((text.rfind(c, start + 1, limit + 1) for c in " \n\t\u00a0"), default=-1)
        cut = cut if cut > start else limit
        piece = _stripped(text, start, cut)
        if piece is not None:
            spans.append(piece)
        start = cut
    piece = _stripped(text, start, end)
    return [*spans, piece] if piece is not None else spans


def _units(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Paragraphs; a paragraph over `max_chars` as sentences; a sentence over it as hard cuts."""
    units: list[tuple[int, int]] = []
    for p_start, p_end in _pieces(text, 0, len(text), _BLANK_LINE):
        if p_end - p_start <= max_chars:
            units.append((p_start, p_end))
            continue
        for s_start, s_end in _pieces(text, p_start, p_end, _SENTENCE_END):
            units.extend(_hard_cuts(text, s_start, s_end, max_chars))
    return units


def split_text(text: str, max_chars: int, offset: int = 0) -> list[Part]:
    """Consecutive parts of at most `max_chars` characters, cut only between units (see `_units`)."""
    parts: list[Part] = []
    first: tuple[int, int] | None = None
    last_end = 0
    for start, end in _units(text, max(1, max_chars)):
        if first is not None and end - first[0] <= max_chars:
            last_end = end
            continue
        if first is not None:
            parts.append(Part(offset + first[0], text[first[0] : last_end]))
        first, last_end = (start, end), end
    if first is not None:
        parts.append(Part(offset + first[0], text[first[0] : last_end]))
    return parts


# ----------------------------------------------------------------------------- plan


def context_tokens(settings: Settings, engine: str) -> int:
    if settings.context_tokens is not None:
        return settings.context_tokens
    return settings.local_ctx_tokens if engine == "local" else OPENAI_CONTEXT_TOKENS


def counter_for(engine: str, llm: LLMClient | None) -> TokenCounter:
    """The engine's token count: the llama.cpp server's own for `local`, tiktoken otherwise."""
    if llm is None:
        return EstimateCounter()
    if engine == "local":
        # The openai client's base_url is the embedded server's `/v1`; /tokenize is beside it.
        return ServerCounter(tokenize_url(str(llm._client.base_url)))
    return TiktokenCounter(llm.model)


def _fixed_prompt(template: PromptTemplate) -> tuple[str, int]:
    """The template's own text (no article, no headline) and the tokens reserved beside text."""
    variables: dict[str, object] = {
        "article": "",
        "title": "",
        "tag": "0" * 12,
        "language": "the language of the article",
        "max_figures": 20,
        "max_actors": 20,
        "summary_sentences": 6,
        "figures": [],
        "actors": [],
        "problems": [],
        "formats": list(template.formats),  # every short form the template can ask for: the longest text
    }
    text = "".join(template.render(p, variables) for p in ("system", "user", "repair"))
    reserve = 2 * int(template.params.get("max_tokens", 1024)) + PROBLEMS_ALLOWANCE_TOKENS
    if template.candidates:
        reserve += CANDIDATE_ALLOWANCE_TOKENS
    return text, reserve


class Planner:
    """Decides whether an article needs parts, and cuts them."""

    def __init__(self, settings: Settings, engine: str, llm: LLMClient | None) -> None:
        self.context_tokens = context_tokens(settings, engine)
        self.margin_tokens = MARGIN_TOKENS + self.context_tokens // 50
        self.max_parts = settings.longform_max_parts
        self.counter = counter_for(engine, llm)
        self._bounded: dict[str, int] = {}  # template sha -> tokens left, template bounded by bytes
        self._counted: dict[str, int] = {}  # template sha -> tokens left, template counted

    def _left_bounded(self, template: PromptTemplate) -> int:
        left = self._bounded.get(template.sha256)
        if left is None:
            text, reserve = _fixed_prompt(template)
            left = self.context_tokens - self.margin_tokens - reserve - byte_bound(text)
            self._bounded[template.sha256] = left
        return left

    async def budget_tokens(self, template: PromptTemplate) -> int:
        """Tokens left for the article (and headline) in one call of `template`."""
        left = self._counted.get(template.sha256)
        if left is None:
            text, reserve = _fixed_prompt(template)
            left = self.context_tokens - self.margin_tokens - reserve - await self.counter.count(text)
            self._counted[template.sha256] = left
        return left

    def fits_for_sure(self, text: str, title: str | None, template: PromptTemplate) -> bool:
        """The cheap check: no tokenizer, microseconds (a UTF-8 character is at most 4 bytes)."""
        left = self._left_bounded(template)
        chars = len(text) + (len(title) if title else 0)
        if chars * 4 <= left:
            return True
        return chars <= left and byte_bound(text) + (byte_bound(title) if title else 0) <= left

    async def split(self, text: str, title: str | None, template: PromptTemplate) -> list[Part]:
        """[] when the article fits one call (almost always); else its parts, each within the budget."""
        if self.fits_for_sure(text, title, template):
            return []
        left = await self.budget_tokens(template) - (byte_bound(title) if title else 0)
        if left < MIN_PART_TOKENS:
            raise ArticleTooLong(
                f"the prompt leaves {max(left, 0)} tokens of a {self.context_tokens}-token context for the "
                "article; raise NEWSBRIEF_CONTEXT_TOKENS"
            )
        total = await self.counter.count(text)
        if total <= left:
            return []
        parts = await self._fitted(text, total, left)
        if len(parts) > self.max_parts:
            raise ArticleTooLong(
                f"the article has about {total} tokens and would need {len(parts)} parts of at most "
                f"{left} tokens; the limit is {self.max_parts} parts"
            )
        return parts

    async def _fitted(self, text: str, total: int, left: int) -> list[Part]:
        done: list[Part] = []
        pending = [(Part(0, text), total)]
        for _ in range(_MAX_ROUNDS):
            again: list[tuple[Part, int]] = []
            for part, tokens in pending:
                if tokens <= left:
                    done.append(part)
                    continue
                count = math.ceil(tokens / (left * _FILL))
                max_chars = max(1, math.ceil(len(part.text) / count * 1.05))
                for piece in split_text(part.text, max_chars, offset=part.start):
                    again.append((piece, await self.counter.count(piece.text)))
            pending = again
            if not pending:
                return sorted(done, key=lambda p: p.start)
        raise ArticleTooLong(f"the article could not be cut into parts of at most {left} tokens")


# ----------------------------------------------------------------------------- digest and merge


@dataclass
class Merged:
    """One digest's content from the digests of all parts."""

    sentences: list[SummarySentence]  # the first part's, support spans shifted into the article
    figures: list[KeyFigure]
    actors: list[Actor]
    warnings: list[str]
    degraded: bool
    model: str
    forms: short_forms.ShortForms  # headline, dek and bullets, spans shifted (warnings are in `warnings`)


def _shift(span: Sequence[int], by: int) -> list[int]:
    return [span[0] + by, span[1] + by]


def _by_rank(counts: Sequence[int]) -> list[tuple[int, int]]:
    """(part index, item index) pairs: every part's first item, then every part's second, ..."""
    pairs = [(rank, k) for k, count in enumerate(counts) for rank in range(count)]
    return [(k, rank) for rank, k in sorted(pairs)]


def merge_digests(parts: Sequence[Part], digests: Sequence[Digest], options: Options) -> Merged:
    """The parts' digests as one digest of the whole article (see the module docstring)."""
    figures: list[KeyFigure] = []
    seen_spans: set[tuple[int, int]] = set()
    seen_texts: set[str] = set()
    part_figures = [d.key_figures for d in digests]
    for k, rank in _by_rank([len(f) for f in part_figures]):
        figure = part_figures[k][rank]
        span = _shift(figure.span, parts[k].start)
        text_key = " ".join(figure.text.split()).casefold()
        if (span[0], span[1]) in seen_spans or text_key in seen_texts:
            continue
        seen_spans.add((span[0], span[1]))
        seen_texts.add(text_key)
        figures.append(figure.model_copy(update={"span": span}))

    actors: dict[str, Actor] = {}
    part_actors = [d.actors for d in digests]
    for k, rank in _by_rank([len(a) for a in part_actors]):
        actor = part_actors[k][rank]
        mentions = [_shift(m, parts[k].start) for m in actor.mentions]
        known = actors.get(actor.name.casefold())
        if known is None:
            actors[actor.name.casefold()] = actor.model_copy(update={"mentions": mentions})
        else:
            union = {(m[0], m[1]) for m in [*known.mentions, *mentions]}
            known.mentions = [list(m) for m in sorted(union)]

    n = len(parts)
    warnings = [f"the article was digested in {n} parts: it does not fit the model's context in one"]
    for k, d in enumerate(digests):
        # Only the first part's summary is used, so the other parts' summary notes do not apply;
        # a part's few bullets are counted in the merged list instead.
        notes = [
            w
            for w in d.warnings
            if (k == 0 or not w.startswith(("summary ", "dropped summary ")))
            and not short_forms.is_few_bullets_warning(w)
        ]
        warnings += [w if k == 0 else f"part {k + 1} of {n}: {w}" for w in notes]
    starts, texts = [p.start for p in parts], [p.text for p in parts]
    forms = short_forms.merge_parts(starts, texts, digests, options.formats)
    warnings += forms.warnings
    first = digests[0]
    return Merged(
        sentences=[
            s.model_copy(update={"support": [_shift(span, parts[0].start) for span in s.support]})
            for s in first.sentences
        ],
        figures=figures[: options.max_figures],
        actors=list(actors.values())[: options.max_actors],
        warnings=list(dict.fromkeys(warnings)),
        degraded=first.provenance.degraded,
        model=first.provenance.model,
        forms=forms,
    )
