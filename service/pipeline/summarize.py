"""Article in, digest out: prompt -> LLM -> validate -> ground -> repair (-> degrade).

One `Budget` covers every LLM call of a request: transient retries inside `service.llm.client`
and the re-asks here (malformed JSON, schema violations, grounding failures).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import time
import uuid
from dataclasses import dataclass, replace

import anyio
import anyio.to_thread

from service import logs
from service.cache.base import DigestCache, cache_key
from service.engines import extractive
from service.engines.base import Engine
from service.errors import LLMBadAnswer, LLMError, LLMUnavailable
from service.grounding.answer import Grounded, merge
from service.grounding.pool import Grounder
from service.llm.attempts import Budget
from service.llm.client import LLMClient
from service.llm.upstream import Message
from service.metrics import Metrics
from service.pipeline import answers, candidates, longform
from service.pipeline import formats as short_forms
from service.pipeline.prepare import Article, prepare
from service.prompts import Catalogue, PromptTemplate
from service.schema import (
    Actor,
    Digest,
    EngineName,
    KeyFigure,
    Options,
    PromptRef,
    Provenance,
    Quote,
    SummarizeRequest,
    SummarySentence,
    Usage,
    Verification,
    VerifyRequest,
)
from service.settings import Settings
from service.tasks import alongside, cancel_and_wait, start_from_thread


@dataclass
class _Run:
    """One request in flight."""

    request: SummarizeRequest
    article: Article
    budget: Budget
    started: float
    template: PromptTemplate | None

    @property
    def options(self) -> Options:
        return self.request.options


def _variables(run: _Run) -> dict[str, object]:
    article, request, options = run.article, run.request, run.options
    return {
        "article": article.text,
        "title": article.title or "",
        # Derived from the article, so the article cannot contain its own closing marker.
        "tag": hashlib.sha256(article.text.encode()).hexdigest()[:12],
        "language": request.language or "the language of the article",
        "max_figures": options.max_figures,
        "max_actors": options.max_actors,
        "summary_sentences": options.summary_sentences,
    }


def _new_id() -> str:
    return f"dg_{uuid.uuid4().hex[:24]}"


class Pipeline:
    """Produces `Digest`s; shared by the HTTP API and the CLI."""

    def __init__(
        self,
        settings: Settings,
        catalogue: Catalogue,
        engine: Engine,
        cache: DigestCache,
        *,
        grounder: Grounder | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.settings = settings
        self.metrics = metrics  # every digest counts, a route's or a job's
        self.grounder = grounder or Grounder(0)
        self.cache = cache
        self.catalogue = catalogue
        self.engine = engine
        self.schemas = answers.Schemas()
        self.longform = longform.Planner(settings, engine.name, engine.llm)

    async def summarize(self, request: SummarizeRequest) -> Digest:
        """One digest; identical requests are served from the cache or share one computation."""
        digest = await self._summarize(request)
        if self.metrics is not None:
            self.metrics.record_digest(digest, self.engine.name)
        return digest

    async def _summarize(self, request: SummarizeRequest) -> Digest:
        started = time.monotonic()
        template = (
            None
            if self.engine.llm is None
            else self.catalogue.resolve(request.prompt, self.engine.name, request.options.formats)
        )
        article = await prepare(request, self.settings.max_article_chars)
        key = cache_key(
            text=article.text,
            engine=self.engine.name,
            model=self.engine.model,
            prompt_sha=template.sha256 if template else "",
            # Without formats the key is the one it was before formats existed.
            options=request.options.model_dump(exclude=None if request.options.formats else {"formats"}),
            extra=[request.language, article.title, article.from_html],
        )
        run = _Run(request, article, Budget.start(self.settings), started, template)
        waited = time.perf_counter()
        digest, reused = await self.cache.get_or_compute(key, lambda: self._compute(run))
        if not reused:
            return digest
        logs.add_llm_time(time.perf_counter() - waited)  # a shared computation is LLM time here too
        provenance = digest.provenance.model_copy(
            update={
                "cached": True,
                "latency_ms": round((time.monotonic() - started) * 1000),
                "url": article.url,
            }
        )
        return digest.model_copy(update={"id": _new_id(), "provenance": provenance})

    async def _compute(self, run: _Run) -> tuple[Digest, bool]:
        """(digest, cacheable): a fallback after an LLM failure is not cached."""
        if run.template is None or self.engine.llm is None:
            return await self._extractive(run, warnings=[]), True
        try:
            if not self.engine.ready:
                raise LLMUnavailable("the embedded model is still loading", retry_after_s=2.0)
            parts = await self.longform.split(run.article.text, run.article.title, run.template)
            if parts:  # over the model's context budget: digested in parts (see longform.py)
                return await self._long(self.engine.llm, run.template, run, parts), True
            return await self._with_llm(self.engine.llm, run.template, run), True
        except LLMError as exc:
            if self.settings.on_llm_failure != "degrade":
                raise
            warning = f"LLM failed ({exc.detail}); answered with the extractive digest"
            return await self._extractive(run, warnings=[warning], degraded=True), False

    async def _long(
        self, llm: LLMClient, template: PromptTemplate, run: _Run, parts: list[longform.Part]
    ) -> Digest:
        """Each part through `_with_llm` against its own text, `longform_concurrency` at a time, with
        its own attempts and the request's deadline (`Budget.part`); then merged. The first part
        that fails cancels the others and fails the request, as one call would."""
        digests: list[Digest | None] = [None] * len(parts)
        failures: list[Exception] = []
        limiter = anyio.Semaphore(self.settings.longform_concurrency)

        async def one(index: int) -> None:
            article = replace(run.article, text=parts[index].text, from_html=False)
            # Each part is asked for its share of the short forms (see pipeline/formats.py).
            formats = short_forms.for_part(run.options.formats, index)
            options = run.options.model_copy(update={"formats": formats})
            part_request = run.request.model_copy(update={"options": options})
            part_run = _Run(part_request, article, run.budget.part(), run.started, template)
            async with limiter:
                try:
                    digests[index] = await self._with_llm(llm, template, part_run)
                except Exception as exc:  # re-raised below
                    failures.append(exc)
                    group.cancel_scope.cancel()

        async with anyio.create_task_group() as group:
            for index in range(len(parts)):
                group.start_soon(one, index)
        if failures:
            raise failures[0]
        merged = longform.merge_digests(parts, [d for d in digests if d is not None], run.options)
        return await self._digest(
            run,
            sentences=merged.sentences,
            figures=merged.figures,
            actors=merged.actors,
            model=merged.model,
            warnings=merged.warnings,
            degraded=merged.degraded,
            forms=merged.forms,
        )

    async def _with_llm(self, llm: LLMClient, template: PromptTemplate, run: _Run) -> Digest:
        """Ask, repair and ground; the grounding helper analyses the article meanwhile."""
        async with alongside(self.grounder.warm(run.article.text, language=run.request.language)):
            return await self._ask(llm, template, run)

    async def _ask(self, llm: LLMClient, template: PromptTemplate, run: _Run) -> Digest:
        variables = {**_variables(run), **short_forms.variables(template, run.options)}
        formats = run.options.formats
        found = None
        if template.candidates:
            found = await candidates.find(run.article.text, run.request.language)
            variables.update(found.variables())
        messages: list[Message] = [
            {"role": "system", "content": template.render("system", variables)},
            {"role": "user", "content": template.render("user", variables)},
        ]
        budget = run.budget
        answers: list[Grounded] = []
        grounding_repaired = False
        model = llm.model
        while True:
            try:
                result = await llm.chat(
                    messages,
                    schema=self.schemas.request_schema(template, run.options, found),
                    params=template.params,
                    local_params=template.local_params,
                    budget=budget,
                )
            except LLMError:
                if not answers:
                    raise
                break  # a repair attempt failed: keep what the earlier answers grounded
            model = result.model
            data, problems = self.schemas.parse(
                template, found, tuple(formats), result.content, result.truncated
            )
            if not problems and found is not None:
                shaped, problems = candidates.to_digest_shape(data, found)
                data = short_forms.carry(data, shaped, formats)
            if not problems:
                data = short_forms.mark_asked(data, formats)
                grounded = await self.grounder.ground(
                    run.article.text, data, language=run.request.language, max_actors=run.options.max_actors
                )
                answers.append(grounded)
                if not grounded.problems or grounding_repaired or not budget.can_attempt():
                    break
                grounding_repaired = True
                problems = grounded.problems
            elif not budget.can_attempt():
                if answers:
                    break
                raise LLMBadAnswer(
                    f"no valid digest after {budget.attempts} attempts; last problem: {problems[0]}",
                    attempts=budget.attempts,
                )
            messages += [
                {"role": "assistant", "content": result.content},
                {"role": "user", "content": template.render("repair", {**variables, "problems": problems})},
            ]
        return await self._finish(run, answers, model, found.warnings if found else [])

    async def _finish(self, run: _Run, answers: list[Grounded], model: str, notes: list[str]) -> Digest:
        final = answers[-1]
        figures, actors = merge(final, answers[:-1], run.options)
        warnings = [*notes, *dict.fromkeys(final.dropped)]
        # The summary of the answer with the most supported sentences (the latest on a tie): a
        # repair that made things worse does not cost the sentences the first answer had right.
        best = max(reversed(answers), key=lambda g: (not g.summary_issues, len(g.sentences)))
        warnings += [f"dropped {u.problem()}" for u in best.unsupported]
        sentences, degraded = best.sentences, False
        if best.summary_issues or not sentences:
            reasons = best.summary_issues or ["no sentence of the summary is supported by the article"]
            sentences, degraded = await self._lead(run), True
            warnings.append("summary replaced by leading sentences: " + "; ".join(reasons))
        forms = short_forms.pick(answers, run.options.formats)
        return await self._digest(
            run,
            sentences=sentences,
            figures=figures,
            actors=actors,
            model=model,
            warnings=[*warnings, *forms.warnings],
            degraded=degraded,
            forms=forms,
            grounded=final,
        )

    async def _lead(self, run: _Run) -> list[SummarySentence]:
        """The article's leading sentences (segmentation is CPU work: off the event loop)."""
        call = functools.partial(
            extractive.lead, run.article.text, run.options.summary_sentences, run.request.language
        )
        return (await anyio.to_thread.run_sync(call))[1]

    async def verify(self, request: VerifyRequest) -> Verification:
        """`POST /v1/verify`: a summary written elsewhere, checked against its article."""
        article = await prepare(request, self.settings.max_article_chars)
        verification = await self.grounder.verify(article.text, request.summary, language=request.language)
        if article.from_html:
            verification = verification.model_copy(update={"text": article.text})
        return verification

    async def _extractive(self, run: _Run, *, warnings: list[str], degraded: bool = False) -> Digest:
        call = functools.partial(
            extractive.extract,
            run.article.text,
            run.options,
            title=run.article.title,
            language=run.request.language,
        )
        # CPU work (NER, ranking) off the event loop; meanwhile the grounding helper, on the other
        # core, finds the article's quotes, and their speakers once the NER has named the actors
        # (while the ranking runs), so the digest waits for little or nothing.
        loop = asyncio.get_running_loop()
        speakers: list[asyncio.Task[tuple[list[Quote], list[Actor]]]] = []

        def ask_speakers(actors: list[Actor]) -> None:  # in the worker thread, the NER done
            start_from_thread(
                loop,
                lambda: self.grounder.quotes(
                    run.article.text, actors, language=run.request.language, max_actors=run.options.max_actors
                ),
                speakers,
            )

        call = functools.partial(call, on_actors=ask_speakers if self.grounder.in_helpers else None)
        try:
            async with alongside(
                self.grounder.warm(run.article.text, language=run.request.language, quotes_only=True)
            ):
                result = await anyio.to_thread.run_sync(call)
            found = await speakers[0] if speakers else None
        finally:
            for task in speakers:
                await cancel_and_wait(task)
        return await self._digest(
            run,
            sentences=result.sentences,
            figures=result.figures,
            actors=result.actors,
            model="rules",
            warnings=[*warnings, *result.warnings],
            degraded=degraded,
            engine="extractive",
            forms=short_forms.ShortForms(bullets=result.bullets),
            found_quotes=found,
        )

    async def _digest(
        self,
        run: _Run,
        *,
        sentences: list[SummarySentence],
        figures: list[KeyFigure],
        actors: list[Actor],
        model: str,
        warnings: list[str],
        degraded: bool,
        engine: EngineName | None = None,
        forms: short_forms.ShortForms | None = None,
        grounded: Grounded | None = None,
        found_quotes: tuple[list[Quote], list[Actor]] | None = None,
    ) -> Digest:
        t = run.template
        forms = forms or short_forms.ShortForms()
        if found_quotes is None:
            found_quotes = await self.grounder.quotes(
                run.article.text,
                actors,
                language=run.request.language,
                max_actors=run.options.max_actors,
                grounded=grounded,
            )
        quotes, actors = found_quotes
        return Digest(
            id=_new_id(),
            summary=" ".join(s.text for s in sentences),
            sentences=sentences,
            key_figures=figures,
            actors=actors,
            quotes=quotes,
            headline=forms.headline,
            dek=forms.dek,
            bullets=forms.bullets,
            text=run.article.text if run.article.from_html else None,
            provenance=Provenance(
                engine=engine or self.engine.name,
                model=model,
                prompt=None if t is None else PromptRef(name=t.name, version=t.version, sha256=t.sha256),
                attempts=run.budget.attempts,
                usage=Usage(input_tokens=run.budget.input_tokens, output_tokens=run.budget.output_tokens),
                latency_ms=round((time.monotonic() - run.started) * 1000),
                degraded=degraded,
                title=run.article.title,
                url=run.article.url,
            ),
            warnings=warnings,
        )
