"""The long-lived objects of one process (catalogue, engine, LLM client, embedded server).

`open_runtime` is the one place they are built and closed; the FastAPI lifespan and
the CLI both use it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import anyio.to_thread
import structlog

from service.cache.base import DigestCache
from service.cache.memory import MemoryStore
from service.engines.local import LocalServer, model_label, model_path
from service.engines.openai_engine import make_client, openai_llm
from service.grounding.pool import Grounder
from service.llm.breaker import CircuitBreaker
from service.llm.client import LLMClient
from service.llm.quota.base import UpstreamLimiter
from service.llm.quota.memory import memory_limiter
from service.metrics import Metrics
from service.outage import OutageCollector
from service.pipeline.summarize import Engine, Pipeline
from service.prompts import Catalogue
from service.settings import Settings

if TYPE_CHECKING:
    from redis.asyncio import Redis

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
    redis: Redis | None = None  # with NEWSBRIEF_REDIS_URL: cache, LLM budget and jobs are shared there

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


def _shared_state(settings: Settings) -> tuple[Redis | None, DigestCache, UpstreamLimiter | None]:
    """The digest cache and LLM budget of this process, or shared through Redis (`NEWSBRIEF_REDIS_URL`)."""
    if settings.redis_url:
        from service import backends as redisstate  # noqa: PLC0415 - only Redis deployments import the client

        redis = redisstate.connect(settings)
        return redis, redisstate.shared_cache(settings, redis), redisstate.shared_limiter(settings, redis)
    store = (
        MemoryStore(settings.cache_max_entries, settings.cache_ttl_s) if settings.cache_max_entries else None
    )
    return None, DigestCache(store), memory_limiter(settings)


def _bind_metrics(metrics: Metrics, breaker: CircuitBreaker) -> None:
    """Scrape-time readers: the breaker's state and the errors of the shared state (Redis, job store)."""
    metrics.bind_circuit(lambda: breaker.state)
    metrics.registry.register(OutageCollector())


@contextlib.asynccontextmanager
async def open_runtime(settings: Settings, *, metrics: Metrics | None = None) -> AsyncIterator[Runtime]:
    """Build everything; the embedded model loads in the background (see `Runtime.ready`)."""
    catalogue = Catalogue(settings.prompts_dir)
    kind = settings.resolved_engine()
    server: LocalServer | None = None
    if kind == "extractive" or settings.on_llm_failure == "degrade":
        await anyio.to_thread.run_sync(_warm_up_nlp)
    if kind == "extractive":
        engine = Engine("extractive", "rules", None, ready=True)
    elif kind == "openai":
        engine = Engine("openai", settings.model, openai_llm(settings), ready=True)
    else:
        path = model_path(settings)
        server = LocalServer(settings, path)
        client = make_client(settings, base_url=server.base_url, api_key="local")
        label = model_label(path)
        llm = LLMClient(client, model=label, settings=settings, use_local_params=True, label=label)
        engine = Engine("local", llm.model, llm, ready=False)
    breaker = CircuitBreaker(
        settings.breaker_failures,
        settings.breaker_cooldown_s,
        on_change=metrics.circuit_changed if metrics is not None else None,
    )
    redis, cache, limiter = _shared_state(settings)
    if engine.llm is not None:
        engine.llm.instrument(breaker=breaker, metrics=metrics, limiter=limiter)
    if metrics is not None:
        _bind_metrics(metrics, breaker)
    grounder = Grounder(settings.resolved_grounding_workers())
    if engine.llm is not None:
        await grounder.start()
    pipeline = Pipeline(settings, catalogue, engine, cache, grounder)
    runtime = Runtime(settings, catalogue, engine, pipeline)
    runtime.breaker, runtime.metrics, runtime.redis = breaker, metrics, redis
    task = None
    if server is not None and engine.llm is not None:
        task = asyncio.create_task(_start_local(runtime, server, engine.llm))
    else:
        runtime.ready.set()
    try:
        yield runtime
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if engine.llm is not None:
            await engine.llm.aclose()
        if server is not None:
            server.stop()
        grounder.close()
        if redis is not None:
            await redis.aclose()
