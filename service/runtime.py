"""The long-lived objects of one process (catalogue, engine, LLM client, embedded server).

`open_runtime` is the one place they are built and closed; the FastAPI lifespan and
the CLI both use it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import anyio.to_thread
import structlog

from service import engines
from service.backends import Backends
from service.engines.base import Engine
from service.engines.local import LocalServer
from service.grounding.pool import Grounder
from service.llm.breaker import CircuitBreaker
from service.llm.client import LLMClient
from service.llm.guards import around
from service.metrics import Metrics
from service.outage import OutageCollector
from service.pipeline.summarize import Pipeline
from service.prompts import Catalogue
from service.settings import Settings
from service.tasks import cancel_and_wait

log = structlog.get_logger("newsbrief.runtime")


@dataclass
class Runtime:
    settings: Settings
    catalogue: Catalogue
    engine: Engine
    pipeline: Pipeline
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    startup_error: str | None = None
    breaker: CircuitBreaker | None = None  # around the engine's LLM client
    metrics: Metrics | None = None  # the app's; None in the CLI
    backends: Backends | None = None  # memory or Redis: where the cache, quotas and jobs live

    async def wait_ready(self, timeout_s: float = 120.0) -> None:
        async with asyncio.timeout(timeout_s):
            await self.ready.wait()
        if self.startup_error:
            raise RuntimeError(self.startup_error)


async def _start_local(runtime: Runtime, server: LocalServer, llm: LLMClient) -> None:
    try:
        await anyio.to_thread.run_sync(server.start)
        for _ in range(600):
            if await llm.ping():
                break
            await asyncio.sleep(0.1)
        else:
            raise RuntimeError("the embedded model server did not answer within 60 s")
        log.info("local_model_ready", model=llm.model, port=server.port)
    except Exception as exc:  # readiness reports it; the process stays up for /healthz
        runtime.startup_error = f"embedded model failed to start: {exc}"
        log.error("local_model_failed", error=str(exc))
    else:
        runtime.engine.ready = True
    finally:
        runtime.ready.set()


def _warm_up_nlp() -> None:
    """Load the NER pipeline and language identifier once (1-2 s) before the first request needs them."""
    from service.nlp import language, ner  # noqa: PLC0415 - heavy imports, only when used

    ner.pipeline("en")
    language.detect("warm up the language identifier with a short sentence")


def _bind_metrics(metrics: Metrics, breaker: CircuitBreaker) -> None:
    """Scrape-time readers: the breaker's state and the errors of the shared state (Redis, job store)."""
    metrics.bind_circuit(lambda: breaker.state)
    metrics.registry.register(OutageCollector())


@contextlib.asynccontextmanager
async def open_runtime(
    settings: Settings,
    *,
    metrics: Metrics | None = None,
    backends: Backends | None = None,
    long_lived: bool = False,
) -> AsyncIterator[Runtime]:
    """Build everything; the embedded model loads in the background (see `Runtime.ready`).

    `backends`: the app's (it built the gate's rate limits from them, and closes them); None
    chooses them here (the CLI, `newsbrief worker`) and closes them at the end. `long_lived`: it
    answers many articles (the server, `newsbrief worker`), so the extractive engine starts the
    grounding helper too; a one-shot command's one article would wait for the helper to start.
    """
    owned = backends is None
    backends = backends or Backends.choose(settings)
    catalogue = Catalogue(settings.prompts_dir)
    kind = settings.resolved_engine()
    if kind == "extractive" or settings.on_llm_failure == "degrade":
        await anyio.to_thread.run_sync(_warm_up_nlp)
    engine = engines.build(settings)
    server = engine.server
    breaker = CircuitBreaker(
        settings.breaker_failures,
        settings.breaker_cooldown_s,
        on_change=metrics.circuit_changed if metrics is not None else None,
    )
    cache = backends.digest_cache()
    if engine.llm is not None:
        quota = backends.upstream_quota()
        engine.llm.upstream = around(engine.llm.upstream, breaker=breaker, metrics=metrics, quota=quota)
    if metrics is not None:
        _bind_metrics(metrics, breaker)
    grounder = Grounder(settings.resolved_grounding_workers())
    if engine.llm is not None or long_lived:
        # an LLM engine's answers are grounded there; the extractive engine has the helper find
        # its quotes and their speakers while its own NER and ranking run
        await grounder.start()
    pipeline = Pipeline(settings, catalogue, engine, cache, grounder=grounder, metrics=metrics)
    runtime = Runtime(settings, catalogue, engine, pipeline)
    runtime.breaker, runtime.metrics, runtime.backends = breaker, metrics, backends
    task = None
    if server is not None and engine.llm is not None:
        task = asyncio.create_task(_start_local(runtime, server, engine.llm))
    else:
        runtime.ready.set()
    try:
        yield runtime
    finally:
        await cancel_and_wait(task)
        if engine.llm is not None:
            await engine.llm.aclose()
        if server is not None:
            server.stop()
        grounder.close()
        if owned:
            await backends.aclose()
