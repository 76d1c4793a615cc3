"""HTTP routes. Long-lived objects arrive through the one `RuntimeDep` dependency."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from service import logs
from service.errors import LLMUnavailable, StorageUnavailable, UnknownPrompt
from service.metrics import CONTENT_TYPE, Metrics
from service.runtime import Runtime
from service.schema import (
    Digest,
    Problem,
    PromptDetail,
    PromptSummary,
    SummarizeRequest,
    Verification,
    VerifyRequest,
)


async def get_runtime(request: Request) -> Runtime:  # async: a sync dependency costs a thread hop
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def client_key_id(request: Request) -> str | None:
    """The id of the caller's API key (a short hash; None when `NEWSBRIEF_API_KEYS` is unset).

    API keys are checked for every `/v1` path by the ASGI gate (`service/http/gate.py`), before
    routing, so no route can forget them; this only reads the gate's result.
    """
    key_id: str | None = getattr(request.state, "key_id", None)
    return key_id


ClientKeyDep = Annotated[str | None, Depends(client_key_id)]


def _problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {s: {"model": Problem, "content": {"application/problem+json": {}}} for s in statuses}


v1 = APIRouter(prefix="/v1", responses=_problems(401, 422))
ops = APIRouter()


@v1.post(
    "/summaries",
    response_model=None,
    responses={200: {"model": Digest}, **_problems(413, 415, 502, 503, 504)},
)
async def create_summary(body: SummarizeRequest, runtime: RuntimeDep) -> Response:
    """Summarize one article synchronously."""
    digest = await runtime.pipeline.summarize(body)
    p = digest.provenance
    logs.annotate(
        engine=p.engine,
        attempts=p.attempts,
        input_tokens=p.usage.input_tokens,
        output_tokens=p.usage.output_tokens,
        cached=p.cached,
        degraded=p.degraded,
    )
    # Serialised once by pydantic's Rust core; a `response_model` would validate it all again.
    return Response(digest.model_dump_json(), media_type="application/json")


@v1.post(
    "/verify",
    response_model=None,
    responses={200: {"model": Verification}, **_problems(413, 415)},
)
async def verify_summary(body: VerifyRequest, runtime: RuntimeDep) -> Response:
    """Check a summary written elsewhere (a person's dek, another model's summary) against its article.

    Each sentence gets `supported`, a `score` in 0..1, the article spans that state it and the
    problems found; `supported` is true when every sentence is. No LLM is called.
    """
    verification = await runtime.pipeline.verify(body)
    return Response(verification.model_dump_json(), media_type="application/json")


@v1.get("/prompts", response_model=list[PromptSummary])
async def list_prompts(runtime: RuntimeDep) -> list[PromptSummary]:
    """The prompt catalogue: names, published versions and labels."""
    cat = runtime.catalogue
    return [
        PromptSummary(name=n, versions=cat.versions(n), labels=cat.labels.get(n, {})) for n in cat.names()
    ]


@v1.get("/prompts/{name}/{version}", response_model=PromptDetail, responses=_problems(404))
async def get_prompt(name: str, version: str, runtime: RuntimeDep) -> PromptDetail:
    """One template, by version number (`1`, `v1`) or label (`production`)."""
    selector = version.removeprefix("v") if version[1:].isdigit() else version
    if len(name) > 64 or len(selector) > 64:
        raise UnknownPrompt("no such prompt")
    t = runtime.catalogue.resolve(f"{name}@{selector}")
    return PromptDetail(
        name=t.name,
        version=t.version,
        sha256=t.sha256,
        description=t.description,
        system=t.system,
        user=t.user,
        output_schema=t.output_schema,
        formats=t.formats,
        params={**t.params, "local": t.local_params},
        labels=runtime.catalogue.labels_of(t.name, t.version),
    )


@v1.get("/schema")
async def digest_schema(request: Request) -> dict[str, Any]:
    """JSON Schema of the `Digest` response."""
    schema: dict[str, Any] = request.app.state.digest_schema
    return schema


@ops.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness: the process serves HTTP."""
    return {"status": "ok"}


# What many load balancers probe with; out of the schema, which would list the operation twice.
ops.add_api_route("/healthz", healthz, methods=["HEAD"], include_in_schema=False)


@ops.get("/readyz", responses=_problems(503))
async def readyz(runtime: RuntimeDep) -> dict[str, str]:
    """Readiness: the engine can answer (the embedded model has loaded) and Redis, when used, answers."""
    if runtime.startup_error:
        raise LLMUnavailable(runtime.startup_error, retry_after_s=30.0)
    if not runtime.engine.ready:
        raise LLMUnavailable("the embedded model is still loading", retry_after_s=1.0)
    redis = runtime.backends.redis if runtime.backends is not None else None
    if redis is not None:
        # Jobs, and the shared cache and quotas, live there: a replica that cannot reach Redis
        # answers only what needs no Redis, so it says so (the client's short timeouts bound this).
        try:
            await redis.ping()
        except Exception as exc:
            reason = f"Redis is unreachable ({type(exc).__name__}); jobs cannot be stored or read"
            raise StorageUnavailable(reason, retry_after_s=5.0) from None
    # An open circuit keeps the replica ready: every replica shares the upstream, and this one
    # still answers (fast 503s with Retry-After, or degraded digests); see the README.
    circuit = runtime.breaker.state if runtime.breaker is not None else "closed"
    return {
        "status": "ready",
        "engine": runtime.engine.name,
        "model": runtime.engine.model,
        "circuit": circuit,
    }


@ops.get(
    "/metrics",
    response_class=Response,
    responses={200: {"description": "Prometheus text format", "content": {CONTENT_TYPE: {}}}},
)
async def metrics(request: Request) -> Response:
    """Prometheus metrics (open unless `NEWSBRIEF_METRICS_PUBLIC=false`)."""
    registry: Metrics = request.app.state.metrics
    return Response(registry.render(), media_type=CONTENT_TYPE)
