"""`create_app()`: settings read once, runtime owned by the lifespan, one error handler set."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from service.backends import Backends
from service.http.drain import Drain, DrainGuard
from service.http.gate import Gate
from service.http.gcpolicy import paced_collections
from service.http.jobs import hooks_router, jobs_router
from service.http.observe import RequestObserver
from service.http.openapi import document
from service.http.problems import RequestGuard, install_handlers
from service.http.review import router as review_router
from service.http.routes import ops, v1
from service.http.tracing import instrument_app
from service.logs import configure_logging
from service.metrics import Metrics
from service.runtime import open_runtime
from service.schema import Digest
from service.settings import Settings

DOCS_ASSETS = "/docs/assets"


def create_app(settings: Settings | None = None) -> FastAPI:
    """The ASGI app; `settings` defaults to the environment, read here and only here."""
    settings = settings or Settings()
    configure_logging(settings.log_level)
    metrics = Metrics()  # one registry per app: tests run several apps in one process
    # Built here, not in the lifespan: the gate (a middleware) needs its rate-limit store now.
    backends = Backends.choose(settings)
    rate_limits = backends.rate_limits()
    drain = Drain(settings.drain_grace_s)  # `newsbrief serve` begins it at SIGTERM (service/http/drain.py)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        drain.bind(asyncio.get_running_loop())
        # uvicorn runs the shutdown half only after in-flight requests finished (or the
        # grace period ran out), so clients are closed under no request.
        async with (
            open_runtime(settings, metrics=metrics, backends=backends, long_lived=True) as runtime,
            backends.open_jobs(runtime) as jobs,
        ):
            app.state.runtime = runtime
            app.state.jobs = jobs
            # the collector when garbage built up, or on a clock at quiet moments (service/http/gcpolicy.py)
            async with paced_collections(in_flight=drain.in_flight):
                yield
        await rate_limits.aclose()
        await backends.aclose()

    # FastAPIOffline: /docs and /redoc load Swagger UI and ReDoc from DOCS_ASSETS on this service
    # (files shipped in the fastapi-offline wheel, licences there), not from a CDN: they work offline.
    app = FastAPIOffline(
        static_url=DOCS_ASSETS,
        swagger_ui_parameters={"validatorUrl": None},  # no badge fetched from validator.swagger.io
        title="newsbrief",
        version="0.1.0",
        summary="Grounded news digests: summary, key figures and actors, each checked against the article.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.drain = drain
    app.state.digest_schema = Digest.model_json_schema()
    app.include_router(v1)
    app.include_router(jobs_router)
    app.include_router(hooks_router)
    app.include_router(ops)
    app.include_router(review_router)  # GET /review: the editor's page (static; it calls /v1)
    install_handlers(app)
    app.add_middleware(RequestGuard, max_body_bytes=settings.max_body_bytes)
    # In-flight bound, API keys, rate limits and HTTP metrics for every route, later routers included.
    app.add_middleware(Gate, settings=settings, metrics=metrics, store=rate_limits, routes=app.router.routes)
    # Inside the observer, so a request cut off by the SIGTERM drain is logged with its 503.
    app.add_middleware(DrainGuard, drain=drain)
    app.add_middleware(RequestObserver)  # outermost: times and logs everything, errors included
    generate_openapi = app.openapi
    app.openapi = lambda: document(generate_openapi())  # type: ignore[method-assign]
    instrument_app(app, settings)
    return app
